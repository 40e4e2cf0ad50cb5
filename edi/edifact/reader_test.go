package edifact_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/syntax"
)

// dump renders everything a Reader returns, one line per Read, values unescaped, so
// two reads of the same input can be compared.
func dump(r io.Reader) string {
	var b strings.Builder
	rd := edifact.NewReader(r)
	for {
		s, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(&b, "ERR %v\n", err)
			var se *edifact.SyntaxError
			if !errors.As(err, &se) {
				break
			}
		}
		if s == nil {
			continue
		}
		fmt.Fprintf(&b, "%d/%d/%d %s", s.Pos.Offset, s.Pos.Line, s.Pos.Segment, s.Tag())
		for i := 1; i <= s.Len(); i++ {
			b.WriteString(" |")
			for k := 1; k <= s.Repetitions(i); k++ {
				if k > 1 {
					b.WriteString(" *")
				}
				for j := 1; j <= s.RepComponents(i, k); j++ {
					if j > 1 {
						b.WriteString(" :")
					}
					fmt.Fprintf(&b, "%q", s.RepComponent(i, k, j))
				}
			}
		}
		fmt.Fprintf(&b, " @%d\n", rd.InputOffset())
	}
	return b.String()
}

type readResult struct {
	tag   string
	elems [][]string // unescaped components
	err   error      // sentinel expected with this Read, if any
	sev   syntax.Severity
}

func readAll(t *testing.T, in string) []readResult {
	t.Helper()
	var out []readResult
	rd := edifact.NewReader(strings.NewReader(in))
	for {
		s, err := rd.Read()
		if err == io.EOF {
			return out
		}
		var res readResult
		if err != nil {
			var se *edifact.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("non-syntax error %v", err)
			}
			res.err, res.sev = se.Err, se.Severity
		}
		if s != nil {
			res.tag = s.Tag()
			for i := 1; i <= s.Len(); i++ {
				var comps []string
				for j := 1; j <= s.Components(i); j++ {
					comps = append(comps, string(s.Component(i, j)))
				}
				res.elems = append(res.elems, comps)
			}
		}
		out = append(out, res)
		if len(out) > 100 {
			t.Fatal("reader does not end")
		}
	}
}

