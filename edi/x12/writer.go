package x12

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Writer writes X12 segments, buffered. With zero Delims it writes each segment with the
// delimiters it was read with (so read → write reproduces the input's segments); with
// Delims set it re-delimits every segment, ISA11 and ISA16 included.
type Writer struct {
	// Delims are the delimiters to write with; zero keeps each segment's own.
	Delims Delimiters
	// Newline writes a line feed after each terminator (ignored when the terminator is
	// itself a newline).
	Newline bool

	w   *bufio.Writer
	err error
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w)} }

// ErrDelimiterInData is returned when an element value holds one of the delimiters the
// writer would use, which X12 cannot escape.
var ErrDelimiterInData = errors.New("x12: element value contains a delimiter")

// WriteSegment writes one segment and its terminator.
func (w *Writer) WriteSegment(s *Segment) error {
	if w.err != nil {
		return w.err
	}
	d := w.Delims
	if d == (Delimiters{}) {
		d = s.Delims
	}
	if d == s.Delims {
		w.w.Write(s.data)
	} else {
		w.err = w.redelimit(s, d)
		if w.err != nil {
			return w.err
		}
	}
	w.terminate(d)
	return w.err
}

// redelimit writes s with the delimiters d, translating element, repetition and
// component separators.
func (w *Writer) redelimit(s *Segment, d Delimiters) error {
	w.w.WriteString(s.tag)
	isa := s.tag == "ISA"
	for i := 1; i <= s.Len(); i++ {
		w.w.WriteByte(d.Element)
		e := s.Elem(i)
		switch {
		case isa && i == 11 && s.Delims.Repetition != 0:
			if d.Repetition == 0 {
				return fmt.Errorf("%w: ISA11 needs a repetition separator for version %s", ErrDelimiterInData, s.Elem(12))
			}
			w.w.WriteByte(d.Repetition)
			continue
		case isa && i == 16:
			w.w.WriteByte(d.Component)
			continue
		case binaryElement(s.tag, i, s.Len()):
			w.w.Write(e) // taken by length: any byte, delimiters included
			continue
		}
		for _, c := range e {
			switch {
			case !isa && c == s.Delims.Repetition && s.Delims.Repetition != 0:
				c = d.Repetition
			case !isa && c == s.Delims.Component && s.Delims.Component != 0:
				c = d.Component
			case c == d.Element || c == d.Segment || c == d.Component && !isa || c == d.Repetition && c != 0 && !isa:
				return fmt.Errorf("%w: %s%02d holds %q", ErrDelimiterInData, s.tag, i, c)
			}
			w.w.WriteByte(c)
		}
	}
	return nil
}

func (w *Writer) terminate(d Delimiters) {
	w.w.WriteByte(d.Segment)
	if w.Newline && d.Segment != '\n' {
		w.w.WriteByte('\n')
	}
}

// Write writes a segment built from a tag and element values with the writer's
// delimiters (DefaultDelimiters when Delims is zero). Values must not contain a
// delimiter, except binary data (BIN02, BDS03), which is written as is.
func (w *Writer) Write(tag string, elems ...string) error {
	if w.err != nil {
		return w.err
	}
	d := w.Delims
	if d == (Delimiters{}) {
		d = DefaultDelimiters
	}
	w.w.WriteString(tag)
	for i, e := range elems {
		for j := 0; j < len(e) && !binaryElement(tag, i+1, len(elems)); j++ {
			if c := e[j]; c == d.Element || c == d.Segment || c == d.Repetition && c != 0 && tag != "ISA" || c == d.Component && tag != "ISA" {
				w.err = fmt.Errorf("%w: %s%02d holds %q", ErrDelimiterInData, tag, i+1, c)
				return w.err
			}
		}
		w.w.WriteByte(d.Element)
		w.w.WriteString(e)
	}
	w.terminate(d)
	return nil
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	return w.w.Flush()
}

// binaryElement reports whether element i of a segment of n elements is binary data,
// read by the length before it: BIN02, BDS03.
func binaryElement(tag string, i, n int) bool {
	return tag == "BIN" && i == 2 && n == 2 || tag == "BDS" && i == 3 && n == 3
}
