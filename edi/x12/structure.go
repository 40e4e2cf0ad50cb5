package x12

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/icss/icss/edi/syntax"
)

// StructureChecker checks transaction sets against their specs as their segments stream
// by: it is the Validator's SetChecker. It keeps only a stack of open loops (their
// position and use counts), never the set, and checks a segment without allocating
// unless it has something to report.
//
// Specs are compiled into tables: every segment ID is mapped to a small integer through
// an array indexed by its characters, so finding a segment's place is a few integer
// comparisons in the open loops, and element checks run over precompiled element
// descriptions with one pass over each value's bytes.
//
// A set whose ST01 has no spec, or whose release (ST03, else GS08) is outside every
// spec of that ID, is not checked (its envelope still is). A set outside any group has
// no release: it is checked against the earliest spec of its ID.
//
// A StructureChecker is not safe for concurrent use; give each Validator its own (they
// share the compiled tables).
type StructureChecker struct {
	reg *registry
	set *cset

	stack   []frame
	index   int             // set index of the last segment seen
	lastPos syntax.Position // position of the last segment seen
	elemErr []*SyntaxError  // element findings of the segment being checked

	// Byte classes for the delimiters in force (rebuilt when they change).
	delims Delimiters
	class  [256]uint8
}

var _ SetChecker = (*StructureChecker)(nil)

// frame is an open loop: which of its nodes was seen last, and how many times.
type frame struct {
	loop  *cloop
	pos   int // index in loop.nodes of the current node; -1 before the first
	count int // uses of the current node (segment uses, or loop repetitions)
}

var builtin = sync.OnceValue(func() *registry {
	reg, err := compile(BuiltinSpecs())
	if err != nil {
		panic(err) // the built-in specs are tested; this is a programming error
	}
	return reg
})

// NewStructureChecker returns a checker with the built-in specs (BuiltinSpecs).
func NewStructureChecker() *StructureChecker {
	return newChecker(builtin())
}

// NewStructureCheckerFor returns a checker for the given specs only, for partners whose
// implementation guides differ from the built-in specs. It fails when a spec is not
// consistent (a loop that does not start with a segment, a syntax note naming a missing
// element ...).
func NewStructureCheckerFor(specs ...*SetSpec) (*StructureChecker, error) {
	reg, err := compile(specs)
	if err != nil {
		return nil, err
	}
	return newChecker(reg), nil
}

func newChecker(reg *registry) *StructureChecker {
	return &StructureChecker{reg: reg, stack: make([]frame, 0, 16), elemErr: make([]*SyntaxError, 0, 8)}
}

// Spec returns the spec the checker applies to the current set, or nil when the set is
// not checked.
func (c *StructureChecker) Spec() *SetSpec {
	if c.set == nil {
		return nil
	}
	return c.set.spec
}

// Begin starts a set: it picks the spec for ST01 and the release in ST03 or version.
func (c *StructureChecker) Begin(st *Segment, version string) {
	c.set = c.reg.lookup(st.Elem(1), st.Elem(3), version)
	c.stack = c.stack[:0]
	c.index = 1
	c.lastPos = st.Pos
	if c.set != nil {
		c.stack = append(c.stack, frame{loop: &c.set.root, pos: -1})
	}
}

// Segment checks one segment of the set.
func (c *StructureChecker) Segment(seg *Segment, index int, report func(*SyntaxError)) {
	if c.set == nil {
		return
	}
	c.index = index
	c.lastPos = seg.Pos
	tid := c.reg.tagID(seg.Tag())
	if tid != 0 {
		for d := len(c.stack) - 1; d >= 0; d-- {
			f := &c.stack[d]
			start := f.pos
			if d > 0 && start < 1 {
				start = 1 // a loop's trigger starts a new repetition, seen from the parent
			} else if start < 0 {
				start = 0
			}
			nodes := f.loop.nodes
			for i := start; i < len(nodes); i++ {
				if nodes[i].tag == tid {
					c.enter(d, i, seg, report)
					return
				}
			}
		}
	}
	c.unmatched(seg, tid, report)
}

// End closes the set: mandatory segments and loops never seen are reported.
func (c *StructureChecker) End(se *Segment, report func(*SyntaxError)) {
	if c.set == nil {
		return
	}
	pos, index, tag := c.lastPos, c.index, ""
	if se != nil {
		pos, index, tag = se.Pos, c.index+1, "SE"
	}
	for len(c.stack) > 0 {
		c.closeTop(pos, index, tag, report)
	}
	c.set = nil
}

