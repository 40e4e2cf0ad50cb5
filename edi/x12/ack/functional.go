package ack

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12"
)

// Build997 builds the 997 functional acknowledgment of group g of interchange ic.
func Build997(ic *x12.Interchange, g *x12.Group, opts Options) (*Ack, error) {
	opts.Format = FA997
	return BuildGroup(ic, g, opts)
}

// Build999 builds the 999 implementation acknowledgment (005010X231A1) of group g of
// interchange ic.
func Build999(ic *x12.Interchange, g *x12.Group, opts Options) (*Ack, error) {
	opts.Format = FA999
	return BuildGroup(ic, g, opts)
}

// BuildGroup builds the functional acknowledgment of group g of interchange ic: a 997 or
// 999 as Options.Format says, else as FormatFor chooses. The acknowledgment is a whole
// interchange from the receiver of ic back to its sender:
//
//	ISA GS*FA ST*997|999 AK1 (AK2 [AK3|IK3 [CTX] (AK4|IK4)*]* AK5|IK5)* AK9 SE GE IEA
//
// with one AK2 loop for every transaction set received.
func BuildGroup(ic *x12.Interchange, g *x12.Group, opts Options) (*Ack, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if g == nil || !containsGroup(ic, g) {
		return nil, fmt.Errorf("ack: interchange %s: %w", ic.Control, ErrNoGroup)
	}
	kind := opts.Format
	if kind == "" {
		kind = FormatFor(ic, g)
	}
	// GS08 is the acknowledged group's version for a 997 (the 997 exists in every
	// release) and 005010X231A1 for a 999; ISA12 is of the same release, so that the
	// envelope and the group agree.
	gsVersion := Impl999
	if kind == FA997 {
		gsVersion = version(ic, g)
		if gsVersion == "" {
			gsVersion = "004010"
		}
	}
	e, err := newEnvelope(ic, &opts, "0"+gsVersion[1:5])
	if err != nil {
		return nil, err
	}
	// The group goes back from the application that received it to the one that sent it.
	appSender, appReceiver := g.Receiver, g.Sender
	if appSender == "" {
		appSender = e.sender
	}
	if appReceiver == "" {
		appReceiver = e.recvr
	}
	appSender, appReceiver = clean(e.d, appSender, 15), clean(e.d, appReceiver, 15)
	gsn, err := next(opts.Controls, scope("gs", appSender, appReceiver))
	if err != nil {
		return nil, err
	}
	stn, err := next(opts.Controls, scope("st", appSender, appReceiver))
	if err != nil {
		return nil, err
	}
	gs06, st02 := strconv.FormatInt(gsn, 10), fmt.Sprintf("%04d", stn)
	a := &Ack{
		Kind:         kind,
		Interchange:  ic.Control,
		Group:        g.Control,
		Control:      e.control,
		GroupControl: gs06,
		SetControl:   st02,
		Delims:       e.d,
		Newline:      opts.Newline,
	}
	e.add("GS", "FA", appSender, appReceiver, e.now.Format("20060102"), e.now.Format("1504"), gs06, "X", gsVersion)
	first := len(e.segs)
	ak101, ak102 := echoID(e.d, g.FunctionalID, 2, 2), echoNumber(g.Control, 9)
	if kind == FA999 {
		// 005010X231A1 requires AK103: the group's version as received, else the release
		// the acknowledgment was chosen for.
		ak103 := clean(e.d, strings.TrimSpace(g.Version), 12)
		if ak103 == "" {
			if ak103 = version(ic, g); ak103 == "" {
				ak103 = "005010"
			}
		}
		e.add("ST", "999", st02, Impl999)
		e.add("AK1", ak101, ak102, ak103)
	} else {
		e.add("ST", "997", st02)
		e.add("AK1", ak101, ak102)
	}
	accepted, withErrors := 0, false
	for _, s := range g.Sets {
		sa := setAck(s, kind, &opts)
		a.Sets = append(a.Sets, sa)
		if sa.Status != "R" {
			accepted++
		}
		withErrors = withErrors || sa.Status == "E"
		writeSet(e, kind, &sa)
	}
	a.Status, a.Codes = groupStatus(g, accepted, withErrors, &opts)
	ak9 := []string{a.Status, itoa(declaredSets(g)), itoa(len(g.Sets)), itoa(accepted)}
	e.add("AK9", append(ak9, a.Codes...)...)
	e.add("SE", itoa(len(e.segs)-first+1), st02)
	e.add("GE", "1", gs06)
	e.add("IEA", "1", e.control)
	a.Segments = e.segs
	return a, nil
}

func containsGroup(ic *x12.Interchange, g *x12.Group) bool {
	for _, o := range ic.Groups {
		if o == g {
			return true
		}
	}
	return false
}

