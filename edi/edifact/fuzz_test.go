package edifact_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/icss/icss/edi/edifact"
)

type value struct {
	tag   string
	elems [][]string
}

// values reads every segment of data as tags and unescaped components.
func values(data []byte) ([]value, error) {
	var out []value
	rd := edifact.NewReader(bytes.NewReader(data))
	for {
		s, err := rd.Read()
		if err == io.EOF {
			return out, nil
		}
		var se *edifact.SyntaxError
		if err != nil && !errors.As(err, &se) {
			return out, err
		}
		if s == nil || s.Tag() == "UNA" {
			continue
		}
		v := value{tag: s.Tag()}
		for i := 1; i <= s.Len(); i++ {
			var comps []string
			for k := 1; k <= s.Repetitions(i); k++ {
				if k > 1 {
					comps = append(comps, "*REPEAT*")
				}
				for j := 1; j <= s.RepComponents(i, k); j++ {
					comps = append(comps, string(s.RepComponent(i, k, j)))
				}
			}
			v.elems = append(v.elems, comps)
		}
		out = append(out, v)
	}
}

// FuzzRoundTrip: whatever the input, reading never panics, Inspect never panics, and
// the segments read, written back (with the default delimiters) and read again give the
// same values.
func FuzzRoundTrip(f *testing.F) {
	for _, dir := range []string{filepath.Join("testdata", "conformance")} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.edi"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("UNA:+.? 'UNB+UNOA:3+S+R+260101:1200+1'UNH+1+X:D:1:UN'FTX+A+++???'??'?+?:'UNT+3+1'UNZ+1+1'"))
	f.Add([]byte("UNA#|,! ~UNB|UNOB#3~FTX|A!|B!#C~"))
	f.Add([]byte("\xEF\xBB\xBFUNB\x1dUNOB\x1f3\x1cUNZ\x1d0\x1c"))
	f.Add([]byte("UNB+UNOC:4+S+R+20260101:1200+1'NAD+CA+A:1*B:2?*+X*'UNA:+.?#'UNB+UNOC:4'NAD+A#B*C'"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := edifact.Inspect(bytes.NewReader(data), edifact.InspectOptions{}); err != nil {
			t.Fatalf("Inspect: %v", err)
		}
		first, err := values(data)
		if err != nil {
			t.Fatal(err)
		}
		// The writer uses the version 4 defaults (with a repetition separator) and says
		// so in a UNA before the first segment and before every UNB, so that each
		// interchange is read back with the writer's delimiters.
		var buf bytes.Buffer
		w := edifact.NewWriter(&buf)
		w.Delimiters.Repetition = '*'
		if err := w.WriteUNA(); err != nil {
			t.Fatal(err)
		}
		rd := edifact.NewReader(bytes.NewReader(data))
		for {
			s, err := rd.Read()
			if err == io.EOF {
				break
			}
			if s == nil || s.Tag() == "UNA" {
				continue
			}
			if s.Tag() == "UNB" {
				if err := w.WriteUNA(); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Write(s); err != nil {
				t.Fatalf("write %q: %v", s.Bytes(), err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		second, err := values(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != len(second) {
			t.Fatalf("%d segments read, %d after the round trip\nwritten: %q", len(first), len(second), buf.Bytes())
		}
		for i := range first {
			a, b := first[i], second[i]
			if a.tag != b.tag || !equal(a.elems, b.elems) {
				t.Fatalf("segment %d: %v became %v\nwritten: %q", i+1, a, b, buf.Bytes())
			}
		}
	})
}

func equal(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// FuzzChunking: reading in one piece, byte by byte, or split at any position gives the
// same segments, errors and positions.
func FuzzChunking(f *testing.F) {
	f.Add([]byte("UNA:+.? 'UNB+UNOA:3+S+R+260101:1200+1'FTX+A+++???'??'?+?:'UNZ+1+1'"), 20)
	f.Add([]byte("UNA#|,! ~UNB|UNOB#3~FTX|A!|B!#C~UNB+UNOA:3'"), 9)
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		want := dump(bytes.NewReader(data))
		if got := dump(iotestOneByte(data)); got != want {
			t.Fatalf("one byte at a time:\n%s\nwant\n%s", got, want)
		}
		if len(data) > 0 {
			cut = (cut%len(data) + len(data)) % len(data)
			if got := dump(&splitReader{data: data, cut: cut}); got != want {
				t.Fatalf("split at %d:\n%s\nwant\n%s", cut, got, want)
			}
		}
	})
}

func iotestOneByte(data []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) }