// enter records that seg is node i of the open loop at depth d.
func (c *StructureChecker) enter(d, i int, seg *Segment, report func(*SyntaxError)) {
	for len(c.stack)-1 > d {
		c.closeTop(seg.Pos, c.index, seg.Tag(), report)
	}
	f := &c.stack[d]
	nodes := f.loop.nodes
	if i == f.pos {
		f.count++
	} else {
		if f.pos >= 0 && c.set.impl {
			c.checkMin(f, seg.Pos, c.index, report)
		}
		for j := f.pos + 1; j < i; j++ {
			if nodes[j].req == ReqMandatory {
				c.missing(f.loop, &nodes[j], seg.Pos, c.index, seg.Tag(), report)
			}
		}
		f.pos, f.count = i, 1
	}
	n := &nodes[i]
	loopID := f.loop.id
	if n.loop != nil {
		loopID = n.loop.id
		if n.max > 0 && f.count > n.max {
			report(c.segErr(seg, loopID, "AK3:4", fmt.Errorf("%w: loop %s repeats %d times, at most %d", ErrLoopOverMax, loopID, f.count, n.max)))
		}
		c.stack = append(c.stack, frame{loop: n.loop, pos: 0, count: 1})
	} else if n.max > 0 && f.count > n.max {
		report(c.segErr(seg, loopID, "AK3:5", fmt.Errorf("%w: %s is used %d times, at most %d", ErrSegmentOverMax, seg.Tag(), f.count, n.max)))
	}
	if n.req == ReqNotUsed && c.set.impl {
		report(c.segErr(seg, loopID, "IK3:I4", fmt.Errorf("%w here", ErrSegmentNotUsed)))
	}
	c.checkElements(seg, n.seg, loopID, report)
}

// closeTop pops the innermost open loop, reporting the mandatory nodes it never reached.
// pos, index and next locate the segment that closed it (SE, or "" at a missing SE).
func (c *StructureChecker) closeTop(pos syntax.Position, index int, next string, report func(*SyntaxError)) {
	f := &c.stack[len(c.stack)-1]
	if f.pos >= 0 {
		c.checkMin(f, pos, index, report)
	}
	for j := f.pos + 1; j < len(f.loop.nodes); j++ {
		if f.loop.nodes[j].req == ReqMandatory {
			c.missing(f.loop, &f.loop.nodes[j], pos, index, next, report)
		}
	}
	c.stack = c.stack[:len(c.stack)-1]
}

// checkMin reports an implementation guide's minimum use not reached by the current
// node of f (999 IK3 I7 for a loop, I8 for a segment).
func (c *StructureChecker) checkMin(f *frame, pos syntax.Position, index int, report func(*SyntaxError)) {
	n := &f.loop.nodes[f.pos]
	if !c.set.impl || n.min <= 1 || f.count >= n.min {
		return
	}
	e := &SyntaxError{Pos: pos, SegmentID: c.reg.tagNames[n.tag], Loop: f.loop.id, SetIndex: index}
	if n.loop != nil {
		e.Code, e.Loop = "IK3:I7", n.loop.id
		e.Err = fmt.Errorf("%w: loop %s occurs %d times, the implementation requires %d", ErrMandatorySegment, n.loop.id, f.count, n.min)
	} else {
		e.Code = "IK3:I8"
		e.Err = fmt.Errorf("%w: %s is used %d times, the implementation requires %d", ErrMandatorySegment, e.SegmentID, f.count, n.min)
	}
	report(e)
}

func (c *StructureChecker) missing(in *cloop, n *cnode, pos syntax.Position, index int, next string, report func(*SyntaxError)) {
	e := &SyntaxError{Pos: pos, SegmentID: c.reg.tagNames[n.tag], Loop: in.id, SetIndex: index, Code: "AK3:3"}
	what := "segment " + e.SegmentID
	if n.loop != nil {
		e.Loop = n.loop.id
		what = "loop " + n.loop.id
	}
	if next != "" {
		e.Err = detail(ErrMandatorySegment, what, ", expected before ", next)
	} else {
		e.Err = detail(ErrMandatorySegment, what)
	}
	report(e)
}

