package risk

import (
	"reflect"
	"testing"

	"github.com/icss/icss/transforms/harmonized"
)

// TestFastPathMatchesVM scores the same records with the Go closures and with the expr
// VM only: every assessment must be identical.
func TestFastPathMatchesVM(t *testing.T) {
	t.Parallel()
	eng, err := Compile(DefaultRuleSet())
	if err != nil {
		t.Fatal(err)
	}
	fast := 0
	for _, r := range eng.rules {
		if r.fastWhen != nil {
			fast++
		}
		if r.value != nil && r.fastValue == nil {
			t.Errorf("%s: value %q is not on the fast path", r.ID, r.Value)
		}
	}
	if fast != len(eng.rules) {
		t.Errorf("%d of %d default rules on the fast path, want all", fast, len(eng.rules))
	}
	g := newGen(3)
	h := g.history(300)
	for range 30 {
		rec := g.record()
		h.Learn(rec, Outcome{Examined: true, Hit: true})
	}
	a, b := eng.WithHistory(h), eng.WithHistory(h)
	b.vmOnly = true
	sa, sb := a.NewScratch(), b.NewScratch()
	mutations := []func(*harmonized.Record){
		func(*harmonized.Record) {},
		func(r *harmonized.Record) { r.Goods[0].Description = "FAK" },
		func(r *harmonized.Record) { r.Equipment[0].Seals = nil },
		func(r *harmonized.Record) { r.Parties[1].Name = "TO ORDER" },
		func(r *harmonized.Record) { r.Goods[0].HS, r.Goods[0].HS6 = "240220", "240220" },
		func(r *harmonized.Record) {
			r.Goods[0].OriginCountry = "CN"
			r.Goods[0].HS, r.Goods[0].HS6 = "845811", "845811"
		},
		func(r *harmonized.Record) { r.InTransit.Status = harmonized.TransitYes },
	}
	for i := range 700 {
		rec := g.record()
		mutations[i%len(mutations)](rec)
		x, err1 := a.Assess(rec, sa)
		y, err2 := b.Assess(rec, sb)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("record %d: fast path %+v\nVM %+v", i, x, y)
		}
	}
}

func TestCompileFast(t *testing.T) {
	t.Parallel()
	f := &Facts{SealMissing: true, HSWatch: "tobacco", Lines: 3, Hist: HistFacts{Lane: HistStat{Exams: 4, WoE: 0.5}}}
	tests := []struct {
		src  string
		ok   bool
		want fastVal
	}{
		{"seal_missing", true, fastVal{kind: fastBool, b: true}},
		{"!seal_missing || in_transit", true, fastVal{kind: fastBool, b: false}},
		{`hs_watch != ""`, true, fastVal{kind: fastBool, b: true}},
		{`hs_watch == "alcohol"`, true, fastVal{kind: fastBool, b: false}},
		{"hist.lane.exams > 3 and lines >= 3", true, fastVal{kind: fastBool, b: true}},
		{"hist.lane.woe * 2 + lines / 2 - 1", true, fastVal{kind: fastNum, n: 1.5}},
		{"-hist.lane.woe", true, fastVal{kind: fastNum, n: -0.5}},
		{`hs_watch in ["tobacco"]`, false, fastVal{}},
		{"len(flags) > 0", false, fastVal{}},
		{`extra.outcome == "1"`, false, fastVal{}},
		{"no_such_fact", false, fastVal{}},
	}
	for _, tt := range tests {
		fn, ok := compileFast(tt.src)
		if ok != tt.ok {
			t.Errorf("%s: fast %v, want %v", tt.src, ok, tt.ok)
			continue
		}
		if ok {
			if got := fn(f); got != tt.want {
				t.Errorf("%s = %+v, want %+v", tt.src, got, tt.want)
			}
		}
	}
}