// declaredSets returns GE01 as the sender declared it, or the number of sets received
// when the GE is missing or its count unreadable.
func declaredSets(g *x12.Group) int {
	for _, e := range g.Errors {
		if e.Code == "AK9:5" && e.SegmentID == "GE" {
			if n, err := strconv.Atoi(strings.TrimSpace(e.Value)); err == nil && n >= 0 && n <= 999999 {
				return n
			}
		}
	}
	return len(g.Sets)
}

// groupStatus returns AK901 and AK905-AK909. A group-level error (GE missing, GS06 ≠
// GE02, GE01 wrong, bad or duplicate GS06, unsupported version) rejects the group
// whatever its sets; otherwise the group is A when every set is accepted, E when some
// set was accepted with errors noted, P when some but not all sets are accepted and R
// when none is.
func groupStatus(g *x12.Group, accepted int, withErrors bool, opts *Options) (string, []string) {
	var codes []string
	rejected, noted := false, false
	for _, e := range g.Errors {
		if e.Severity != syntax.Error || strings.HasPrefix(e.Code, "TA1:") {
			// Warnings are not reported; TA1-coded header errors go in the TA1.
			continue
		}
		code := strings.TrimPrefix(e.Code, "AK9:")
		if code == e.Code || code == "" {
			// An error without an AK9 code still rejects the group, without a reason code.
			rejected = true
			continue
		}
		if opts.tolerated(e.Code) {
			noted = true
		} else {
			rejected = true
		}
		if len(codes) < 5 && !contains(codes, code) {
			codes = append(codes, code)
		}
	}
	received := len(g.Sets)
	switch {
	case rejected:
		return "R", codes
	case received > 0 && accepted == 0:
		return "R", codes
	case accepted < received:
		return "P", codes
	case withErrors || noted:
		return "E", codes
	}
	return "A", codes
}

func contains(list []string, s string) bool {
	for _, o := range list {
		if o == s {
			return true
		}
	}
	return false
}

// level is where the standard reports an error code.
type level int

const (
	levelNone    level = iota // no acknowledgment code: rejects without a reason
	levelSet                  // AK5/IK5
	levelSegment              // AK3/IK3
	levelElement              // AK4/IK4
)

// implTo997 maps the 999's implementation ("I") codes to the nearest 997 code, for
// implementation-guide findings acknowledged with a 997, which has no "I" codes.
var implTo997 = map[string]string{
	"IK3:I4":  "2", // not-used segment present → unexpected segment
	"IK3:I6":  "3", // implementation-dependent segment missing → mandatory segment missing
	"IK3:I7":  "3", // loop below minimum → mandatory segment missing
	"IK3:I8":  "3", // segment below minimum use → mandatory segment missing
	"IK3:I9":  "2", // not-used dependent segment present → unexpected segment
	"IK4:I6":  "7", // code value not used in the implementation → invalid code value
	"IK4:I9":  "2", // implementation-dependent element missing → conditional element missing
	"IK4:I10": "3", // not-used element present → too many data elements
	"IK4:I11": "1", // too few repetitions → mandatory element missing
	"IK4:I12": "6", // pattern match failure → invalid character in data element
	"IK4:I13": "3", // implementation-dependent not-used element present → too many elements
	"IK5:I5":  "5", // implementation segments in error → segments in error
	"IK5:I6":  "1", // implementation convention not supported → set not supported
}

// classify returns where an error is reported and its code in an acknowledgment of the
// given kind.
func classify(code string, kind Kind) (level, string) {
	prefix, value, ok := strings.Cut(code, ":")
	if !ok || value == "" {
		return levelNone, ""
	}
	var lv level
	switch prefix {
	case "AK5", "IK5":
		lv = levelSet
	case "AK3", "IK3":
		lv = levelSegment
	case "AK4", "IK4":
		lv = levelElement
	default:
		return levelNone, ""
	}
	if kind == FA997 && strings.HasPrefix(value, "I") {
		mapped, ok := implTo997[code]
		if !ok {
			return lv, ""
		}
		value = mapped
	}
	return lv, value
}

