package ack

import (
	"github.com/icss/icss/edi/x12"
)

// UnitKey says how a transaction set is divided into business units, the units of work
// a 999's CTX segment names (X12 RFI 1312: "a unique unit of work that will trigger or
// support a business process"): a unit starts at each Trigger segment and is identified
// by element Element of segment Segment within it. It ends at the next Trigger or at any
// segment listed in Ends.
type UnitKey struct {
	Trigger string
	Segment string
	Element int
	Ends    []string
}

// DefaultUnitKeys are the business units of the sets icss receives that carry several:
// the bills of lading of a 309 (LX loop, M1101) and the containers of a 322 (N7 loop,
// N702). Sets that are a single unit (315, 404) need no CTX: AK2 identifies them.
var DefaultUnitKeys = map[string]UnitKey{
	"309": {Trigger: "LX", Segment: "M11", Element: 1, Ends: []string{"P4"}},
	"322": {Trigger: "N7", Segment: "N7", Element: 2},
}

// Units records, as a Validator streams segments, which business unit each segment of
// a transaction set belongs to, so that a 999 can name the unit of a segment in error:
//
//	units := ack.NewUnits()
//	v.OnSegment = units.Observe
//	opts.Context = units.Context
//
// It keeps one small record per unit (a bill of lading number), not the segments. Call
// Forget once an interchange is acknowledged to release its records.
type Units struct {
	// Keys maps ST01 to how its sets divide into units; NewUnits sets DefaultUnitKeys.
	Keys map[string]UnitKey

	sets map[*x12.Set][]unit
}

// unit is a business unit starting at segment position from in its set.
type unit struct {
	from  int
	name  string
	value string
}

// NewUnits returns a Units with DefaultUnitKeys.
func NewUnits() *Units { return &Units{Keys: DefaultUnitKeys, sets: make(map[*x12.Set][]unit)} }

// Observe records seg, the last segment read in set s (a Validator's OnSegment
// callback).
func (u *Units) Observe(seg *x12.Segment, ic *x12.Interchange, g *x12.Group, s *x12.Set) {
	if s == nil {
		return
	}
	key, ok := u.Keys[s.ID]
	if !ok {
		return
	}
	if u.sets == nil {
		u.sets = make(map[*x12.Set][]unit)
	}
	pos := s.Segments // the validator has counted seg already
	tag := seg.Tag()
	units := u.sets[s]
	if tag == key.Trigger {
		units = append(units, unit{from: pos})
	} else {
		for _, end := range key.Ends {
			if tag == end {
				units = append(units, unit{from: pos}) // outside any unit
				break
			}
		}
	}
	if tag == key.Segment && len(units) > 0 && units[len(units)-1].value == "" {
		if v := seg.ElemString(key.Element); v != "" {
			units[len(units)-1].name = key.Segment + pad2(key.Element)
			units[len(units)-1].value = v
		}
	}
	if len(units) > 0 {
		u.sets[s] = units
	}
}

// Context returns the business unit of the segment in error e (an Options.Context
// function): its identifier's name ("M1101") and value, or "" when e lies outside any
// identified unit.
func (u *Units) Context(s *x12.Set, e *x12.SyntaxError) (name, value string) {
	units := u.sets[s]
	pos := e.SetIndex
	if pos < 1 {
		pos = e.Pos.Segment - s.Pos.Segment + 1
	}
	for i := len(units) - 1; i >= 0; i-- {
		if units[i].from <= pos {
			return units[i].name, units[i].value
		}
	}
	return "", ""
}

// Forget releases the records of an interchange's sets.
func (u *Units) Forget(ic *x12.Interchange) {
	for _, g := range ic.Groups {
		for _, s := range g.Sets {
			delete(u.sets, s)
		}
	}
}

func pad2(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}
