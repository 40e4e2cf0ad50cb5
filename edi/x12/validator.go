package x12

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/icss/icss/edi/syntax"
)

// SetChecker checks the structure of one transaction set as its segments stream by. The
// Validator calls Begin at ST, Segment for every segment after ST and before SE, and End
// at SE (or where the set ends without one). Implementations report defects through
// report, with AK3/AK4 (or IK3/IK4) codes.
type SetChecker interface {
	// Begin starts a set; version is GS08, and st the ST segment (ST03 may refine it).
	Begin(st *Segment, version string)
	// Segment checks one segment; index is its 1-based position in the set (ST is 1).
	Segment(seg *Segment, index int, report func(*SyntaxError))
	// End closes the set; se is nil when the set had no SE.
	End(se *Segment, report func(*SyntaxError))
}

// DefaultMaxErrors is how many errors a set keeps unless Validator.MaxErrors says otherwise.
const DefaultMaxErrors = 100

// Validator checks X12 envelopes and transaction sets as segments stream from a Reader.
// It keeps the state of the current interchange only (and, per interchange, the control
// numbers and summaries of its groups and sets), so memory does not grow with set size.
type Validator struct {
	// Structure checks transaction-set structure; nil checks envelopes only.
	Structure SetChecker
	// MaxErrors caps the errors kept per set (the rest are counted in Set.Truncated).
	// Zero means DefaultMaxErrors.
	MaxErrors int
	// OnInterchange is called when an interchange ends (IEA, the next ISA, or the end of
	// the input). The Interchange is not touched by the Validator afterwards.
	OnInterchange func(*Interchange)
	// OnSegment, if set, is called with every segment read and the envelope it belongs
	// to (ic, g or s are nil outside of one), so a mapper can work in the same pass.
	OnSegment func(seg *Segment, ic *Interchange, g *Group, s *Set)
	// OnSet, if set, is called when a transaction set inside a group ends, its findings
	// complete; OnGroup when a group ends (GE, or what ends it instead).
	OnSet   func(ic *Interchange, g *Group, s *Set)
	OnGroup func(ic *Interchange, g *Group)
	// DropSets leaves Group.Sets empty: each set is seen through OnSet only, and memory
	// stays flat whatever the number of sets. Acknowledgments need the sets: leave it off
	// for them.
	DropSets bool

	ic    *Interchange
	group *Group
	set   *Set
	// Control numbers seen, for duplicates: ISA13 in the input, GS06 in the
	// interchange, ST02 in the group. Sets of runs, so memory stays flat.
	isaSeen *controlSet
	gsSeen  *controlSet
	stSeen  *controlSet
	// Errors outside any interchange.
	outside []*SyntaxError
	// icBody is set once the open interchange has a group, TA1 or TA3; icOpts has bit 0
	// for an ISB and bit 1 for an ISE seen in it.
	icBody bool
	icOpts uint8
	// report is v.setError, bound once: a method value made per segment would allocate.
	report func(*SyntaxError)
}

// NewValidator returns a Validator with the built-in transaction-set specs as its
// Structure checker.
func NewValidator() *Validator {
	return &Validator{Structure: NewStructureChecker()}
}

// Validate reads every segment of r and validates it. It returns the defects found
// outside any interchange (bare sets, stray data); everything else is delivered through
// OnInterchange. The error is non-nil only when reading failed.
func (v *Validator) Validate(r *Reader) ([]*SyntaxError, error) {
	v.isaSeen = newControlSet()
	v.report = v.setError
	v.outside = nil
	for {
		seg, err := r.Read()
		if err == io.EOF {
			break
		}
		// The reader returns its syntax errors unwrapped; a type assertion (unlike
		// errors.As) keeps this loop free of allocations.
		se, isSyntax := err.(*SyntaxError)
		if err != nil && !isSyntax {
			return v.outside, err
		}
		if seg != nil {
			// The segment first, so that a warning about an ISA lands in the
			// interchange it opens.
			v.segment(seg)
		}
		if se != nil && !errors.Is(se, ErrNoISA) {
			// ErrNoISA is reported more usefully as a segment outside any interchange.
			v.addEnvelopeError(se)
		}
	}
	v.endInterchange(nil)
	return v.outside, nil
}

