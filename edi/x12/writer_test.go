package x12

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/corpus"
)

// segments reads every segment of data as cloned segments, dropping errors.
func segments(t testing.TB, data []byte) []*Segment {
	r := NewReader(bytes.NewReader(data))
	var out []*Segment
	for {
		seg, err := r.Read()
		if err == io.EOF {
			return out
		}
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatal(err)
		}
		if seg != nil {
			out = append(out, seg.Clone())
		}
	}
}

func TestWriterRoundTrip(t *testing.T) {
	t.Parallel()
	inputs := map[string][]byte{
		"two": []byte(isa401 + "GS*SO*A~ST*309*0001~SE*2*0001~IEA*1*000000001~\n" + isa501 + "GS*FA|HI*A:B^C:D|IEA*1*000000002|"),
	}
	for name, data := range corpus.Read(t, corpus.X12...) {
		inputs[name] = data
	}
	for name, data := range inputs {
		want := segments(t, data)
		var buf bytes.Buffer
		w := NewWriter(&buf)
		for _, s := range want {
			if err := w.WriteSegment(s); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		got := segments(t, buf.Bytes())
		if len(got) != len(want) {
			t.Fatalf("%s: %d segments after the round trip, want %d", name, len(got), len(want))
		}
		for i := range got {
			if got[i].String() != want[i].String() || got[i].Delims != want[i].Delims {
				t.Fatalf("%s: segment %d is %q %+v, want %q %+v", name, i, got[i], got[i].Delims, want[i], want[i].Delims)
			}
		}
	}
}

func TestWriterRedelimit(t *testing.T) {
	t.Parallel()
	in := isa501 + "GS*FA|HI*A:B^C:D|"
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Delims = DefaultDelimiters
	w.Newline = true
	for _, s := range segments(t, []byte(in)) {
		if err := w.WriteSegment(s); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	want := strings.Replace(isa501, "*:|", "*>~\n", 1) + "GS*FA~\nHI*A>B^C>D~\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
	w = NewWriter(io.Discard)
	if err := w.Write("N1", "SH", "A*B"); !errors.Is(err, ErrDelimiterInData) {
		t.Fatalf("a delimiter in data must fail, got %v", err)
	}
}

// FuzzReadWriteRead reads any input, writes what was read, and reads it again: the
// segments must come back the same, and nothing may panic.
func FuzzReadWriteRead(f *testing.F) {
	f.Add([]byte(isa401 + "GS*SO*A~ST*309*0001~N10**X*Y~SE*3*0001~GE*1*1~IEA*1*000000001~"))
	f.Add([]byte(isa501 + "GS*FA|HI*A:B^C:D|"))
	f.Add([]byte("ISA*00* *00* *ZZ*HAMSUD*ZZ*PARTNERID*160526*2245*U*00401*053849086*0*P*>~GS*SO~"))
	f.Add([]byte("ST*997*0001\nAK1*PO*2\nSE*3*0001\n"))
	f.Add([]byte("\xef\xbb\xbfISA*00~"))
	f.Add([]byte(isa401 + "GS*SO*A~ST*841*0001~BIN*6*A~B*C>~SE*3*0001~BDS*B64*2*~~BIN*x*1~"))
	f.Fuzz(func(t *testing.T, data []byte) {
		first := segments(t, data)
		var buf bytes.Buffer
		w := NewWriter(&buf)
		for _, s := range first {
			if err := w.WriteSegment(s); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		second := segments(t, buf.Bytes())
		// A segment read with guessed delimiters may re-read differently (the guess
		// depends on what follows), so only interchanges with an ISA must round-trip.
		if len(first) == 0 || first[0].Tag() != "ISA" || first[0].Len() != 16 {
			return
		}
		if len(second) != len(first) {
			t.Fatalf("%d segments after the round trip, want %d\nin:  %q\nout: %q", len(second), len(first), data, buf.Bytes())
		}
		for i := range first {
			if first[i].String() != second[i].String() {
				t.Fatalf("segment %d: %q, want %q", i, second[i], first[i])
			}
		}
	})
}