// unmatched reports a segment that has no place in the open loops: out of sequence
// (AK3 7) when it belongs earlier in an open loop, unexpected (AK3 2) when the set has it
// elsewhere, not in the set (AK3 6) when it is an X12 segment the set does not define,
// unrecognized (AK3 1) otherwise.
func (c *StructureChecker) unmatched(seg *Segment, tid uint16, report func(*SyntaxError)) {
	loopID := c.stack[len(c.stack)-1].loop.id
	var e *SyntaxError
	switch {
	case tid != 0 && c.set.has[tid] && c.earlier(tid):
		e = c.segErr(seg, loopID, "AK3:7", detail(ErrSegmentOutOfOrder, seg.Tag(), " belongs before the segments already read in this loop"))
	case tid != 0 && c.set.has[tid]:
		e = c.segErr(seg, loopID, "AK3:2", detail(ErrUnexpectedSegment, seg.Tag(), " is not expected in loop ", loopName(loopID), " here"))
	case tid != 0 && c.reg.known[tid]:
		e = c.segErr(seg, loopID, "AK3:6", detail(ErrSegmentNotInSet, seg.Tag(), " is not part of set ", c.set.spec.ID))
	default:
		e = c.segErr(seg, loopID, "AK3:1", detail(ErrUnrecognizedSegment, strconv.Quote(seg.Tag())))
	}
	report(e)
}

func loopName(id string) string {
	if id == "" {
		return "(heading)"
	}
	return id
}

// earlier reports whether tid is a node an open loop has already passed.
func (c *StructureChecker) earlier(tid uint16) bool {
	for d := range c.stack {
		f := &c.stack[d]
		for j := 0; j <= f.pos && j < len(f.loop.nodes); j++ {
			if f.loop.nodes[j].tag == tid {
				return true
			}
		}
	}
	return false
}

func (c *StructureChecker) segErr(seg *Segment, loop, code string, err error) *SyntaxError {
	return &SyntaxError{Pos: seg.Pos, SegmentID: seg.Tag(), Loop: loop, SetIndex: c.index, Code: code, Err: err}
}

// Byte classes of element values.
const (
	clsBad  = 1 << iota // outside the basic and extended character sets
	clsComp             // the component separator
	clsRep              // the repetition separator
)

func (c *StructureChecker) setDelims(d Delimiters) {
	c.delims = d
	for b := range c.class {
		c.class[b] = 0
		if b < 0x20 || b > 0x7e {
			c.class[b] = clsBad
		}
	}
	if d.Component != 0 {
		c.class[d.Component] |= clsComp
	}
	if d.Repetition != 0 {
		c.class[d.Repetition] |= clsRep
	}
}

// checkElements checks seg's elements against cs and reports what it finds, preceded
// by an AK3 8 record when there is any error, so acknowledgments can group the AK4s
// under their AK3.
func (c *StructureChecker) checkElements(seg *Segment, cs *cseg, loop string, report func(*SyntaxError)) {
	if seg.Delims != c.delims {
		c.setDelims(seg.Delims)
	}
	c.elemErr = c.elemErr[:0]
	// Elements are sliced straight from the segment's buffer: Elem's bounds checks and
	// call cost add up at a few nanoseconds per element.
	data, ends := seg.data, seg.ends
	n := len(ends) - 1
	for n > 0 && ends[n] == ends[n-1]+1 {
		n-- // trailing empty elements are a style fault, not an error
	}
	comp, rep := broadcast(c.delims.Component), broadcast(c.delims.Repetition)
	// One scan of the whole segment usually clears every element's characters at once
	// (it fails when an element separator is a control character: then each element is
	// scanned on its own).
	segPlain := plain(data[ends[0]:], comp, rep)
	var present uint64
	for i := 1; i <= n; i++ {
		lo, hi := ends[i-1]+1, ends[i]
		if i > len(cs.elems) {
			sev, code := syntax.Error, "AK4:3"
			if cs.text {
				sev, code = syntax.Warning, ""
			}
			c.addElemErr(seg, cs, loop, i, 0, nil, data[lo:hi], sev, code,
				fmt.Errorf("%w: %s has %d elements, the spec defines %d (is a delimiter typed inside the text?)", ErrTooManyElements, seg.Tag(), n, len(cs.elems)))
			break
		}
		ln := int(hi - lo)
		if ln <= 0 {
			continue
		}
		present |= 1 << (i - 1)
		e := &cs.elems[i-1]
		// Fast path: a plain AN or ID value of the right length.
		if e.plain && ln >= e.min && ln <= e.max && (segPlain || plain(data[lo:hi], comp, rep)) {
			continue
		}
		v := data[lo:hi]
		if e.req == ReqNotUsed && c.set.impl {
			c.addElemErr(seg, cs, loop, i, 0, e, v, syntax.Error, "IK4:I10", ErrElementNotUsed)
			continue
		}
		if e.typ == TypeComposite || e.reps > 1 {
			c.checkStructured(seg, cs, loop, i, e, v)
		} else {
			c.checkValue(seg, cs, loop, i, 0, e, v)
		}
	}
	if miss := cs.mandatory &^ present; miss != 0 {
		for miss != 0 {
			b := bits.TrailingZeros64(miss)
			miss &^= 1 << b
			c.addElemErr(seg, cs, loop, b+1, 0, &cs.elems[b], nil, syntax.Error, "AK4:1", ErrMandatoryElement)
		}
	}
	for r := range cs.rules {
		c.checkRule(seg, cs, loop, &cs.rules[r], present)
	}
	if len(c.elemErr) == 0 {
		return
	}
	for _, e := range c.elemErr {
		if e.Severity == syntax.Error {
			report(&SyntaxError{Pos: seg.Pos, SegmentID: seg.Tag(), Loop: loop, SetIndex: c.index, Code: "AK3:8", Err: ErrElementErrors})
			break
		}
	}
	for _, e := range c.elemErr {
		report(e)
	}
}