func (v *Validator) maxErrors() int {
	if v.MaxErrors > 0 {
		return v.MaxErrors
	}
	return DefaultMaxErrors
}

// addEnvelopeError files a reader error where it belongs: in the open set, else the
// interchange, else outside.
func (v *Validator) addEnvelopeError(e *SyntaxError) {
	switch {
	case v.set != nil:
		if e.Code == "" || e.Code == "TA1:024" {
			e.Code = "AK3:8"
		}
		if strings.HasPrefix(e.Code, "AK4:") {
			// An element error the reader found (a BIN's length): its segment is the
			// one just counted, and the AK4 goes under an AK3 8 of its own.
			e.SetIndex = v.set.Segments
			v.setError(&SyntaxError{Pos: e.Pos, SegmentID: e.SegmentID, SetIndex: e.SetIndex, Code: "AK3:8", Err: ErrElementErrors})
		}
		if e.Err == ErrSegmentTooLong {
			// The reader skipped it, but it is one of the set's segments (SE01).
			v.set.Segments++
			e.SetIndex = v.set.Segments
		}
		v.setError(e)
	case v.ic != nil:
		if strings.HasPrefix(e.Code, "AK4:") {
			e.Code = "TA1:024"
		}
		v.ic.Errors = append(v.ic.Errors, e)
	default:
		v.outside = append(v.outside, e)
	}
}

func (v *Validator) setError(e *SyntaxError) {
	s := v.set
	if e.Severity == syntax.Error && len(s.Errors) >= v.maxErrors() {
		s.Truncated++
		return
	}
	s.Errors = append(s.Errors, e)
}

func (v *Validator) segment(seg *Segment) {
	switch seg.Tag() {
	case "ISA":
		v.endInterchange(seg)
		v.beginInterchange(seg)
	case "IEA":
		v.iea(seg)
	case "TA1", "TA3":
		// Acknowledgments and delivery notices stand between groups (X12.5).
		if v.ic != nil && v.group == nil {
			v.icBody = true
			if seg.Tag() == "TA1" {
				v.ic.TA1++
			}
		} else {
			v.misplaced(seg)
		}
	case "ISB", "ISE":
		v.interchangeOption(seg)
	case "GS":
		v.gs(seg)
	case "GE":
		v.ge(seg)
	case "ST":
		v.st(seg)
	case "SE":
		v.se(seg)
	default:
		if v.set == nil {
			v.misplaced(seg)
		} else {
			v.set.Segments++
			if v.Structure != nil {
				v.Structure.Segment(seg, v.set.Segments, v.report)
			}
			if !validTag(seg.Tag()) && !v.checksStructure() {
				// Not a segment ID at all: a set without a spec must not let it pass
				// (a spec reports it with its loop).
				v.setError(&SyntaxError{Pos: seg.Pos, SegmentID: seg.Tag(), SetIndex: v.set.Segments, Code: "AK3:1",
					Err: fmt.Errorf("%w: %q is not 2 or 3 upper-case letters and digits starting with a letter", ErrUnrecognizedSegment, seg.Tag())})
			}
		}
	}
	if v.OnSegment != nil {
		v.OnSegment(seg, v.ic, v.group, v.set)
	}
}

// checksStructure reports whether the Structure checker has a spec for the open set.
func (v *Validator) checksStructure() bool {
	c, ok := v.Structure.(*StructureChecker)
	return ok && c.Spec() != nil
}

