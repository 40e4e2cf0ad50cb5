package edifact

import (
	"github.com/icss/icss/edi/syntax"
)

// span is one component of a segment: raw[start:end], esc when it holds a release
// character (so reading it needs unescaping).
type span struct {
	start, end int32
	esc        bool
}

const (
	segNewline = 1 << iota // a raw CR or LF inside the segment
)

// Segment is one EDIFACT segment: a tag and its data elements, each made of one or more
// components. Accessors are 1-based like the directories (NAD 3035 is Elem(1), the
// party identification C082 3039 is Component(2, 1)).
//
// A Segment returned by Reader.Read points into the reader's buffer and is valid only
// until the next Read; Clone makes a copy that survives it.
type Segment struct {
	Pos syntax.Position

	tag     string
	raw     []byte
	d       Delimiters
	level   Level
	elems   []int32 // elems[i] is the index in comps of element i+1's first component; one more entry marks the end
	comps   []span
	scratch []byte // unescaped values returned since the last Read
	bad     int32  // offset in raw of the first byte outside the syntax level, or -1
	flags   uint8
}

func (s *Segment) reset(pos syntax.Position, tag string, raw []byte, d Delimiters, level Level) {
	s.Pos, s.tag, s.raw, s.d, s.level = pos, tag, raw, d, level
	s.elems, s.comps, s.scratch = s.elems[:0], s.comps[:0], s.scratch[:0]
	s.bad, s.flags = -1, 0
}

// Tag returns the segment tag ("UNH", "NAD"). Tags are interned: no allocation.
func (s *Segment) Tag() string { return s.tag }

// Len returns the number of data elements after the tag, empty ones included.
func (s *Segment) Len() int {
	if len(s.elems) == 0 {
		return 0
	}
	return len(s.elems) - 1
}

// Components returns the number of components of data element i (1-based), 0 when the
// element is absent.
func (s *Segment) Components(i int) int {
	if i < 1 || i >= len(s.elems) {
		return 0
	}
	return int(s.elems[i] - s.elems[i-1])
}

// Component returns component j of data element i (both 1-based) with release
// characters removed, or nil when absent. It allocates nothing unless the value holds a
// release character. The bytes are in the interchange's character set; see Decode.
func (s *Segment) Component(i, j int) []byte {
	if i < 1 || i >= len(s.elems) || j < 1 {
		return nil
	}
	k := int(s.elems[i-1]) + j - 1
	if k >= int(s.elems[i]) {
		return nil
	}
	return s.value(s.comps[k])
}

// Elem returns data element i (1-based), or nil when absent. For a simple element (one
// component) it is the unescaped value, like Component(i, 1). For a composite it is the
// element as written, separators and release characters included; read composites
// with Component.
func (s *Segment) Elem(i int) []byte {
	if i < 1 || i >= len(s.elems) {
		return nil
	}
	a, b := int(s.elems[i-1]), int(s.elems[i])
	if b-a == 1 {
		return s.value(s.comps[a])
	}
	return s.raw[s.comps[a].start:s.comps[b-1].end]
}

// RawElem returns data element i as written (separators and release characters
// included), or nil when absent.
func (s *Segment) RawElem(i int) []byte {
	if i < 1 || i >= len(s.elems) {
		return nil
	}
	a, b := int(s.elems[i-1]), int(s.elems[i])
	return s.raw[s.comps[a].start:s.comps[b-1].end]
}

// String returns component j of element i decoded from the interchange's character set
// to UTF-8 (Latin-1 for UNOC, and so on; see Level.Decode).
func (s *Segment) String(i, j int) string { return s.level.Decode(s.Component(i, j)) }

// Bytes returns the segment as written, without its terminator. For a UNA segment it is
// the nine-character service string advice.
func (s *Segment) Bytes() []byte { return s.raw }

// Delimiters returns the delimiters the segment was written with.
func (s *Segment) Delimiters() Delimiters { return s.d }

// Level returns the syntax level of the interchange the segment belongs to.
func (s *Segment) Level() Level { return s.level }

// InvalidChar returns the 1-based element and component holding the first byte outside
// the repertoire of the interchange's syntax level, and whether there is one.
func (s *Segment) InvalidChar() (elem, comp int, ok bool) {
	if s.bad < 0 {
		return 0, 0, false
	}
	for i := 1; i < len(s.elems); i++ {
		for k := s.elems[i-1]; k < s.elems[i]; k++ {
			if s.comps[k].start <= s.bad && s.bad < s.comps[k].end {
				return i, int(k-s.elems[i-1]) + 1, true
			}
		}
	}
	return 0, 0, true
}

func (s *Segment) value(c span) []byte {
	v := s.raw[c.start:c.end]
	if !c.esc {
		return v
	}
	rel := s.d.Release
	from := len(s.scratch)
	for i := 0; i < len(v); i++ {
		if v[i] == rel && i+1 < len(v) {
			i++
		}
		s.scratch = append(s.scratch, v[i])
	}
	return s.scratch[from:len(s.scratch):len(s.scratch)]
}

// Clone returns a deep copy of the segment that stays valid after the next Read.
func (s *Segment) Clone() *Segment {
	c := &Segment{Pos: s.Pos, tag: s.tag, d: s.d, level: s.level, bad: s.bad, flags: s.flags}
	c.raw = append([]byte(nil), s.raw...)
	c.elems = append([]int32(nil), s.elems...)
	c.comps = append([]span(nil), s.comps...)
	return c
}