// checkStructured checks a composite or repeating element: each repetition, and in a
// composite each component.
func (c *StructureChecker) checkStructured(seg *Segment, cs *cseg, loop string, i int, e *celem, v []byte) {
	rep := c.delims.Repetition
	maxRep := max(e.reps, 1)
	sent := 0
	defer func() {
		if c.set.impl && sent < e.minReps {
			c.addElemErr(seg, cs, loop, i, 0, e, nil, syntax.Error, "IK4:I11", fmt.Errorf("%w: %d repetitions, the implementation requires %d", ErrMandatoryElement, sent, e.minReps))
		}
	}()
	for k := 1; len(v) > 0 || k == 1; k++ {
		r := v
		if rep != 0 {
			if j := indexByte(v, rep); j >= 0 {
				r, v = v[:j], v[j+1:]
			} else {
				v = nil
			}
		} else {
			v = nil
		}
		if k > maxRep {
			c.addElemErr(seg, cs, loop, i, 0, e, r, syntax.Error, "AK4:12", fmt.Errorf("%w: at most %d", ErrTooManyRepetitions, maxRep))
			return
		}
		if len(r) == 0 {
			continue
		}
		sent++
		if e.typ != TypeComposite {
			c.checkValue(seg, cs, loop, i, 0, e, r)
			continue
		}
		comp := c.delims.Component
		for j := 1; ; j++ {
			part := r
			more := false
			if x := indexByte(r, comp); x >= 0 && comp != 0 {
				part, r, more = r[:x], r[x+1:], true
			}
			if j > len(e.comps) {
				c.addElemErr(seg, cs, loop, i, j, e, part, syntax.Error, "AK4:13", fmt.Errorf("%w: at most %d", ErrTooManyComponents, len(e.comps)))
				break
			}
			ce := &e.comps[j-1]
			if len(part) == 0 {
				if ce.req == ReqMandatory {
					c.addElemErr(seg, cs, loop, i, j, ce, nil, syntax.Error, "AK4:1", ErrMandatoryElement)
				}
			} else {
				c.checkValue(seg, cs, loop, i, j, ce, part)
			}
			if !more {
				for j++; j <= len(e.comps); j++ {
					if e.comps[j-1].req == ReqMandatory {
						c.addElemErr(seg, cs, loop, i, j, &e.comps[j-1], nil, syntax.Error, "AK4:1", ErrMandatoryElement)
					}
				}
				break
			}
		}
	}
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// broadcast repeats b in every byte of a word (0 stays 0: NUL is caught as a control
// character anyway).
func broadcast(b byte) uint64 { return uint64(b) * lsb }

// plain reports whether v holds only characters of the basic and extended sets (0x20
// to 0x7E) and neither the component nor the repetition separator, eight bytes at a
// time: the common case, which needs no further look.
func plain(v []byte, comp, rep uint64) bool {
	for len(v) >= 8 {
		x := binary.LittleEndian.Uint64(v)
		c, r := x^comp, x^rep
		bad := (x-0x20*lsb)&^x | (x + lsb) | x | (c-lsb)&^c | (r-lsb)&^r
		if bad&msb != 0 {
			return false
		}
		v = v[8:]
	}
	for _, b := range v {
		if b < 0x20 || b > 0x7e || uint64(b) == comp&0xff || uint64(b) == rep&0xff {
			return false
		}
	}
	return true
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// checkValue checks one simple value (an element, a repetition or a component).
func (c *StructureChecker) checkValue(seg *Segment, cs *cseg, loop string, i, j int, e *celem, v []byte) {
	before := len(c.elemErr)
	var acc uint8
	for _, b := range v {
		acc |= c.class[b]
	}
	if acc != 0 && acc&clsBad == 0 && cs.text && e.typ == TypeAN {
		// A separator typed into free text: nothing can be misread (the element is
		// neither composite nor repeating), so the text is kept with a warning.
		c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Warning, "", fmt.Errorf("%w: %s%02d is free text holding a component or repetition separator", ErrTooManyComponents, seg.Tag(), i))
		acc = 0
	}
	if acc != 0 {
		switch {
		case acc&clsComp != 0:
			c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Error, "AK4:13", fmt.Errorf("%w: %s%02d is a simple element", ErrTooManyComponents, seg.Tag(), i))
			return
		case acc&clsRep != 0:
			c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Error, "AK4:12", fmt.Errorf("%w: %s%02d does not repeat", ErrTooManyRepetitions, seg.Tag(), i))
			return
		default:
			k := 0
			for k < len(v) && c.class[v[k]]&clsBad == 0 {
				k++
			}
			c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Error, "AK4:6", fmt.Errorf("%w: byte 0x%02X at character %d of %q", ErrInvalidCharacter, v[k], k+1, v))
			return
		}
	}
	switch {
	case e.typ == TypeAN:
		if !c.checkLength(seg, cs, loop, i, j, e, v, len(v)) {
			return
		}
	case e.typ == TypeID:
		if !c.checkLength(seg, cs, loop, i, j, e, v, len(v)) {
			return
		}
		if e.codes != nil && !e.codes.has(v) {
			if e.codes.closed {
				c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Error, "AK4:7", detail(ErrElementCode, quote(v), " is not in code list ", e.codes.name))
			} else {
				c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Warning, "", detail(ErrElementCode, quote(v), " is not among the known codes of ", e.codes.name))
			}
		}
	case e.typ == TypeDT:
		c.checkDate(seg, cs, loop, i, j, e, v)
	case e.typ == TypeTM:
		if !validTime(string(v)) { // no allocation: the conversion does not escape
			c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Error, "AK4:9", detail(ErrElementTime, quote(v), " is not HHMM[SS[d[d]]]"))
			return
		}
		c.checkLength(seg, cs, loop, i, j, e, v, len(v))
	default: // R and Nn
		n, ok := numericLength(v, e.typ == TypeR)
		if !ok {
			c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Error, "AK4:6", detail(ErrElementCharacter, quote(v), " is not a ", e.typ.String(), " number"))
			return
		}
		if !c.checkLength(seg, cs, loop, i, j, e, v, n) {
			return
		}
	}
	if e.pattern != nil && len(c.elemErr) == before && !e.pattern(v) {
		sev, code := syntax.Warning, ""
		if c.set.impl {
			sev, code = syntax.Error, "IK4:I12"
		}
		c.addElemErr(seg, cs, loop, i, j, e, v, sev, code, fmt.Errorf("%w: %q is not %s", ErrElementPattern, v, e.patName))
	}
}

