package edifactmap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/golden"

	"github.com/icss/icss/internal/testkit/corpus"
	"github.com/icss/icss/transforms/harmonized"
)

func mapAll(t testing.TB, in io.Reader, file string) ([]*harmonized.Record, []Unmapped) {
	t.Helper()
	var un []Unmapped
	m := New(in, Options{File: file, Unmapped: func(u Unmapped) { un = append(un, u) }})
	var out []*harmonized.Record
	for {
		it, err := m.Read()
		if err == io.EOF {
			return out, un
		}
		if err != nil {
			t.Fatal(err)
		}
		if it.Record == nil {
			t.Fatalf("event from a CUSCAR: %+v", it.Event)
		}
		out = append(out, it.Record)
	}
}

// TestGoldenCUSCARSample maps the CUSCAR sample (D95B, wrong UNT count) and compares
// the record and the unmapped report with the golden files.
func TestGoldenCUSCARSample(t *testing.T) {
	t.Parallel()
	path := corpus.Samples(t, "cuscartools_cuscar_d95b_bad_unt_count.edi")[0]
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, un := mapAll(t, f, filepath.Base(path))
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	for _, r := range recs {
		_ = enc.Encode(r)
	}
	var rep bytes.Buffer
	for _, u := range un {
		fmt.Fprintln(&rep, u)
	}
	golden.Compare(t, "testdata/cuscar_d95b_sample.golden.jsonl", out.Bytes())
	golden.Compare(t, "testdata/cuscar_d95b_sample.unmapped.txt", rep.Bytes())
	r := recs[0]
	if r.Key != "DOCV373MOB909999" || len(r.Parties) != 3 || len(r.Goods) != 1 || r.Goods[0].Containers[0] != "EQ123456" || r.Bill.Weight.KG != 55814 {
		t.Fatalf("record = %+v", r)
	}
}

// TestGoldenEventSamples maps the COARRI, IFTSTA and BAPLIE samples into container
// events: one per container moved, per status, per stowage cell.
func TestGoldenEventSamples(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"phpedifact_coarri_d95b_itg13.edi", "edifacttypes_iftsta_d00b_rail_status.edi",
		"phpedifact_baplie_d95b_smdg20.edi", "edifacttypes_baplie_d04b_single_line.edi"} {
		path := corpus.Samples(t, name)[0]
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var un bytes.Buffer
		m := New(f, Options{File: name, Unmapped: func(u Unmapped) { fmt.Fprintln(&un, u) }})
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		n := 0
		for {
			it, err := m.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if it.Event == nil || it.Event.Container == "" || (it.Event.At == nil && !strings.Contains(name, "baplie")) {
				t.Fatalf("%s: item %+v", name, it)
			}
			enc.Encode(it.Event)
			n++
		}
		f.Close()
		want := map[string]int{"phpedifact_coarri_d95b_itg13.edi": 21, "edifacttypes_iftsta_d00b_rail_status.edi": 1,
			"phpedifact_baplie_d95b_smdg20.edi": 0, "edifacttypes_baplie_d04b_single_line.edi": 1}[name]
		if name == "phpedifact_baplie_d95b_smdg20.edi" {
			want = strings.Count(readSample(t, path), "LOC+147+")
		}
		if n != want {
			t.Fatalf("%s: %d events, want %d", name, n, want)
		}
		base := "testdata/" + strings.TrimSuffix(name, ".edi")
		golden.Compare(t, base+".golden.jsonl", out.Bytes())
		golden.Compare(t, base+".unmapped.txt", un.Bytes())
	}
}

