package x12

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"

	"github.com/icss/icss/edi/syntax"
)

// DefaultMaxSegmentSize bounds a segment (and so the reader's memory) unless
// Reader.MaxSegmentSize says otherwise.
const DefaultMaxSegmentSize = 1 << 20

// isaLen is the length of a fixed-width ISA, its terminator included.
const isaLen = 106

// isaSeparatorOffsets are where a fixed-width ISA has its element separator.
var isaSeparatorOffsets = [...]int{3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103}

// Reader reads the segments of X12 interchanges from an input, streaming: memory stays
// bounded by MaxSegmentSize whatever the input's size.
//
// Delimiters come from each ISA (element separator at offset 3, repetition separator at
// 82 from version 00402, component separator at 104, terminator at 105), so a file may
// hold several interchanges with different delimiters. The reader tolerates a UTF-8 byte
// order mark, CR/LF and blanks after terminators, a newline as the terminator, and an ISA
// that is not fixed-width (with a warning). Segments before any ISA are read with guessed
// delimiters (with a warning), so that a bare ST...SE set can still be inspected.
//
// The reader reports syntax only; envelopes and transaction-set structure are checked by
// a Validator.
type Reader struct {
	// MaxSegmentSize is the longest segment accepted, in bytes; longer ones are skipped
	// with ErrSegmentTooLong. Zero means DefaultMaxSegmentSize. Set it before the first Read.
	MaxSegmentSize int

	src    io.Reader
	srcErr error // sticky error from src (io.EOF at end)
	buf    []byte
	r, w   int   // unread data is buf[r:w]
	base   int64 // input offset of buf[0]

	lineOff int64 // input offset up to which newlines are counted
	line    int   // line number at lineOff
	nseg    int   // segments returned so far

	delims   Delimiters
	have     bool // delims were read from an ISA (or guessed)
	seg      Segment
	segLines int // newlines scan found in the current segment, terminator included
	tags     [512]struct {
		key uint32
		tag string
	}
}

// NewReader returns a Reader reading from src.
func NewReader(src io.Reader) *Reader {
	return &Reader{src: src, line: 1}
}

// Delimiters returns the delimiters in force: those of the last ISA read.
func (r *Reader) Delimiters() Delimiters { return r.delims }

// InputOffset returns the input offset just past the last segment read (its terminator
// included).
func (r *Reader) InputOffset() int64 { return r.base + int64(r.r) }

func (r *Reader) maxSize() int {
	if r.MaxSegmentSize > 0 {
		return r.MaxSegmentSize
	}
	return DefaultMaxSegmentSize
}

