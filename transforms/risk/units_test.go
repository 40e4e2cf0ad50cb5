package risk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/transforms/harmonized"
)

func TestNormalizeAndSimilarity(t *testing.T) {
	t.Parallel()
	norm := []struct{ in, want string }{
		{"Acme Trading Co., Ltd.", "ACME TRADING"},
		{"ACME TRADING LIMITED", "ACME TRADING"},
		{"Société Générale S.A.", "SOCIETE GENERALE"},
		{"ООО Ромашка", "ROMASHKA"},
		{"Smith & Sons", "SMITH SONS"},
		{"M/V Ocean Phantom", "OCEAN PHANTOM"},
		{"LTD", "LTD"},
		{"", ""},
	}
	for _, tt := range norm {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	sim := []struct {
		a, b     string
		min, max float64
	}{
		{"Golden Dragon Import Export Co Ltd", "GOLDEN DRAGON IMPORT-EXPORT LIMITED", 1, 1},
		{"Northern Star Trading LLC", "Northern Starr Trading", 0.9, 0.99},
		{"Trading Northern Star", "Northern Star Trading", 1, 1},
		{"Golden Dragon", "Golden Dragon Import Export", 0.5, 0.7},
		{"Golden Gate Furniture", "Golden Dragon Import Export", 0, 0.5},
		{"", "X", 0, 0},
	}
	for _, tt := range sim {
		if got := Similarity(tt.a, tt.b); got < tt.min || got > tt.max {
			t.Errorf("Similarity(%q, %q) = %.3f, want in [%g, %g]", tt.a, tt.b, got, tt.min, tt.max)
		}
	}
}

func TestWatchIndexThreshold(t *testing.T) {
	t.Parallel()
	ix := newWatchIndex([]WatchEntry{{ID: "1", Name: "Northern Star Trading LLC"}, {ID: "2", Name: "Acme"}}, 0.85)
	var sc matchScratch
	if m, ok := ix.match("NORTHERN STARR TRADING", &sc); !ok || m.Entry.ID != "1" {
		t.Errorf("typo: %+v %v", m, ok)
	}
	if _, ok := ix.match("Southern Star Shipping", &sc); ok {
		t.Error("a different firm matched")
	}
	if m, ok := ix.match("ACME INC", &sc); !ok || m.Entry.ID != "2" || m.Similarity != 1 {
		t.Errorf("suffix: %+v %v", m, ok)
	}
}

func TestRuleSetValidate(t *testing.T) {
	t.Parallel()
	base := string(DefaultRuleSetYAML())
	tests := []struct{ name, from, to, want string }{
		{"no version", "version: 1.0.0", "version: ''", "version: is required"},
		{"bands out of order", "{name: medium, min: 20}", "{name: medium, min: 50}", "bands[1].min: 50 is not below bands[0].min 40"},
		{"random rate", "random_rate: 0.01", "random_rate: 1.5", "selection.random_rate: 1.5 is not between 0 and 1"},
		{"duplicate id", "id: HIST-COMMODITY\n", "id: HIST-COMMODITY-ORIGIN\n", `rules[1].id: "HIST-COMMODITY-ORIGIN" is already used by rules[0]`},
		{"unknown exam", "exams: [radiation]", "exams: [sniffer_dog]", `(IN-TRANSIT).exams[0]: "sniffer_dog" is not one of`},
		{"unknown key", "weight: 15\n    when: vague_description", "weigth: 15\n    when: vague_description", "field weigth not found"},
		{"bad expression", "when: seal_missing\n", "when: seal_missing +\n", "(SEAL-MISSING).when"},
		{"bad template", `reason: "{{seal_detail}}"`, `reason: "{{seal_detail"`, "(SEAL-MISSING).reason: unclosed {{"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(base, tt.from, tt.to, 1)
			if src == base {
				t.Fatalf("%q not found", tt.from)
			}
			rs, err := ParseRuleSet([]byte(src))
			if err == nil {
				_, err = Compile(rs)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestDrawIsUniformAndReproducible(t *testing.T) {
	t.Parallel()
	eng, _ := Compile(DefaultRuleSet())
	other := eng.WithSeed(99)
	const n = 200000
	below, same := 0, 0
	for i := range n {
		key := fmt.Sprintf("MAEU%08d", i)
		d := eng.Draw(key)
		if d < 0 || d >= 1 {
			t.Fatalf("draw %v out of [0,1)", d)
		}
		if d != eng.Draw(key) {
			t.Fatal("draw not reproducible")
		}
		if d < 0.01 {
			below++
		}
		if other.Draw(key) == d {
			same++
		}
	}
	// 1 % of 200,000 is 2,000 with a standard deviation of about 44.
	if below < 1800 || below > 2200 {
		t.Errorf("%d of %d draws below 0.01, want about 2000", below, n)
	}
	if same > 0 {
		t.Errorf("%d draws unchanged by a new seed", same)
	}
}

func TestApplyCapacity(t *testing.T) {
	t.Parallel()
	mk := func(key string, score float64, path string) Assessment {
		return Assessment{Key: key, Score: score, Path: path, Selected: path != "", Port: "CAPRR", Day: "2026-11-27"}
	}
	as := []Assessment{
		mk("A", 90, PathRule), mk("B", 80, PathRule), mk("C", 70, PathRule),
		mk("D", 10, PathReferral), mk("E", 5, ""), mk("F", 30, ""), mk("G", 1, PathRandom),
		{Key: "H", Score: 50, Port: "CAVAN", Day: "2026-11-27"},
		{Key: "I", Score: 20, Port: "CAVAN", Day: "2026-11-28"}, {Key: "J", Score: 0, Port: "CAVAN", Day: "2026-11-28"},
	}
	ApplyCapacity(as, 3)
	got := map[string]string{}
	for _, a := range as {
		got[a.Key] = fmt.Sprint(a.Selected, " ", a.Path)
	}
	want := map[string]string{
		"A": "true rule", "B": "false over_capacity", "C": "false over_capacity",
		"D": "true referral", "G": "true random", "E": "false ", "F": "false ",
		"H": "true capacity", "I": "true capacity", "J": "false ",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	again := slices.Clone(as)
	ApplyCapacity(again, 3)
	if !reflect.DeepEqual(again, as) {
		t.Error("applying the capacity twice changed the selection")
	}

	// Referrals and random picks over the budget stay, and nothing tops them up.
	as = []Assessment{mk("R1", 1, PathReferral), mk("R2", 1, PathRandom), mk("R3", 1, PathRandom), mk("S", 40, PathRule), mk("T", 9, "")}
	ApplyCapacity(as, 2)
	for _, a := range as {
		if want := a.Key[0] == 'R'; a.Selected != want {
			t.Errorf("over budget: %s selected=%v (%s), want %v", a.Key, a.Selected, a.Path, want)
		}
	}
}

func TestReadReferrals(t *testing.T) {
	t.Parallel()
	refs, err := ReadReferrals(strings.NewReader("source,bill,container,reason,referrer\npartner,maeu 123,,R1,CBP-NTC\nofficer,,MSCU1234565,OBS-3,B1234\n"))
	if err != nil {
		t.Fatal(err)
	}
	ix := NewReferrals(refs)
	rec := &harmonized.Record{Key: "MAEU123"}
	if r := ix.Match(rec); r == nil || r.String() != "partner CBP-NTC: R1" {
		t.Errorf("by bill: %v", r)
	}
	rec = &harmonized.Record{Key: "X", Equipment: []harmonized.Equipment{{Number: "MSCU1234565"}}}
	if r := ix.Match(rec); r == nil || r.Source != SourceOfficer || r.Line != 3 {
		t.Errorf("by container: %+v", r)
	}
	bad := []struct{ in, want string }{
		{"bill,reason\nX,R\n", `no "source" column`},
		{"source,reason\npartner,R\n", `neither a "bill" nor a "container" column`},
		{"source,bill,reason\nagency,X,R\n", `line 2: source "agency" is not partner or officer`},
		{"source,bill,reason\npartner,,R\n", "line 2: neither bill nor container"},
		{"source,bill,reason\npartner,X,\n", "line 2: reason is required"},
	}
	for _, tt := range bad {
		if _, err := ReadReferrals(strings.NewReader(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestHistoryRoundTrip(t *testing.T) {
	t.Parallel()
	g := newGen(11)
	h := g.history(300)
	h.Learn(g.record(), Outcome{Examined: true, Hit: true})
	var buf bytes.Buffer
	if _, err := h.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	h2, err := ReadHistory(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	h2.WriteTo(&again)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("history changed on a write–read–write round trip")
	}
	eng, _ := Compile(DefaultRuleSet())
	a, b := eng.WithHistory(h), eng.WithHistory(h2)
	for range 50 {
		rec := g.record()
		x, _ := a.Assess(rec, a.NewScratch())
		y, _ := b.Assess(rec, b.NewScratch())
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("assessments differ after a round trip: %+v / %+v", x, y)
		}
	}
	if _, err := ReadHistory(strings.NewReader(`{"schema":"other/1"}`)); err == nil {
		t.Error("a foreign schema was accepted")
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	var s []Scored
	for i := range 200 {
		// Scores tie in pairs; the tie-break by key puts the hit (even i) first.
		s = append(s, Scored{Key: fmt.Sprintf("K%03d", i), Score: float64(200 - i/2), Hit: i%2 == 0 && i < 40})
	}
	m := Evaluate(s)
	if m.N != 200 || m.Positives != 20 || m.Prevalence != 0.1 {
		t.Fatalf("%+v", m)
	}
	// 1 %: top 2 → K000 (hit), K001 → 0.5. 10 %: top 20 → 10 hits.
	want := ByRate{"1": 0.5, "2": 0.5, "5": 0.5, "10": 0.5}
	if !reflect.DeepEqual(m.PrecisionAt, want) {
		t.Errorf("precision %v, want %v", m.PrecisionAt, want)
	}
	if m.RecallAt["10"] != 0.5 || math.Abs(m.LiftAt["10"]-5) > 1e-12 {
		t.Errorf("recall %v lift %v", m.RecallAt, m.LiftAt)
	}
	if e := Evaluate(nil); e.N != 0 {
		t.Errorf("%+v", e)
	}
}

func TestOutcomeOf(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]Outcome{
		"1": {true, true}, "0": {true, false}, "true": {true, true}, "Clean": {true, false},
		"2": {true, true}, "": {}, "0.0": {true, false},
	} {
		rec := &harmonized.Record{Key: "K", Extra: map[string]string{"outcome": v}}
		got, err := OutcomeOf(rec, OutcomeField)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", v, got, err, want)
		}
	}
	_, err := OutcomeOf(&harmonized.Record{Key: "K", Extra: map[string]string{"outcome": "maybe"}}, OutcomeField)
	if err == nil || !strings.Contains(err.Error(), `record K: outcome "maybe" is not an outcome`) {
		t.Errorf("error %v", err)
	}
}

func TestReadResults(t *testing.T) {
	t.Parallel()
	res, err := ReadResults(strings.NewReader("key,outcome,officer\nmaeu 1,hit,x\nMAEU2,0,y\nMAEU1,clean,z\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Results{"MAEU1": {Examined: true}, "MAEU2": {Examined: true}}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("%v, want %v", res, want)
	}
	for in, msg := range map[string]string{
		"bill\nX\n":                 `need a "bill" (or "key") and an "outcome" column`,
		"bill,outcome\nX,\n":        "line 2: outcome is empty",
		"bill,outcome\nX,perhaps\n": `line 2: record X: outcome "perhaps" is not an outcome`,
		"bill,outcome\n,1\n":        "line 2: bill is empty",
		"outcome,bill\n1\n":         "line 2: 1 fields, too few",
		"bill,outcome\n\"X,1\n":     "results: parse error on line 2",
	} {
		if _, err := ReadResults(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: error %v, want %q", in, err, msg)
		}
	}
}

func TestBootstrapPrecision(t *testing.T) {
	t.Parallel()
	var s []Scored
	for i := range 2000 {
		// The top fifth is 80 % hits, the rest 10 %.
		hit := (i < 400 && i%5 != 0) || (i >= 400 && i%10 == 0)
		s = append(s, Scored{Key: fmt.Sprintf("K%04d", i), Score: float64(2000 - i), Hit: hit})
	}
	m := Evaluate(s)
	ci := BootstrapPrecision(s, 500, 1)
	for _, k := range []string{"1", "2", "5", "10"} {
		p, iv := m.PrecisionAt[k], ci[k]
		if !(iv.Low <= p && p <= iv.High) || iv.High-iv.Low > 0.35 || iv.High == iv.Low {
			t.Errorf("rate %s: precision %v, interval %+v", k, p, iv)
		}
	}
	if !reflect.DeepEqual(ci, BootstrapPrecision(s, 500, 1)) {
		t.Error("the same seed gave other intervals")
	}
}

func TestSimulate(t *testing.T) {
	t.Parallel()
	g := newGen(5)
	h := g.history(300)
	// Steel wire from Ukraine is always non-compliant; the history knows it a little.
	for range 3 {
		rec := g.record()
		setGoods(rec, steelWire)
		h.Learn(rec, Outcome{Examined: true, Hit: true})
	}
	var recs []Labelled
	for i := range 1200 {
		rec := g.record()
		hit := false
		if i%20 == 0 {
			setGoods(rec, steelWire)
			hit = true
		}
		rec.Itinerary.Arrival = dt(time.Date(2026, 1, 5+i/200*7, 8, 0, 0, 0, time.UTC))
		recs = append(recs, Labelled{Record: rec, Outcome: Outcome{Examined: true, Hit: hit}})
	}
	names, batches := WeeklyBatches(recs)
	if len(names) != 6 || names[0] != "2026-W02" || len(batches[0]) != 200 {
		t.Fatalf("batches %v, first %d records", names, len(batches[0]))
	}
	eng, _ := Compile(DefaultRuleSet())
	before, _ := eng.WithHistory(h).Assess(recs[0].Record, eng.NewScratch())
	run := func(share float64) []SimBatch {
		res, err := eng.Simulate(h, names, batches, SimConfig{Budget: 0.05, RandomShare: share})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	engine, random := run(0.1), run(1)
	for i, b := range engine {
		if b.Examined != 10 || b.Positives != 10 {
			t.Errorf("%s: examined %d positives %d, want 10 and 10", b.Batch, b.Examined, b.Positives)
		}
		if b.Precision < 0.9 || random[i].Precision > 0.5 {
			t.Errorf("%s: engine %v, random %v", b.Batch, b.Precision, random[i].Precision)
		}
	}
	// The simulation learns on a copy: the caller's history is untouched.
	after, _ := eng.WithHistory(h).Assess(recs[0].Record, eng.NewScratch())
	if !reflect.DeepEqual(before, after) {
		t.Error("Simulate changed the history it was given")
	}
	if _, err := eng.Simulate(h, names, batches, SimConfig{Budget: 0}); err == nil {
		t.Error("a zero budget was accepted")
	}
}

func TestByRateJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(ByRate{"10": 0.5, "2": 1e-7, "1": 1, "5": 0.25})
	if err != nil || string(b) != `{"1":1,"2":1e-7,"5":0.25,"10":0.5}` {
		t.Errorf("%s %v", b, err)
	}
	if _, err := json.Marshal(ByRate{"1": math.NaN()}); err == nil {
		t.Error("NaN was written")
	}
}

// TestRuleOverRecordFields: a rule set may test any field of the record, not only the
// built-in facts.
func TestRuleOverRecordFields(t *testing.T) {
	t.Parallel()
	src := `name: custom
version: "1"
selection: {score: 10}
rules:
  - id: FLAG-KP
    description: Vessel under the flag of North Korea, or a party there.
    weight: 50
    when: record.Conveyance.VesselFlag == "KP" || any(record.Parties, .Country == "KP")
    reason: "vessel {{record.Conveyance.VesselName}} (flag {{record.Conveyance.VesselFlag}})"
    exams: [nii_xray, radiation]
    examples:
      fire:
        - {name: flag, record: {key: A, conveyance: {mode: ocean, vessel_name: "CHON MA SAN", vessel_flag: KP}}}
        - {name: party, record: {key: B, parties: [{role: notify, name: X, country: KP}]}}
      not_fire:
        - {name: other flag, record: {key: C, conveyance: {mode: ocean, vessel_name: "MONTE CERVANTES", vessel_flag: LR}}}
`
	rs, err := ParseRuleSet([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := RunExamples(rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Failures {
		t.Error(f)
	}
	eng, _ := Compile(rs)
	if eng.rules[0].fastWhen != nil {
		t.Error("a condition over record fields went to the fast path")
	}
	rec := harmonized.New()
	rec.Key, rec.Conveyance.VesselName, rec.Conveyance.VesselFlag = "K", "CHON MA SAN", "KP"
	a, err := eng.Assess(rec, eng.NewScratch())
	if err != nil || !a.Selected || a.Reasons[0].Text != "vessel CHON MA SAN (flag KP)" {
		t.Errorf("%+v %v", a, err)
	}
}