func readSample(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// genBill is the known content of one generated consignment.
type genBill struct {
	scac, number, house string
	filing              harmonized.FilingType
	shipper, consignee  string
	shipperCountry      string
	load, discharge     string
	containers          []genContainer
	goods               []genGoods
}

type genContainer struct {
	id, sizeType string
	seals        []string
}

type genGoods struct {
	packages  int
	pkgType   string
	desc      string
	hs        string
	kg        int
	container string
	un        string
}

var (
	genOwners = []string{"MSCU", "MAEU", "CMAU", "HLXU", "OOLU"}
	genScacs  = []string{"MAEU", "MSCU", "CMDU", "HLCU"}
	genPorts  = []string{"CNSHA", "KRPUS", "JPTYO", "SGSIN", "VNSGN"}
	genDesc   = []string{"AUTO PARTS", "FURNITURE, KNOCKED DOWN", "COTTON T-SHIRTS 100?% COTTON", "STEEL FASTENERS M8?+M10", "MACHINE PARTS?: GEARS"}
	genHS     = []string{"870899", "940360", "610910", "731815", "848340"}
)

// unescape removes EDIFACT release characters: "?" makes the next character literal.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '?' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func containerID(owner string, serial int) string {
	id := fmt.Sprintf("%s%06d", owner, serial)
	return id + string(harmonized.ContainerCheckDigit(id))
}

// generateCUSCAR writes messages of the given directory version (95B or 03B) with known
// content: originals, amendments (BGM 5) and deletions (BGM 1), house bills, seals.
func generateCUSCAR(seed uint64, messages, billsPer int, version string) ([]byte, []genBill) {
	rnd := rand.New(rand.NewPCG(seed, seed+1))
	pick := func(s []string) string { return s[rnd.IntN(len(s))] }
	var b bytes.Buffer
	var known []genBill
	gis := "GIS"
	if version == "03B" {
		gis = "GEI"
	}
	fmt.Fprintf(&b, "UNA:+.? 'UNB+UNOC:3+CARRIER:ZZ+CBSA:ZZ+261127:0815+IC%d'\n", seed)
	for msg := 0; msg < messages; msg++ {
		fn := []string{"9", "9", "5", "1"}[msg%4]
		ft := map[string]harmonized.FilingType{"9": harmonized.FilingOriginal, "5": harmonized.FilingAmend, "1": harmonized.FilingDelete}[fn]
		segs := []string{
			fmt.Sprintf("UNH+M%d+CUSCAR:D:%s:UN", msg, version),
			fmt.Sprintf("BGM+85+DOC%d+%s", msg, fn),
			"DTM+137:202611270815:203",
			"TDT+20+V123E+1++MAEU:172:166+++9778791:146::MAERSK ESSEN",
			"LOC+60+CAPRR:139:6",
			"DTM+132:202612050800:203",
			gis + "+23",
		}
		var bills []genBill
		for i := 0; i < billsPer; i++ {
			gb := genBill{scac: pick(genScacs), number: fmt.Sprintf("B%03d%04d", msg, i), filing: ft,
				shipper: fmt.Sprintf("SHIPPER %d-%d", msg, i), consignee: fmt.Sprintf("CONSIGNEE %d", i), shipperCountry: "CN",
				load: pick(genPorts), discharge: "CAPRR"}
			if i%5 == 4 {
				gb.house = fmt.Sprintf("H%03d%04d", msg, i)
			}
			for c := 0; c < 1+rnd.IntN(2); c++ {
				ct := genContainer{id: containerID(pick(genOwners), rnd.IntN(1000000)), sizeType: pick([]string{"45G1", "22G1", "42G1"})}
				for s := 0; s < 1+rnd.IntN(2); s++ {
					ct.seals = append(ct.seals, fmt.Sprintf("SL%07d", rnd.IntN(10000000)))
				}
				gb.containers = append(gb.containers, ct)
				segs = append(segs, fmt.Sprintf("EQD+CN+%s:6346:5+%s:102:5++3+5", ct.id, ct.sizeType))
				for _, s := range ct.seals {
					segs = append(segs, "SEL+"+s+"+CA")
				}
				for g := 0; g < 1+rnd.IntN(2); g++ {
					gd := genGoods{packages: 1 + rnd.IntN(500), pkgType: "CT", desc: pick(genDesc), hs: pick(genHS), kg: 100 + rnd.IntN(20000), container: ct.id}
					if rnd.IntN(6) == 0 {
						gd.un = "1823"
					}
					gb.goods = append(gb.goods, gd)
				}
			}
			bills = append(bills, gb)
		}
		for i, gb := range bills {
			segs = append(segs, fmt.Sprintf("CNI+%d+%s", i+1, gb.number), "RFF+BM:"+gb.number, "RFF+AAZ:"+gb.scac)
			if gb.house != "" {
				segs = append(segs, "RFF+BH:"+gb.house)
			}
			segs = append(segs, "LOC+9+"+gb.load+"::139", "LOC+11+"+gb.discharge+"::139",
				fmt.Sprintf("NAD+CZ++%s++1 ROAD+SHANGHAI++200000+%s", gb.shipper, gb.shipperCountry),
				fmt.Sprintf("NAD+CN++%s++2 STREET+CHICAGO+IL+60601+US", gb.consignee))
			for k, gd := range gb.goods {
				segs = append(segs, fmt.Sprintf("GID+%d+%d:%s", k+1, gd.packages, gd.pkgType), "FTX+AAA+++"+gd.desc,
					fmt.Sprintf("MEA+AAE+G+KGM:%d", gd.kg), "PIA+5+"+gd.hs+":HS", "SGP+"+gd.container+"+1")
				if gd.un != "" {
					segs = append(segs, "DGS+IMD+8+"+gd.un)
				}
			}
		}
		segs = append(segs, fmt.Sprintf("UNT+%d+M%d", len(segs)+1, msg))
		for _, s := range segs {
			b.WriteString(s + "'\n")
		}
		known = append(known, bills...)
	}
	fmt.Fprintf(&b, "UNZ+%d+IC%d'\n", messages, seed)
	return b.Bytes(), known
}