// fill reads more input into the buffer, keeping buf[r:w]. It returns false when no more
// input can be read (r.srcErr is then set).
func (r *Reader) fill() bool {
	if r.srcErr != nil {
		return false
	}
	if r.buf == nil {
		r.buf = make([]byte, 64<<10)
	}
	if r.r > 0 {
		// Count the newlines of the bytes about to be dropped, then slide the unread
		// bytes down.
		r.countLines(r.r)
		n := copy(r.buf, r.buf[r.r:r.w])
		r.base += int64(r.r)
		r.r, r.w = 0, n
	}
	if r.w == len(r.buf) {
		limit := r.maxSize() + isaLen + 64<<10
		if len(r.buf) >= limit {
			return false // caller handles the overlong segment
		}
		nb := make([]byte, min(2*len(r.buf), limit))
		copy(nb, r.buf[:r.w])
		r.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := r.src.Read(r.buf[r.w:])
		r.w += n
		if err != nil {
			r.srcErr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.srcErr = io.ErrNoProgress
	return false
}

// Read returns the next segment, or io.EOF at the end of the input. The segment is valid
// until the next call to Read.
//
// A malformed segment gives a *SyntaxError and Read carries on with the next segment on
// the next call. A workaround the reader applied (variable-width ISA, guessed delimiters,
// a missing final terminator) comes as a *SyntaxError of Warning severity together with
// the segment, as encoding/csv returns a record with ErrFieldCount.
func (r *Reader) Read() (*Segment, error) {
	if !r.skipBlanks() {
		return nil, r.srcErr // io.EOF at the end
	}
	// An ISA sets the delimiters of the interchange it opens.
	for r.w-r.r < 4 && r.fill() {
	}
	start := r.r
	if n := r.w - start; n >= 3 && r.buf[start] == 'I' && r.buf[start+1] == 'S' && r.buf[start+2] == 'A' && (n == 3 || !isAlnum(r.buf[start+3])) {
		return r.readISA()
	}
	var warn error
	if !r.have {
		warn = r.guessDelimiters()
		start = r.r
	}
	var binErr *SyntaxError
	if lenAt := r.binaryLengthElement(start); lenAt > 0 {
		s, err, ok := r.readBinary(lenAt)
		switch {
		case ok && err != nil:
			return s, err
		case ok:
			return s, warn
		}
		// The length does not locate the data: the segment is read as text, up to its
		// first terminator, and carries the error.
		binErr, start = err, r.r
	}
	for {
		if end, ok := r.scan(start); ok {
			r.r = end + 1
			if end-start > r.maxSize() {
				return nil, r.tooLong(start)
			}
			s := r.scanned(start, end)
			if binErr != nil {
				binErr.Pos = s.Pos
				return s, binErr
			}
			return s, warn
		}
		if r.w-start > r.maxSize() {
			// Skip the overlong segment up to its terminator, in bounded memory.
			err := r.tooLong(start)
			for r.r = r.w; r.fill(); r.r = r.w {
				if i := bytes.IndexByte(r.buf[r.r:r.w], r.delims.Segment); i >= 0 {
					r.r += i + 1
					break
				}
			}
			return nil, err
		}
		if !r.fill() {
			if r.srcErr != io.EOF {
				return nil, r.srcErr
			}
			// The input ends inside a segment: return it, with a warning.
			start, end := r.r, r.w
			r.r = r.w
			s := r.segment(start, end)
			return s, &SyntaxError{Pos: s.Pos, Severity: syntax.Warning, SegmentID: s.tag, Err: ErrNoTerminator}
		}
		start = r.r
	}
}

// tooLong reports the overlong segment starting at buf[start] (and counts it).
func (r *Reader) tooLong(start int) *SyntaxError {
	pos := r.position(start)
	r.nseg++
	return &SyntaxError{Pos: pos, Code: "TA1:024", Err: ErrSegmentTooLong}
}

// Masks for finding bytes eight at a time (SWAR): swarLo has 0x01 in each byte.
const (
	swarLo7 = 0x7f7f7f7f7f7f7f7f
	swarLo  = 0x0101010101010101
)

// zeroBytes returns a word with 0x80 in each byte of v that is zero, and nothing else.
func zeroBytes(v uint64) uint64 { return ^(((v & swarLo7) + swarLo7) | v | swarLo7) }

// scan looks for the end of the segment starting at buf[start], recording the element
// separators in r.seg.ends and counting newlines as it goes, eight bytes at a time. It
// returns the terminator's index, or ok=false when the buffer ends first.
//
// Elements are short (a few bytes), so one pass that finds separators, terminator and
// newlines together beats a call to bytes.IndexByte per element.
func (r *Reader) scan(start int) (end int, ok bool) {
	b := r.buf[start:r.w]
	sep, term := r.delims.Element, r.delims.Segment
	ends := r.seg.ends[:0]
	nl := 0
	ms, mt, mn := swarLo*uint64(sep), swarLo*uint64(term), swarLo*uint64('\n')
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		seps, terms, nls := zeroBytes(w^ms), zeroBytes(w^mt), zeroBytes(w^mn)
		if terms != 0 {
			// Only what stands before the terminator belongs to the segment.
			below := terms&-terms - 1
			for seps &= below; seps != 0; seps &= seps - 1 {
				ends = append(ends, int32(i+bits.TrailingZeros64(seps)>>3))
			}
			j := i + bits.TrailingZeros64(terms)>>3
			return r.scanEnd(start, j, ends, nl+bits.OnesCount64(nls&below))
		}
		for ; seps != 0; seps &= seps - 1 {
			ends = append(ends, int32(i+bits.TrailingZeros64(seps)>>3))
		}
		nl += bits.OnesCount64(nls)
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case term:
			return r.scanEnd(start, i, ends, nl)
		case sep:
			ends = append(ends, int32(i))
		case '\n':
			nl++
		}
	}
	r.seg.ends = ends[:0]
	return 0, false
}

// scanEnd records the end of the segment scan found: its terminator at b[j], the
// element ends, and the newlines before the terminator.
func (r *Reader) scanEnd(start, j int, ends []int32, nl int) (int, bool) {
	r.seg.ends = append(ends, int32(j))
	if r.delims.Segment == '\n' {
		nl++
	}
	r.segLines = nl
	return start + j, true
}

