package x12map

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/golden"

	"github.com/icss/icss/internal/testkit/corpus"
	"github.com/icss/icss/transforms/harmonized"
)

// mapAll maps an input and returns its items and unmapped report.
func mapAll(t testing.TB, in io.Reader, file string) ([]Item, []Unmapped) {
	t.Helper()
	var un []Unmapped
	m := New(in, Options{File: file, Unmapped: func(u Unmapped) { un = append(un, u) }})
	var items []Item
	for {
		it, err := m.Read()
		if err == io.EOF {
			return items, un
		}
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
}

// render writes items as JSON lines ({"record": …} or {"event": …}) and the unmapped
// report as text.
func render(t testing.TB, items []Item, un []Unmapped) ([]byte, []byte) {
	t.Helper()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	for _, it := range items {
		var err error
		if it.Record != nil {
			err = enc.Encode(map[string]any{"record": it.Record})
		} else {
			err = enc.Encode(map[string]any{"event": it.Event})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var u bytes.Buffer
	for _, x := range un {
		fmt.Fprintln(&u, x)
	}
	return out.Bytes(), u.Bytes()
}

// TestGoldenSamples maps every X12 sample that carries shipments (309) or container
// events (315, 322, 404) and compares with testdata/<sample>.golden.jsonl and the list of
// what was left unmapped with testdata/<sample>.unmapped.txt.
func TestGoldenSamples(t *testing.T) {
	t.Parallel()
	var files []string
	for _, p := range []string{"x12types_309_*.edi", "x12types_315_*.edi", "x12types_322_*.edi", "x12types_404_*.edi"} {
		files = append(files, corpus.Samples(t, p)...)
	}
	if len(files) != 8 {
		t.Fatalf("found %d samples, want 8", len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".edi"), func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			items, un := mapAll(t, f, name)
			if len(items) == 0 {
				t.Fatal("no records or events")
			}
			out, report := render(t, items, un)
			base := filepath.Join("testdata", strings.TrimSuffix(name, ".edi"))
			golden.Compare(t, base+".golden.jsonl", out)
			golden.Compare(t, base+".unmapped.txt", report)
		})
	}
}

// TestAMDSample checks the bar on the one real 309: 10 bills with every container,
// seal, HS code and party it holds, counted independently from the raw segments.
func TestAMDSample(t *testing.T) {
	t.Parallel()
	path := corpus.Samples(t, "x12types_309_ocean_amd_4010.edi")[0]
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Independent count from the text: VIDs, seals in VID04/05, N10s with an HS code, N1s.
	var vids, seals, hs, parties int
	var containers []string
	for _, s := range strings.Split(string(raw), "~") {
		s = strings.TrimSpace(s)
		el := strings.Split(s, "*")
		switch el[0] {
		case "VID":
			vids++
			containers = append(containers, el[2]+el[3])
			for _, i := range []int{4, 5} {
				if i < len(el) && el[i] != "" {
					seals++
				}
			}
		case "N10":
			if len(el) > 5 && el[5] != "" {
				hs++
			}
		case "N1":
			parties++
		}
	}
	items, _ := mapAll(t, bytes.NewReader(raw), "amd.edi")
	var recs []*harmonized.Record
	for _, it := range items {
		if it.Record == nil {
			t.Fatal("309 gave an event")
		}
		recs = append(recs, it.Record)
	}
	if len(recs) != 10 {
		t.Fatalf("got %d bills, want 10", len(recs))
	}
	var gotVID, gotSeals, gotHS, gotParties int
	var gotContainers []string
	for _, r := range recs {
		gotVID += len(r.Equipment)
		for _, e := range r.Equipment {
			gotSeals += len(e.Seals)
			gotContainers = append(gotContainers, e.Number)
		}
		for _, g := range r.Goods {
			if g.HSOriginal != "" {
				gotHS++
			}
			if g.Description == "" {
				t.Errorf("bill %s line %d has no description", r.Key, g.Line)
			}
		}
		gotParties += len(r.Parties)
		if r.Party(harmonized.RoleShipper) == nil || r.Party(harmonized.RoleConsignee) == nil || r.Party(harmonized.RoleNotify) == nil {
			t.Errorf("bill %s lacks a shipper, consignee or notify party", r.Key)
		}
	}
	if gotVID != vids || gotSeals != seals || gotHS != hs || gotParties != parties {
		t.Fatalf("containers %d/%d, seals %d/%d, HS codes %d/%d, parties %d/%d (got/want)", gotVID, vids, gotSeals, seals, gotHS, hs, gotParties, parties)
	}
	if strings.Join(gotContainers, ",") != strings.Join(containers, ",") {
		t.Fatalf("containers %v, want %v", gotContainers, containers)
	}
	// The first bill: its continuation lines are joined, mid-word splits healed.
	g := recs[0].Goods[0]
	if !strings.Contains(g.Description, "SEVERAL SIZES SERVICE CONTRACT NUMBER") || g.HS6 != "401120" || g.Weight.KG != 14404 {
		t.Fatalf("first cargo line = %+v", g)
	}
	// H1 attaches to the quantity-bearing line even though continuations follow it.
	if h := recs[1].Goods[0].Hazmat; len(h) != 1 || h[0].UNNumber != "2319" {
		t.Fatalf("hazmat of bill 2 = %+v", h)
	}
	if recs[1].Goods[0].Containers[0] != "BGBU5086915" {
		t.Fatalf("bill 2 goods container = %v", recs[1].Goods[0].Containers)
	}
}

// TestRail309 maps a hand-written rail 309 in 4040 (GS01 AQ) with the cases the AMD
// sample lacks: rail carrier and train, VID20 check digit, M7 seals with their issuer,
// H1 before a continuation N10 and H2, M12 T-train in-bond with a cargo control number,
// a house bill under its master, a railcar, ISF parties, pounds and cubic feet.
func TestRail309(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/rail-309-4040.x12")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, un := mapAll(t, f, "rail-309-4040.x12")
	out, report := render(t, items, un)
	golden.Compare(t, "testdata/rail-309-4040.golden.jsonl", out)
	golden.Compare(t, "testdata/rail-309-4040.unmapped.txt", report)
	if len(items) != 2 {
		t.Fatalf("%d items", len(items))
	}
	r := items[0].Record
	c := r.Conveyance
	if c.Mode != harmonized.ModeRail || c.RailCarrierSCAC != "CN" || c.Train != "Q11851" {
		t.Errorf("conveyance %+v", c)
	}
	if r.Key != "ONEYPRR1234567" || r.Bill.CargoControlNumber != "9313ONEYPRR1234567" || r.Bill.Weight.KG != 4082.331 || r.Bill.Volume.M3 != 0.8495 {
		t.Errorf("bill %+v weight %+v volume %+v", r.Bill, r.Bill.Weight, r.Bill.Volume)
	}
	e := r.Equipment[0]
	if e.Number != "TGHU1234567" || e.Encoding != harmonized.EncodingNumberPlusCheck || e.Check != harmonized.CheckValid ||
		len(e.Seals) != 2 || e.Seals[0].Issuer != "customs" || e.Seals[1].Number != "SL0002" {
		t.Errorf("equipment %+v", e)
	}
	g := r.Goods[0]
	if g.Description != "LED LAMPS 230V AND CONTROL GEAR FOR LAMPS OFTHE KIND USED IN BUILDINGS" || g.HS6 != "940540" || g.HS != "9405408440" ||
		len(g.Hazmat) != 1 || g.Hazmat[0].UNNumber != "3480" || g.Hazmat[0].PackingGroup != "II" || !strings.Contains(g.Hazmat[0].Description, "PACKED IN EQUIPMENT") {
		t.Errorf("goods %+v", g)
	}
	for _, role := range []harmonized.Role{harmonized.RoleSeller, harmonized.RoleBuyer, harmonized.RoleManufacturer, harmonized.RoleConsolidator} {
		if r.Party(role) == nil {
			t.Errorf("no %s", role)
		}
	}
	if p := r.Party(harmonized.RoleConsignee); p.Country != "US" || len(p.Identifiers) != 1 {
		t.Errorf("consignee %+v", p)
	}
	if len(r.InBond) != 1 || r.InBond[0].EntryType != "69" || r.InBond[0].Destination != "3901" {
		t.Errorf("in-bond %+v", r.InBond)
	}
	// The rail manifest's port of arrival is the US border; the cargo came off the ship
	// at Prince Rupert (M11-10 "PRINCE RUPERT BC"): in transit from Canada to the US.
	if r.InTransit.Status != harmonized.TransitYes || r.InTransit.ArrivalCountry != "CA" || r.InTransit.DestinationCountry != "US" {
		t.Errorf("in transit %+v", r.InTransit)
	}
	h := items[1].Record
	if h.Key != "FWDRHB7770001" || h.Bill.Kind != harmonized.BillHouse || h.Bill.MasterKey != "ONEYMB5550001" {
		t.Errorf("house bill %s %+v", h.Key, h.Bill)
	}
	if rc := h.Equipment[0]; rc.Check != harmonized.CheckNotApplicable || rc.Number != "CN123456" {
		t.Errorf("railcar %+v", rc)
	}
	if len(h.Flags) != 0 {
		t.Errorf("house bill flags %v", h.Flags)
	}
}

// TestBareDelete maps an amendment whose delete carries only an M13: the bill key still
// comes out whole (M13-01 + M13-04), so the delete finds its bill.
func TestBareDelete(t *testing.T) {
	t.Parallel()
	in := "ISA*00*          *00*          *02*MAEU           *ZZ*CBSA           *261128*0900*U*00401*000000002*0*P*>~" +
		"GS*SO*MAEU*CBSA*20261128*0900*2*X*004010~ST*309*0001~M10*MAEU*O*DK*9778791*MAERSK ESSEN*648E**1*Y~" +
		"P4*3001*20261205*1*M029~LX*1~M13*CMDU*3001*D*SSZ10000001~SE*7*0001~GE*1*2~IEA*1*000000002~"
	items, un := mapAll(t, strings.NewReader(in), "delete.x12")
	if len(un) != 0 || len(items) != 1 {
		t.Fatalf("%d items, unmapped %v", len(items), un)
	}
	r := items[0].Record
	if r.Key != "CMDUSSZ10000001" || r.Filing.Type != harmonized.FilingDelete || len(r.Flags) != 0 {
		t.Fatalf("record %s %s flags %v", r.Key, r.Filing.Type, r.Flags)
	}
}
