package risk

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/transforms/harmonized"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestScoreGolden scores a fixed batch (clean records and one of each planted anomaly,
// with partner and officer referrals and a capacity of 4 per port and day) and
// compares the assessments with testdata/batch.golden.jsonl. Review a diff like code.
func TestScoreGolden(t *testing.T) {
	t.Parallel()
	g := newGen(2026)
	h := g.history(500)
	plants := []func(*harmonized.Record){
		func(r *harmonized.Record) { r.Goods[0].Description = "FAK" },
		func(r *harmonized.Record) { r.Parties[0].Name = "Golden Dragon Imp Exp Co" },
		func(r *harmonized.Record) { r.Equipment[0].Seals = nil },
		func(r *harmonized.Record) {
			r.Goods[0].Description, r.Goods[0].HS, r.Goods[0].HS6 = "USED EXCAVATOR", "842952", "842952"
		},
		func(r *harmonized.Record) {
			r.Filing.FiledAt = dt(r.Itinerary.Departure.Time.Add(3 * time.Hour))
			r.Itinerary.Transshipment = []harmonized.Location{{UNLOCODE: "IRBND"}}
		},
		func(r *harmonized.Record) {
			r.Parties[1] = harmonized.Party{Role: harmonized.RoleConsignee, Name: "TO ORDER"}
		},
	}
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for i := range 30 {
		rec := g.record()
		if i%5 == 1 {
			plants[(i/5)%len(plants)](rec)
		}
		rec.Itinerary.Arrival = dt(time.Date(2026, 11, 27+i%2, 8, 0, 0, 0, time.UTC))
		enc.Encode(rec)
	}
	refs, err := ReadReferrals(strings.NewReader("source,bill,container,reason,referrer\npartner,MAEUBL00000504,,NTC-R7,CBP-NTC\nofficer,," +
		container("MSK", 520) + ",OBS-2,CBSA-4411\n"))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := Compile(DefaultRuleSet())
	if err != nil {
		t.Fatal(err)
	}
	eng = eng.WithHistory(h).WithReferrals(NewReferrals(refs))
	var out bytes.Buffer
	if _, err := eng.Score(context.Background(), &in, &out, StreamOptions{Capacity: 4, Name: "batch"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "batch.golden.jsonl")
	if *update {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("%s differs (review, then go test -update):\n%s", path, out.Bytes())
	}
}
