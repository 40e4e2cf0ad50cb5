package harmonized

import (
	"errors"
	"fmt"
	"sort"
)

// Flag codes about the order of filings.
const (
	FlagAmendWithoutOriginal = "amend_without_original"
	FlagFilingAfterDelete    = "filing_after_delete"
	FlagDeleteUnknown        = "delete_unknown_bill"
	FlagDuplicateOriginal    = "duplicate_original"
)

// ErrNoKey is returned when a record without a key is applied: versions cannot be matched.
var ErrNoKey = errors.New("record has no bill key")

// FilingOrder reports whether a was filed before b: by FiledAt when both have it, then
// by Sequence, then by Version (arrival order).
func FilingOrder(a, b *Record) bool {
	fa, fb := a.Filing.FiledAt, b.Filing.FiledAt
	if fa != nil && fb != nil && !fa.Time.Equal(fb.Time) {
		return fa.Time.Before(fb.Time)
	}
	if a.Filing.Sequence != b.Filing.Sequence {
		return a.Filing.Sequence < b.Filing.Sequence
	}
	return a.Filing.Version < b.Filing.Version
}

// Current derives the current view of one bill from its versions (in any order): the
// versions are replayed in filing order; an original or an amendment replaces the
// sections it carries and keeps the others (an amendment that sends only its goods keeps
// the parties); a delete removes the bill. It returns nil when the bill is deleted or
// there are no versions. The view is a new record: the versions are not changed. Its
// Filing and Provenance are those of the last version applied, and its Flags those of
// the versions it is built from plus any about the order of filings.
func Current(versions []*Record) *Record {
	if len(versions) == 0 {
		return nil
	}
	vs := append([]*Record(nil), versions...)
	sort.SliceStable(vs, func(i, j int) bool { return FilingOrder(vs[i], vs[j]) })
	var cur *Record
	deleted := false
	var orderFlags []Flag
	for _, v := range vs {
		switch v.Filing.Type {
		case FilingDelete:
			if cur == nil {
				orderFlags = append(orderFlags, Flag{Code: FlagDeleteUnknown, Field: "filing.type",
					Message: fmt.Sprintf("version %d deletes bill %s, which has no earlier filing", v.Filing.Version, v.Key)})
			}
			cur, deleted = nil, true
			continue
		case FilingAmend:
			if cur == nil {
				orderFlags = append(orderFlags, Flag{Code: FlagAmendWithoutOriginal, Field: "filing.type",
					Message: fmt.Sprintf("version %d amends bill %s, which has no current original; taken as the original", v.Filing.Version, v.Key)})
			}
		default:
			if cur != nil {
				orderFlags = append(orderFlags, Flag{Code: FlagDuplicateOriginal, Field: "filing.type",
					Message: fmt.Sprintf("version %d is a second original of bill %s; it replaces the first", v.Filing.Version, v.Key)})
			}
		}
		if cur == nil && deleted {
			orderFlags = append(orderFlags, Flag{Code: FlagFilingAfterDelete, Field: "filing.type",
				Message: fmt.Sprintf("version %d files bill %s again after its deletion", v.Filing.Version, v.Key)})
		}
		deleted = false
		cur = overlay(cur, v)
	}
	if cur == nil {
		return nil
	}
	for _, f := range orderFlags {
		cur.AddFlag(f.Code, f.Field, "%s", f.Message)
	}
	return cur
}

// carryList takes base's list when the version's own is empty, noting the section.
func carryList[T any](dst *[]T, base []T, section string, carried []string) []string {
	if len(*dst) > 0 {
		return carried
	}
	*dst = base
	return append(carried, section)
}