func compareCUSCAR(want genBill, got *harmonized.Record) []string {
	var diffs []string
	diff := func(field string, w, g any) {
		if fmt.Sprint(w) != fmt.Sprint(g) {
			diffs = append(diffs, fmt.Sprintf("%s %s: want %v, got %v", want.number, field, w, g))
		}
	}
	key, kind, master := want.scac+want.number, harmonized.BillSimple, ""
	if want.house != "" {
		key, kind, master = want.scac+want.house, harmonized.BillHouse, want.scac+want.number
	}
	diff("key", key, got.Key)
	diff("kind", kind, got.Bill.Kind)
	diff("master", master, got.Bill.MasterKey)
	diff("filing", want.filing, got.Filing.Type)
	diff("vessel", "MAERSK ESSEN/9778791/V123E/MAEU/ocean", got.Conveyance.VesselName+"/"+got.Conveyance.IMO+"/"+got.Conveyance.Voyage+"/"+got.Conveyance.CarrierSCAC+"/"+string(got.Conveyance.Mode))
	if got.Itinerary.PortOfLoading == nil || got.Itinerary.PortOfDischarge == nil || got.Itinerary.PortOfArrival == nil {
		diffs = append(diffs, want.number+" itinerary incomplete")
	} else {
		diff("load", want.load, got.Itinerary.PortOfLoading.UNLOCODE)
		diff("discharge", want.discharge, got.Itinerary.PortOfDischarge.UNLOCODE)
		diff("arrival port", "CAPRR", got.Itinerary.PortOfArrival.UNLOCODE)
	}
	diff("in transit", harmonized.TransitYes, got.InTransit.Status)
	sh, cn := got.Party(harmonized.RoleShipper), got.Party(harmonized.RoleConsignee)
	if sh == nil || cn == nil {
		return append(diffs, want.number+" parties missing")
	}
	diff("shipper", want.shipper+"/1 ROAD/SHANGHAI/200000/"+want.shipperCountry, sh.Name+"/"+strings.Join(sh.Address, "|")+"/"+sh.City+"/"+sh.PostalCode+"/"+sh.Country)
	diff("consignee", want.consignee+"/2 STREET/CHICAGO/IL/60601/US", cn.Name+"/"+strings.Join(cn.Address, "|")+"/"+cn.City+"/"+cn.State+"/"+cn.PostalCode+"/"+cn.Country)
	diff("equipment", len(want.containers), len(got.Equipment))
	for i := 0; i < min(len(want.containers), len(got.Equipment)); i++ {
		w, g := want.containers[i], got.Equipment[i]
		var seals []string
		for _, s := range g.Seals {
			seals = append(seals, s.Number+":"+s.Issuer)
		}
		var wseals []string
		for _, s := range w.seals {
			wseals = append(wseals, s+":carrier")
		}
		diff(fmt.Sprintf("equipment[%d]", i), w.id+"/"+w.sizeType+"/valid/full/"+strings.Join(wseals, ","),
			g.Number+"/"+g.SizeType+"/"+string(g.Check)+"/"+string(g.Status)+"/"+strings.Join(seals, ","))
	}
	diff("goods", len(want.goods), len(got.Goods))
	for i := 0; i < min(len(want.goods), len(got.Goods)); i++ {
		w, g := want.goods[i], got.Goods[i]
		un := ""
		if len(g.Hazmat) > 0 {
			un = g.Hazmat[0].UNNumber
		}
		kg := -1.0
		if g.Weight != nil {
			kg = g.Weight.KG
		}
		diff(fmt.Sprintf("goods[%d]", i), fmt.Sprintf("%d/%s/%s/%s/%d/%s/%s", w.packages, w.pkgType, unescape(w.desc), w.hs, w.kg, w.container, w.un),
			fmt.Sprintf("%v/%s/%s/%s/%v/%s/%s", g.Quantity, g.PackageType, g.Description, g.HS6, kg, strings.Join(g.Containers, ","), un))
	}
	if len(got.Flags) > 0 {
		diffs = append(diffs, fmt.Sprintf("%s unexpected flags %v", want.number, got.Flags))
	}
	return diffs
}

