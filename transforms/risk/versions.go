package risk

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/icss/icss/transforms/harmonized"
)

// Versions gives the earlier filings of a bill; harmonized.Ledger and any
// harmonized.VersionStore satisfy it. With it the engine compares an amendment with
// the version it replaces (RISK.md §4 #25, #26).
type Versions interface {
	Versions(key string) ([]*harmonized.Record, error)
}

// WithVersions returns a copy of the engine that compares each record with the
// earlier versions of its bill in v (nil for none). v is only read.
func (e *Engine) WithVersions(v Versions) *Engine {
	c := *e
	c.versions = v
	return &c
}

// previous returns the version rec replaces (the last one filed before it that is not
// a deletion) and whether the bill was deleted since then. Without a store, or for a
// first filing, it returns nil.
func (e *Engine) previous(rec *harmonized.Record) (prev *harmonized.Record, deleted bool, err error) {
	if e.versions == nil || rec.Key == "" {
		return nil, false, nil
	}
	vs, err := e.versions.Versions(rec.Key)
	if err != nil {
		return nil, false, fmt.Errorf("versions of bill %s: %w", rec.Key, err)
	}
	for _, v := range vs {
		if v == rec || !before(v, rec) {
			continue
		}
		if v.Filing.Type == harmonized.FilingDelete {
			deleted = true
			continue
		}
		if prev == nil || before(prev, v) {
			prev, deleted = v, false
		}
	}
	return prev, deleted, nil
}

// before orders two versions of a bill: by version number once applied, else by
// filing time and sequence.
func before(a, b *harmonized.Record) bool {
	if a.Filing.Version > 0 && b.Filing.Version > 0 {
		return a.Filing.Version < b.Filing.Version
	}
	return harmonized.FilingOrder(a, b)
}

// changedFields names the key fields that differ between two versions of a bill:
// shipper, consignee, description, HS codes, weight (more than 5 %), containers.
func changedFields(prev, rec *harmonized.Record) string {
	var out []string
	party := func(r *harmonized.Record, role harmonized.Role) string { return partyKey(r.Party(role)) }
	if party(prev, harmonized.RoleShipper) != party(rec, harmonized.RoleShipper) {
		out = append(out, "shipper")
	}
	if party(prev, harmonized.RoleConsignee) != party(rec, harmonized.RoleConsignee) {
		out = append(out, "consignee")
	}
	goods := func(r *harmonized.Record, f func(g *harmonized.GoodsItem) string) []string {
		var s []string
		for i := range r.Goods {
			s = append(s, f(&r.Goods[i]))
		}
		slices.Sort(s)
		return s
	}
	desc := func(g *harmonized.GoodsItem) string {
		return strings.Join(strings.Fields(strings.ToUpper(g.Description)), " ")
	}
	if !slices.Equal(goods(prev, desc), goods(rec, desc)) {
		out = append(out, "description")
	}
	if !slices.Equal(goods(prev, goodsHS6), goods(rec, goodsHS6)) {
		out = append(out, "HS code")
	}
	if a, b := grossKG(prev), grossKG(rec); a > 0 && b > 0 && math.Abs(a-b) > 0.05*max(a, b) {
		out = append(out, fmt.Sprintf("weight (%.0f → %.0f kg)", a, b))
	}
	cont := func(r *harmonized.Record) []string {
		var s []string
		for i := range r.Equipment {
			s = append(s, r.Equipment[i].Number)
		}
		slices.Sort(s)
		return s
	}
	if !slices.Equal(cont(prev), cont(rec)) {
		out = append(out, "containers")
	}
	return strings.Join(out, ", ")
}

// grossKG is the bill's gross weight, else the sum of its goods lines.
func grossKG(r *harmonized.Record) float64 {
	if r.Bill.Weight != nil && r.Bill.Weight.KG > 0 {
		return r.Bill.Weight.KG
	}
	kg := 0.0
	for i := range r.Goods {
		if w := r.Goods[i].Weight; w != nil {
			kg += w.KG
		}
	}
	return kg
}
