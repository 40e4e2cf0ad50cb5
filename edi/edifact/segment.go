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
	elems   []int32 // elems[o] is the index in comps of occurrence o's first component; one more entry marks the end
	first   []int32 // with repetitions only: index in elems of each element's first occurrence, plus the end; nil without
	repeat  []bool  // scratch for the tokenizer: whether occurrence o repeats the previous element
	comps   []span
	scratch []byte // unescaped values returned since the last Read
	bad     int32  // offset in raw of the first byte outside the syntax level, or -1
	flags   uint8
}

func (s *Segment) reset(pos syntax.Position, tag string, raw []byte, d Delimiters, level Level) {
	s.Pos, s.tag, s.raw, s.d, s.level = pos, tag, raw, d, level
	s.elems, s.comps, s.scratch = s.elems[:0], s.comps[:0], s.scratch[:0]
	s.first = nil
	s.bad, s.flags = -1, 0
}

// Tag returns the segment tag ("UNH", "NAD"). Tags are interned: no allocation.
func (s *Segment) Tag() string { return s.tag }

// occOf returns the index in s.elems of the first occurrence of data element i and the
// number of its occurrences (repetitions, syntax version 4); ok is false when the
// element is absent.
func (s *Segment) occOf(i int) (o, n int, ok bool) {
	if s.first == nil {
		if i < 1 || i >= len(s.elems) {
			return 0, 0, false
		}
		return i - 1, 1, true
	}
	if i < 1 || i >= len(s.first) {
		return 0, 0, false
	}
	return int(s.first[i-1]), int(s.first[i] - s.first[i-1]), true
}

// Len returns the number of data elements after the tag, empty ones included (a
// repeated element counts once).
func (s *Segment) Len() int {
	if s.first != nil {
		return len(s.first) - 1
	}
	if len(s.elems) == 0 {
		return 0
	}
	return len(s.elems) - 1
}

// Components returns the number of components of data element i (1-based; its first
// repetition), 0 when the element is absent.
func (s *Segment) Components(i int) int {
	o, _, ok := s.occOf(i)
	if !ok {
		return 0
	}
	return int(s.elems[o+1] - s.elems[o])
}

// Component returns component j of data element i (both 1-based; the first repetition)
// with release characters removed, or nil when absent. It allocates nothing unless the
// value holds a release character. The bytes are in the interchange's character set;
// see String and Level.Decode.
func (s *Segment) Component(i, j int) []byte {
	if s.first != nil {
		return s.RepComponent(i, 1, j)
	}
	// No repetitions (the common case): occurrence i-1 is element i.
	if i < 1 || i >= len(s.elems) || j < 1 {
		return nil
	}
	k := int(s.elems[i-1]) + j - 1
	if k >= int(s.elems[i]) {
		return nil
	}
	return s.value(s.comps[k])
}

// Repetitions returns how many times data element i occurs (syntax version 4 repeats
// an element with the repetition separator): 1 for a plain element, 0 when absent.
func (s *Segment) Repetitions(i int) int {
	_, n, ok := s.occOf(i)
	if !ok {
		return 0
	}
	return n
}

// RepComponent returns component j of repetition k of data element i (all 1-based),
// unescaped, or nil when absent.
func (s *Segment) RepComponent(i, k, j int) []byte {
	o, n, ok := s.occOf(i)
	if !ok || k < 1 || k > n || j < 1 {
		return nil
	}
	o += k - 1
	c := int(s.elems[o]) + j - 1
	if c >= int(s.elems[o+1]) {
		return nil
	}
	return s.value(s.comps[c])
}

// RepComponents returns the number of components of repetition k of element i.
func (s *Segment) RepComponents(i, k int) int {
	o, n, ok := s.occOf(i)
	if !ok || k < 1 || k > n {
		return 0
	}
	o += k - 1
	return int(s.elems[o+1] - s.elems[o])
}

// Elem returns data element i (1-based), or nil when absent. For a simple element (one
// component, not repeated) it is the unescaped value, like Component(i, 1). For a
// composite or repeated element it is the element as written, separators and release
// characters included; read those with Component and RepComponent.
func (s *Segment) Elem(i int) []byte {
	o, n, ok := s.occOf(i)
	if !ok {
		return nil
	}
	a := int(s.elems[o])
	if n == 1 && int(s.elems[o+1])-a == 1 {
		return s.value(s.comps[a])
	}
	return s.raw[s.comps[a].start:s.comps[s.elems[o+n]-1].end]
}

// RawElem returns data element i as written (separators, repetitions and release
// characters included), or nil when absent.
func (s *Segment) RawElem(i int) []byte {
	o, n, ok := s.occOf(i)
	if !ok {
		return nil
	}
	return s.raw[s.comps[s.elems[o]].start:s.comps[s.elems[o+n]-1].end]
}

// trailingSeparator finds a separator ISO 9735 forbids: the segment ending with an
// empty element (c = 0), or a composite ending with an empty component.
func (s *Segment) trailingSeparator() (e, c int, ok bool) {
	n := len(s.elems) - 1 // occurrences
	if n < 1 {
		return 0, 0, false
	}
	last := s.elems[n-1]
	if s.elems[n]-last == 1 && s.comps[last].start == s.comps[last].end && (s.first == nil || s.first[len(s.first)-2] == int32(n-1)) {
		return s.Len(), 0, true
	}
	for o := 0; o < n; o++ {
		a, b := s.elems[o], s.elems[o+1]
		if b-a > 1 && s.comps[b-1].start == s.comps[b-1].end {
			return s.elemOfOcc(o), int(b - a), true
		}
	}
	return 0, 0, false
}

// elemOfOcc maps an occurrence index to its 1-based data element.
func (s *Segment) elemOfOcc(o int) int {
	if s.first == nil {
		return o + 1
	}
	e := 0
	for e+1 < len(s.first) && int(s.first[e+1]) <= o {
		e++
	}
	return e + 1
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
	for o := 0; o+1 < len(s.elems); o++ {
		for k := s.elems[o]; k < s.elems[o+1]; k++ {
			if s.comps[k].start <= s.bad && s.bad < s.comps[k].end {
				return s.elemOfOcc(o), int(k-s.elems[o]) + 1, true
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

// addRepeat starts a new occurrence that repeats the element of the previous one
// (kept out of the tokenizer's loop, which it would slow down).
//
//go:noinline
func (s *Segment) addRepeat(firstInSegment bool) {
	s.elems = append(s.elems, int32(len(s.comps)))
	if firstInSegment {
		s.repeat = s.repeat[:0]
	}
	for len(s.repeat) < len(s.elems)-1 {
		s.repeat = append(s.repeat, false)
	}
	// repeat[o-1] says occurrence o (starting here, o = len(elems)-1) continues the
	// element of occurrence o-1.
	s.repeat[len(s.elems)-2] = true
}

// Clone returns a deep copy of the segment that stays valid after the next Read.
func (s *Segment) Clone() *Segment {
	c := &Segment{Pos: s.Pos, tag: s.tag, d: s.d, level: s.level, bad: s.bad, flags: s.flags}
	c.raw = append([]byte(nil), s.raw...)
	c.elems = append([]int32(nil), s.elems...)
	c.comps = append([]span(nil), s.comps...)
	if s.first != nil {
		c.first = append([]int32(nil), s.first...)
	}
	return c
}