// scanned finishes the segment buf[start:end] whose elements scan found.
func (r *Reader) scanned(start, end int) *Segment {
	s := &r.seg
	s.Pos = r.position(start)
	r.nseg++
	// Newlines inside the segment and its terminator are counted now.
	r.line += r.segLines
	r.lineOff = r.base + int64(end) + 1
	data := r.buf[start:end]
	if r.delims.Segment == '\n' && len(data) > 0 && data[len(data)-1] == '\r' {
		data = data[:len(data)-1]
		if n := len(s.ends); n > 0 && int(s.ends[n-1]) > len(data) {
			s.ends[n-1] = int32(len(data))
		}
	}
	s.data = data
	s.Delims = r.delims
	s.tag = r.intern(data[:s.ends[0]])
	return s
}

// skipBlanks skips a byte order mark at the start of the input and white space between
// segments. It returns false at the end of the input.
func (r *Reader) skipBlanks() bool {
	for {
		for r.r < r.w {
			switch r.buf[r.r] {
			case ' ', '\t', '\r', '\n':
				r.r++
				continue
			case 0xEF:
				if r.base+int64(r.r) == 0 {
					if r.w-r.r < 3 && r.fill() {
						continue
					}
					if r.w-r.r >= 3 && r.buf[r.r+1] == 0xBB && r.buf[r.r+2] == 0xBF {
						r.r += 3
						continue
					}
				}
			}
			return true
		}
		if !r.fill() {
			return false
		}
	}
}

// position returns the position of the segment starting at buf[start].
func (r *Reader) position(start int) syntax.Position {
	r.countLines(start)
	return syntax.Position{Offset: r.base + int64(start), Line: r.line, Segment: r.nseg + 1}
}

// countLines counts the newlines from the last counted offset up to buf[end]. The
// counted offset never falls behind the buffer's start: fill counts before it slides.
func (r *Reader) countLines(end int) {
	if off := r.base + int64(end); off > r.lineOff {
		gap := r.buf[r.lineOff-r.base : end]
		if len(gap) <= 16 {
			// Between segments there is usually one line break: a loop beats a call.
			for _, c := range gap {
				if c == '\n' {
					r.line++
				}
			}
		} else {
			r.line += bytes.Count(gap, newline)
		}
		r.lineOff = off
	}
}

var newline = []byte{'\n'}

// segment splits buf[start:end] into the reader's reused Segment.
func (r *Reader) segment(start, end int) *Segment {
	s := &r.seg
	s.Pos = r.position(start)
	r.nseg++
	data := r.buf[start:end]
	if r.delims.Segment == '\n' && len(data) > 0 && data[len(data)-1] == '\r' {
		data = data[:len(data)-1]
	}
	s.data = data
	s.Delims = r.delims
	s.ends = s.ends[:0]
	sep := r.delims.Element
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], sep)
		if i < 0 {
			s.ends = append(s.ends, int32(len(data)))
			break
		}
		off += i
		s.ends = append(s.ends, int32(off))
		off++
	}
	s.tag = r.intern(data[:s.ends[0]])
	return s
}

// intern returns the tag as a string, without allocating for tags seen before: a small
// direct-mapped cache keyed by the tag's (at most three) bytes.
func (r *Reader) intern(b []byte) string {
	if len(b) == 0 || len(b) > 3 {
		return string(b)
	}
	k := uint32(len(b)) << 24
	for i, c := range b {
		k |= uint32(c) << (16 - 8*i)
	}
	h := k * 0x9E3779B1
	e := &r.tags[(h^h>>15)%uint32(len(r.tags))]
	if e.key != k || e.tag == "" {
		e.key, e.tag = k, string(b)
	}
	return e.tag
}

// readISA reads an ISA starting at buf[r.r] and adopts its delimiters.
func (r *Reader) readISA() (*Segment, error) {
	for r.w-r.r < isaLen && r.fill() {
	}
	start := r.r
	b := r.buf[start:r.w]
	d, fixed := fixedISA(b)
	var bad *SyntaxError
	if fixed {
		if bad = d.problem(); bad == nil {
			r.delims, r.have = d, true
			r.r = start + isaLen
			return r.segment(start, start+isaLen-1), nil
		}
		return nil, r.skipBadISA(start, bad)
	}
	// Variable-width ISA: 16 elements separated by the character after "ISA"; ISA16 is
	// the component separator and the next character the terminator.
	n, i := 0, 3
	for ; i < len(b) && i < 4*isaLen && n < 16; i++ {
		if b[i] == b[3] {
			n++
		}
	}
	// b[i] is now ISA16 (the component separator) and b[i+1] the terminator.
	if n == 16 && i+1 < len(b) {
		d = Delimiters{Element: b[3], Component: b[i], Segment: b[i+1]}
		d.Repetition = repetitionOf(b[:i+1], b[3])
		if bad = d.problem(); bad == nil {
			r.delims, r.have = d, true
			r.r = start + i + 2
			s := r.segment(start, start+i+1)
			return s, &SyntaxError{Pos: s.Pos, Severity: syntax.Warning, SegmentID: "ISA", Err: ErrISAWidth}
		}
		if bytes.IndexByte(b[3:i], d.Segment) >= 0 {
			// The "terminator" stands inside the sixteen elements: they were not one
			// ISA's, so no delimiter can be blamed.
			bad = nil
		}
	}
	if bad == nil {
		bad = &SyntaxError{SegmentID: "ISA", Code: "TA1:026", Err: ErrBadISA}
	}
	return nil, r.skipBadISA(start, bad)
}