// overlay returns a copy of v with the sections v lacks taken from base. Its flags are
// v's own findings, base's findings about the sections carried over, and a fresh
// Validate of the combination.
func overlay(base, v *Record) *Record {
	out := clone(v)
	if base == nil {
		return out
	}
	var carried []string
	carry := func(section string) { carried = append(carried, section) }
	if out.Bill.IssuerSCAC == "" && out.Bill.Number == "" {
		out.Bill = base.Bill
		carry("bill")
	}
	if out.Conveyance == (Conveyance{Mode: ModeUnknown}) || out.Conveyance == (Conveyance{}) {
		out.Conveyance = base.Conveyance
		carry("conveyance")
	}
	if out.Itinerary.isZero() {
		out.Itinerary = base.Itinerary
		carry("itinerary")
	}
	carried = carryList(&out.Parties, base.Parties, "parties", carried)
	carried = carryList(&out.Goods, base.Goods, "goods", carried)
	carried = carryList(&out.Equipment, base.Equipment, "equipment", carried)
	carried = carryList(&out.InBond, base.InBond, "in_bond", carried)
	carried = carryList(&out.References, base.References, "references", carried)
	carried = carryList(&out.Events, base.Events, "events", carried)
	if len(carried) > 0 {
		flags := ownFlags(v)
		for _, f := range ownFlags(base) {
			for _, sec := range carried {
				if f.Field == sec || len(f.Field) > len(sec) && f.Field[:len(sec)] == sec && (f.Field[len(sec)] == '.' || f.Field[len(sec)] == '[') {
					flags = append(flags, f)
				}
			}
		}
		out.Flags = flags
		for _, f := range out.Validate() {
			out.AddFlag(f.Code, f.Field, "%s", f.Message)
		}
	}
	if out.InTransit.Status == TransitUnknown && base.InTransit.Status != TransitUnknown {
		out.InTransit = base.InTransit
	}
	if len(base.Extra) > 0 {
		extra := make(map[string]string, len(base.Extra)+len(out.Extra))
		for k, x := range base.Extra {
			extra[k] = x
		}
		for k, x := range out.Extra {
			extra[k] = x
		}
		out.Extra = extra
	}
	return out
}

// ownFlags returns the flags of r that Validate does not produce: the mapper's findings
// about values it could not keep (a date that would not parse, a conflicting row).
func ownFlags(r *Record) []Flag {
	derived := map[Flag]bool{}
	for _, f := range r.Validate() {
		derived[f] = true
	}
	var out []Flag
	for _, f := range r.Flags {
		if !derived[f] {
			out = append(out, f)
		}
	}
	return out
}

func (it *Itinerary) isZero() bool {
	return it.PlaceOfReceipt == nil && it.PortOfLoading == nil && len(it.Transshipment) == 0 && it.PortOfDischarge == nil &&
		it.PlaceOfDelivery == nil && it.FinalDestination == nil && it.PortOfArrival == nil && it.Departure == nil && it.Arrival == nil
}

// clone copies a record deeply enough that changing the copy's slices, maps and flags
// does not change the original (nested pointers are shared read-only).
func clone(r *Record) *Record {
	c := *r
	c.Parties = append([]Party(nil), r.Parties...)
	c.Goods = append([]GoodsItem(nil), r.Goods...)
	c.Equipment = append([]Equipment(nil), r.Equipment...)
	c.InBond = append([]InBond(nil), r.InBond...)
	c.References = append([]Reference(nil), r.References...)
	c.Events = append([]Event(nil), r.Events...)
	c.Flags = append([]Flag(nil), r.Flags...)
	if r.Extra != nil {
		c.Extra = make(map[string]string, len(r.Extra))
		for k, v := range r.Extra {
			c.Extra[k] = v
		}
	}
	if c.Parties == nil {
		c.Parties = []Party{}
	}
	if c.Goods == nil {
		c.Goods = []GoodsItem{}
	}
	if c.Equipment == nil {
		c.Equipment = []Equipment{}
	}
	return &c
}

// VersionStore keeps the versions of bills. The in-memory Ledger is one; a database
// ledger (storage/state) can be another, so that applying filings holds one bill's
// history in memory at a time however many bills there are.
type VersionStore interface {
	// Versions returns the stored versions of a bill, in the order they were appended.
	Versions(key string) ([]*Record, error)
	// Append stores a new version.
	Append(r *Record) error
}

