package x12

import (
	"errors"
	"fmt"
	"strings"
)

// This file holds the declarative vocabulary of transaction-set specifications: a
// SetSpec is data (segments, loops, elements, code lists, syntax notes), written once per
// set and release in the spec_NNN.go files, in the style of metro2's specifications.go.
// The structure checker (structure.go) compiles specs into tables and never interprets
// these types on the hot path.

// Req is the requirement designator of a segment, loop or element.
type Req uint8

const (
	// ReqOptional (O) is optional.
	ReqOptional Req = iota
	// ReqMandatory (M) is mandatory: its absence is an error (AK3 3 for a segment, AK4 1
	// for an element).
	ReqMandatory
	// ReqConditional (X) is conditional: its presence is governed by the segment's syntax
	// notes.
	ReqConditional
	// ReqNotUsed marks what an implementation guide excludes: its presence is reported
	// with the 999 implementation codes (IK3 I4 for a segment, IK4 I10 for an element).
	ReqNotUsed
)

// Type is an X12 data element type.
type Type uint8

const (
	// TypeAN is a string of characters from the basic and extended character sets.
	TypeAN Type = iota
	// TypeID is an identifier, a value from a code list.
	TypeID
	// TypeR is a decimal number: optional minus sign, digits, optional decimal point
	// (neither counts toward the length).
	TypeR
	// TypeDT is a date, CCYYMMDD (or YYMMDD where the element's length is 6).
	TypeDT
	// TypeTM is a time, HHMM[SS[d[d]]].
	TypeTM
	// TypeN0 is an integer; TypeN0+k (k = 1..9, written N1..N9 in the standard) has k
	// implied decimal places. The sign does not count toward the length.
	TypeN0
	typeN9 = TypeN0 + 9
	// TypeComposite is a composite data element: its Components are checked one by one.
	TypeComposite = typeN9 + 1
)

func (t Type) String() string {
	switch {
	case t <= TypeTM:
		return [...]string{"AN", "ID", "R", "DT", "TM"}[t]
	case t.numeric():
		return fmt.Sprintf("N%d", t-TypeN0)
	case t == TypeComposite:
		return "composite"
	}
	return fmt.Sprintf("Type(%d)", t)
}

func (t Type) numeric() bool { return t >= TypeN0 && t <= typeN9 }

// CodeList is the set of values an ID element may take.
//
// A Closed list is complete for the element (or the implementation narrows the element
// to it): any other value is an error (AK4 7). An open list is the set of codes we know
// to be in use; the standard's list is larger than what we carry, so an unknown value is
// only a warning. Prefer open lists wherever the standard's code list is long or changes
// between releases (status codes, entity identifiers, equipment descriptions).
type CodeList struct {
	Name   string
	Codes  []string
	Closed bool
}

// closed returns a closed code list.
func closed(name string, codes ...string) *CodeList {
	return &CodeList{Name: name, Codes: codes, Closed: true}
}

// open returns an open code list (unknown values are warnings).
func open(name string, codes ...string) *CodeList {
	return &CodeList{Name: name, Codes: codes}
}

// Element describes one data element of a segment (or one component of a composite).
type Element struct {
	// Ref is the data element reference number (AK4 02), e.g. 98 for N101; 0 when a
	// composite has none we carry.
	Ref  int
	Name string
	Req  Req
	Type Type
	// Min and Max bound the length. For numeric types the sign and the decimal point do
	// not count.
	Min, Max int
	// Codes restricts an ID element; nil accepts any value of the right length.
	Codes *CodeList
	// Repeat is how many repetitions the element allows (5010 repeating elements); 0 and
	// 1 both mean it does not repeat.
	Repeat int
	// MinRepeat is an implementation guide's minimum number of repetitions (999 IK4
	// I11 when fewer are sent).
	MinRepeat int
	// Pattern, when set, is a format the value must match beyond its type (a check
	// digit, a fixed layout). In an implementation spec a mismatch is 999 IK4 I12; in a
	// base spec, where the standard knows no such rule, it is a warning.
	Pattern func(value []byte) bool
	// PatternName says what Pattern checks, for messages.
	PatternName string
	// Components describe a composite's components, in order.
	Components []Element
}

// RuleKind is the kind of an X12 syntax note (relational condition).
type RuleKind uint8

