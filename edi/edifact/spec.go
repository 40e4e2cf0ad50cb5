package edifact

import (
	"fmt"
	"slices"
	"strings"
)

// MessageSpec describes the segment table of one message type and version: the
// segments and segment groups of the message body (between UNH and UNT) in order,
// with their status and maximum use, and the element rules that matter for it. One
// generic engine (see structure) checks every spec.
type MessageSpec struct {
	Type    string // 0065, e.g. "CUSCAR"
	Version string // 0052, e.g. "D"
	Release string // 0054, e.g. "95B"
	Agency  string // 0051, e.g. "UN"
	// Body is the message's segment table after UNH and before UNT.
	Body []Node
}

// Key is how specs are looked up: "TYPE:VERSION:RELEASE".
func (m *MessageSpec) Key() string { return m.Type + ":" + m.Version + ":" + m.Release }

// Node is one line of a segment table: a segment, or a segment group when Children is
// set (Children[0] is the group's trigger segment, whose tag Tag repeats).
type Node struct {
	Tag      string
	code     uint32 // Tag's three bytes, for comparing without strings
	Group    string // group name ("SG4") for a group
	Min, Max int    // status (Min 1 = mandatory, 0 = conditional) and maximum use
	Children []Node
	// Elements are the checks on the segment's data elements.
	Elements []ElementRule
	// MaxElems, when set, is the number of data elements the segment defines; more is
	// "too many constituents".
	MaxElems int
}

// ElementRule checks one data element or component of a segment.
type ElementRule struct {
	Elem, Comp int    // 1-based position; Comp 0 means the first component
	Name       string // directory identifier, e.g. "1001" or "C507/2005"
	Mandatory  bool
	Codes      []string // allowed values, when the code list matters; sorted by newRule
	MaxLen     int
	Numeric    bool
}

// seg declares a segment node; rules follow.
func seg(tag string, min, max int, rules ...ElementRule) Node {
	for i := range rules {
		if rules[i].Comp == 0 {
			rules[i].Comp = 1
		}
		slices.Sort(rules[i].Codes)
	}
	return Node{Tag: tag, Min: min, Max: max, Elements: rules}
}

// grp declares a segment group: its trigger segment first, then the rest.
func grp(name string, min, max int, trigger Node, rest ...Node) Node {
	return Node{Tag: trigger.Tag, Group: name, Min: min, Max: max, Children: append([]Node{trigger}, rest...)}
}

// req is a mandatory element or component; code restricts it to a code list.
func req(elem, comp int, name string, codes ...string) ElementRule {
	return ElementRule{Elem: elem, Comp: comp, Name: name, Mandatory: true, Codes: codes}
}

// opt is a conditional element whose value, when present, must be in codes.
func opt(elem, comp int, name string, codes ...string) ElementRule {
	return ElementRule{Elem: elem, Comp: comp, Name: name, Codes: codes}
}

var specs = map[string]*MessageSpec{}

