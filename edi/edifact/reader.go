package edifact

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"slices"

	"github.com/icss/icss/edi/syntax"
)

// DefaultMaxSegmentSize is the longest segment a Reader accepts unless told otherwise.
const DefaultMaxSegmentSize = 1 << 20

const (
	minReadSize = 64 << 10 // bytes asked of the underlying reader at a time
	maxTags     = 4096     // interned tags kept; beyond that tags are allocated
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// Reader reads EDIFACT segments from a stream. It handles an optional byte order mark,
// a UNA service string advice before any interchange (each interchange may change the
// delimiters), the default delimiters of an interchange without UNA, the release
// character, and line breaks or blanks between segments.
//
// The reader tokenizes only: envelopes and message structures are checked by a
// Validator. Memory does not grow with the input: the buffer holds one segment at most
// (plus read-ahead), and the segment returned by Read is reused.
type Reader struct {
	// MaxSegmentSize is the longest segment accepted, terminator excluded. A longer one
	// is skipped and reported with ErrSegmentTooLong. Set it before the first Read; zero
	// means DefaultMaxSegmentSize.
	MaxSegmentSize int

	r        io.Reader
	buf      []byte
	pos, end int   // unread data is buf[pos:end]
	base     int64 // input offset of buf[0]
	eof      bool
	rerr     error // read error other than io.EOF, returned once buffered data is used up
	started  bool
	line     int
	nseg     int
	d        Delimiters
	afterUNA bool // the previous segment was a UNA: the next UNB keeps its delimiters
	icUNA    bool // the current interchange was introduced by a UNA
	level    Level
	class    [256]uint8
	seg      Segment
	tags     map[string]string
	tagCache [256]tagEntry
	// wordwise says that split may skip printable ASCII a word at a time (buildClass).
	wordwise bool
	// swap, when set, gives the buffer to move the unread bytes into instead of buf
	// itself, whose segments may still be in use (see pipeline.go).
	swap func(old []byte) []byte
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	rd := &Reader{r: r, line: 1, d: DefaultDelimiters, tags: make(map[string]string, 64)}
	rd.buildClass()
	return rd
}

// Delimiters returns the delimiters in force for the segment last read.
func (r *Reader) Delimiters() Delimiters { return r.d }

// Level returns the syntax level declared by the last UNB read (LevelUnknown before).
func (r *Reader) Level() Level { return r.level }

// InputOffset returns the input offset just past the segment last read (and the line
// breaks that followed it).
func (r *Reader) InputOffset() int64 { return r.base + int64(r.pos) }

// byte classes for the tokenizer
const (
	clsDelim   = 1 // element or component separator, or release character
	clsInvalid = 2 // outside the repertoire of the syntax level
	clsNewline = 4 // CR or LF inside a segment
)

func (r *Reader) buildClass() {
	c := &r.class
	for i := range c {
		c[i] = 0
		if !r.level.allows(byte(i)) {
			c[i] = clsInvalid
		}
	}
	c['\r'], c['\n'] = clsNewline, clsNewline
	c[r.d.Element], c[r.d.Component] = clsDelim, clsDelim
	if r.d.Release != 0 {
		c[r.d.Release] = clsDelim
	}
	if r.d.Repetition != 0 {
		c[r.d.Repetition] = clsDelim
	}
	// The terminator is a legal byte of the repertoire.
	if c[r.d.Terminator] == clsInvalid {
		c[r.d.Terminator] = 0
	}
	// split may skip runs of printable ASCII eight bytes at a time when the level
	// allows all of it (every level but UNOA).
	r.wordwise = true
	for b := byte(0x20); b < 0x7f; b++ {
		if c[b]&clsInvalid != 0 {
			r.wordwise = false
		}
	}
}

func (r *Reader) maxSeg() int {
	if r.MaxSegmentSize > 0 {
		return r.MaxSegmentSize
	}
	return DefaultMaxSegmentSize
}

// fill reads more data into the buffer, compacting or growing it first. It returns
// false when no more data can come (end of input or a read error).
func (r *Reader) fill() bool {
	if r.eof {
		return false
	}
	if r.buf == nil {
		r.buf = make([]byte, 4*minReadSize)
	}
	if r.pos > 0 && (r.end == len(r.buf) || len(r.buf)-r.end < minReadSize) {
		dst := r.buf
		if r.swap != nil {
			dst = r.swap(r.buf)
		}
		copy(dst, r.buf[r.pos:r.end])
		r.buf = dst
		r.base += int64(r.pos)
		r.end -= r.pos
		r.pos = 0
	}
	if len(r.buf)-r.end < minReadSize {
		nb := make([]byte, 2*len(r.buf))
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := r.r.Read(r.buf[r.end:])
		r.end += n
		if err != nil {
			r.eof = true
			if !errors.Is(err, io.EOF) {
				r.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.eof, r.rerr = true, io.ErrNoProgress
	return false
}

// ensure tries to have n unread bytes buffered; it reports whether it has.
func (r *Reader) ensure(n int) bool {
	for r.end-r.pos < n {
		if !r.fill() {
			return r.end-r.pos >= n
		}
	}
	return true
}

func (r *Reader) errAt(pos syntax.Position, sev syntax.Severity, tag string, code string, err error, detail string) *SyntaxError {
	return &SyntaxError{Pos: pos, Severity: sev, SegmentID: tag, Code: code, Err: err, Detail: detail}
}

// Read returns the next segment, io.EOF exactly at the end of the input, or a
// *SyntaxError. The segment stays valid only until the next call to Read; use Clone to
// keep it.
//
// A segment the reader cannot tokenize (a bad tag, a bad UNA, one longer than
// MaxSegmentSize) gives a nil segment and an Error-severity *SyntaxError; the next Read
// carries on with the following segment. A segment read after a workaround (a raw line
// break inside it, a missing terminator at the end of the input) comes together with a
// Warning-severity *SyntaxError, like encoding/csv's ErrFieldCount.
func (r *Reader) Read() (*Segment, error) {
	if !r.started {
		r.started = true
		r.ensure(len(bom))
		if bytes.HasPrefix(r.buf[r.pos:r.end], bom) {
			r.pos += len(bom)
		}
	}
	// Skip line breaks and blanks between segments.
	for {
		for r.pos < r.end {
			c := r.buf[r.pos]
			if c == '\n' {
				r.line++
			} else if c != '\r' && c != ' ' && c != '\t' && c != 0x1A {
				break
			}
			r.pos++
		}
		if r.pos < r.end {
			break
		}
		if !r.fill() {
			if r.rerr != nil {
				err := r.rerr
				r.rerr = nil
				return nil, err
			}
			return nil, io.EOF
		}
	}
	r.nseg++
	pos := syntax.Position{Offset: r.base + int64(r.pos), Line: r.line, Segment: r.nseg}

	r.ensure(9)
	head := r.buf[r.pos:r.end]
	isUN := len(head) >= 3 && head[0] == 'U' && head[1] == 'N'
	if isUN && head[2] == 'A' {
		return r.readUNA(pos)
	}
	if isUN && head[2] == 'B' {
		r.icUNA = r.afterUNA
		if !r.afterUNA && len(head) > 3 {
			// Without UNA the interchange uses the default delimiters, whatever the
			// previous interchange of the file declared.
			switch head[3] {
			case DefaultDelimiters.Element:
				r.setDelims(DefaultDelimiters)
			case levelBDelimiters.Element:
				r.setDelims(levelBDelimiters)
			}
		}
	}
	r.afterUNA = false

	// Find the terminator that is not released.
	term, rel := r.d.Terminator, r.d.Release
	scan := 0 // relative to r.pos
	t := -1
	for t < 0 {
		data := r.buf[r.pos+scan : r.end]
		if i := bytes.IndexByte(data, term); i >= 0 {
			abs := r.pos + scan + i
			if rel != 0 && released(r.buf[r.pos:abs], rel) {
				scan += i + 1
				continue
			}
			t = abs
			break
		}
		scan = r.end - r.pos
		if scan > r.maxSeg() {
			return nil, r.skipLong(pos)
		}
		if !r.fill() {
			break
		}
	}
	var werr *SyntaxError
	next := t + 1
	if t < 0 {
		t, next = r.end, r.end
		werr = r.errAt(pos, syntax.Warning, "", CodeMissing, ErrUnterminated, "")
	}
	if t-r.pos > r.maxSeg() {
		r.consume(next)
		return nil, r.errAt(pos, syntax.Error, "", CodeUnspecified, ErrSegmentTooLong, "")
	}
	raw := r.buf[r.pos:t]
	if term == '\n' && len(raw) > 0 && raw[len(raw)-1] == '\r' && !released(raw[:len(raw)-1], rel) {
		// A line feed terminator written as CR LF: the CR belongs to the line break.
		raw = raw[:len(raw)-1]
	}
	r.consume(next)
	seg := &r.seg
	if err := r.tokenize(seg, raw, pos); err != nil {
		return nil, err
	}
	if werr != nil {
		werr.SegmentID = seg.tag
	}
	if seg.flags&segNewline != 0 && werr == nil {
		werr = r.errAt(pos, syntax.Warning, seg.tag, CodeInvalidCharacter, ErrNewlineInSegment, "kept as data")
	}
	if seg.tag == "UNB" {
		r.level = LevelOf(string(seg.Component(1, 1)))
		seg.level = r.level // the UNB's own values decode at the level it declares
		if !r.icUNA && r.d.Element == DefaultDelimiters.Element && string(seg.Component(1, 2)) == "4" {
			// Syntax version 4 without UNA: the default repetition separator is '*'.
			r.d.Repetition = '*'
		}
		r.buildClass()
	}
	if werr != nil {
		return seg, werr
	}
	return seg, nil
}

// consume marks buf[r.pos:next] read, counting its line breaks.
func (r *Reader) consume(next int) {
	r.line += bytes.Count(r.buf[r.pos:next], []byte{'\n'})
	r.pos = next
}

// released reports whether the byte after b is escaped: b ends with an odd run of
// release characters.
func released(b []byte, rel byte) bool {
	n := 0
	for i := len(b) - 1; i >= 0 && b[i] == rel; i-- {
		n++
	}
	return n%2 == 1
}

// skipLong discards a segment longer than the limit, up to and including its
// terminator, without holding it in memory.
func (r *Reader) skipLong(pos syntax.Position) error {
	term, rel := r.d.Terminator, r.d.Release
	odd := false // the bytes discarded so far end with an odd run of release characters
	for {
		data := r.buf[r.pos:r.end]
		from := 0
		for {
			i := bytes.IndexByte(data[from:], term)
			if i < 0 {
				break
			}
			abs := from + i
			esc := false
			if rel != 0 {
				n := 0
				j := abs - 1
				for ; j >= 0 && data[j] == rel; j-- {
					n++
				}
				if j < 0 && odd {
					n++
				}
				esc = n%2 == 1
			}
			if !esc {
				r.consume(r.pos + abs + 1)
				return r.errAt(pos, syntax.Error, "", CodeUnspecified, ErrSegmentTooLong, "")
			}
			from = abs + 1
		}
		if rel != 0 {
			n := 0
			j := len(data) - 1
			for ; j >= 0 && data[j] == rel; j-- {
				n++
			}
			if j < 0 {
				odd = odd != (n%2 == 1)
			} else {
				odd = n%2 == 1
			}
		}
		r.consume(r.end)
		if !r.fill() {
			return r.errAt(pos, syntax.Error, "", CodeUnspecified, ErrSegmentTooLong, "")
		}
	}
}

func (r *Reader) setDelims(d Delimiters) {
	if d != r.d {
		r.d = d
		r.buildClass()
	}
}

func (r *Reader) readUNA(pos syntax.Position) (*Segment, error) {
	head := r.buf[r.pos:r.end]
	if len(head) < 9 {
		r.consume(r.end)
		return nil, r.errAt(pos, syntax.Error, "UNA", CodeInvalidServiceChar, ErrBadUNA, "shorter than 9 characters")
	}
	d, err := parseUNA(head[:9])
	if err != nil {
		// Skip to the terminator the UNA names, if any, else past the advice.
		r.consume(r.pos + 9)
		r.setDelims(DefaultDelimiters)
		return nil, r.errAt(pos, syntax.Error, "UNA", CodeInvalidServiceChar, ErrBadUNA, err.Error())
	}
	r.setDelims(d)
	r.afterUNA = true
	seg := &r.seg
	seg.reset(pos, "UNA", head[:9], d, r.level)
	r.consume(r.pos + 9)
	return seg, nil
}

// tokenize splits raw into the tag, elements and components of seg.
func (r *Reader) tokenize(seg *Segment, raw []byte, pos syntax.Position) error {
	es, cs, rep := r.d.Element, r.d.Component, r.d.Repetition
	// The tag runs to the first element (or component) separator.
	k := 0
	for k < len(raw) && raw[k] != es && raw[k] != cs {
		k++
	}
	tag, ok := r.intern(raw[:k])
	if !ok {
		t := string(raw[:min(k, 8)])
		e := r.errAt(pos, syntax.Error, "", CodeInvalidValue, ErrBadTag, "tag "+quote(t))
		return e
	}
	seg.reset(pos, tag, raw, r.d, r.level)
	if k < len(raw) && raw[k] == cs {
		// A qualified tag (ISO 9735 version 1 nesting indicators): skip to the elements.
		for k < len(raw) && raw[k] != es {
			k++
		}
	}
	if k == len(raw) {
		return nil
	}
	if rep != 0 && bytes.IndexByte(raw[k+1:], rep) >= 0 {
		r.splitRepeated(seg, raw, k)
	} else {
		r.split(seg, raw, k)
	}
	return nil
}

// Words of eight bytes, for split.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// zeroByte flags (0x80) each byte of x that is zero, exactly.
func zeroByte(x uint64) uint64 { return ^(((x & (lsb * 0x7f)) + lsb*0x7f) | x | lsb*0x7f) }

// split cuts raw after the tag (which ends at k) into elements and components, and
// notes line breaks and bytes outside the syntax level. It is the hot loop of the
// reader. Where the level allows all printable ASCII (wordwise), it reads eight bytes
// at a time: a mask flags the separators, the release character, control characters
// and bytes outside ASCII, and the loop visits the flagged bytes only. A separator
// ends a component, and an element too when it is the element separator, stored
// without a branch on which of the two it was (taken at random, that branch cost more
// than the rest). Segments with repetitions go to splitRepeated instead, so this loop
// stays as tight as it can.
func (r *Reader) split(seg *Segment, raw []byte, k int) {
	es, cs, rel := r.d.Element, r.d.Component, r.d.Release
	cls := &r.class
	n := len(raw)
	// Room for a component and an element per byte: the loops store without growing.
	comps := slices.Grow(seg.comps, n-k+1)
	comps = comps[:cap(comps)]
	elems := slices.Grow(seg.elems, n-k+2)
	elems = elems[:cap(elems)]
	nc, ne := len(seg.comps), len(seg.elems)
	elems[ne] = int32(nc)
	ne++
	start := int32(k + 1)
	esc := false
	bad := int32(-1)
	var flags uint8
	i := k + 1
	if r.wordwise {
		// The last word may run past the segment into the bytes after it in the
		// buffer (their flags masked off), as long as they are there: raw is a slice
		// of the reader's buffer. Without them, the byte loop below does the last bytes.
		full := raw[:cap(raw)]
		ms, mc, mr := lsb*uint64(es), lsb*uint64(cs), lsb*uint64(rel)
	words:
		for i < n && i+8 <= len(full) {
			x := binary.LittleEndian.Uint64(full[i : i+8])
			// A flag may be set in error above a control character or a byte outside
			// ASCII (a borrow or carry spreads upwards), never missing: such a byte is
			// looked up below and found to be plain data.
			m := zeroByte(x^ms) | zeroByte(x^mc) | zeroByte(x^mr) | ((x-0x20*lsb)&^x|(x+lsb)|x)&msb
			m &= tailMask(n - i)
			for m != 0 {
				j := i + bits.TrailingZeros64(m)>>3
				m &= m - 1
				b := raw[j]
				if b == es || b == cs {
					comps[nc] = span{start, int32(j), esc}
					nc++
					elems[ne] = int32(nc)
					ne += b2i(b == es && b != cs)
					start, esc = int32(j+1), false
					continue
				}
				switch c := cls[b]; {
				case c&clsDelim != 0:
					if b == rel {
						esc = true
						i = j + 2 // the released byte is data, whatever it is
						continue words
					}
				case c&clsNewline != 0:
					flags |= segNewline
				case c != 0 && bad < 0:
					bad = int32(j)
				}
			}
			i += 8
		}
	}
	for ; i < n; i++ {
		c := cls[raw[i]]
		if c == 0 {
			continue
		}
		if c&clsDelim != 0 {
			switch raw[i] {
			case rel:
				esc = true
				i++ // the released byte is data, whatever it is
				continue
			case cs:
				comps[nc] = span{start, int32(i), esc}
				nc++
				start, esc = int32(i+1), false
			case es:
				comps[nc] = span{start, int32(i), esc}
				nc++
				elems[ne] = int32(nc)
				ne++
				start, esc = int32(i+1), false
			}
			continue
		}
		if c&clsNewline != 0 {
			flags |= segNewline
		} else if bad < 0 {
			bad = int32(i)
		}
	}
	comps[nc] = span{start, int32(n), esc}
	nc++
	elems[ne] = int32(nc)
	ne++
	seg.comps, seg.elems = comps[:nc], elems[:ne]
	seg.bad = bad
	seg.flags |= flags
}

// tailMask keeps the flags of the first n bytes of a word: all of them from 8 on, as
// a shift by 64 or more gives 0 in Go (and compiles without a branch).
func tailMask(n int) uint64 { return 1<<(8*uint(n)) - 1 }

// b2i is 1 for true, 0 for false; the compiler makes it a flag set, not a branch.
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// splitRepeated is split for a segment holding the repetition separator (syntax
// version 4): each repetition is an occurrence of its element, and seg.first maps
// elements to their first occurrence.
func (r *Reader) splitRepeated(seg *Segment, raw []byte, k int) {
	es, cs, rel, rep := r.d.Element, r.d.Component, r.d.Release, r.d.Repetition
	cls := &r.class
	start := int32(k + 1)
	esc, repeated := false, false
	bad := int32(-1)
	var flags uint8
	n := len(raw)
	seg.elems = append(seg.elems, 0)
	for i := k + 1; i < n; i++ {
		c := cls[raw[i]]
		if c == 0 {
			continue
		}
		if c&clsDelim != 0 {
			switch raw[i] {
			case rel:
				esc = true
				i++
				continue
			case cs:
				seg.comps = append(seg.comps, span{start, int32(i), esc})
				start, esc = int32(i+1), false
			case es:
				seg.comps = append(seg.comps, span{start, int32(i), esc})
				seg.elems = append(seg.elems, int32(len(seg.comps)))
				start, esc = int32(i+1), false
			case rep:
				seg.comps = append(seg.comps, span{start, int32(i), esc})
				start, esc = int32(i+1), false
				seg.addRepeat(!repeated)
				repeated = true
			}
			continue
		}
		if c&clsNewline != 0 {
			flags |= segNewline
		} else if bad < 0 {
			bad = int32(i)
		}
	}
	seg.comps = append(seg.comps, span{start, int32(n), esc})
	seg.elems = append(seg.elems, int32(len(seg.comps)))
	if repeated {
		// seg.repeat[o-1] says occurrence o continues the element of occurrence o-1.
		nocc := len(seg.elems) - 1
		first := seg.first[:0]
		for o := 0; o < nocc; o++ {
			if o == 0 || o-1 >= len(seg.repeat) || !seg.repeat[o-1] {
				first = append(first, int32(o))
			}
		}
		seg.first = append(first, int32(nocc))
	}
	seg.bad = bad
	seg.flags |= flags
}

// tagCache is a direct-mapped cache of interned tags keyed by their three bytes, in
// front of the tags map: a segment's tag is found without hashing a string.
type tagEntry struct {
	code uint32
	tag  string
}

func tagCode(b []byte) uint32 { return uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]) }

func (r *Reader) intern(b []byte) (string, bool) {
	if len(b) != 3 {
		return "", false
	}
	code := tagCode(b)
	slot := &r.tagCache[(code*2654435761)>>24]
	if slot.code == code && slot.tag != "" {
		return slot.tag, true
	}
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "", false
		}
	}
	s, ok := r.tags[string(b)]
	if !ok {
		s = string(b)
		if len(r.tags) < maxTags {
			r.tags[s] = s
		}
	}
	*slot = tagEntry{code, s}
	return s, true
}

func quote(s string) string {
	b := []byte{'"'}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7F || c == '"' {
			b = append(b, '\\', 'x', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			continue
		}
		b = append(b, c)
	}
	return string(append(b, '"'))
}
