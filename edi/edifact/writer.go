package edifact

import (
	"bufio"
	"fmt"
	"io"
)

// Writer writes EDIFACT segments with its own delimiters, escaping service characters
// in values with the release character.
type Writer struct {
	// Delimiters used for every segment written. Set before the first Write; the zero
	// value means DefaultDelimiters.
	Delimiters Delimiters
	// Newline, when set, writes a line break after each segment terminator (common,
	// not part of the standard).
	Newline bool

	w   *bufio.Writer
	buf []byte
}

// NewWriter returns a Writer writing to w with the default delimiters.
func NewWriter(w io.Writer) *Writer {
	return &Writer{Delimiters: DefaultDelimiters, w: bufio.NewWriterSize(w, 64<<10)}
}

func (w *Writer) delims() Delimiters {
	if w.Delimiters == (Delimiters{}) {
		return DefaultDelimiters
	}
	return w.Delimiters
}

// Write writes a segment read from any interchange, re-encoded with the writer's
// delimiters. A UNA segment is written as the writer's own service string advice.
func (w *Writer) Write(seg *Segment) error {
	d := w.delims()
	if seg.tag == "UNA" {
		_, err := w.w.Write(d.UNA())
		return err
	}
	if seg.d == d && (d.Release == 0 || !released(seg.raw, d.Release)) {
		// Same delimiters: the segment as written is already correctly escaped (unless
		// it ends with a lone release character, possible only at the end of an
		// unterminated input, which would release the terminator).
		w.buf = append(w.buf[:0], seg.raw...)
		return w.end(d)
	}
	w.buf = append(w.buf[:0], seg.tag...)
	for i := 1; i <= seg.Len(); i++ {
		w.buf = append(w.buf, d.Element)
		for k := 1; k <= seg.Repetitions(i); k++ {
			if k > 1 {
				if d.Repetition == 0 {
					return fmt.Errorf("write %s element %d: repeated element and the delimiters have no repetition separator", seg.tag, i)
				}
				w.buf = append(w.buf, d.Repetition)
			}
			for j := 1; j <= seg.RepComponents(i, k); j++ {
				if j > 1 {
					w.buf = append(w.buf, d.Component)
				}
				var err error
				if w.buf, err = escape(w.buf, seg.RepComponent(i, k, j), d); err != nil {
					return fmt.Errorf("write %s element %d component %d: %w", seg.tag, i, j, err)
				}
			}
		}
	}
	return w.end(d)
}

// WriteSegment writes a segment from its tag and data elements, each given as its
// components. Values are escaped; trailing empty elements and components are left out
// (ISO 9735 forbids trailing separators).
//
//	w.WriteSegment("UNH", []string{"1"}, []string{"CONTRL", "D", "3", "UN"})
func (w *Writer) WriteSegment(tag string, elems ...[]string) error {
	d := w.delims()
	if len(tag) != 3 {
		return fmt.Errorf("write segment: tag %q is not three characters", tag)
	}
	w.buf = append(w.buf[:0], tag...)
	n := len(elems)
	for n > 0 && empty(elems[n-1]) {
		n--
	}
	for i, e := range elems[:n] {
		w.buf = append(w.buf, d.Element)
		m := len(e)
		for m > 0 && e[m-1] == "" {
			m--
		}
		for j, c := range e[:m] {
			if j > 0 {
				w.buf = append(w.buf, d.Component)
			}
			var err error
			if w.buf, err = escape(w.buf, []byte(c), d); err != nil {
				return fmt.Errorf("write %s element %d component %d: %w", tag, i+1, j+1, err)
			}
		}
	}
	return w.end(d)
}

// WriteUNA writes the service string advice for the writer's delimiters.
func (w *Writer) WriteUNA() error {
	_, err := w.w.Write(w.delims().UNA())
	return err
}

func empty(e []string) bool {
	for _, c := range e {
		if c != "" {
			return false
		}
	}
	return true
}

func (w *Writer) end(d Delimiters) error {
	w.buf = append(w.buf, d.Terminator)
	if w.Newline {
		w.buf = append(w.buf, '\n')
	}
	_, err := w.w.Write(w.buf)
	return err
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() error { return w.w.Flush() }

// escape appends v to dst with every service character preceded by the release
// character.
func escape(dst, v []byte, d Delimiters) ([]byte, error) {
	for _, c := range v {
		if c == d.Element || c == d.Component || c == d.Terminator || (d.Release != 0 && c == d.Release) || (d.Repetition != 0 && c == d.Repetition) {
			if d.Release == 0 {
				return dst, fmt.Errorf("value holds service character %q and the delimiters have no release character", c)
			}
			dst = append(dst, d.Release)
		}
		dst = append(dst, c)
	}
	return dst, nil
}