func TestRead(t *testing.T) {
	t.Parallel()
	e := func(c ...string) []string { return c }
	tests := []struct {
		name string
		in   string
		want []readResult
	}{
		{"default delimiters", "UNB+UNOA:3+S+R+260101:1200+1'UNZ+0+1'", []readResult{
			{tag: "UNB", elems: [][]string{e("UNOA", "3"), e("S"), e("R"), e("260101", "1200"), e("1")}},
			{tag: "UNZ", elems: [][]string{e("0"), e("1")}},
		}},
		{"release character before each service character", "FTX+AAA+++A?+B?:C?'D??E'", []readResult{
			{tag: "FTX", elems: [][]string{e("AAA"), e(""), e(""), e("A+B:C'D?E")}},
		}},
		{"released release then terminator", "IFT+3+X???' Y'IFT+3+Z??'", []readResult{
			{tag: "IFT", elems: [][]string{e("3"), e("X?' Y")}},
			{tag: "IFT", elems: [][]string{e("3"), e("Z?")}},
		}},
		{"UNA changes every delimiter", "UNA#|,! ~UNB|UNOB#3|S|R|260101#1200|1~FTX|A!|B!#C~", []readResult{
			{tag: "UNA"},
			{tag: "UNB", elems: [][]string{e("UNOB", "3"), e("S"), e("R"), e("260101", "1200"), e("1")}},
			{tag: "FTX", elems: [][]string{e("A|B#C")}},
		}},
		{"UNA without release character", "UNA:+. *'FTX+A?B'", []readResult{
			{tag: "UNA"}, {tag: "FTX", elems: [][]string{e("A?B")}},
		}},
		{"second interchange without UNA returns to defaults", "UNA:|.? 'UNB|UNOA:3'UNZ|0'UNB+UNOA:3'UNZ+0'", []readResult{
			{tag: "UNA"}, {tag: "UNB", elems: [][]string{e("UNOA", "3")}}, {tag: "UNZ", elems: [][]string{e("0")}},
			{tag: "UNB", elems: [][]string{e("UNOA", "3")}}, {tag: "UNZ", elems: [][]string{e("0")}},
		}},
		{"level B information separators", "UNB\x1dUNOB\x1f3\x1dS\x1cUNZ\x1d0\x1c", []readResult{
			{tag: "UNB", elems: [][]string{e("UNOB", "3"), e("S")}}, {tag: "UNZ", elems: [][]string{e("0")}},
		}},
		{"byte order mark and line breaks between segments", "\xEF\xBB\xBFUNH+1'\r\n\r\n  BGM+85'\nUNT+2+1'\n", []readResult{
			{tag: "UNH", elems: [][]string{e("1")}}, {tag: "BGM", elems: [][]string{e("85")}}, {tag: "UNT", elems: [][]string{e("2"), e("1")}},
		}},
		{"raw line break inside a segment is data, with a warning", "FTX+AAI+++OCCUR\n:DUE'", []readResult{
			{tag: "FTX", elems: [][]string{e("AAI"), e(""), e(""), e("OCCUR\n", "DUE")}, err: edifact.ErrNewlineInSegment, sev: syntax.Warning},
		}},
		{"missing final terminator", "UNZ+1+2", []readResult{
			{tag: "UNZ", elems: [][]string{e("1"), e("2")}, err: edifact.ErrUnterminated, sev: syntax.Warning},
		}},
		{"bad tag is skipped", "UNH+1'bgm+85'UNT+2+1'", []readResult{
			{tag: "UNH", elems: [][]string{e("1")}}, {err: edifact.ErrBadTag}, {tag: "UNT", elems: [][]string{e("2"), e("1")}},
		}},
		{"bad UNA", "UNA:::? 'UNB+UNOA:3'", []readResult{
			{err: edifact.ErrBadUNA}, {tag: "UNB", elems: [][]string{e("UNOA", "3")}},
		}},
		{"tag alone", "UNS'", []readResult{{tag: "UNS"}}},
		{"line feed terminator written as CR LF", "UNA:+.? \nUNB+UNOA:3\r\nUNZ+0\r\n", []readResult{
			{tag: "UNA"}, {tag: "UNB", elems: [][]string{e("UNOA", "3")}}, {tag: "UNZ", elems: [][]string{e("0")}},
		}},
		{"empty elements and components", "NAD+CA+::91+++X'", []readResult{
			{tag: "NAD", elems: [][]string{e("CA"), e("", "", "91"), e(""), e(""), e("X")}},
		}},
		{"release at the very end", "FTX+A?", []readResult{
			{tag: "FTX", elems: [][]string{e("A?")}, err: edifact.ErrUnterminated, sev: syntax.Warning}, // a lone release escapes nothing: kept
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readAll(t, tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d reads %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.tag != w.tag || fmt.Sprint(g.elems) != fmt.Sprint(w.elems) {
					t.Errorf("read %d: got %s %q, want %s %q", i, g.tag, g.elems, w.tag, w.elems)
				}
				if !errors.Is(g.err, w.err) || (w.err != nil && g.sev != w.sev) {
					t.Errorf("read %d: got error %v (%v), want %v (%v)", i, g.err, g.sev, w.err, w.sev)
				}
			}
		})
	}
}

func TestSegmentTooLong(t *testing.T) {
	t.Parallel()
	in := "UNH+1'FTX+AAA+++" + strings.Repeat("X?'", 400) + "'UNT+3+1'"
	rd := edifact.NewReader(strings.NewReader(in))
	rd.MaxSegmentSize = 100
	var tags []string
	var errs []error
	for {
		s, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
		}
		if s != nil {
			tags = append(tags, s.Tag())
		}
	}
	if strings.Join(tags, " ") != "UNH UNT" || len(errs) != 1 || !errors.Is(errs[0], edifact.ErrSegmentTooLong) {
		t.Fatalf("got %v %v, want UNH UNT and one ErrSegmentTooLong", tags, errs)
	}
}