const (
	// RulePaired (P): if any of the elements is present, all are required.
	RulePaired RuleKind = iota + 1
	// RuleRequired (R): at least one of the elements is required.
	RuleRequired
	// RuleExclusion (E): not more than one of the elements may be present.
	RuleExclusion
	// RuleConditional (C): if the first element is present, all the others are required.
	RuleConditional
	// RuleListConditional (L): if the first element is present, at least one of the
	// others is required.
	RuleListConditional
)

const ruleLetters = "?PRECL"

// Rule is a syntax note of a segment, e.g. P0304: "if either N103 or N104 is present,
// then the other is required".
type Rule struct {
	Kind RuleKind
	// Elements are 1-based element positions.
	Elements []int
	// Lenient reports a violation as a warning instead of an error, for notes real
	// partners are known to break in a way that loses nothing (documented where used).
	Lenient bool
}

// String renders the note as the standard writes it: "P0304".
func (r Rule) String() string {
	var b strings.Builder
	if int(r.Kind) < len(ruleLetters) {
		b.WriteByte(ruleLetters[r.Kind])
	}
	for _, e := range r.Elements {
		fmt.Fprintf(&b, "%02d", e)
	}
	return b.String()
}

// ParseRule reads a syntax note as the standard writes it: a letter (P, R, E, C or L)
// followed by two-digit element positions, "P0304" or "R020305".
func ParseRule(s string) (Rule, error) {
	k := 0
	if len(s) > 0 {
		k = strings.IndexByte(ruleLetters[1:], s[0]) + 1
	}
	if len(s) < 5 || k == 0 || (len(s)-1)%2 != 0 {
		return Rule{}, fmt.Errorf("%w: syntax note %q is not a letter followed by element positions", errSpec, s)
	}
	r := Rule{Kind: RuleKind(k)}
	for i := 1; i < len(s); i += 2 {
		if !digits(s[i : i+2]) {
			return Rule{}, fmt.Errorf("%w: syntax note %q has a non-numeric position", errSpec, s)
		}
		r.Elements = append(r.Elements, num(s[i:i+2]))
	}
	return r, nil
}

// SegmentSpec describes a segment: its ID, elements and syntax notes.
type SegmentSpec struct {
	ID       string
	Name     string
	Elements []Element
	Rules    []Rule
	// Text marks a free-text segment (N10, K1, H2, N9 ...). X12 has no escape character,
	// so a delimiter typed inside the text splits it into extra elements; in a Text
	// segment elements beyond the spec are reported as a warning (never dropped or
	// shifted), elsewhere as AK4 3.
	Text bool
}

// With returns a copy of the segment spec in which element i (1-based) has the code
// list codes. Sets use it to narrow a shared segment, as implementation guides do.
func (s *SegmentSpec) With(i int, codes *CodeList) *SegmentSpec {
	c := *s
	c.Elements = append([]Element(nil), s.Elements...)
	c.Elements[i-1].Codes = codes
	return &c
}

// WithReq returns a copy of the segment spec in which element i (1-based) has the
// requirement r.
func (s *SegmentSpec) WithReq(i int, r Req) *SegmentSpec {
	c := *s
	c.Elements = append([]Element(nil), s.Elements...)
	c.Elements[i-1].Req = r
	return &c
}

// WithRules returns a copy of the segment spec with the given syntax notes instead of
// its own.
func (s *SegmentSpec) WithRules(rules ...Rule) *SegmentSpec {
	c := *s
	c.Rules = rules
	return &c
}

// Node is one entry of a set's or loop's body: a segment or a loop.
type Node struct {
	Segment *SegmentSpec
	Loop    *LoopSpec
	Req     Req
	// Max is the maximum use (segment) or repeat (loop); 0 means unbounded (">1").
	Max int
	// Min is an implementation guide's minimum use or repeat (999 IK3 I7/I8); 0 and 1
	// add nothing to Req.
	Min int
}

// LoopSpec is a loop: a body whose first node is its trigger segment. Its ID is the
// trigger's segment ID, as 997 AK303 reports it.
type LoopSpec struct {
	ID   string
	Body []Node
}