// validTag reports whether tag can be an X12 segment ID: two or three upper-case
// letters and digits, the first a letter.
func validTag(tag string) bool {
	if len(tag) < 2 || len(tag) > 3 || tag[0] < 'A' || tag[0] > 'Z' {
		return false
	}
	for i := 1; i < len(tag); i++ {
		if c := tag[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// interchangeOption checks an ISB (grade of service request) or ISE (deferred delivery
// request): X12.5 allows each once, right after the ISA (ISB before ISE), before any
// group, TA1 or TA3.
func (v *Validator) interchangeOption(seg *Segment) {
	ic := v.ic
	if ic == nil || v.group != nil || v.icBody || seg.Tag() == "ISB" && v.icOpts != 0 || seg.Tag() == "ISE" && v.icOpts&2 != 0 {
		v.misplaced(seg)
		return
	}
	bad := func(el int, msg string) {
		ic.Errors = append(ic.Errors, &SyntaxError{Pos: seg.Pos, SegmentID: seg.Tag(), Element: el, Code: "TA1:024",
			Value: seg.ElemString(el), Err: fmt.Errorf("%w: %s%02d %s", ErrBadISAElement, seg.Tag(), el, msg)})
	}
	if seg.Tag() == "ISB" {
		v.icOpts |= 1
		if g := seg.Elem(1); len(g) == 0 || len(g) > 2 || !allDigits(g) {
			bad(1, "is not a grade of service code")
		}
		if seg.Len() > 1 {
			bad(2, "is beyond the segment's one element")
		}
		return
	}
	v.icOpts |= 2
	if d := string(seg.Elem(1)); !validDate6(d) && !validDate8(d) {
		bad(1, "is not a delivery date")
	}
	if t := string(seg.Elem(2)); !validTime(t) {
		bad(2, "is not a delivery time")
	}
	if seg.Len() > 3 {
		bad(4, "is beyond the segment's three elements")
	}
}

// misplaced reports a segment that stands where the envelope allows none.
func (v *Validator) misplaced(seg *Segment) {
	e := &SyntaxError{Pos: seg.Pos, SegmentID: seg.Tag(), Err: ErrUnexpectedSegment}
	switch {
	case v.ic == nil:
		e.Err = ErrBareSet
		if len(v.outside) == 0 || !errors.Is(v.outside[len(v.outside)-1].Err, ErrBareSet) {
			v.outside = append(v.outside, e)
		}
	default:
		e.Code = "TA1:024"
		v.ic.Errors = append(v.ic.Errors, e)
	}
}

func (v *Validator) beginInterchange(isa *Segment) {
	ic := &Interchange{
		Pos:               isa.Pos,
		ISA:               isa.Clone(),
		Delims:            isa.Delims,
		SenderQualifier:   trim(isa.Elem(5)),
		Sender:            trim(isa.Elem(6)),
		ReceiverQualifier: trim(isa.Elem(7)),
		Receiver:          trim(isa.Elem(8)),
		Date:              string(isa.Elem(9)),
		Time:              string(isa.Elem(10)),
		Version:           string(isa.Elem(12)),
		Control:           string(isa.Elem(13)),
		AckRequested:      string(isa.Elem(14)) == "1",
		Usage:             string(isa.Elem(15)),
	}
	v.ic = ic
	v.icBody, v.icOpts = false, 0
	v.gsSeen = newControlSet()
	ic.Errors = append(ic.Errors, checkISA(isa)...)
	if ic.Control != "" && v.isaSeen.add(ic.Control) {
		ic.Errors = append(ic.Errors, &SyntaxError{Pos: isa.Pos, SegmentID: "ISA", Element: 13, Code: "TA1:025",
			Value: ic.Control, Err: fmt.Errorf("ISA13 %q: %w", ic.Control, ErrDuplicateControl)})
	}
}

// checkISA validates the ISA header's elements, with TA1 note codes.
func checkISA(isa *Segment) []*SyntaxError {
	var errs []*SyntaxError
	bad := func(el int, code string, msg string) {
		errs = append(errs, &SyntaxError{Pos: isa.Pos, SegmentID: "ISA", Element: el, Code: "TA1:" + code,
			Value: string(isa.Elem(el)), Err: fmt.Errorf("%w: ISA%02d %s", ErrBadISAElement, el, msg)})
	}
	if isa.Len() != 16 {
		errs = append(errs, &SyntaxError{Pos: isa.Pos, SegmentID: "ISA", Code: "TA1:024",
			Err: fmt.Errorf("%w: ISA has %d elements, not 16", ErrBadISAElement, isa.Len())})
		if isa.Len() < 16 {
			return errs
		}
	}
	if !oneOf(isa.Elem(1), "00", "01", "02", "03", "04", "05", "06") {
		bad(1, "010", "is not an authorization information qualifier")
	}
	if !oneOf(isa.Elem(3), "00", "01") {
		bad(3, "012", "is not a security information qualifier")
	}
	if !validQualifier(isa.Elem(5)) {
		bad(5, "005", "is not an interchange ID qualifier")
	}
	if len(bytes.TrimSpace(isa.Elem(6))) == 0 {
		bad(6, "006", "sender ID is empty")
	}
	if !validQualifier(isa.Elem(7)) {
		bad(7, "007", "is not an interchange ID qualifier")
	}
	if len(bytes.TrimSpace(isa.Elem(8))) == 0 {
		bad(8, "008", "receiver ID is empty")
	}
	if !validDate6(string(isa.Elem(9))) {
		bad(9, "014", "is not a date (YYMMDD)")
	}
	if t := string(isa.Elem(10)); len(t) != 4 || !validTime(t) {
		bad(10, "015", "is not a time (HHMM)")
	}
	ver := isa.Elem(12)
	if len(ver) != 5 || !allDigits(ver) || string(ver) < "00200" {
		bad(12, "017", "is not a supported interchange control version")
	}
	if s := isa.Elem(11); len(s) != 1 {
		bad(11, "016", "must be one character")
	} else if string(ver) < "00402" && s[0] != 'U' {
		errs = append(errs, &SyntaxError{Pos: isa.Pos, Severity: syntax.Warning, SegmentID: "ISA", Element: 11,
			Value: string(s), Err: fmt.Errorf("%w: ISA11 is %q, but versions before 00402 have the standards identifier U", ErrBadISAElement, s)})
	}
	if c := isa.Elem(13); len(c) != 9 || !allDigits(c) {
		bad(13, "018", "is not a 9-digit control number")
	}
	if !oneOf(isa.Elem(14), "0", "1") {
		bad(14, "019", "is not 0 or 1")
	}
	if !oneOf(isa.Elem(15), "P", "T", "I") {
		bad(15, "020", "is not P, T or I")
	}
	return errs
}

func (v *Validator) iea(seg *Segment) {
	ic := v.ic
	if ic == nil {
		v.misplaced(seg)
		return
	}
	v.endGroup(nil)
	if n, ok := atoi(seg.Elem(1)); !ok || n != len(ic.Groups) {
		ic.Errors = append(ic.Errors, &SyntaxError{Pos: seg.Pos, SegmentID: "IEA", Element: 1, Code: "TA1:021",
			Value: seg.ElemString(1), Err: fmt.Errorf("%w: IEA01 is %q, the interchange has %d groups", ErrCountMismatch, seg.Elem(1), len(ic.Groups))})
	}
	if c := seg.Elem(2); string(c) != ic.Control {
		ic.Errors = append(ic.Errors, &SyntaxError{Pos: seg.Pos, SegmentID: "IEA", Element: 2, Code: "TA1:001",
			Value: string(c), Err: fmt.Errorf("%w: IEA02 is %q, ISA13 is %q", ErrControlMismatch, c, ic.Control)})
	}
	ic.Closed = true
	v.endInterchange(nil)
}

// endInterchange closes the open interchange, if any; next is the segment that ends it
// without an IEA (an ISA), or nil at IEA or end of input.
func (v *Validator) endInterchange(next *Segment) {
	ic := v.ic
	if ic == nil {
		return
	}
	v.endGroup(next)
	if !ic.Closed {
		ic.Errors = append(ic.Errors, &SyntaxError{Pos: ic.Pos, SegmentID: "ISA", Code: "TA1:023", Err: ErrMissingIEA})
	} else if len(ic.Groups) == 0 && ic.TA1 == 0 {
		ic.Errors = append(ic.Errors, &SyntaxError{Pos: ic.Pos, SegmentID: "ISA", Severity: syntax.Warning, Err: ErrEmptyInterchange})
	}
	v.ic = nil
	if v.OnInterchange != nil {
		v.OnInterchange(ic)
	}
}

func (v *Validator) gs(seg *Segment) {
	if v.ic == nil {
		v.misplaced(seg)
		return
	}
	v.endGroup(seg)
	v.icBody = true
	g := &Group{
		Pos:          seg.Pos,
		FunctionalID: seg.ElemString(1),
		Sender:       seg.ElemString(2),
		Receiver:     seg.ElemString(3),
		Date:         seg.ElemString(4),
		Time:         seg.ElemString(5),
		Control:      seg.ElemString(6),
		Version:      seg.ElemString(8),
	}
	v.group = g
	v.ic.Groups = append(v.ic.Groups, g)
	v.stSeen = newControlSet()
	gerr := func(el int, code string, sev syntax.Severity, err error) {
		g.Errors = append(g.Errors, &SyntaxError{Pos: seg.Pos, SegmentID: "GS", Element: el, Code: code, Severity: sev,
			Value: seg.ElemString(el), Err: err})
	}
	if seg.Len() < 8 {
		gerr(0, "AK9:1", syntax.Error, fmt.Errorf("%w: GS has %d elements, not 8", ErrUnexpectedSegment, seg.Len()))
	}
	if l := len(g.FunctionalID); l != 2 {
		gerr(1, "AK9:1", syntax.Error, fmt.Errorf("%w: GS01 %q is not a functional identifier code", ErrFunctionalID, g.FunctionalID))
	}
	switch d := g.Date; {
	case validDate8(d):
	case validDate6(d):
		gerr(4, "", syntax.Warning, fmt.Errorf("%w: GS04 %q has 6 digits; 8 (CCYYMMDD) are expected from 4010", ErrBadDate, d))
	default:
		gerr(4, "TA1:024", syntax.Error, fmt.Errorf("GS04 %q %w", d, ErrBadDate))
	}
	if !validTime(g.Time) {
		gerr(5, "TA1:024", syntax.Error, fmt.Errorf("GS05 %q %w", g.Time, ErrBadTime))
	}
	if c := seg.Elem(6); len(c) == 0 || len(c) > 9 || !allDigits(c) {
		gerr(6, "AK9:6", syntax.Error, fmt.Errorf("%w: GS06 %q", ErrBadControlNumber, c))
	} else if v.gsSeen.add(g.Control) {
		gerr(6, "AK9:19", syntax.Error, fmt.Errorf("GS06 %q: %w", g.Control, ErrDuplicateControl))
	}
	if !validGroupVersion(g.Version) {
		gerr(8, "AK9:2", syntax.Error, fmt.Errorf("GS08 %q: %w", g.Version, ErrVersionUnsupported))
	} else if iv := v.ic.Version; len(iv) == 5 && iv[1:] != g.Version[1:5] {
		// ISA12 governs the envelope only, so a different GS08 is legal, but it is
		// usually a sender's mistake worth seeing.
		gerr(8, "", syntax.Warning, fmt.Errorf("GS08 %q is not of the release of ISA12 %q", g.Version, iv))
	}
}

func (v *Validator) ge(seg *Segment) {
	g := v.group
	if g == nil {
		v.misplaced(seg)
		return
	}
	v.endSet(nil)
	if n, ok := atoi(seg.Elem(1)); !ok || n != g.Received {
		g.Errors = append(g.Errors, &SyntaxError{Pos: seg.Pos, SegmentID: "GE", Element: 1, Code: "AK9:5",
			Value: seg.ElemString(1), Err: fmt.Errorf("%w: GE01 is %q, the group has %d transaction sets", ErrCountMismatch, seg.Elem(1), g.Received)})
	}
	if c := seg.ElemString(2); c != g.Control {
		g.Errors = append(g.Errors, &SyntaxError{Pos: seg.Pos, SegmentID: "GE", Element: 2, Code: "AK9:4",
			Value: c, Err: fmt.Errorf("%w: GE02 is %q, GS06 is %q", ErrControlMismatch, c, g.Control)})
	}
	g.Closed = true
	v.endGroup(nil)
}

// endGroup closes the open group; next is the segment that ends it without a GE.
func (v *Validator) endGroup(next *Segment) {
	g := v.group
	if g == nil {
		return
	}
	v.endSet(next)
	if !g.Closed {
		g.Errors = append(g.Errors, &SyntaxError{Pos: g.Pos, SegmentID: "GS", Code: "AK9:3", Err: ErrMissingGE})
	}
	if g.Received == 0 {
		g.Errors = append(g.Errors, &SyntaxError{Pos: g.Pos, SegmentID: "GS", Severity: syntax.Warning, Err: ErrEmptyGroup})
	}
	v.group = nil
	if v.OnGroup != nil {
		v.OnGroup(v.ic, g)
	}
}

func (v *Validator) st(seg *Segment) {
	if v.group == nil {
		v.misplaced(seg)
		if v.ic != nil {
			return
		}
		// A bare set outside any interchange is still checked for its own counts.
	}
	v.endSet(seg)
	s := &Set{Pos: seg.Pos, ID: seg.ElemString(1), Control: seg.ElemString(2), ImplRef: seg.ElemString(3), Segments: 1}
	v.set = s
	version := ""
	if v.group != nil {
		v.group.Received++
		if !v.DropSets {
			v.group.Sets = append(v.group.Sets, s)
		}
		version = v.group.Version
		// A mismatch is only a warning: partners' guides disagree on the codes (EDI.md §1).
		if id := expectedFunctionalID(s.ID, version); id != "" && v.group.FunctionalID != id {
			v.setError(&SyntaxError{Pos: seg.Pos, Severity: syntax.Warning, SegmentID: "ST", Element: 1, Value: s.ID,
				Err: fmt.Errorf("%w: set %s in version %s belongs in a group with GS01 %s, not %s", ErrFunctionalID, s.ID, version, id, v.group.FunctionalID)})
		}
	}
	if b := seg.Elem(1); len(b) != 3 || !allDigits(b) {
		v.setError(&SyntaxError{Pos: seg.Pos, SegmentID: "ST", Element: 1, Code: "AK5:6", Value: string(b),
			Err: fmt.Errorf("ST01 %q: %w", b, ErrUnrecognizedSegment)})
	}
	if c := seg.Elem(2); len(c) < 4 || len(c) > 9 {
		v.setError(&SyntaxError{Pos: seg.Pos, SegmentID: "ST", Element: 2, Code: "AK5:7", Value: string(c),
			Err: fmt.Errorf("%w: ST02 %q is not 4 to 9 characters", ErrBadControlNumber, c)})
	} else if v.group != nil {
		if v.stSeen.add(s.Control) {
			v.setError(&SyntaxError{Pos: seg.Pos, SegmentID: "ST", Element: 2, Code: "AK5:23", Value: s.Control,
				Err: fmt.Errorf("ST02 %q: %w", s.Control, ErrDuplicateControl)})
		}
	}
	if v.Structure != nil {
		v.Structure.Begin(seg, version)
	}
}

func (v *Validator) se(seg *Segment) {
	s := v.set
	if s == nil {
		v.misplaced(seg)
		return
	}
	s.Segments++
	if n, ok := atoi(seg.Elem(1)); !ok || n != s.Segments {
		v.setError(&SyntaxError{Pos: seg.Pos, SegmentID: "SE", Element: 1, Code: "AK5:4", Value: seg.ElemString(1),
			Err: fmt.Errorf("%w: SE01 is %q, the set has %d segments", ErrCountMismatch, seg.Elem(1), s.Segments)})
	}
	if c := seg.ElemString(2); c != s.Control {
		v.setError(&SyntaxError{Pos: seg.Pos, SegmentID: "SE", Element: 2, Code: "AK5:3", Value: c,
			Err: fmt.Errorf("%w: SE02 is %q, ST02 is %q", ErrControlMismatch, c, s.Control)})
	}
	s.Closed = true
	v.endSet(seg)
}

// endSet closes the open set; next is the segment that ends it: its SE, or the ST, GE,
// GS, IEA or ISA that came instead.
func (v *Validator) endSet(next *Segment) {
	s := v.set
	if s == nil {
		return
	}
	if v.Structure != nil {
		var se *Segment
		if s.Closed {
			se = next
		}
		v.Structure.End(se, v.report)
	}
	if !s.Closed {
		v.setError(&SyntaxError{Pos: s.Pos, SegmentID: "ST", Code: "AK5:2", Err: ErrMissingSE})
	}
	if v.ic == nil {
		// A bare set: its findings are reported outside any interchange.
		v.outside = append(v.outside, s.Errors...)
	} else if v.group != nil {
		if s.Accepted() {
			v.group.AcceptedSets++
		}
		if v.OnSet != nil {
			v.OnSet(v.ic, v.group, s)
		}
	}
	v.set = nil
}