func TestSegmentAccessors(t *testing.T) {
	t.Parallel()
	rd := edifact.NewReader(strings.NewReader("UNB+UNOC:3+S+R+260101:1200+1'NAD+CZ+ID?:1::91+M\xdcLLER?+S\xd6HNE'"))
	if _, err := rd.Read(); err != nil {
		t.Fatal(err)
	}
	s, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		got, want string
	}{
		{string(s.Elem(1)), "CZ"},
		{string(s.Elem(2)), "ID?:1::91"}, // composite: as written
		{string(s.Component(2, 1)), "ID:1"},
		{string(s.Component(2, 3)), "91"},
		{string(s.Component(2, 4)), ""},
		{string(s.Elem(4)), ""},
		{s.String(3, 1), "MÜLLER+SÖHNE"},
		{string(s.Bytes()), "NAD+CZ+ID?:1::91+M\xdcLLER?+S\xd6HNE"},
		{fmt.Sprint(s.Len(), s.Components(2), s.Components(9)), "3 3 0"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
	c := s.Clone()
	if _, err := rd.Read(); err != io.EOF {
		t.Fatalf("got %v, want EOF", err)
	}
	if c.String(3, 1) != "MÜLLER+SÖHNE" || c.Tag() != "NAD" {
		t.Errorf("clone changed after the next Read: %q", c.Bytes())
	}
}

// splitReader returns data in two reads, split at cut.
type splitReader struct {
	data []byte
	cut  int
	n    int
}

func (r *splitReader) Read(p []byte) (int, error) {
	if r.n >= len(r.data) {
		return 0, io.EOF
	}
	end := len(r.data)
	if r.n < r.cut {
		end = r.cut
	}
	n := copy(p, r.data[r.n:end])
	r.n += n
	return n, nil
}

// chunkInputs are the samples plus inputs built to put delimiters at awkward places.
func chunkInputs(t *testing.T) map[string][]byte {
	in := map[string][]byte{
		"releases": []byte("UNA:+.? 'UNB+UNOB:3+S+R+260101:1200+1'UNH+1+X:D:1:UN'FTX+A+++???'??'?+?:??+??'UNT+3+1'UNZ+1+1'"),
		"bom":      []byte("\xEF\xBB\xBFUNB+UNOA:3+S+R+260101:1200+1'\r\nUNZ+0+1'\r\n"),
		"una swap": []byte("UNA:|.? 'UNB|UNOA:3'UNZ|0'UNA:+.?*!UNB+UNOA:4!UNZ+0!UNB+UNOA:3'UNZ+0'"),
		"unterm":   []byte("UNB+UNOA:3'UNZ+0+1?"),
		"bad":      []byte("UNH+1'bgm'UNA:'UNT+2+1'"),
		"newline":  []byte("FTX+A+++X\r\n:Y'  \n\nFTX+B'"),
	}
	if dir, ok := samplesDir(t); ok {
		files, _ := filepath.Glob(filepath.Join(dir, "*.edi"))
		for _, f := range files {
			if strings.Contains(filepath.Base(f), "x12") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in[filepath.Base(f)] = b
		}
	}
	return in
}

// Identical results under any read chunking: every split position around terminators,
// release characters and separators, plus one-byte and half reads.
func TestChunkingIndependence(t *testing.T) {
	t.Parallel()
	for name, data := range chunkInputs(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := dump(bytes.NewReader(data))
			for _, r := range []struct {
				name string
				r    io.Reader
			}{
				{"OneByteReader", iotest.OneByteReader(bytes.NewReader(data))},
				{"HalfReader", iotest.HalfReader(bytes.NewReader(data))},
				{"DataErrReader", iotest.DataErrReader(bytes.NewReader(data))},
			} {
				if got := dump(r.r); got != want {
					t.Fatalf("%s differs:\n%s\nwant\n%s", r.name, got, want)
				}
			}
			for cut := 1; cut < len(data); cut++ {
				c := data[cut-1]
				if !strings.ContainsRune("'?+:|!\r\n\xEF\xBB\xBF", rune(c)) && cut > 12 && cut < len(data)-12 {
					continue
				}
				if got := dump(&splitReader{data: data, cut: cut}); got != want {
					t.Fatalf("split at %d (after %q) differs:\n%s\nwant\n%s", cut, c, got, want)
				}
			}
		})
	}
}

// repoRoot walks up from the package directory to go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the package")
		}
		dir = parent
	}
}

