package x12map

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/icss/icss/edi/x12/x12gen"
	"github.com/icss/icss/transforms/harmonized"
)

var genRoles = map[string]harmonized.Role{"SH": harmonized.RoleShipper, "CN": harmonized.RoleConsignee, "N1": harmonized.RoleNotify}

// compareBill checks every field of a mapped record against the generator's known
// content, returning the differences.
func compareBill(want *x12gen.Bill, got *harmonized.Record) []string {
	var diffs []string
	diff := func(field string, w, g any) {
		if fmt.Sprint(w) != fmt.Sprint(g) {
			diffs = append(diffs, fmt.Sprintf("%s %s: want %v, got %v", want.Number, field, w, g))
		}
	}
	diff("key", want.SCAC+want.Number, got.Key)
	diff("issuer", want.SCAC, got.Bill.IssuerSCAC)
	diff("number", want.Number, got.Bill.Number)
	if got.Itinerary.PortOfLoading == nil {
		diffs = append(diffs, want.Number+" port of loading missing")
	} else {
		diff("port of loading", want.LadingPort, got.Itinerary.PortOfLoading.ScheduleK)
	}
	diff("pieces", want.Pieces, got.Bill.Pieces)
	if got.Bill.Weight == nil {
		diffs = append(diffs, want.Number+" weight missing")
	} else {
		diff("weight", want.WeightKG, got.Bill.Weight.KG)
	}
	diff("parties", len(want.Parties), len(got.Parties))
	for i := 0; i < min(len(want.Parties), len(got.Parties)); i++ {
		w, g := want.Parties[i], got.Parties[i]
		f := fmt.Sprintf("parties[%d].", i)
		diff(f+"role", genRoles[w.Role], g.Role)
		diff(f+"name", w.Name, g.Name)
		addr := ""
		if len(g.Address) > 0 {
			addr = strings.Join(g.Address, "|")
		}
		diff(f+"address", w.Address, addr)
		diff(f+"city", w.City, g.City)
		diff(f+"state", w.State, g.State)
		diff(f+"postal", w.Postal, g.PostalCode)
		diff(f+"country", w.Country, g.Country)
	}
	diff("containers", len(want.Containers), len(got.Equipment))
	line := 0
	for i := 0; i < min(len(want.Containers), len(got.Equipment)); i++ {
		w, g := want.Containers[i], got.Equipment[i]
		f := fmt.Sprintf("equipment[%d].", i)
		diff(f+"number", w.ID, g.Number)
		diff(f+"check", harmonized.CheckValid, g.Check)
		diff(f+"size_type", w.Type, g.SizeType)
		diff(f+"status", harmonized.StatusFull, g.Status)
		var seals []string
		for _, s := range g.Seals {
			seals = append(seals, s.Number)
		}
		diff(f+"seals", strings.Join(w.Seals, ","), strings.Join(seals, ","))
		for _, wg := range w.Goods {
			if line >= len(got.Goods) {
				diffs = append(diffs, fmt.Sprintf("%s goods[%d] missing", want.Number, line))
				line++
				continue
			}
			gg := got.Goods[line]
			f := fmt.Sprintf("goods[%d].", line)
			diff(f+"quantity", wg.Quantity, gg.Quantity)
			diff(f+"description", wg.Description, gg.Description)
			diff(f+"marks", wg.Marks, gg.Marks)
			diff(f+"hs6", wg.HS, gg.HS6)
			diff(f+"hs_original", wg.HS, gg.HSOriginal)
			if gg.Weight == nil {
				diffs = append(diffs, want.Number+" "+f+"weight missing")
			} else {
				diff(f+"weight", wg.WeightKG, gg.Weight.KG)
			}
			diff(f+"containers", w.ID, strings.Join(gg.Containers, ","))
			un := ""
			if len(gg.Hazmat) > 0 {
				un = gg.Hazmat[0].UNNumber
			}
			diff(f+"un", wg.UN, un)
			line++
		}
	}
	diff("goods", line, len(got.Goods))
	if len(got.Flags) != 0 {
		diffs = append(diffs, fmt.Sprintf("%s unexpected flags %v", want.Number, got.Flags))
	}
	return diffs
}