// TestGeneratedCUSCAR maps generated D95B and D03B messages with known content —
// originals, amendments, deletions, house bills — and requires every field right.
func TestGeneratedCUSCAR(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"95B", "03B"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			data, known := generateCUSCAR(3, 12, 25, version)
			recs, un := mapAll(t, bytes.NewReader(data), "gen.edi")
			if len(un) != 0 {
				t.Fatalf("%d unmapped, first %v", len(un), un[0])
			}
			if len(recs) != len(known) {
				t.Fatalf("got %d records for %d bills", len(recs), len(known))
			}
			var diffs []string
			for i := range recs {
				diffs = append(diffs, compareCUSCAR(known[i], recs[i])...)
				if recs[i].Provenance.Version != "D"+version {
					diffs = append(diffs, "version "+recs[i].Provenance.Version)
				}
			}
			if len(diffs) > 0 {
				t.Fatalf("%d differences, first ones:\n%s", len(diffs), strings.Join(diffs[:min(15, len(diffs))], "\n"))
			}
			// Applied in filing order, the amendments and deletions leave the bills of
			// the original messages, amended or removed.
			l := harmonized.NewLedger()
			for _, r := range recs {
				if _, err := l.Apply(r); err != nil {
					t.Fatal(err)
				}
			}
			if len(l.Keys()) != len(known) {
				t.Fatalf("ledger has %d bills", len(l.Keys()))
			}
		})
	}
}

func FuzzMapper(f *testing.F) {
	data, _ := generateCUSCAR(1, 1, 2, "95B")
	f.Add(data)
	f.Add([]byte("UNB+UNOA:2+A+B+200101:1200+1'UNH+1+CUSCAR:D:95B:UN'CNI+1+X'GID+1+1:CT'SGP+X+1'UNT+5+1'UNZ+1+1'"))
	f.Fuzz(func(t *testing.T, in []byte) {
		m := New(bytes.NewReader(in), Options{File: "fuzz", Unmapped: func(Unmapped) {}})
		for i := 0; i < 10000; i++ {
			it, err := m.Read()
			if err != nil {
				return
			}
			if (it.Record == nil) == (it.Event == nil) {
				t.Fatalf("item %+v", it)
			}
			if _, err := json.Marshal(it); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func BenchmarkMapCUSCAR(b *testing.B) {
	data, known := generateCUSCAR(9, 40, 50, "95B")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		m := New(bytes.NewReader(data), Options{File: "bench"})
		n := 0
		for {
			if _, err := m.Read(); err != nil {
				break
			}
			n++
		}
		if n != len(known) {
			b.Fatalf("%d records", n)
		}
	}
	b.ReportMetric(float64(len(known)*b.N)/b.Elapsed().Seconds(), "bills/s")
}
