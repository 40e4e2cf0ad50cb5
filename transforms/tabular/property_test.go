package tabular

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/icss/icss/transforms/harmonized"
)

// sheetBill is the known content of one generated bill in the default template layout.
type sheetBill struct {
	scac, number, filing, filedAt string
	shipper, shipperCountry       string
	consignee                     string
	load, discharge, dest         string
	lines                         []sheetLine
}

type sheetLine struct {
	container, sizeType string
	seals               []string
	desc, hs            string
	packages            int
	weight              float64
	unit                string
	un                  string
}

func containerNumber(owner string, serial int) string {
	id := fmt.Sprintf("%s%06d", owner, serial)
	return id + string(harmonized.ContainerCheckDigit(id))
}

// generateSheet returns rows in the default template's layout for bills with known
// content: originals, then amendments of a third of them (changed packages) and
// deletions of a sixth, later in the file.
func generateSheet(seed uint64, n int) ([][]string, []sheetBill) {
	rnd := rand.New(rand.NewPCG(seed, 99))
	pick := func(s []string) string { return s[rnd.IntN(len(s))] }
	hdr := make([]string, 0, 48)
	for _, c := range DefaultMapping().Columns {
		hdr = append(hdr, c.Column)
	}
	rows := [][]string{hdr}
	var bills []sheetBill
	emit := func(b sheetBill) {
		if len(b.lines) == 0 {
			// A deletion: the key, the filing type and when.
			row := make([]string, len(hdr))
			for j, h := range hdr {
				row[j] = map[string]string{"Issuer SCAC": b.scac, "Bill Number": b.number, "Filing Type": b.filing, "Filed At": b.filedAt}[h]
			}
			rows = append(rows, row)
			bills = append(bills, b)
			return
		}
		for i, l := range b.lines {
			v := map[string]string{"Container Number": l.container, "Size Type": l.sizeType, "Full Empty": "F",
				"Seals": strings.Join(l.seals, ";"), "Description": l.desc, "HS Code": l.hs, "Packages": fmt.Sprint(l.packages),
				"Gross Weight": fmt.Sprint(l.weight), "Weight Unit": l.unit, "UN Number": l.un}
			if i == 0 || rnd.IntN(2) == 0 { // later rows repeat the bill's header or leave it blank
				for k, x := range map[string]string{"Issuer SCAC": b.scac, "Bill Number": b.number, "Filing Type": b.filing,
					"Filed At": b.filedAt, "Mode": "rail", "Carrier SCAC": "CN", "Train": "Q118", "Port of Loading": b.load,
					"Port of Discharge": b.discharge, "Final Destination": b.dest, "Shipper Name": b.shipper,
					"Shipper Country": b.shipperCountry, "Consignee Name": b.consignee, "Consignee Country": "US"} {
					v[k] = x
				}
			} else {
				v["Issuer SCAC"], v["Bill Number"] = b.scac, b.number
			}
			row := make([]string, len(hdr))
			for j, h := range hdr {
				row[j] = v[h]
			}
			rows = append(rows, row)
		}
		bills = append(bills, b)
	}
	var originals []sheetBill
	for i := 0; i < n; i++ {
		b := sheetBill{scac: pick([]string{"MAEU", "HLCU", "ONEY"}), number: fmt.Sprintf("SHA%07d", i), filing: "original",
			filedAt: fmt.Sprintf("2026-11-%02d 08:00", 1+i%20), shipper: fmt.Sprintf("SHIPPER %d, LTD", i),
			shipperCountry: pick([]string{"CN", "KR", "VN"}), consignee: fmt.Sprintf("CONSIGNEE %d \"US\"", i),
			load: pick([]string{"CNSHA", "KRPUS", "VNSGN"}), discharge: "CAPRR", dest: pick([]string{"USCHI", "USMEM", "USDET"})}
		for c := 0; c < 1+rnd.IntN(2); c++ {
			cn := containerNumber(pick([]string{"MSKU", "HLXU", "ONEU"}), rnd.IntN(1000000))
			st := pick([]string{"45G1", "22G1", "42G1"})
			seals := []string{fmt.Sprintf("S%06d", rnd.IntN(1000000))}
			for g := 0; g < 1+rnd.IntN(3); g++ {
				l := sheetLine{container: cn, sizeType: st, seals: seals, desc: pick([]string{"TIRES", "FURNITURE; KNOCKED DOWN", "LED LAMPS, 230V"}),
					hs: pick([]string{"4011.20.00", "940360", "0901.11"}), packages: 1 + rnd.IntN(900),
					weight: float64(100+rnd.IntN(20000)) + 0.5, unit: pick([]string{"KG", "LB"})}
				if rnd.IntN(8) == 0 {
					l.un = "1823"
				}
				b.lines = append(b.lines, l)
			}
		}
		originals = append(originals, b)
		emit(b)
	}
	for i, b := range originals {
		switch {
		case i%6 == 5:
			emit(sheetBill{scac: b.scac, number: b.number, filing: "delete", filedAt: "2026-11-25 08:00"})
		case i%3 == 1:
			a := b
			a.filing, a.filedAt = "amend", "2026-11-24 08:00"
			a.lines = append([]sheetLine(nil), b.lines...)
			a.lines[0].packages++
			emit(a)
		}
	}
	return rows, bills
}