// RegisterSpec adds a message specification, replacing any with the same key, and
// returns an error if the table is malformed (a group without a trigger, a zero
// maximum). Call it during initialization; lookups are not synchronized.
func RegisterSpec(m *MessageSpec) error {
	var check func(path string, ns []Node) error
	check = func(path string, ns []Node) error {
		for i := range ns {
			n := &ns[i]
			if len(n.Tag) == 3 {
				n.code = tagCode([]byte(n.Tag))
			}
			if len(n.Tag) != 3 || n.Max < 1 || n.Min < 0 || n.Min > n.Max {
				return fmt.Errorf("spec %s: %s%s: bad tag or use %d..%d", m.Key(), path, n.Tag, n.Min, n.Max)
			}
			if n.Group != "" {
				if len(n.Children) == 0 || n.Children[0].Tag != n.Tag {
					return fmt.Errorf("spec %s: group %s: first child must be its trigger %s", m.Key(), n.Group, n.Tag)
				}
				if err := check(path+n.Group+"/", n.Children); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := check("", m.Body); err != nil {
		return err
	}
	specs[m.Key()] = m
	return nil
}

// LookupSpec returns the specification for a message type, version and release, or
// nil when there is none (such messages get envelope checks only).
func LookupSpec(typ, version, release string) *MessageSpec {
	return specs[typ+":"+version+":"+release]
}

func mustRegister(ms ...*MessageSpec) {
	for _, m := range ms {
		if err := RegisterSpec(m); err != nil {
			panic(err)
		}
	}
}

// frame is one open level of the segment table: the nodes of the message body or of a
// group instance, the node last matched and how often it has been used.
type frame struct {
	nodes []Node
	group string
	idx   int
	cnt   int
}

// structure checks segments of one message against its spec, one at a time, keeping
// only the path of open groups.
type structure struct {
	spec  *MessageSpec
	stack []frame
}

func (st *structure) start(spec *MessageSpec) {
	st.spec = spec
	st.stack = append(st.stack[:0], frame{nodes: spec.Body, idx: -1})
}

// problem is a structure finding for the segment being checked.
type problem struct {
	code   string
	err    error
	elem   int
	comp   int
	detail string
}

// next matches a segment and returns the rules for it (nil if it matched nothing) and
// the problems found.
func (st *structure) next(tag string, probs []problem) (*Node, []problem) {
	code := tagCode([]byte(tag))
	for depth := len(st.stack) - 1; depth >= 0; depth-- {
		f := &st.stack[depth]
		j := max(f.idx, 0)
		if depth > 0 {
			// A group's trigger segment is used once per instance: seeing it again
			// starts a new instance, which the parent level matches.
			j = max(j, 1)
		}
		for ; j < len(f.nodes); j++ {
			if f.nodes[j].code == code {
				break
			}
		}
		if j == len(f.nodes) {
			continue
		}
		// Close the groups above this level.
		for d := len(st.stack) - 1; d > depth; d-- {
			probs = st.missing(&st.stack[d], len(st.stack[d].nodes), probs)
		}
		st.stack = st.stack[:depth+1]
		f = &st.stack[depth]
		n := &f.nodes[j]
		if j == f.idx {
			f.cnt++
			if f.cnt > n.Max {
				if n.Group != "" {
					probs = append(probs, problem{code: CodeTooManyGroupRepeats, err: ErrTooManyRepeats, detail: fmt.Sprintf("segment group %s (%s) used more than %d times", n.Group, n.Tag, n.Max)})
				} else {
					probs = append(probs, problem{code: CodeTooManyRepetitions, err: ErrTooManyRepeats, detail: fmt.Sprintf("%s used more than %d times%s", n.Tag, n.Max, in(f.group))})
				}
			}
		} else {
			probs = st.missing(f, j, probs)
			f.idx, f.cnt = j, 1
		}
		if n.Group != "" {
			st.stack = append(st.stack, frame{nodes: n.Children, group: n.Group, idx: 0, cnt: 1})
			return &n.Children[0], probs
		}
		return n, probs
	}
	where := "here"
	if top := st.stack[len(st.stack)-1]; top.group != "" {
		where = "in segment group " + top.group
	}
	return nil, append(probs, problem{code: CodeNotSupported, err: ErrUnexpectedSegment, detail: tag + " is not expected " + where + " in " + st.spec.Key()})
}

func in(group string) string {
	if group == "" {
		return ""
	}
	return " in segment group " + group
}

// missing reports mandatory nodes of f that were passed over before index upto.
func (st *structure) missing(f *frame, upto int, probs []problem) []problem {
	if f.idx >= 0 && f.idx < len(f.nodes) && f.cnt < f.nodes[f.idx].Min {
		n := f.nodes[f.idx]
		probs = append(probs, problem{code: CodeMissing, err: ErrMissingSegment, detail: fmt.Sprintf("%s used %d times, at least %d required%s", n.Tag, f.cnt, n.Min, in(f.group))})
	}
	for k := f.idx + 1; k < upto; k++ {
		n := f.nodes[k]
		if n.Min > 0 {
			what := n.Tag
			if n.Group != "" {
				what = "segment group " + n.Group + " (" + n.Tag + ")"
			}
			probs = append(probs, problem{code: CodeMissing, err: ErrMissingSegment, detail: fmt.Sprintf("mandatory %s missing%s", what, in(f.group))})
		}
	}
	return probs
}

// end closes the message at UNT and reports what is still missing.
func (st *structure) end(probs []problem) []problem {
	for d := len(st.stack) - 1; d >= 0; d-- {
		probs = st.missing(&st.stack[d], len(st.stack[d].nodes), probs)
	}
	st.stack = st.stack[:0]
	return probs
}

// checkElements applies a node's element rules to a segment.
func checkElements(n *Node, s *Segment, probs []problem) []problem {
	if n.MaxElems > 0 && s.Len() > n.MaxElems {
		probs = append(probs, problem{code: CodeTooManyConstituents, err: ErrTooManyElements, elem: n.MaxElems + 1, detail: fmt.Sprintf("%s has %d data elements, at most %d defined", s.tag, s.Len(), n.MaxElems)})
	}
	for i := range n.Elements {
		r := &n.Elements[i]
		v := s.Component(r.Elem, r.Comp)
		if len(v) == 0 {
			if r.Mandatory {
				probs = append(probs, problem{code: CodeMissing, err: ErrMissingElement, elem: r.Elem, comp: r.Comp, detail: s.tag + " " + r.Name})
			}
			continue
		}
		if len(r.Codes) > 0 {
			if _, ok := slices.BinarySearch(r.Codes, string(v)); !ok {
				probs = append(probs, problem{code: CodeInvalidValue, err: ErrInvalidCode, elem: r.Elem, comp: r.Comp, detail: fmt.Sprintf("%s %s %q not one of %s", s.tag, r.Name, v, strings.Join(r.Codes, ", "))})
				continue
			}
		}
		if r.MaxLen > 0 && len(v) > r.MaxLen {
			probs = append(probs, problem{code: CodeTooLong, err: ErrTooLong, elem: r.Elem, comp: r.Comp, detail: fmt.Sprintf("%s %s is %d characters, at most %d", s.tag, r.Name, len(v), r.MaxLen)})
		}
		if r.Numeric && !isNumeric(v) {
			probs = append(probs, problem{code: CodeInvalidTypeOfChars, err: ErrInvalidFormat, elem: r.Elem, comp: r.Comp, detail: fmt.Sprintf("%s %s %q is not numeric", s.tag, r.Name, v)})
		}
	}
	return probs
}

func isNumeric(v []byte) bool {
	digits := 0
	for i, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case (c == '.' || c == ',') && digits > 0:
		case c == '-' && i == 0:
		default:
			return false
		}
	}
	return digits > 0
}
