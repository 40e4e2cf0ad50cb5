package x12

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/icss/icss/internal/testkit/corpus"

	"github.com/icss/icss/edi/syntax"
)

const isa401 = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261127*0815*U*00401*000000001*0*P*>~"
const isa501 = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261127*0815*^*00501*000000002*1*T*:|"

// readAll reads every segment and error of in through r, as text lines.
func readAll(r *Reader) []string {
	var out []string
	for {
		seg, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				out = append(out, fmt.Sprintf("ERR %s %v", se.Pos, se))
			} else {
				out = append(out, "IOERR "+err.Error())
				return out
			}
		}
		if seg != nil {
			d := seg.Delims
			out = append(out, fmt.Sprintf("%s %s [%c%c%c%q] %q", seg.Pos, seg.Tag(), d.Element, d.Component, d.Segment, d.Repetition, seg.Bytes()))
		}
	}
}

func TestReaderSegments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string // tag:element values joined by |, or ERR:sentinel
	}{
		{"FixedISA", isa401 + "GS*SO*A*B*20261127*0815*1*X*004010~", []string{"ISA:00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261127|0815|U|00401|000000001|0|P|>", "GS:SO|A|B|20261127|0815|1|X|004010"}},
		{"BOMAndCRLF", "\xef\xbb\xbf" + isa401 + "\r\nGS*SO~\r\n  \r\nIEA*1~\r\n", []string{"ISA:", "GS:SO", "IEA:1"}},
		{"NewlineTerminator", strings.Replace(isa401, ">~", ">\n", 1) + "GS*SO*X\r\nST*309*0001\n", []string{"ISA:", "GS:SO|X", "ST:309|0001"}},
		{"TrailingBlanks", isa401 + "GS*SO~   \t\nST*1~", []string{"ISA:", "GS:SO", "ST:1"}},
		{"PipeSeparator", strings.ReplaceAll(isa401, "*", "|") + "GS|SO|A~", []string{"ISA:", "GS:SO|A"}},
		{"VariableWidthISA", "ISA*00* *00* *ZZ*HAMSUD*ZZ*PARTNERID*160526*2245*U*00401*053849086*0*P*>~GS*SO~", []string{"ISA:", "ERR:" + ErrISAWidth.Error(), "GS:SO"}},
		{"TwoInterchangesDifferentDelimiters", isa401 + "IEA*1*000000001~" + isa501 + "GS*FA|IEA*1*000000002|", []string{"ISA:", "IEA:1|000000001", "ISA:", "GS:FA", "IEA:1|000000002"}},
		{"BareSet", "ST*997*0001~AK1*PO*2~SE*3*0001~", []string{"ST:997|0001", "ERR:" + ErrNoISA.Error(), "AK1:PO|2", "SE:3|0001"}},
		{"NoFinalTerminator", isa401 + "IEA*1*000000001", []string{"ISA:", "IEA:1|000000001", "ERR:" + ErrNoTerminator.Error()}},
		{"EmptyElements", isa401 + "N1*SH**~N10**CONT~", []string{"ISA:", "N1:SH||", "N10:|CONT"}},
		{"ExtraElementsFromStrayDelimiter", isa401 + "N10**N.O*6, XXX~", []string{"ISA:", "N10:|N.O|6, XXX"}},
		{"UnreadableISA", "ISA*00~GS*SO~" + isa401 + "GS*SO~", []string{"ERR:" + ErrBadISA.Error(), "ISA:", "GS:SO"}},
		{"Empty", "", nil},
		{"OnlyBlanks", "\r\n \n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewReader(strings.NewReader(tt.in))
			var got []string
			for {
				seg, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					var se *SyntaxError
					if !errors.As(err, &se) {
						t.Fatalf("unexpected error %v", err)
					}
				}
				if seg != nil {
					s := seg.Tag() + ":"
					if seg.Tag() != "ISA" {
						var el []string
						for i := 1; i <= seg.Len(); i++ {
							el = append(el, string(seg.Elem(i)))
						}
						s += strings.Join(el, "|")
					}
					got = append(got, s)
				}
				if err != nil {
					got = append(got, "ERR:"+errors.Unwrap(err).Error())
				}
			}
			if tt.name == "FixedISA" {
				// The ISA's elements are checked in full once.
				r := NewReader(strings.NewReader(tt.in))
				seg, _ := r.Read()
				var el []string
				for i := 1; i <= seg.Len(); i++ {
					el = append(el, string(seg.Elem(i)))
				}
				got[0] = "ISA:" + strings.Join(el, "|")
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestReaderDelimiters(t *testing.T) {
	t.Parallel()
	r := NewReader(strings.NewReader(isa501 + "GS:FA|"))
	seg, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	want := Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '|'}
	if seg.Delims != want {
		t.Fatalf("delimiters %+v, want %+v", seg.Delims, want)
	}
	r = NewReader(strings.NewReader(isa401))
	if seg, _ = r.Read(); seg.Delims.Repetition != 0 {
		t.Fatalf("00401 has no repetition separator, got %q", seg.Delims.Repetition)
	}
}

func TestSegmentAccessors(t *testing.T) {
	t.Parallel()
	r := NewReader(strings.NewReader(isa501 + "HI*ABK:I10^ABF:E11:X**Z|"))
	r.Read()
	seg, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ got, want string }{
		{seg.Tag(), "HI"},
		{fmt.Sprint(seg.Len()), "3"},
		{string(seg.Elem(1)), "ABK:I10^ABF:E11:X"},
		{fmt.Sprint(seg.Repetitions(1)), "2"},
		{string(seg.Repetition(1, 2)), "ABF:E11:X"},
		{string(seg.Component(1, 2)), "I10"},
		{fmt.Sprint(seg.Components(1)), "2"},
		{fmt.Sprint(seg.Component(1, 3) == nil), "true"},
		{fmt.Sprint(seg.Elem(2) != nil && len(seg.Elem(2)) == 0), "true"},
		{string(seg.Elem(3)), "Z"},
		{fmt.Sprint(seg.Elem(4) == nil), "true"},
		{fmt.Sprint(seg.ElemOffset(3) - seg.Pos.Offset), "22"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
	c := seg.Clone()
	r.Read()
	if c.String() != "HI*ABK:I10^ABF:E11:X**Z" {
		t.Errorf("clone changed after next Read: %q", c.String())
	}
}

func TestReaderPositions(t *testing.T) {
	t.Parallel()
	in := "\xef\xbb\xbf" + isa401 + "\nGS*SO~\r\n\nST*309*0001~M10*X~"
	r := NewReader(strings.NewReader(in))
	want := []syntax.Position{{Offset: 3, Line: 1, Segment: 1}, {Offset: 110, Line: 2, Segment: 2}, {Offset: 119, Line: 4, Segment: 3}, {Offset: 131, Line: 4, Segment: 4}}
	for i, w := range want {
		seg, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		if seg.Pos != w {
			t.Errorf("segment %d at %+v, want %+v", i+1, seg.Pos, w)
		}
	}
}

func TestReaderMaxSegmentSize(t *testing.T) {
	t.Parallel()
	long := "N10*" + strings.Repeat("X", 5000) + "~"
	r := NewReader(strings.NewReader(isa401 + long + "GS*SO~"))
	r.MaxSegmentSize = 1000
	lines := readAll(r)
	if len(lines) != 3 || !strings.Contains(lines[1], ErrSegmentTooLong.Error()) || !strings.Contains(lines[2], `"GS*SO"`) {
		t.Fatalf("got %q", lines)
	}
	// Over a buffer larger than the limit, and with the long segment split across reads.
	r = NewReader(iotest.HalfReader(strings.NewReader(isa401 + strings.Repeat(long, 3) + "GS*SO~")))
	r.MaxSegmentSize = 1000
	if lines = readAll(r); len(lines) != 5 || !strings.Contains(lines[4], `"GS*SO"`) {
		t.Fatalf("got %q", lines)
	}
}

// chunkReader returns the input in the chunks given by cuts.
type chunkReader struct {
	data []byte
	cuts []int
	off  int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.off >= len(c.data) {
		return 0, io.EOF
	}
	end := len(c.data)
	for _, k := range c.cuts {
		if k > c.off {
			end = k
			break
		}
	}
	n := copy(p, c.data[c.off:end])
	c.off += n
	return n, nil
}

// TestReaderChunking feeds inputs through readers that cut them at every byte position
// near a terminator and through testing/iotest's one-byte and half readers: the result
// must not depend on how the input arrives.
func TestReaderChunking(t *testing.T) {
	t.Parallel()
	inputs := map[string][]byte{
		"crlf":     []byte("\xef\xbb\xbf" + isa401 + "\r\nGS*SO*A*B*20261127*0815*1*X*004010~\r\nST*309*0001~  \nSE*2*0001~GE*1*1~IEA*1*000000001"),
		"variable": []byte("ISA*00* *00* *ZZ*HAMSUD*ZZ*PARTNERID*160526*2245*U*00401*053849086*0*P*>~GS*SO~"),
		"two":      []byte(isa401 + "IEA*1*000000001~\n" + isa501 + "GS*FA|IEA*1*000000002|"),
		"bare":     []byte("ST*997*0001\nAK1*PO*2\nSE*3*0001\n"),
	}
	for name, data := range corpus.Read(t, corpus.X12...) {
		inputs[name] = data
	}
	for name, data := range inputs {
		want := readAll(NewReader(bytes.NewReader(data)))
		check := func(how string, r io.Reader) {
			t.Helper()
			got := readAll(NewReader(r))
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("%s via %s: got\n%s\nwant\n%s", name, how, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
		check("one-byte reader", iotest.OneByteReader(bytes.NewReader(data)))
		check("half reader", iotest.HalfReader(bytes.NewReader(data)))
		check("data+EOF reader", iotest.DataErrReader(bytes.NewReader(data)))
		// Every cut within 3 bytes of a terminator or a newline, and every cut in the
		// first 110 bytes (the ISA).
		for k := 1; k < len(data); k++ {
			near := k < 110
			for d := -3; d <= 3 && !near; d++ {
				if j := k + d; j >= 0 && j < len(data) && (data[j] == '~' || data[j] == '\n' || data[j] == '|') {
					near = true
				}
			}
			if near {
				check(fmt.Sprintf("cut at %d", k), &chunkReader{data: data, cuts: []int{k}})
			}
		}
	}
}

// An overlong segment inside a set is reported there, and still counts for SE01.
func TestValidatorOverlongSegment(t *testing.T) {
	t.Parallel()
	in := isa401 + "GS*SO*A*B*20261127*0815*1*X*004010~ST*309*0001~N10*" + strings.Repeat("X", 3000) + "~SE*3*0001~GE*1*1~IEA*1*000000001~"
	r := NewReader(strings.NewReader(in))
	r.MaxSegmentSize = 1000
	var sets []*Set
	v := &Validator{OnInterchange: func(ic *Interchange) { sets = append(sets, ic.Groups[0].Sets...) }}
	if _, err := v.Validate(r); err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 || len(sets[0].Errors) != 1 || !errors.Is(sets[0].Errors[0], ErrSegmentTooLong) || sets[0].Errors[0].Code != "AK3:8" || sets[0].Errors[0].SetIndex != 2 {
		t.Fatalf("set errors: %v", sets[0].Errors)
	}
}