func compareSheetBill(w sheetBill, r *harmonized.Record) []string {
	var diffs []string
	diff := func(f string, want, got any) {
		if fmt.Sprint(want) != fmt.Sprint(got) {
			diffs = append(diffs, fmt.Sprintf("%s %s %s: want %v, got %v", w.number, w.filing, f, want, got))
		}
	}
	diff("key", w.scac+w.number, r.Key)
	diff("filing", w.filing, r.Filing.Type)
	if r.Filing.FiledAt == nil {
		return append(diffs, w.number+" no filed_at")
	}
	diff("filed_at", w.filedAt, r.Filing.FiledAt.Time.Format("2006-01-02 15:04"))
	if w.filing == "delete" {
		diff("goods", 0, len(r.Goods))
		return diffs
	}
	diff("conveyance", "rail/CN/Q118", string(r.Conveyance.Mode)+"/"+r.Conveyance.CarrierSCAC+"/"+r.Conveyance.Train)
	it := r.Itinerary
	if it.PortOfLoading == nil || it.PortOfDischarge == nil || it.FinalDestination == nil {
		return append(diffs, w.number+" itinerary incomplete")
	}
	diff("route", w.load+">"+w.discharge+">"+w.dest, it.PortOfLoading.UNLOCODE+">"+it.PortOfDischarge.UNLOCODE+">"+it.FinalDestination.UNLOCODE)
	diff("in transit", harmonized.TransitYes, r.InTransit.Status)
	sh, cn := r.Party(harmonized.RoleShipper), r.Party(harmonized.RoleConsignee)
	if sh == nil || cn == nil {
		return append(diffs, w.number+" parties missing")
	}
	diff("shipper", w.shipper+"/"+w.shipperCountry, sh.Name+"/"+sh.Country)
	diff("consignee", w.consignee+"/US", cn.Name+"/"+cn.Country)
	diff("goods", len(w.lines), len(r.Goods))
	var containers []string
	for i := 0; i < min(len(w.lines), len(r.Goods)); i++ {
		l, g := w.lines[i], r.Goods[i]
		kg, _ := harmonized.ToKG(l.weight, l.unit)
		un := ""
		if len(g.Hazmat) > 0 {
			un = g.Hazmat[0].UNNumber
		}
		hs, hs6, _ := harmonized.NormalizeHS(l.hs)
		wkg := -1.0
		if g.Weight != nil {
			wkg = g.Weight.KG
		}
		diff(fmt.Sprintf("goods[%d]", i), fmt.Sprintf("%s/%s/%s/%s/%d/%v/%s/%s", l.desc, l.hs, hs, hs6, l.packages, kg, l.container, l.un),
			fmt.Sprintf("%s/%s/%s/%s/%v/%v/%s/%s", g.Description, g.HSOriginal, g.HS, g.HS6, g.Quantity, wkg, strings.Join(g.Containers, ","), un))
		if len(containers) == 0 || containers[len(containers)-1] != l.container {
			containers = append(containers, l.container)
		}
	}
	var got []string
	for _, e := range r.Equipment {
		var seals []string
		for _, s := range e.Seals {
			seals = append(seals, s.Number)
		}
		got = append(got, e.Number+"/"+e.SizeType+"/"+string(e.Status)+"/"+string(e.Check)+"/"+strings.Join(seals, ";"))
	}
	var want []string
	for _, c := range containers {
		for _, l := range w.lines {
			if l.container == c {
				want = append(want, c+"/"+l.sizeType+"/full/valid/"+strings.Join(l.seals, ";"))
				break
			}
		}
	}
	diff("equipment", strings.Join(want, ","), strings.Join(got, ","))
	if len(r.Flags) > 0 {
		diffs = append(diffs, fmt.Sprintf("%s unexpected flags %v", w.number, r.Flags))
	}
	return diffs
}

// TestGeneratedSheets reads generated carrier sheets with known content, as CSV and as
// XLSX, amendments and deletions included, and requires every field right and the
// current view of each bill to be its last filing.
func TestGeneratedSheets(t *testing.T) {
	t.Parallel()
	rows, bills := generateSheet(5, 300)
	var csvData bytes.Buffer
	w := csv.NewWriter(&csvData)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	x := excelize.NewFile()
	sw, _ := x.NewStreamWriter("Sheet1")
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var xlsxData bytes.Buffer
	if _, err := x.WriteTo(&xlsxData); err != nil {
		t.Fatal(err)
	}
	x.Close()
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			var r *Reader
			var err error
			if format == "csv" {
				r, err = NewCSVReader(bytes.NewReader(csvData.Bytes()), DefaultMapping(), "gen.csv")
			} else {
				r, err = NewXLSXReader(bytes.NewReader(xlsxData.Bytes()), DefaultMapping(), "gen.xlsx")
			}
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			recs := readAll(t, r)
			if len(recs) != len(bills) {
				t.Fatalf("got %d records for %d filings", len(recs), len(bills))
			}
			var diffs []string
			l := harmonized.NewLedger()
			for i, rec := range recs {
				diffs = append(diffs, compareSheetBill(bills[i], rec)...)
				if _, err := l.Apply(rec); err != nil {
					t.Fatal(err)
				}
			}
			last := map[string]sheetBill{}
			for _, b := range bills {
				last[b.scac+b.number] = b
			}
			for key, b := range last {
				cur := l.Current(key)
				switch {
				case b.filing == "delete" && cur != nil:
					diffs = append(diffs, key+" current after delete")
				case b.filing != "delete" && (cur == nil || cur.Goods[0].Quantity != float64(b.lines[0].packages)):
					diffs = append(diffs, key+" current view is not the last filing")
				}
			}
			if len(diffs) > 0 {
				t.Fatalf("%d differences:\n%s", len(diffs), strings.Join(diffs[:min(15, len(diffs))], "\n"))
			}
		})
	}
}