// checkLength reports a value of n characters outside e's bounds; it returns whether
// the length is right.
func (c *StructureChecker) checkLength(seg *Segment, cs *cseg, loop string, i, j int, e *celem, v []byte, n int) bool {
	switch {
	case n < e.min:
		c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Error, "AK4:4", detail(ErrElementTooShort, quote(v), " has ", strconv.Itoa(n), " characters, at least ", strconv.Itoa(e.min)))
		return false
	case n > e.max:
		c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Error, "AK4:5", detail(ErrElementTooLong, quote(v), " has ", strconv.Itoa(n), " characters, at most ", strconv.Itoa(e.max)))
		return false
	}
	return true
}

// checkDate checks a DT value. A six-digit YYMMDD date where the element wants CCYYMMDD
// (alone, or padded with two blanks as the CBP AMD 309 writes P402) is a warning: the
// date is unambiguous and real senders still write it.
func (c *StructureChecker) checkDate(seg *Segment, cs *cseg, loop string, i, j int, e *celem, v []byte) {
	// string(v) in each call does not allocate; a string variable would escape into the
	// error paths and cost an allocation per date.
	switch {
	case len(v) == 8 && e.max >= 8 && validDate8(string(v)):
		return
	case len(v) == 6 && e.min <= 6 && validDate6(string(v)):
		return
	case e.max >= 8 && (len(v) == 6 && validDate6(string(v)) || len(v) == 8 && v[6] == ' ' && v[7] == ' ' && validDate6(string(v[:6]))):
		c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Warning, "", fmt.Errorf("%w: %q is a YYMMDD date where CCYYMMDD is expected; read as 20%s", ErrElementDate, v, v[:6]))
		return
	}
	c.addElemErr(seg, cs, loop, i, j, e, v, syntax.Error, "AK4:8", detail(ErrElementDate, quote(v)))
}