// TestGenerated309 maps generated manifests with known content (both 4010 and 5010) and
// requires every bill once, with every field right.
func TestGenerated309(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"004010", "005010"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			var known []*x12gen.Bill
			var buf bytes.Buffer
			g := x12gen.New(x12gen.Options{Seed: 42, Bills: 2000, BillsPerSet: 37, Version: version, Newline: version == "005010"})
			if _, err := g.Write(&buf, func(b *x12gen.Bill) { c := *b; known = append(known, &c) }); err != nil {
				t.Fatal(err)
			}
			items, un := mapAll(t, &buf, "gen.x12")
			if len(un) != 0 {
				t.Fatalf("%d unmapped, first %v", len(un), un[0])
			}
			if len(items) != len(known) {
				t.Fatalf("got %d records for %d bills", len(items), len(known))
			}
			var diffs []string
			for i, it := range items {
				diffs = append(diffs, compareBill(known[i], it.Record)...)
				if it.Record.Filing.Sequence != int64(i+1) {
					diffs = append(diffs, fmt.Sprintf("record %d has sequence %d", i, it.Record.Filing.Sequence))
				}
			}
			if len(diffs) > 0 {
				t.Fatalf("%d field differences, first ones:\n%s", len(diffs), strings.Join(diffs[:min(20, len(diffs))], "\n"))
			}
		})
	}
}

// TestStreamingMemoryIsFlat maps 200,000 bills streamed from the generator and checks
// that the heap stays bounded: the mapper holds one bill at a time.
func TestStreamingMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("maps 200,000 bills")
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := x12gen.New(x12gen.Options{Seed: 7, Bills: 200000, BillsPerSet: 500}).WriteTo(pw)
		pw.CloseWithError(err)
	}()
	m := New(pr, Options{File: "stream.x12"})
	var peak uint64
	var ms runtime.MemStats
	n := 0
	for {
		it, err := m.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if it.Record == nil {
			t.Fatal("event from a 309")
		}
		n++
		if n%20000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	if n != 200000 {
		t.Fatalf("mapped %d bills", n)
	}
	if peak > 32<<20 {
		t.Fatalf("heap in use reached %d MiB while streaming", peak>>20)
	}
	t.Logf("200,000 bills, peak heap in use %.1f MiB", float64(peak)/(1<<20))
}

// BenchmarkMap309 measures bills normalised per second from a generated 309 file (one
// core), records validated and flagged (Check) included.
func BenchmarkMap309(b *testing.B) {
	var buf bytes.Buffer
	if _, err := x12gen.New(x12gen.Options{Seed: 1, Bills: 20000, BillsPerSet: 100}).WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	bills := 0
	for b.Loop() {
		m := New(bytes.NewReader(data), Options{File: "bench.x12"})
		for {
			_, err := m.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			bills++
		}
	}
	b.ReportMetric(float64(bills)/b.Elapsed().Seconds(), "bills/s")
}

// amend rewrites a generated manifest as an amendment filed a day later: M10-09 Y, and
// after each LX an M13 — R (replace) for most bills, D (delete) for every fourth — with
// the quantity of each first cargo line of a replaced bill changed by one.
func amend(t testing.TB, orig []byte) ([]byte, map[string]harmonized.FilingType) {
	t.Helper()
	types := map[string]harmonized.FilingType{}
	var out bytes.Buffer
	segs := strings.Split(string(orig), "~")
	lx := 0
	var pendingM13 bool
	var firstN10 bool
	var deleting bool
	for _, s := range segs {
		if s == "" {
			continue
		}
		el := strings.Split(s, "*")
		switch el[0] {
		case "GS":
			el[4], el[5] = "20261128", "0900"
		case "M10":
			el[9] = "Y"
		case "LX":
			lx++
			pendingM13, firstN10, deleting = true, true, lx%4 == 0
		case "M11":
			if pendingM13 {
				code := "R"
				types[el[12]+el[1]] = harmonized.FilingAmend
				if deleting {
					code = "D"
					types[el[12]+el[1]] = harmonized.FilingDelete
				}
				out.WriteString(strings.Join([]string{"M13", el[12], "3001", code, el[1]}, "*") + "~")
				pendingM13 = false
			}
		case "N10":
			if firstN10 && el[1] != "" {
				n, _ := strconv.Atoi(el[1])
				el[1] = strconv.Itoa(n + 1)
				firstN10 = false
			}
		}
		out.WriteString(strings.Join(el, "*") + "~")
	}
	return out.Bytes(), types
}