// samplesDir finds ../shared/samples next to the repository; absent, corpus tests skip
// (but fail under CI=true).
func samplesDir(t *testing.T) (string, bool) {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "samples")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("samples directory %s missing under CI: %v", dir, err)
		}
		return "", false
	}
	return dir, true
}

// Syntax version 4 repeats a data element with the repetition separator: '*' by
// default, or the one UNA names; version 3 has none, so '*' is data there.
func TestRepetitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string // element 2 of the NAD: repetitions joined by " * ", components by ":"
		len  int
	}{
		{"version 4 default separator", "UNB+UNOC:4+S+R+20260101:1200+1'NAD+CA+A:1*B:2?*+X'", "A:1 * B:2*", 3},
		{"version 4 UNA separator", "UNA:+.?#'UNB+UNOC:4+S+R+20260101:1200+1'NAD+CA+A#B*C+X'", "A * B*C", 3},
		{"version 3 has no repetition", "UNB+UNOC:3+S+R+260101:1200+1'NAD+CA+A:1*B:2+X'", "A:1*B:2", 3},
		{"repeated last element", "UNB+UNOC:4+S+R+20260101:1200+1'NAD+CA+A*B'", "A * B", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rd := edifact.NewReader(strings.NewReader(tt.in))
			var nad *edifact.Segment
			for {
				s, err := rd.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if s.Tag() == "NAD" {
					nad = s.Clone()
				}
			}
			var reps []string
			for k := 1; k <= nad.Repetitions(2); k++ {
				var comps []string
				for j := 1; j <= nad.RepComponents(2, k); j++ {
					comps = append(comps, string(nad.RepComponent(2, k, j)))
				}
				reps = append(reps, strings.Join(comps, ":"))
			}
			if got := strings.Join(reps, " * "); got != tt.want || nad.Len() != tt.len {
				t.Errorf("got %q (%d elements), want %q (%d)", got, nad.Len(), tt.want, tt.len)
			}
			if string(nad.Elem(1)) != "CA" || nad.Repetitions(1) != 1 || nad.Repetitions(9) != 0 {
				t.Errorf("element 1 = %q x%d", nad.Elem(1), nad.Repetitions(1))
			}
			// Written with other delimiters and read back, the repetitions survive.
			var buf bytes.Buffer
			w := edifact.NewWriter(&buf)
			w.Delimiters = edifact.Delimiters{Component: '#', Element: '|', Decimal: '.', Release: '!', Repetition: '^', Terminator: '~'}
			_ = w.WriteUNA()
			if err := w.Write(nad); err != nil {
				t.Fatal(err)
			}
			_ = w.Flush()
			back, err := values(buf.Bytes())
			if err != nil || len(back) != 1 {
				t.Fatalf("%q: %v %v", buf.Bytes(), back, err)
			}
			first, _ := values([]byte(tt.in))
			if !equal(back[0].elems, first[len(first)-1].elems) {
				t.Errorf("after writing %q: %v, want %v", buf.Bytes(), back[0].elems, first[len(first)-1].elems)
			}
		})
	}
}

// A segment longer than MaxSegmentSize is skipped without being held in memory, up to
// its real terminator, whatever the chunking (release characters split across reads
// included).
func TestSkipLongSegment(t *testing.T) {
	t.Parallel()
	in := "UNH+1'FTX+" + strings.Repeat("ab?'", 100000) + "c???'x??'UNT+3+1'"
	for name, mk := range map[string]func() io.Reader{
		"bytes":    func() io.Reader { return strings.NewReader(in) },
		"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(in)) },
		"half":     func() io.Reader { return iotest.HalfReader(strings.NewReader(in)) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rd := edifact.NewReader(mk())
			rd.MaxSegmentSize = 1000
			var got []string
			for {
				s, err := rd.Read()
				if err == io.EOF {
					break
				}
				switch {
				case errors.Is(err, edifact.ErrSegmentTooLong):
					got = append(got, "too long")
				case err != nil:
					t.Fatal(err)
				default:
					got = append(got, s.Tag()+" "+string(s.Bytes()))
				}
			}
			if strings.Join(got, "|") != "UNH UNH+1|too long|UNT UNT+3+1" {
				t.Errorf("got %q", got)
			}
			if rd.InputOffset() != int64(len(in)) {
				t.Errorf("offset %d, want %d", rd.InputOffset(), len(in))
			}
		})
	}
}