// setAck works out what the acknowledgment says about one transaction set.
func setAck(s *x12.Set, kind Kind, opts *Options) SetAck {
	sa := SetAck{ID: s.ID, Control: s.Control, ImplRef: s.ImplRef}
	rejected, noted := s.Truncated > 0, false
	var setCodes []string
	type key struct {
		pos int
		id  string
	}
	notes := map[key]*SegmentNote{}
	var order []key
	note := func(e *x12.SyntaxError) *SegmentNote {
		// The structure checker gives the position in the set; envelope findings (SE)
		// are placed by their position in the input.
		pos := e.SetIndex
		if pos < 1 {
			pos = max(e.Pos.Segment-s.Pos.Segment+1, 1)
		}
		k := key{pos, e.SegmentID}
		n, ok := notes[k]
		if !ok {
			n = &SegmentNote{ID: e.SegmentID, Position: pos, Loop: e.Loop}
			if kind == FA999 && opts.Context != nil {
				n.Context[0], n.Context[1] = opts.Context(s, e)
			}
			notes[k] = n
			order = append(order, k)
		}
		return n
	}
	anyImpl, anyStd := false, false
	for _, e := range s.Errors {
		if e.Severity != syntax.Error {
			continue // warnings are accepted: the standard has no code for them
		}
		if opts.tolerated(e.Code) {
			noted = true
		} else {
			rejected = true
		}
		lv, code := classify(e.Code, kind)
		switch lv {
		case levelSet:
			if code != "" && !contains(setCodes, code) {
				setCodes = append(setCodes, code)
			}
		case levelSegment, levelElement:
			if e.SegmentID == "" {
				continue
			}
			n := note(e)
			if lv == levelSegment {
				// A segment has one AK304: a structural code (out of sequence, over
				// its maximum use ...) says more than 8, "has element errors", which
				// the AK4s that follow show anyway.
				if n.Code == "" || n.Code == "8" {
					n.Code = code
				}
			} else if len(n.Elements) < 99 { // AK4/IK4 may repeat 99 times per segment
				n.Elements = append(n.Elements, ElementNote{
					Element: e.Element, Component: e.Component, Ref: elementRef(e),
					Code: code, Data: e.Value,
				})
			}
			switch {
			case strings.HasPrefix(e.Code, "IK") && strings.Contains(e.Code, ":I"):
				anyImpl = true
			case e.Code != "AK3:8": // the record grouping element errors says nothing itself
				anyStd = true
			}
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].pos < order[j].pos })
	for _, k := range order {
		sa.Notes = append(sa.Notes, *notes[k])
	}
	if len(sa.Notes) > 0 {
		// Segments in error: 5, or I5 in a 999 when only the implementation guide's
		// rules were broken.
		c := "5"
		if kind == FA999 && anyImpl && !anyStd {
			c = "I5"
		}
		if !contains(setCodes, c) {
			setCodes = append(setCodes, c)
		}
	}
	if rejected && len(setCodes) == 0 {
		setCodes = append(setCodes, "5")
	}
	if len(setCodes) > 5 {
		setCodes = setCodes[:5]
	}
	sa.Codes = setCodes
	switch {
	case rejected:
		sa.Status = "R"
	case noted:
		sa.Status = "E"
	default:
		sa.Status = "A"
		sa.Codes = nil
		sa.Notes = nil
	}
	return sa
}

// envelopeRefs are the element reference numbers of the ST and SE elements, which the
// envelope validator does not give.
var envelopeRefs = map[string]int{"ST1": 143, "ST2": 329, "ST3": 1705, "SE1": 96, "SE2": 329}

// elementRef returns AK402, the element's reference number in the X12 dictionary, or 0
// when it is not known.
func elementRef(e *x12.SyntaxError) int {
	if e.ElementRef > 0 {
		return e.ElementRef
	}
	return envelopeRefs[e.SegmentID+itoa(e.Element)]
}

// writeSet writes one AK2 loop.
func writeSet(e *envelope, kind Kind, sa *SetAck) {
	seg3, seg4, seg5 := "AK3", "AK4", "AK5"
	if kind == FA999 {
		seg3, seg4, seg5 = "IK3", "IK4", "IK5"
		e.add("AK2", echoID(e.d, sa.ID, 3, 3), echoControl(e.d, sa.Control), clean(e.d, strings.TrimSpace(sa.ImplRef), 35))
	} else {
		e.add("AK2", echoID(e.d, sa.ID, 3, 3), echoControl(e.d, sa.Control))
	}
	for _, n := range sa.Notes {
		code := n.Code
		if code == "" {
			code = "8" // segment has data element errors
		}
		e.add(seg3, echoID(e.d, n.ID, 2, 3), itoa(n.Position), clean(e.d, strings.TrimSpace(n.Loop), 4), code)
		if kind == FA999 && n.Context[0] != "" {
			e.add("CTX", clean(e.d, n.Context[0], 35)+string([]byte{e.d.Component})+clean(e.d, n.Context[1], 35))
		}
		for _, el := range n.Elements {
			// C030 positions have two digits: an element beyond the 99th is reported
			// at 99, the last one the acknowledgment can name.
			pos := itoa(min(max(el.Element, 1), 99))
			if el.Component > 0 {
				pos += string([]byte{e.d.Component}) + itoa(min(el.Component, 99))
			}
			ref := ""
			if el.Ref > 0 && el.Ref <= 9999 {
				ref = itoa(el.Ref)
			}
			code := el.Code
			if code == "" {
				code = "1"
			}
			e.add(seg4, pos, ref, code, strings.TrimRight(clean(e.d, el.Data, 99), " "))
		}
	}
	e.add(seg5, append([]string{sa.Status}, sa.Codes...)...)
}