// TestGenerated309Amendments files generated bills, then an amendment manifest that
// replaces three bills in four and deletes the fourth, and checks every filing type and
// the current view after both.
func TestGenerated309Amendments(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var known []*x12gen.Bill
	if _, err := x12gen.New(x12gen.Options{Seed: 11, Bills: 400, BillsPerSet: 50}).Write(&buf, func(b *x12gen.Bill) { c := *b; known = append(known, &c) }); err != nil {
		t.Fatal(err)
	}
	orig := append([]byte(nil), buf.Bytes()...)
	amended, types := amend(t, orig)
	l := harmonized.NewLedger()
	// The amendment arrives first: filing order, not arrival order, decides.
	for _, in := range [][]byte{amended, orig} {
		items, un := mapAll(t, bytes.NewReader(in), "gen.x12")
		if len(un) != 0 {
			t.Fatalf("unmapped: %v", un[0])
		}
		for _, it := range items {
			if _, err := l.Apply(it.Record); err != nil {
				t.Fatal(err)
			}
		}
	}
	var diffs []string
	for _, b := range known {
		key := b.SCAC + b.Number
		hist := l.History(key)
		if len(hist) != 2 {
			t.Fatalf("%s has %d versions", key, len(hist))
		}
		if hist[0].Filing.Type != types[key] || hist[1].Filing.Type != harmonized.FilingOriginal {
			diffs = append(diffs, fmt.Sprintf("%s filing types %s, %s; want %s, original", key, hist[0].Filing.Type, hist[1].Filing.Type, types[key]))
		}
		cur := l.Current(key)
		switch types[key] {
		case harmonized.FilingDelete:
			if cur != nil {
				diffs = append(diffs, key+" still current after its deletion")
			}
		default:
			if cur == nil {
				diffs = append(diffs, key+" lost")
				continue
			}
			if want := float64(b.Containers[0].Goods[0].Quantity + 1); cur.Goods[0].Quantity != want {
				diffs = append(diffs, fmt.Sprintf("%s current quantity %v, want %v", key, cur.Goods[0].Quantity, want))
			}
			if cur.Filing.Version != 1 || cur.Filing.Type != harmonized.FilingAmend {
				diffs = append(diffs, fmt.Sprintf("%s current is version %d (%s)", key, cur.Filing.Version, cur.Filing.Type))
			}
			// The amendment repeats the whole bill: every other field is as filed.
			cur.Goods[0].Quantity--
			cur.Flags = nil
			diffs = append(diffs, compareBill(b, cur)...)
		}
	}
	if len(diffs) > 0 {
		t.Fatalf("%d differences:\n%s", len(diffs), strings.Join(diffs[:min(15, len(diffs))], "\n"))
	}
}

func FuzzMapper(f *testing.F) {
	var buf bytes.Buffer
	x12gen.New(x12gen.Options{Seed: 1, Bills: 2}).WriteTo(&buf)
	f.Add(buf.Bytes())
	// The samples, when the corpus is beside the repository.
	if files, err := filepath.Glob("../../../shared/samples/x12types_*.edi"); err == nil {
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("ISA*00*          *00*          *ZZ*A              *ZZ*B              *230101*0000*U*00401*000000001*0*P*>~GS*SO*A*B*20230101*0000*1*X*004010~ST*309*1~LX*1~N10**x~H1*1~VID~M7*1~SE*5*1~"))
	f.Fuzz(func(t *testing.T, in []byte) {
		m := New(bytes.NewReader(in), Options{File: "fuzz", Unmapped: func(Unmapped) {}})
		for i := 0; i < 100000; i++ {
			it, err := m.Read()
			if err != nil {
				return
			}
			if it.Record == nil && it.Event == nil {
				t.Fatal("empty item")
			}
			if it.Record != nil {
				if _, err := json.Marshal(it.Record); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
