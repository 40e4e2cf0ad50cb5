package x12map

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
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
