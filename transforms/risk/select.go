package risk

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/icss/icss/transforms/harmonized"
)

// Referral forces a record into the exam list: the partner agency's list of bills or
// containers, or an officer's own pick with a reason code (RISK.md §4 #35).
type Referral struct {
	// Source is "partner" or "officer".
	Source string
	// Bill is a bill key; Container a container number. One of them is required.
	Bill      string
	Container string
	// Reason is the reason code; Referrer who referred (agency or officer id).
	Reason   string
	Referrer string
	// Line is the referral's line in its file, for messages.
	Line int
}

// Referral sources.
const (
	SourcePartner = "partner"
	SourceOfficer = "officer"
)

// Referrals indexes referrals by bill key and container number.
type Referrals struct {
	byBill      map[string]*Referral
	byContainer map[string]*Referral
}

// NewReferrals indexes refs; the first referral of a bill or container wins.
func NewReferrals(refs []Referral) *Referrals {
	r := &Referrals{byBill: map[string]*Referral{}, byContainer: map[string]*Referral{}}
	for i := range refs {
		ref := &refs[i]
		if ref.Bill != "" {
			if _, ok := r.byBill[ref.Bill]; !ok {
				r.byBill[ref.Bill] = ref
			}
		}
		if ref.Container != "" {
			if _, ok := r.byContainer[ref.Container]; !ok {
				r.byContainer[ref.Container] = ref
			}
		}
	}
	return r
}

// Match returns the referral of the record (by key, then by container), or nil.
func (r *Referrals) Match(rec *harmonized.Record) *Referral {
	if r == nil {
		return nil
	}
	if ref := r.byBill[rec.Key]; ref != nil {
		return ref
	}
	for i := range rec.Equipment {
		if ref := r.byContainer[rec.Equipment[i].Number]; ref != nil {
			return ref
		}
	}
	return nil
}

// ReadReferrals reads referrals from CSV with a header row naming the columns source,
// bill, container, reason and referrer (in any order; bill or container may be
// absent). Bill keys and container numbers are upper-cased and stripped of blanks.
func ReadReferrals(r io.Reader) ([]Referral, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("referrals: header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"source", "reason"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("referrals: header: no %q column", need)
		}
	}
	_, hasBill := col["bill"]
	_, hasCont := col["container"]
	if !hasBill && !hasCont {
		return nil, errors.New(`referrals: header: neither a "bill" nor a "container" column`)
	}
	get := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var out []Referral
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("referrals: %w", err)
		}
		line, _ := cr.FieldPos(0)
		ref := Referral{
			Source:    strings.ToLower(get(row, "source")),
			Bill:      cleanRef(get(row, "bill")),
			Container: cleanRef(get(row, "container")),
			Reason:    get(row, "reason"),
			Referrer:  get(row, "referrer"),
			Line:      line,
		}
		switch {
		case ref.Source != SourcePartner && ref.Source != SourceOfficer:
			return nil, fmt.Errorf("referrals: line %d: source %q is not partner or officer", line, ref.Source)
		case ref.Bill == "" && ref.Container == "":
			return nil, fmt.Errorf("referrals: line %d: neither bill nor container is given", line)
		case ref.Reason == "":
			return nil, fmt.Errorf("referrals: line %d: reason is required", line)
		}
		out = append(out, ref)
	}
}

func cleanRef(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// String describes the referral for the assessment: "partner CBP-NTC: R12".
func (r *Referral) String() string {
	who := r.Source
	if r.Referrer != "" {
		who += " " + r.Referrer
	}
	return who + ": " + r.Reason
}

// PathOverCapacity marks a record the rules selected that did not fit its port's
// budget for the day; it stays on the list, unselected, ranked by score.
const PathOverCapacity = "over_capacity"

// ApplyCapacity fits the selection to an exam budget of k records per port and day
// (ASYCUDA's expected rate, CBSA's quota-based referrals). Referrals and random picks
// always stay and use the budget first; rule and hit selections are kept by score
// (ties by key) while budget remains, the rest become "over_capacity"; remaining
// budget is topped up with the highest-scoring unselected records that have a positive
// score (path "capacity"): a record nothing speaks against is never examined just to
// fill the budget. k ≤ 0 leaves the selection as it is.
func ApplyCapacity(as []Assessment, k int) {
	if k <= 0 {
		return
	}
	groups := map[[2]string][]int{}
	var order [][2]string
	for i := range as {
		g := [2]string{as[i].Port, as[i].Day}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	for _, g := range order {
		idx := groups[g]
		sort.SliceStable(idx, func(a, b int) bool {
			x, y := &as[idx[a]], &as[idx[b]]
			if x.Score != y.Score {
				return x.Score > y.Score
			}
			return x.Key < y.Key
		})
		left := k
		for _, i := range idx {
			// Capacity picks of an earlier pass count too, so applying twice changes
			// nothing.
			if p := as[i].Path; p == PathReferral || p == PathRandom || p == PathCapacity {
				left--
			}
		}
		for _, i := range idx {
			if a := &as[i]; a.Path == PathRule || a.Path == PathHits {
				if left > 0 {
					left--
				} else {
					a.Selected, a.Path = false, PathOverCapacity
				}
			}
		}
		for _, i := range idx {
			if left <= 0 {
				// Referrals and random picks may already exceed the budget.
				break
			}
			if a := &as[i]; !a.Selected && a.Path == "" && a.Score > 0 {
				a.Selected, a.Path = true, PathCapacity
				left--
			}
		}
	}
}