// skipBadISA skips the unreadable ISA at buf[start] up to the next ISA, if any, and
// returns bad placed there.
func (r *Reader) skipBadISA(start int, bad *SyntaxError) *SyntaxError {
	bad.Pos = r.position(start)
	r.nseg++
	r.r = start + 3
	for {
		if j := bytes.Index(r.buf[r.r:r.w], []byte("ISA")); j >= 0 {
			r.r += j
			break
		}
		if r.w-r.r > 2 {
			r.r = r.w - 2
		}
		if !r.fill() {
			r.r = r.w
			break
		}
	}
	// What follows keeps the delimiters in force, if any: the best guess for data
	// between interchanges.
	return bad
}

// fixedISA reads the delimiters of a fixed-width ISA at the start of b; whether they
// are usable is for the caller to check.
func fixedISA(b []byte) (Delimiters, bool) {
	if len(b) < isaLen {
		return Delimiters{}, false
	}
	sep := b[3]
	for _, o := range isaSeparatorOffsets {
		if b[o] != sep {
			return Delimiters{}, false
		}
	}
	// And nowhere else: ISA fields never hold the separator, so a short ISA whose
	// separators happen to fall on these offsets too is read as variable-width.
	if bytes.Count(b[3:104], b[3:4]) != len(isaSeparatorOffsets) {
		return Delimiters{}, false
	}
	d := Delimiters{Element: sep, Component: b[104], Segment: b[105]}
	d.Repetition = repetitionOf(b[:105], sep)
	return d, true
}

// repetitionOf returns ISA11 as the repetition separator when ISA12 is 00402 or later
// and ISA11 is not the standards identifier "U".
func repetitionOf(isa []byte, sep byte) byte {
	var el [17][]byte
	n := 0
	for len(isa) > 0 && n < 17 {
		i := bytes.IndexByte(isa, sep)
		if i < 0 {
			el[n] = isa
			n++
			break
		}
		el[n] = isa[:i]
		isa = isa[i+1:]
		n++
	}
	if n < 13 || len(el[11]) != 1 {
		return 0
	}
	if string(el[12]) < "00402" || isAlnum(el[11][0]) || el[11][0] == ' ' {
		return 0
	}
	return el[11][0]
}

// guessDelimiters sets delimiters for data outside any interchange: the element
// separator is the byte after the tag, the terminator the first of ~ ' or a newline
// found after it.
func (r *Reader) guessDelimiters() error {
	for r.w-r.r < 512 && r.fill() {
	}
	b := r.buf[r.r:r.w]
	i := 0
	for i < len(b) && i < 3 && isAlnum(b[i]) {
		i++
	}
	d := Delimiters{Element: '*', Component: '>', Segment: '~'}
	if i < len(b) && !isAlnum(b[i]) && b[i] != ' ' && b[i] != '\n' && b[i] != '\r' {
		d.Element = b[i]
	}
	best := -1
	for _, t := range []byte{'~', '\'', '\n'} {
		if t == d.Element {
			continue
		}
		if j := bytes.IndexByte(b, t); j >= 0 && (best < 0 || j < best) {
			best, d.Segment = j, t
		}
	}
	if d.Component == d.Element || d.Component == d.Segment {
		d.Component = 0
	}
	r.delims, r.have = d, true
	return &SyntaxError{Pos: r.position(r.r), Severity: syntax.Warning, Err: ErrNoISA}
}

// binaryLengthElement returns the position of the element giving the length of the
// binary data that follows it, when the segment at buf[start] is a BIN (BIN01, data in
// BIN02) or a BDS (BDS02, data in BDS03); 0 otherwise.
func (r *Reader) binaryLengthElement(start int) int {
	b := r.buf[start:r.w]
	if len(b) < 4 || b[0] != 'B' || b[3] != r.delims.Element {
		return 0
	}
	switch {
	case b[1] == 'I' && b[2] == 'N':
		return 1
	case b[1] == 'D' && b[2] == 'S':
		return 2
	}
	return 0
}