// numericLength returns the number of digits of an R (decimal) or N (integer) value, and
// whether it is well formed: an optional leading minus sign, digits, and for R at most
// one decimal point and an optional exponent (E followed by an optional sign and digits,
// allowed from 5010).
func numericLength(v []byte, decimal bool) (int, bool) {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	n, dot := 0, false
	for k := 0; k < len(v); k++ {
		switch b := v[k]; {
		case b >= '0' && b <= '9':
			n++
		case b == '.' && decimal && !dot:
			dot = true
		case b == 'E' && decimal && n > 0 && k+1 < len(v):
			x := v[k+1:]
			if x[0] == '-' {
				x = x[1:]
			}
			return n, len(x) > 0 && allDigits(x)
		default:
			return n, false
		}
	}
	return n, n > 0
}

// checkRule checks a syntax note against the elements present (bit i-1 for element i).
func (c *StructureChecker) checkRule(seg *Segment, cs *cseg, loop string, r *crule, present uint64) {
	have := present & r.mask
	if have == 0 && r.kind != RuleRequired {
		return
	}
	sev, code, excl := syntax.Error, "AK4:2", "AK4:10"
	if r.lenient {
		sev, code, excl = syntax.Warning, "", ""
	}
	missingAll := func(from int) {
		for _, p := range r.elems[from:] {
			if present&(1<<(p-1)) == 0 {
				c.addElemErr(seg, cs, loop, p, 0, &cs.elems[p-1], nil, sev, code, detail(ErrConditionalElement, "syntax note ", r.name))
			}
		}
	}
	first := r.elems[0]
	switch r.kind {
	case RulePaired:
		if have != r.mask {
			missingAll(0)
		}
	case RuleRequired:
		if have == 0 {
			c.addElemErr(seg, cs, loop, first, 0, &cs.elems[first-1], nil, sev, code, fmt.Errorf("%w: syntax note %s requires at least one of them", ErrConditionalElement, r.name))
		}
	case RuleExclusion:
		if bits.OnesCount64(have) > 1 {
			second, seen := first, 0
			for _, p := range r.elems {
				if present&(1<<(p-1)) != 0 {
					if seen++; seen == 2 {
						second = p
						break
					}
				}
			}
			c.addElemErr(seg, cs, loop, second, 0, &cs.elems[second-1], seg.Elem(second), sev, excl, fmt.Errorf("%w: syntax note %s allows only one of them", ErrExclusion, r.name))
		}
	case RuleConditional:
		if present&(1<<(first-1)) != 0 {
			missingAll(1)
		}
	case RuleListConditional:
		if present&(1<<(first-1)) != 0 && have == 1<<(first-1) {
			p := r.elems[1]
			c.addElemErr(seg, cs, loop, p, 0, &cs.elems[p-1], nil, sev, code, fmt.Errorf("%w: syntax note %s requires one of them when %s%02d is present", ErrConditionalElement, r.name, seg.Tag(), first))
		}
	}
}

// addElemErr files an element finding; v is copied (AK4 04 echoes at most 99 characters).
func (c *StructureChecker) addElemErr(seg *Segment, cs *cseg, loop string, i, j int, e *celem, v []byte, sev syntax.Severity, code string, err error) {
	if len(v) > 99 {
		v = v[:99]
	}
	ref := 0
	if e != nil {
		ref = e.ref
	}
	c.elemErr = append(c.elemErr, &SyntaxError{Pos: seg.Pos, Severity: sev, SegmentID: seg.Tag(), Element: i, Component: j,
		Code: code, Value: string(v), Loop: loop, SetIndex: c.index, ElementRef: ref, Err: err})
}

// ---------------------------------------------------------------------------
// Compiled tables.

// registry is a compiled collection of specs.
type registry struct {
	ids      []uint16 // tag key (tagKey) -> tag ID; 0 is "not a segment we know"
	tagNames []string // tag ID -> segment ID
	known    []bool   // tag ID -> is an X12 segment ID (AK3 6 rather than 1)
	sets     map[string][]*cset
}

type cset struct {
	spec *SetSpec
	impl bool
	root cloop
	has  []bool // tag ID -> the set defines this segment somewhere
}

type cloop struct {
	id    string
	nodes []cnode
}

type cnode struct {
	tag      uint16 // the segment's (or the loop trigger's) tag ID
	seg      *cseg  // the segment, or the loop's trigger segment
	loop     *cloop // nil for a segment
	req      Req
	max, min int
}

type cseg struct {
	id        string
	elems     []celem
	mandatory uint64
	rules     []crule
	text      bool
}

type celem struct {
	// plain is set for a simple AN or ID element without code list, repetition or
	// implementation restriction: a value of printable characters and the right
	// length needs no further check.
	plain    bool
	ref      int
	req      Req
	typ      Type
	min, max int
	reps     int
	minReps  int
	pattern  func([]byte) bool
	patName  string
	codes    *ccodes
	comps    []celem
}