// SegmentNode is a segment node.
func SegmentNode(s *SegmentSpec, req Req, max int) Node { return Node{Segment: s, Req: req, Max: max} }

// LoopNode is a loop node; body[0] must be the trigger segment.
func LoopNode(req Req, max int, body ...Node) Node {
	id := ""
	if len(body) > 0 && body[0].Segment != nil {
		id = body[0].Segment.ID
	}
	return Node{Loop: &LoopSpec{ID: id, Body: body}, Req: req, Max: max}
}

// AtLeast returns the node with an implementation minimum use.
func (n Node) AtLeast(min int) Node {
	n.Min = min
	return n
}

// SetSpec is the structure of a transaction set in a range of releases: the nodes
// between ST and SE.
type SetSpec struct {
	// ID is the transaction set identifier (ST01).
	ID   string
	Name string
	// From and To bound the releases (the first six characters of GS08 or ST03),
	// inclusive; "" leaves that side open.
	From, To string
	// Impl, when set, is the implementation convention reference (ST03 or GS08, e.g.
	// 005010X231A1) this spec describes. An implementation spec is chosen over a base
	// one for that exact reference, and its findings carry 999 implementation codes
	// where they differ from the standard's.
	Impl string
	Body []Node
}

// matches reports whether the spec applies to a release (first six characters of a
// version string).
func (s *SetSpec) matches(release string) bool {
	if release == "" {
		return false
	}
	return (s.From == "" || release >= s.From) && (s.To == "" || release <= s.To)
}

// errSpec is the root of spec compilation errors.
var errSpec = errors.New("invalid transaction set spec")

// validate checks the spec's own consistency: loops start with a segment, lengths are
// ordered, rule positions exist. The message names the offending place.
func (s *SetSpec) validate() error {
	if len(s.ID) != 3 {
		return fmt.Errorf("%w: set ID %q is not 3 characters", errSpec, s.ID)
	}
	return validateBody(s.ID, s.Body)
}

func validateBody(where string, body []Node) error {
	for i, n := range body {
		switch {
		case n.Segment != nil && n.Loop != nil:
			return fmt.Errorf("%w: %s node %d is both a segment and a loop", errSpec, where, i+1)
		case n.Segment != nil:
			if err := n.Segment.validate(); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		case n.Loop != nil:
			l := n.Loop
			if len(l.Body) == 0 || l.Body[0].Segment == nil {
				return fmt.Errorf("%w: %s loop %q does not start with a segment", errSpec, where, l.ID)
			}
			if l.Body[0].Max > 1 || l.Body[0].Max == 0 {
				return fmt.Errorf("%w: %s loop %s: its trigger segment must have max use 1", errSpec, where, l.ID)
			}
			if err := validateBody(where+"/"+l.ID, l.Body); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: %s node %d is empty", errSpec, where, i+1)
		}
	}
	return nil
}

func (s *SegmentSpec) validate() error {
	if len(s.ID) < 2 || len(s.ID) > 3 {
		return fmt.Errorf("%w: segment ID %q is not 2 or 3 characters", errSpec, s.ID)
	}
	if len(s.Elements) > 64 {
		return fmt.Errorf("%w: segment %s has more than 64 elements", errSpec, s.ID)
	}
	for i, e := range s.Elements {
		if err := e.validate(); err != nil {
			return fmt.Errorf("%w: %s%02d: %v", errSpec, s.ID, i+1, err)
		}
	}
	for _, r := range s.Rules {
		if len(r.Elements) < 2 || r.Kind < RulePaired || r.Kind > RuleListConditional {
			return fmt.Errorf("%w: %s syntax note %s is malformed", errSpec, s.ID, r)
		}
		for _, p := range r.Elements {
			if p < 1 || p > len(s.Elements) {
				return fmt.Errorf("%w: %s syntax note %s names element %d, which the segment does not have", errSpec, s.ID, r, p)
			}
		}
	}
	return nil
}

func (e *Element) validate() error {
	if e.Type == TypeComposite {
		if len(e.Components) == 0 {
			return errors.New("composite without components")
		}
		for j := range e.Components {
			if e.Components[j].Type == TypeComposite {
				return errors.New("composite inside a composite")
			}
			if err := e.Components[j].validate(); err != nil {
				return fmt.Errorf("component %d: %w", j+1, err)
			}
		}
		return nil
	}
	if e.Min < 0 || e.Max < e.Min || e.Max == 0 {
		return fmt.Errorf("length %d/%d is not a valid range", e.Min, e.Max)
	}
	if e.Codes != nil && e.Type != TypeID {
		return fmt.Errorf("code list %s on a %s element", e.Codes.Name, e.Type)
	}
	return nil
}