// Apply numbers r as the next version of its bill (Filing.Version = stored versions + 1),
// appends it to the store, and returns the bill's current view (nil when the bill is
// now deleted). r itself is kept as filed; nothing is dropped.
func Apply(s VersionStore, r *Record) (*Record, error) {
	if r.Key == "" {
		return nil, fmt.Errorf("apply %s version from %s: %w", r.Filing.Type, r.Provenance.Start, ErrNoKey)
	}
	prev, err := s.Versions(r.Key)
	if err != nil {
		return nil, fmt.Errorf("apply bill %s: %w", r.Key, err)
	}
	r.Filing.Version = len(prev) + 1
	if err := s.Append(r); err != nil {
		return nil, fmt.Errorf("apply bill %s version %d: %w", r.Key, r.Filing.Version, err)
	}
	return Current(append(prev, r)), nil
}

// Ledger is an in-memory VersionStore: every version of every bill, and the current
// view derivable at any time. Its memory grows with the number of versions; for large
// runs use a database VersionStore.
type Ledger struct {
	bills map[string][]*Record
	order []string
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger { return &Ledger{bills: map[string][]*Record{}} }

// Versions implements VersionStore.
func (l *Ledger) Versions(key string) ([]*Record, error) { return l.bills[key], nil }

// Append implements VersionStore.
func (l *Ledger) Append(r *Record) error {
	if _, ok := l.bills[r.Key]; !ok {
		l.order = append(l.order, r.Key)
	}
	l.bills[r.Key] = append(l.bills[r.Key], r)
	return nil
}

// Apply applies r to the ledger (see the package function Apply).
func (l *Ledger) Apply(r *Record) (*Record, error) { return Apply(l, r) }

// History returns the versions of a bill in the order they were applied.
func (l *Ledger) History(key string) []*Record { return l.bills[key] }

// Current returns the current view of a bill, or nil when it is deleted or unknown.
func (l *Ledger) Current(key string) *Record { return Current(l.bills[key]) }

// Keys returns the bill keys in the order they were first seen.
func (l *Ledger) Keys() []string { return append([]string(nil), l.order...) }

// EventMatches reports whether an event concerns the record: it names one of the
// record's containers, or its bill (by key, or by number alone since status messages
// often omit the SCAC, or the SCAC-prefixed number).
func EventMatches(r *Record, e *Event) bool {
	if e.Bill != "" && (e.Bill == r.Key || e.Bill == r.Bill.Number || (r.Bill.MasterKey != "" && e.Bill == r.Bill.MasterKey)) {
		return true
	}
	if e.Container != "" {
		for i := range r.Equipment {
			if r.Equipment[i].Number == e.Container {
				return true
			}
		}
	}
	return false
}

// AttachEvent adds the event to the record when EventMatches, keeping Events in time
// order and skipping an event already attached; it reports whether it matched.
func AttachEvent(r *Record, e *Event) bool {
	if !EventMatches(r, e) {
		return false
	}
	for i := range r.Events {
		if r.Events[i].Provenance == e.Provenance && r.Events[i].Kind == e.Kind {
			return true
		}
	}
	r.Events = append(r.Events, *e)
	sort.SliceStable(r.Events, func(i, j int) bool {
		a, b := r.Events[i].At, r.Events[j].At
		return a != nil && b != nil && a.Time.Before(b.Time)
	})
	return true
}

// LinkHouses completes the master side of house bills among current views (by key): a
// master whose house bills are present lists their keys in Bill.HouseKeys, in key order,
// and becomes a master. House bills name their master themselves (Bill.MasterKey).
func LinkHouses(current map[string]*Record) {
	houses := map[string][]string{}
	for k, r := range current {
		if r.Bill.MasterKey != "" && current[r.Bill.MasterKey] != nil {
			houses[r.Bill.MasterKey] = append(houses[r.Bill.MasterKey], k)
		}
	}
	for mk, hk := range houses {
		sort.Strings(hk)
		m := current[mk]
		seen := map[string]bool{}
		for _, k := range m.Bill.HouseKeys {
			seen[k] = true
		}
		for _, k := range hk {
			if !seen[k] {
				m.Bill.HouseKeys = append(m.Bill.HouseKeys, k)
			}
		}
		m.Bill.Kind = BillMaster
	}
}