type crule struct {
	kind    RuleKind
	name    string
	elems   []int
	mask    uint64
	lenient bool
}

// ccodes is a code list packed for allocation-free lookup: codes of up to 8 bytes as
// sorted integers, longer ones in a map (string(b) lookups do not allocate).
type ccodes struct {
	name   string
	closed bool
	short  []uint64
	long   map[string]struct{}
}

func packCode(b []byte) uint64 {
	var k uint64
	for _, c := range b {
		k = k<<8 | uint64(c)
	}
	return k
}

func (cc *ccodes) has(v []byte) bool {
	if len(v) > 8 {
		_, ok := cc.long[string(v)]
		return ok
	}
	k := packCode(v)
	lo, hi := 0, len(cc.short)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if cc.short[h] < k {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo < len(cc.short) && cc.short[lo] == k
}

// tagKey maps a 2- or 3-character segment ID of upper-case letters and digits to an
// index in [0, 37*37*37); -1 for anything else.
func tagKey(s string) int {
	switch len(s) {
	case 2:
		a, b := tagChar[s[0]], tagChar[s[1]]
		if a == 0 || b == 0 {
			return -1
		}
		return (int(a)*37 + int(b)) * 37
	case 3:
		a, b, c := tagChar[s[0]], tagChar[s[1]], tagChar[s[2]]
		if a == 0 || b == 0 || c == 0 {
			return -1
		}
		return (int(a)*37+int(b))*37 + int(c)
	}
	return -1
}

// tagChar numbers the characters of segment IDs from 1 (A-Z, then 0-9); 0 is invalid.
var tagChar = func() (t [256]uint8) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = uint8(c-'A') + 1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = uint8(c-'0') + 27
	}
	return t
}()

func (r *registry) tagID(s string) uint16 {
	k := tagKey(s)
	if k < 0 {
		return 0
	}
	return r.ids[k]
}

func (r *registry) intern(s string) uint16 {
	k := tagKey(s)
	if k < 0 {
		panic("x12: segment ID " + s + " is not 2 or 3 letters and digits") // validated before
	}
	if id := r.ids[k]; id != 0 {
		return id
	}
	r.tagNames = append(r.tagNames, s)
	r.known = append(r.known, false)
	id := uint16(len(r.tagNames) - 1)
	r.ids[k] = id
	return id
}

// lookup picks the spec for a set: the implementation spec named by ST03 (or GS08),
// else the base spec whose release range holds it; with no release at all, the
// earliest base spec of the ID.
func (r *registry) lookup(id, st03 []byte, version string) *cset {
	cands := r.sets[string(id)]
	if len(cands) == 0 {
		return nil
	}
	ref := version
	if len(st03) > 0 {
		ref = string(st03)
	}
	if ref == "" {
		for _, c := range cands {
			if !c.impl {
				return c
			}
		}
		return cands[0]
	}
	for _, c := range cands {
		if c.impl && c.spec.Impl == ref {
			return c
		}
	}
	release := ref
	if len(release) > 6 {
		release = release[:6]
	}
	for _, c := range cands {
		if !c.impl && c.spec.matches(release) {
			return c
		}
	}
	return nil
}

func compile(specs []*SetSpec) (*registry, error) {
	reg := &registry{ids: make([]uint16, 37*37*37), tagNames: []string{""}, known: []bool{false}, sets: map[string][]*cset{}}
	for _, t := range x12SegmentIDs {
		reg.known[reg.intern(t)] = true
	}
	segs := map[*SegmentSpec]*cseg{}
	for _, s := range specs {
		if err := s.validate(); err != nil {
			return nil, err
		}
		cs := &cset{spec: s, impl: s.Impl != ""}
		var err error
		cs.root.nodes, err = compileBody(reg, segs, s.Body)
		if err != nil {
			return nil, fmt.Errorf("set %s: %w", s.ID, err)
		}
		reg.sets[s.ID] = append(reg.sets[s.ID], cs)
	}
	for _, cands := range reg.sets {
		// Earliest release first: the fallback for sets without a release.
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].spec.From < cands[j].spec.From })
		for _, c := range cands {
			c.has = make([]bool, len(reg.tagNames))
			markTags(c.has, c.root.nodes)
		}
	}
	for i := range reg.tagNames {
		if i > 0 {
			reg.known[i] = true // every segment some spec defines is an X12 segment
		}
	}
	return reg, nil
}

func markTags(has []bool, nodes []cnode) {
	for _, n := range nodes {
		has[n.tag] = true
		if n.loop != nil {
			markTags(has, n.loop.nodes)
		}
	}
}

