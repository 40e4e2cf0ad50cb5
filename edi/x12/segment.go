package x12

import (
	"bytes"
	"fmt"

	"github.com/icss/icss/edi/syntax"
)

// Delimiters are the four separators of an interchange, read from its ISA.
type Delimiters struct {
	Element byte
	// Repetition is 0 when the interchange has none (ISA12 before 00402).
	Repetition byte
	Component  byte
	Segment    byte
}

// DefaultDelimiters are the ones most X12 partners use: * ^ > ~ (repetition from 00402).
var DefaultDelimiters = Delimiters{Element: '*', Repetition: '^', Component: '>', Segment: '~'}

// valid reports whether the delimiters are distinct and usable: none is a letter, a
// digit, a blank or a byte outside ASCII, and only the terminator may be a line break.
func (d Delimiters) valid() bool { return d.problem() == nil }

// delimiterNames name the delimiters where the ISA holds them, in the order problem
// checks them.
var delimiterNames = [...]string{
	"segment terminator (the character after ISA16)",
	"element separator (ISA04)",
	"component separator (ISA16)",
	"repetition separator (ISA11)",
}

// delimiterCodes are the TA1 note codes of a bad delimiter, in the same order.
var delimiterCodes = [...]string{"TA1:004", "TA1:026", "TA1:027", "TA1:016"}

// problem explains the first unusable delimiter, with the TA1 note code it calls for, or
// returns nil.
func (d Delimiters) problem() *SyntaxError {
	set := [...]byte{d.Segment, d.Element, d.Component, d.Repetition}
	for i, c := range set {
		why := ""
		switch {
		case c == 0 && i == 3:
			continue
		case c >= 0x80 || c == 0x7F:
			why = fmt.Sprintf("is byte 0x%02X, which is not a character of the X12 character sets (a delimiter is one byte; a multi-byte UTF-8 character cannot be one)", c)
		case c == 0:
			why = "is missing"
		case isAlnum(c):
			why = fmt.Sprintf("is %q, a letter or digit", c)
		case c == ' ' || c == '\t':
			why = "is a blank"
		case (c == '\n' || c == '\r') && i > 0:
			why = "is a line break, which only the terminator may be"
		}
		for j, o := range set[:i] {
			if why == "" && o == c {
				why = fmt.Sprintf("is %q, the same as the %s", c, delimiterNames[j])
			}
		}
		if why != "" {
			return &SyntaxError{SegmentID: "ISA", Code: delimiterCodes[i], Value: fmt.Sprintf("0x%02X", c),
				Err: fmt.Errorf("%w: the %s %s", ErrBadDelimiters, delimiterNames[i], why)}
		}
	}
	return nil
}

// Segment is one X12 segment: a tag and its data elements. A Segment returned by
// Reader.Read shares the reader's buffer and is valid only until the next Read; use Clone
// to keep it. Element accessors are 1-based, as in implementation guides: Elem(1) of an
// N1 segment is N101.
type Segment struct {
	Pos    syntax.Position
	Delims Delimiters

	tag  string
	data []byte  // the segment without its terminator
	ends []int32 // ends[0] is the end of the tag; ends[i] the end of element i
}

// NewSegment builds a segment from a tag and element values, with the given delimiters.
// It is meant for writers of acknowledgments and tests; values must not contain delimiters.
func NewSegment(d Delimiters, tag string, elems ...string) *Segment {
	s := &Segment{Delims: d, tag: tag}
	n := len(tag)
	for _, e := range elems {
		n += 1 + len(e)
	}
	s.data = make([]byte, 0, n)
	s.data = append(s.data, tag...)
	s.ends = append(s.ends, int32(len(s.data)))
	for _, e := range elems {
		s.data = append(s.data, d.Element)
		s.data = append(s.data, e...)
		s.ends = append(s.ends, int32(len(s.data)))
	}
	return s
}

// Tag returns the segment ID ("ISA", "N1").
func (s *Segment) Tag() string { return s.tag }

// Len returns the number of data elements after the tag, trailing empty ones included.
func (s *Segment) Len() int { return len(s.ends) - 1 }

// Bytes returns the segment as read, without its terminator.
func (s *Segment) Bytes() []byte { return s.data }

// Elem returns element i (1-based) with its repetitions and components, or nil when the
// segment has fewer elements.
func (s *Segment) Elem(i int) []byte {
	if i < 1 || i >= len(s.ends) {
		return nil
	}
	return s.data[s.ends[i-1]+1 : s.ends[i]]
}

// ElemString returns element i as a string ("" when absent).
func (s *Segment) ElemString(i int) string { return string(s.Elem(i)) }

// ElemOffset returns the byte offset of element i in the input, for error positions.
func (s *Segment) ElemOffset(i int) int64 {
	if i < 1 || i >= len(s.ends) {
		return s.Pos.Offset + int64(len(s.data))
	}
	return s.Pos.Offset + int64(s.ends[i-1]) + 1
}

// Repetitions returns the number of repetitions of element i (1 for a plain element, 0
// when absent).
func (s *Segment) Repetitions(i int) int {
	e := s.Elem(i)
	if e == nil {
		return 0
	}
	if s.Delims.Repetition == 0 || s.tag == "ISA" {
		return 1
	}
	return bytes.Count(e, []byte{s.Delims.Repetition}) + 1
}

// Repetition returns repetition k (1-based) of element i, or nil.
func (s *Segment) Repetition(i, k int) []byte {
	e := s.Elem(i)
	if e == nil || k < 1 {
		return nil
	}
	if s.Delims.Repetition == 0 || s.tag == "ISA" {
		if k == 1 {
			return e
		}
		return nil
	}
	return nth(e, s.Delims.Repetition, k)
}

// Components returns the number of components of element i's first repetition.
func (s *Segment) Components(i int) int {
	e := s.Repetition(i, 1)
	if e == nil {
		return 0
	}
	if s.Delims.Component == 0 || s.tag == "ISA" {
		return 1
	}
	return bytes.Count(e, []byte{s.Delims.Component}) + 1
}

// Component returns component j (1-based) of element i's first repetition, or nil.
// Component(i, 1) of a simple element is the element itself.
func (s *Segment) Component(i, j int) []byte {
	e := s.Repetition(i, 1)
	if e == nil || j < 1 {
		return nil
	}
	if s.Delims.Component == 0 || s.tag == "ISA" {
		if j == 1 {
			return e
		}
		return nil
	}
	return nth(e, s.Delims.Component, j)
}

// nth returns the k-th (1-based) part of b split on sep, or nil.
func nth(b []byte, sep byte, k int) []byte {
	for ; k > 1; k-- {
		i := bytes.IndexByte(b, sep)
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
	if i := bytes.IndexByte(b, sep); i >= 0 {
		return b[:i]
	}
	return b
}

// Clone returns a deep copy of the segment that does not share the reader's buffer.
func (s *Segment) Clone() *Segment {
	c := *s
	c.data = bytes.Clone(s.data)
	c.ends = append([]int32(nil), s.ends...)
	return &c
}

// String returns the segment with its element separators and no terminator.
func (s *Segment) String() string { return string(s.data) }

func isAlnum(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z'
}