// The helpers below make the spec files read like the standard's tables. They parse at
// package initialisation and panic on a malformed literal, which the tests exercise.

// el describes an element as the standard prints it: "M ID 2/3" is mandatory, type ID,
// length 2 to 3. The requirement is M, O, X or N (not used); the type AN, ID, R, DT, TM
// or N0..N9.
func el(ref int, name, def string) Element {
	f := strings.Fields(def)
	if len(f) != 3 {
		panic("x12: element definition " + def + " is not \"REQ TYPE MIN/MAX\"")
	}
	e := Element{Ref: ref, Name: name, Req: parseReq(f[0])}
	switch f[1] {
	case "AN":
		e.Type = TypeAN
	case "ID":
		e.Type = TypeID
	case "R":
		e.Type = TypeR
	case "DT":
		e.Type = TypeDT
	case "TM":
		e.Type = TypeTM
	default:
		if len(f[1]) != 2 || f[1][0] != 'N' || f[1][1] < '0' || f[1][1] > '9' {
			panic("x12: element type " + f[1] + " is unknown")
		}
		e.Type = TypeN0 + Type(f[1][1]-'0')
	}
	mn, mx, ok := strings.Cut(f[2], "/")
	if !ok || !digits(mn) || !digits(mx) || mn == "" || mx == "" {
		panic("x12: element length " + f[2] + " is not MIN/MAX")
	}
	e.Min, e.Max = num(mn), num(mx)
	return e
}

func parseReq(s string) Req {
	switch s {
	case "M":
		return ReqMandatory
	case "O":
		return ReqOptional
	case "X":
		return ReqConditional
	case "N":
		return ReqNotUsed
	}
	panic("x12: requirement " + s + " is not M, O, X or N")
}

// codes returns the element with a code list.
func (e Element) codes(c *CodeList) Element {
	e.Codes = c
	return e
}

// repeat returns the element with a repetition count.
func (e Element) repeat(n int) Element {
	e.Repeat = n
	return e
}

// pattern returns the element with a format check.
func (e Element) pattern(name string, fn func([]byte) bool) Element {
	e.Pattern, e.PatternName = fn, name
	return e
}

// composite describes a composite element: req is M, O, X or N.
func composite(name, req string, comps ...Element) Element {
	return Element{Name: name, Req: parseReq(req), Type: TypeComposite, Components: comps}
}

// seg describes a segment.
func seg(id, name string, elems ...Element) *SegmentSpec {
	return &SegmentSpec{ID: id, Name: name, Elements: elems}
}

// rules adds syntax notes written as the standard does ("P0304").
func (s *SegmentSpec) rules(notes ...string) *SegmentSpec {
	for _, n := range notes {
		r, err := ParseRule(n)
		if err != nil {
			panic(err)
		}
		s.Rules = append(s.Rules, r)
	}
	return s
}

// text marks a free-text segment (see SegmentSpec.Text).
func (s *SegmentSpec) text() *SegmentSpec {
	s.Text = true
	return s
}

// lenient returns a copy whose syntax note named note is reported as a warning.
func (s *SegmentSpec) lenient(note string) *SegmentSpec {
	c := *s
	c.Rules = append([]Rule(nil), s.Rules...)
	for i := range c.Rules {
		if c.Rules[i].String() == note {
			c.Rules[i].Lenient = true
			return &c
		}
	}
	panic("x12: " + s.ID + " has no syntax note " + note)
}

// Node helpers: mandatory and optional segments and loops.
func sm(s *SegmentSpec, max int) Node { return SegmentNode(s, ReqMandatory, max) }
func so(s *SegmentSpec, max int) Node { return SegmentNode(s, ReqOptional, max) }
func lm(max int, body ...Node) Node   { return LoopNode(ReqMandatory, max, body...) }
func lo(max int, body ...Node) Node   { return LoopNode(ReqOptional, max, body...) }