func compileBody(reg *registry, segs map[*SegmentSpec]*cseg, body []Node) ([]cnode, error) {
	out := make([]cnode, 0, len(body))
	for _, n := range body {
		cn := cnode{req: n.Req, max: n.Max, min: n.Min}
		s := n.Segment
		if n.Loop != nil {
			s = n.Loop.Body[0].Segment
			nodes, err := compileBody(reg, segs, n.Loop.Body)
			if err != nil {
				return nil, err
			}
			cn.loop = &cloop{id: n.Loop.ID, nodes: nodes}
			if cn.loop.id == "" {
				cn.loop.id = s.ID
			}
		}
		cn.tag = reg.intern(s.ID)
		cn.seg = segs[s]
		if cn.seg == nil {
			cn.seg = compileSegment(s)
			segs[s] = cn.seg
		}
		out = append(out, cn)
	}
	return out, nil
}

func compileSegment(s *SegmentSpec) *cseg {
	cs := &cseg{id: s.ID, text: s.Text, elems: make([]celem, len(s.Elements))}
	for i := range s.Elements {
		cs.elems[i] = compileElement(&s.Elements[i])
		if s.Elements[i].Req == ReqMandatory {
			cs.mandatory |= 1 << i
		}
	}
	for _, r := range s.Rules {
		cr := crule{kind: r.Kind, name: r.String(), elems: slices.Clone(r.Elements), lenient: r.Lenient}
		for _, p := range r.Elements {
			cr.mask |= 1 << (p - 1)
		}
		cs.rules = append(cs.rules, cr)
	}
	return cs
}

var codeCache sync.Map // *CodeList -> *ccodes, shared by registries

func compileElement(e *Element) celem {
	ce := celem{ref: e.Ref, req: e.Req, typ: e.Type, min: e.Min, max: e.Max, reps: e.Repeat, minReps: e.MinRepeat,
		pattern: e.Pattern, patName: e.PatternName}
	ce.plain = (e.Type == TypeAN || e.Type == TypeID) && e.Repeat <= 1 && e.Codes == nil && e.Req != ReqNotUsed &&
		e.Pattern == nil && e.MinRepeat <= 1
	if e.Codes != nil {
		if v, ok := codeCache.Load(e.Codes); ok {
			ce.codes = v.(*ccodes)
		} else {
			cc := &ccodes{name: e.Codes.Name, closed: e.Codes.Closed, long: map[string]struct{}{}}
			for _, code := range e.Codes.Codes {
				if len(code) > 8 {
					cc.long[code] = struct{}{}
				} else {
					cc.short = append(cc.short, packCode([]byte(code)))
				}
			}
			slices.Sort(cc.short)
			v, _ := codeCache.LoadOrStore(e.Codes, cc)
			ce.codes = v.(*ccodes)
		}
	}
	for j := range e.Components {
		ce.comps = append(ce.comps, compileElement(&e.Components[j]))
	}
	return ce
}

// x12SegmentIDs are segment IDs of the X12 dictionary that the built-in sets do not
// use, so that finding one in a set is "not in this set" (AK3 6) rather than
// "unrecognized" (AK3 1). Not exhaustive: the common ones across the transportation,
// customs and commerce sets.
var x12SegmentIDs = strings.Fields(`
AMT B1 B10 B2 B2A B3 BAK BDS BEG BIG BGN BIN BL BNX BSN BX CAD CM CN1 CTT CUR CTX D9 DMA DMG DTM E1 E4 E5
EM F9 FOB G62 GA H1 H2 H3 HL IC IM IT1 ITD K1 K2 K3 L0 L1 L3 L4 L5 L7 L11 LAD LE LH1 LH2 LH3 LH4
LH6 LHR LHT LFH LEP LIN LQ LS LX M1 M3 M7 M7A M10 M11 M12 M13 M14 M15 M20 MAN MEA MS1 MS2 MS3
N1 N2 N3 N4 N5 N7 N7A N7B N9 N10 N12 NA NM1 NTE OID P1 P4 P5 PAL PER PI PID PO1 PO4 PRF PS Q2
Q5 Q7 QTY R2 R4 R9 REF S1 S2 S5 S9 SAC SDQ SG SLN SN1 T1 T2 T3 T6 T8 TD1 TD3 TD4 TD5 TDS TXI V1
V2 V4 V9 VC VEH VID W09 W2 W27 X1 X4 X7 XH Y7 ZC1 GR5 CII PRV SBR CLM SV1 SV2 HI NM1 TRN STC
BPR CLP CAS SVC PLB ENT INS HD COB AK1 AK2 AK3 AK4 AK5 AK9 IK3 IK4 IK5 TA1 BHT BEG ISA IEA GS
GE ST SE`)