// maxBinaryHeader bounds the bytes read before the binary data of a BIN or BDS: the tag,
// a filter code and a 15-digit length with their separators, and some slack.
const maxBinaryHeader = 64

// readBinary reads the BIN or BDS segment at buf[r.r], whose element lenAt gives the
// length of the binary data making up the next (last) element. The data is taken by
// length, so separators and terminators inside it are data; the byte after it must be
// the segment terminator. When the length is not a number or the terminator is not
// where it says, readBinary returns ok=false with the error to report, and the caller
// reads the segment as text.
func (r *Reader) readBinary(lenAt int) (seg *Segment, err *SyntaxError, ok bool) {
	sep, term := r.delims.Element, r.delims.Segment
	for r.w-r.r < maxBinaryHeader && r.fill() {
	}
	// The element separators up to the one that opens the data.
	var ends [4]int32
	hdr := r.buf[r.r:min(r.w, r.r+maxBinaryHeader)]
	n, i := 0, 4
	for ends[0] = 3; n < lenAt; i++ {
		if i >= len(hdr) || hdr[i] == term {
			return nil, r.binaryError(lenAt, hdr[ends[n]+1:min(i, len(hdr))], "AK4:1", ErrMandatoryElement, "the segment ends before the binary data"), false
		}
		if hdr[i] == sep {
			n++
			ends[n] = int32(i)
		}
	}
	// hdr[ends[lenAt-1]+1 : ends[lenAt]] is the length; the data starts at i.
	tag := string(hdr[:3])
	lv := hdr[ends[lenAt-1]+1 : ends[lenAt]]
	size, good := atoi(lv)
	if !good || len(lv) > 15 {
		return nil, r.binaryError(lenAt, lv, "AK4:6", ErrBinaryLength, fmt.Sprintf("%s%02d %q is not a number", tag, lenAt, lv)), false
	}
	dataAt := i
	if dataAt+size > r.maxSize() {
		start := r.r
		e := r.tooLong(start)
		// Skip by the length (the data may hold terminators), then to the next terminator.
		left := int64(dataAt + size)
		for int64(r.w-r.r) < left {
			left -= int64(r.w - r.r)
			r.r = r.w
			if !r.fill() {
				return nil, e, true
			}
		}
		r.r += int(left)
		for {
			if j := bytes.IndexByte(r.buf[r.r:r.w], term); j >= 0 {
				r.r += j + 1
				return nil, e, true
			}
			r.r = r.w
			if !r.fill() {
				return nil, e, true
			}
		}
	}
	for r.w-r.r <= dataAt+size && r.fill() {
	}
	start := r.r
	if r.w-start <= dataAt+size || r.buf[start+dataAt+size] != term {
		got := "the input ends first"
		if r.w-start > dataAt+size {
			got = fmt.Sprintf("byte %d of the data is followed by %q, not the segment terminator", size, r.buf[start+dataAt+size])
		}
		return nil, r.binaryError(lenAt+1, nil, "AK4:5", ErrBinaryLength, fmt.Sprintf("%s%02d says %d bytes, but %s", tag, lenAt, size, got)), false
	}
	end := start + dataAt + size
	s := &r.seg
	s.Pos = r.position(start)
	r.nseg++
	s.data = r.buf[start:end]
	s.Delims = r.delims
	s.ends = append(append(s.ends[:0], ends[:lenAt+1]...), int32(dataAt+size))
	s.tag = r.intern(s.data[:3])
	r.r = end + 1
	return s, nil, true
}

// binaryError is the finding about a BIN or BDS whose length does not locate its data:
// element el (1-based) with its value v, an AK4 code, a sentinel and the detail.
func (r *Reader) binaryError(el int, v []byte, code string, sentinel error, detail string) *SyntaxError {
	b := r.buf[r.r : r.r+3]
	ref := binaryRefs[string(b)][el-1]
	if len(v) > 99 {
		v = v[:99]
	}
	return &SyntaxError{SegmentID: string(b), Element: el, ElementRef: ref, Code: code, Value: string(v),
		Err: fmt.Errorf("%w: %s", sentinel, detail)}
}

// binaryRefs are the element reference numbers of BIN (length, data) and BDS (filter,
// length, data).
var binaryRefs = map[string][3]int{"BIN": {784, 785}, "BDS": {1570, 784, 785}}
