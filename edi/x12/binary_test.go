package x12

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// binarySet wraps segments in an 841 (a set without a built-in spec, so only the
// envelope and the reader judge it).
func binarySet(segs ...string) string {
	return interchange("004010", "841", append([]string{"SPI*00"}, segs...))
}

// TestBinarySegments: BIN and BDS data is taken by the length in the element before it,
// so separators, terminators, newlines and any byte inside it are data; a length that
// is not a number, or that does not end at a terminator, is an element error.
func TestBinarySegments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		segs    []string
		data    string // the binary element of the first BIN/BDS read
		wantErr string // "" or code + element
	}{
		{"delimiters inside", []string{"BIN*10*AB~CD*EF~G"}, "AB~CD*EF~G", ""},
		{"newline and any byte", []string{"BIN*6*\x00\n\xff~*>"}, "\x00\n\xff~*>", ""},
		{"empty-looking data", []string{"BIN*1*~"}, "~", ""},
		{"BDS", []string{"BDS*B64*4*AB~C"}, "AB~C", ""},
		{"length too short", []string{"BIN*5*AB~CD*EF"}, "", "AK4:5 BIN02"},
		{"length too long", []string{"BIN*50*AB~CD*EF"}, "", "AK4:5 BIN02"},
		{"length not a number", []string{"BIN*1X*ABC"}, "", "AK4:6 BIN01"},
		{"BDS length not a number", []string{"BDS*B64*-4*ABCD"}, "", "AK4:6 BDS02"},
		{"no data", []string{"BIN*4"}, "", "AK4:1 BIN01"},
	}
	for _, tt := range tests {
		in := binarySet(tt.segs...)
		for _, chunked := range []bool{false, true} {
			var src io.Reader = strings.NewReader(in)
			if chunked {
				src = iotest.OneByteReader(src)
			}
			r := NewReader(src)
			var data string
			var gotErr string
			tags := []string{}
			for {
				s, err := r.Read()
				if err == io.EOF {
					break
				}
				var se *SyntaxError
				if errors.As(err, &se) && gotErr == "" {
					gotErr = se.Code + " " + se.SegmentID + twoDigits(se.Element)
				} else if err != nil {
					t.Fatal(err)
				}
				if s == nil {
					continue
				}
				tags = append(tags, s.Tag())
				if (s.Tag() == "BIN" || s.Tag() == "BDS") && data == "" && err == nil {
					data = string(s.Elem(s.Len()))
				}
			}
			if gotErr != tt.wantErr || data != tt.data {
				t.Errorf("%s (chunked %v): data %q error %q, want %q %q", tt.name, chunked, data, gotErr, tt.data, tt.wantErr)
			}
			if tt.wantErr == "" && strings.Join(tags, " ") != "ISA GS ST SPI "+tt.segs[0][:3]+" SE GE IEA" {
				t.Errorf("%s (chunked %v): segments %v", tt.name, chunked, tags)
			}
		}
	}
}

func twoDigits(n int) string { return string([]byte{'0' + byte(n/10), '0' + byte(n%10)}) }

// TestBinaryLineNumbers: the lines a binary element holds still count for the segments
// after it.
func TestBinaryLineNumbers(t *testing.T) {
	t.Parallel()
	r := NewReader(strings.NewReader("ST*841*0001~\nBIN*5*a\nb\nc~\nSE*3*0001~\n"))
	var lines []int
	for {
		s, err := r.Read()
		if err == io.EOF {
			break
		}
		if s != nil {
			lines = append(lines, s.Pos.Line)
		}
	}
	if len(lines) != 3 || lines[2] != 5 {
		t.Errorf("lines %v, want SE on line 5", lines)
	}
}

// TestBinaryInSet: a BIN whose length is wrong makes its set rejected with AK3 8 and the
// AK4 under it; a right one leaves the set accepted.
func TestBinaryInSet(t *testing.T) {
	t.Parallel()
	errs, _ := structureFindings(t, NewStructureChecker(), binarySet("BIN*10*AB~CD*EF~G"))
	if len(errs) != 0 {
		t.Errorf("valid BIN: %v", errs)
	}
	errs, _ = structureFindings(t, NewStructureChecker(), binarySet("BIN*3*AB~CD"))
	want := []finding{{Code: "AK3:8", Seg: "BIN", Index: 3}, {Code: "AK4:5", Seg: "BIN", Index: 3, Elem: 2, Ref: 785}}
	if !equalFindings(errs[:min(2, len(errs))], want) {
		t.Errorf("wrong BIN length: %v, want %v first", errs, want)
	}
}

// TestBinaryTooLong: binary data beyond MaxSegmentSize is skipped by its length, in
// bounded memory, and the segments after it are read.
func TestBinaryTooLong(t *testing.T) {
	t.Parallel()
	data := strings.Repeat("~*\n", 20)
	r := NewReader(strings.NewReader("ST*841*0001~BIN*60*" + data + "~SE*3*0001~"))
	r.MaxSegmentSize = 32
	var got []string
	for {
		s, err := r.Read()
		if err == io.EOF {
			break
		}
		if errors.Is(err, ErrSegmentTooLong) {
			got = append(got, "too long")
		}
		if s != nil {
			got = append(got, s.Tag())
		}
	}
	if strings.Join(got, " ") != "ST too long SE" {
		t.Errorf("read %v", got)
	}
}
