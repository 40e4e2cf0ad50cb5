package tabular

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/golden"

	"github.com/xuri/excelize/v2"

	"github.com/icss/icss/internal/testkit/corpus"
	"github.com/icss/icss/transforms/harmonized"
)

func readAll(t testing.TB, r *Reader) []*harmonized.Record {
	t.Helper()
	var out []*harmonized.Record
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func jsonLines(t testing.TB, recs []*harmonized.Record) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as icss normalize writes
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func TestGoldenCarrierCSV(t *testing.T) {
	t.Parallel()
	r, err := Open("testdata/carrier.csv", DefaultMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := readAll(t, r)
	if len(recs) != 4 {
		t.Fatalf("got %d records, want 4 (bill 1, bill 2, bill 1 amended, bill 2 deleted)", len(recs))
	}
	golden.Compare(t, filepath.Join("testdata", "carrier.golden.jsonl"), jsonLines(t, recs))
	if got := r.Unmapped(); len(got) != 1 || !strings.Contains(got[0], `"Remarks"`) {
		t.Fatalf("Unmapped() = %q, want the Remarks column", got)
	}
}

func TestCarrierCSVContent(t *testing.T) {
	t.Parallel()
	r, err := Open("testdata/carrier.csv", DefaultMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := readAll(t, r)
	first := recs[0]
	if first.Key != "MAEUSHA10000001" || len(first.Goods) != 3 || len(first.Equipment) != 2 {
		t.Fatalf("first bill: key %s, %d goods, %d equipment", first.Key, len(first.Goods), len(first.Equipment))
	}
	if w := first.Goods[1].Weight; w.KG != 453.592 || w.Unit != "LB" {
		t.Errorf("pound weight = %+v", w)
	}
	if e := first.Equipment[0]; len(e.Seals) != 2 || e.Seals[1].Class != "H" {
		t.Errorf("seals = %+v", e.Seals)
	}
	if first.Extra["Remarks"] != "fragile" {
		t.Errorf("extra = %v", first.Extra)
	}
	house := recs[1]
	if house.Bill.Kind != harmonized.BillHouse || house.Bill.MasterKey != "MAEUMB0001" {
		t.Errorf("house bill = %+v", house.Bill)
	}
	if p := house.Party(harmonized.RoleShipper); p.Country != "KR" {
		t.Errorf("alpha-3 country not normalised: %q", p.Country)
	}
	var codes []string
	for _, f := range house.Flags {
		codes = append(codes, f.Code)
	}
	for _, want := range []string{harmonized.FlagNumber, harmonized.FlagContainerCheck, harmonized.FlagSizeType} {
		if !strings.Contains(strings.Join(codes, ","), want) {
			t.Errorf("house bill flags %v lack %s", codes, want)
		}
	}
	if recs[2].Filing.Type != harmonized.FilingAmend || recs[3].Filing.Type != harmonized.FilingDelete {
		t.Errorf("filing types %s, %s", recs[2].Filing.Type, recs[3].Filing.Type)
	}
	if recs[3].Filing.Sequence != 4 {
		t.Errorf("sequence of the 4th record = %d", recs[3].Filing.Sequence)
	}
}

// csvToXLSX writes the rows of a CSV file into a workbook, numbers as numbers.
func csvToXLSX(t testing.TB, csvPath string) []byte {
	t.Helper()
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
			if n, err := harmonized.ParseNumber(v, false); err == nil && i > 0 && !strings.HasPrefix(v, "0") && !strings.Contains(v, ".") {
				cells[j] = n
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// comparable strips what legitimately differs between two inputs of the same content.
func comparable(recs []*harmonized.Record) []*harmonized.Record {
	for _, r := range recs {
		r.Provenance = harmonized.Provenance{}
		for i := range r.Goods {
			r.Goods[i].Source = nil
		}
		for i := range r.Equipment {
			r.Equipment[i].Source = nil
		}
		var flags []harmonized.Flag
		for _, f := range r.Flags {
			i := strings.Index(f.Message, ": ")
			if strings.Contains(f.Message, " row ") && i > 0 {
				f.Message = f.Message[strings.Index(f.Message, " row "):]
			}
			flags = append(flags, f)
		}
		r.Flags = flags
	}
	return recs
}

func TestXLSXReadsLikeCSV(t *testing.T) {
	t.Parallel()
	m := DefaultMapping()
	cr, err := Open("testdata/carrier.csv", m)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	want := comparable(readAll(t, cr))
	xr, err := NewXLSXReader(bytes.NewReader(csvToXLSX(t, "testdata/carrier.csv")), m, "carrier.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer xr.Close()
	got := comparable(readAll(t, xr))
	w, g := jsonLines(t, want), jsonLines(t, got)
	if !bytes.Equal(w, g) {
		t.Fatalf("XLSX records differ from CSV ones:\nCSV:  %s\nXLSX: %s", w, g)
	}
}

func TestXLSXDates(t *testing.T) {
	t.Parallel()
	x := excelize.NewFile()
	defer x.Close()
	_ = x.SetSheetRow("Sheet1", "A1", &[]any{"BL", "When", "Day"})
	// 46353.5 is 2026-11-27 12:00; 46353 the day alone.
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"B1", 46353.5, 46353})
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	hr := 1
	m := &Mapping{Name: "dates", HeaderRow: &hr, TimeZone: "America/Vancouver", Columns: []Column{
		{Column: "BL", Field: "bill.number"}, {Column: "When", Field: "filing.filed_at"}, {Column: "Day", Field: "itinerary.arrival"}}}
	r, err := NewXLSXReader(&b, m, "d.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := readAll(t, r)
	fa := recs[0].Filing.FiledAt
	if got := fa.Time.UTC().Format("2006-01-02 15:04"); got != "2026-11-27 20:00" || fa.Precision != harmonized.PrecisionMinute {
		t.Errorf("filed_at = %s (%s), want 2026-11-27 20:00 UTC", got, fa.Precision)
	}
	if a := recs[0].Itinerary.Arrival; a.Precision != harmonized.PrecisionDate || a.Time.Format("2006-01-02") != "2026-11-27" {
		t.Errorf("arrival = %+v", a)
	}
}

func TestTemplate(t *testing.T) {
	t.Parallel()
	m := DefaultMapping()
	var b bytes.Buffer
	if err := WriteTemplate(&b, m, "xlsx"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != TemplateSheet || got[1] != "Guide" {
		t.Fatalf("sheets = %v", got)
	}
	rows, _ := f.Rows(TemplateSheet)
	rows.Next()
	hdr, _ := rows.Columns()
	rows.Close()
	if len(hdr) != len(m.Columns) || hdr[0] != "Issuer SCAC" {
		t.Fatalf("header = %v", hdr)
	}
	// The empty template reads as no records; a filled copy reads back.
	r, err := NewXLSXReader(bytes.NewReader(b.Bytes()), m, "template.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if recs := readAll(t, r); len(recs) != 0 {
		t.Fatalf("empty template gave %d records", len(recs))
	}
	r.Close()
	var c bytes.Buffer
	if err := WriteTemplate(&c, m, "csv"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.String(), "Issuer SCAC,Bill Number,") {
		t.Fatalf("CSV template = %q", c.String())
	}
	if err := WriteTemplate(&c, m, "pdf"); err == nil {
		t.Fatal("pdf accepted")
	}
}

func TestMappingValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"NoName", "columns: [{column: A, field: bill.number}]", "name: is required"},
		{"UnknownField", "name: x\ncolumns: [{column: A, field: bill.number}, {column: B, field: goods.hs7}]", `columns[1].field: unknown field "goods.hs7"`},
		{"UnknownKey", "name: x\nbogus: 1\ncolumns: [{column: A, field: bill.number}]", "field bogus not found"},
		{"NoKey", "name: x\ncolumns: [{column: A, field: goods.hs}]", "no column maps key or bill.number"},
		{"BothColumnAndIndex", "name: x\ncolumns: [{column: A, index: 2, field: bill.number}]", "columns[0]: exactly one of column and index"},
		{"Duplicate", "name: x\ncolumns: [{column: A, field: bill.number}, {column: B, field: bill.number}]", `columns[1].field: "bill.number" is already mapped`},
		{"BadUnit", "name: x\ncolumns: [{column: A, field: bill.number}, {column: B, field: goods.weight, unit: stone}]", "columns[1].unit"},
		{"UnitOnText", "name: x\ncolumns: [{column: A, field: bill.number}, {column: B, field: goods.hs, unit: KG}]", "columns[1].unit"},
		{"FormatOnText", "name: x\ncolumns: [{column: A, field: bill.number}, {column: B, field: goods.hs, format: CCYYMMDD}]", "columns[1].format"},
		{"BadUnmapped", "name: x\nunmapped: drop\ncolumns: [{column: A, field: bill.number}]", "unmapped:"},
		{"BadDelimiter", "name: x\ndelimiter: ';;'\ncolumns: [{column: A, field: bill.number}]", "delimiter:"},
		{"ConstantKey", "name: x\nconstants: {bill.number: X}\ncolumns: [{column: A, field: bill.number}]", "constants.bill.number"},
		{"UnknownConstant", "name: x\nconstants: {bill.colour: X}\ncolumns: [{column: A, field: bill.number}]", "constants.bill.colour: unknown field"},
		{"NoHeaderByName", "name: x\nheader_row: 0\ncolumns: [{column: A, field: bill.number}]", "columns must be given by index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseMapping([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestMissingHeaderColumn(t *testing.T) {
	t.Parallel()
	_, err := NewCSVReader(strings.NewReader("Bill,Weight\nB1,10\n"), DefaultMapping(), "short.csv")
	if !errors.Is(err, ErrHeader) || !strings.Contains(err.Error(), "short.csv") || !strings.Contains(err.Error(), `"Issuer SCAC"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestHeaderlessByIndex(t *testing.T) {
	t.Parallel()
	m, err := ParseMapping([]byte("name: idx\nheader_row: 0\ndelimiter: ';'\ndecimal_comma: true\ncolumns:\n" +
		"  - {index: 1, field: bill.number}\n  - {index: 2, field: goods.weight, unit: KGM}\n  - {index: 3, field: equipment.number}\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewCSVReader(strings.NewReader("B1;1.234,5;MSKU7351770\nB1;2;\nB2;3;CSQU3054383\n"), m, "idx.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, r)
	if len(recs) != 2 || recs[0].Goods[0].Weight.KG != 1234.5 || len(recs[0].Goods) != 2 || recs[1].Equipment[0].Number != "CSQU3054383" {
		t.Fatalf("records = %s", jsonLines(t, recs))
	}
	if got := recs[0].Goods[1].Containers; len(got) != 0 {
		t.Errorf("a row without a container linked goods to %v", got)
	}
}

func TestBrokenCSVReportsPosition(t *testing.T) {
	t.Parallel()
	m, _ := ParseMapping([]byte("name: x\ncolumns: [{column: BL, field: bill.number}]"))
	r, err := NewCSVReader(strings.NewReader("BL,X\nB1,1\nB2,\"open\" \"quote\n"), m, "bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	// LazyQuotes tolerates stray quotes; the records still come out.
	recs := readAll(t, r)
	if len(recs) != 2 {
		t.Fatalf("got %d records", len(recs))
	}
}

func TestLineLimit(t *testing.T) {
	t.Parallel()
	m, _ := ParseMapping([]byte("name: x\ncolumns: [{column: BL, field: bill.number}]"))
	in := io.MultiReader(strings.NewReader("BL,X\nB1,"), strings.NewReader(strings.Repeat("x", MaxLineBytes+1)))
	r, err := NewCSVReader(in, m, "long.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(); !errors.Is(err, ErrLineTooLong) || !strings.Contains(err.Error(), "long.csv") || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v", err)
	}
}

func TestKCSHistory(t *testing.T) {
	t.Parallel()
	path := corpus.Shared(t, "data", "kcs", "df_syn_valid_eng.csv")
	r, err := Open(path, KCSMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n, fraud := 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		// The fast encoder matches encoding/json on every declaration.
		if got, want := append(rec.AppendJSON(nil), '\n'), jsonLines(t, []*harmonized.Record{rec}); !bytes.Equal(got, want) {
			t.Fatalf("AppendJSON differs:\n got %s\nwant %s", got, want)
		}
		if rec.Extra["Fraud"] == "1" {
			fraud++
		}
		if _, ok := rec.Extra["Critical Fraud"]; !ok {
			t.Fatalf("record %s lost the Critical Fraud label: %v", rec.Key, rec.Extra)
		}
		if len(rec.Goods) != 1 || len(rec.Goods[0].HS6) != 6 || rec.Filing.FiledAt == nil {
			t.Fatalf("record %s: %s", rec.Key, jsonLines(t, []*harmonized.Record{rec}))
		}
		if n == 1 && (rec.Key == "" || rec.Party(harmonized.RoleConsignee) == nil || rec.Goods[0].NetWeight == nil) {
			t.Fatalf("first record: %s", jsonLines(t, []*harmonized.Record{rec}))
		}
	}
	// README: 8,134 rows, Fraud=1 20.95 %.
	if n != 8134 || fraud != 1704 {
		t.Fatalf("read %d declarations with %d frauds, want 8134 and 1704", n, fraud)
	}
}

func FuzzCSVReader(f *testing.F) {
	b, _ := os.ReadFile("testdata/carrier.csv")
	f.Add(b)
	f.Add([]byte("Issuer SCAC,Bill Number\nMAEU,1\n,\n"))
	m := DefaultMapping()
	for i := range m.Columns {
		if !m.Columns[i].Required {
			m.Columns[i].Optional = true
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewCSVReader(bytes.NewReader(data), m, "fuzz.csv")
		if err != nil {
			return
		}
		for {
			rec, err := r.Read()
			if err != nil {
				return
			}
			if rec.Schema != harmonized.SchemaVersion {
				t.Fatal("record without schema")
			}
			if _, err := json.Marshal(rec); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func BenchmarkCSVReader(b *testing.B) {
	src, err := os.ReadFile("testdata/carrier.csv")
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.SplitAfterN(src, []byte("\n"), 2)
	var body bytes.Buffer
	body.Write(lines[0])
	for body.Len() < 1<<20 {
		body.Write(lines[1])
	}
	data := body.Bytes()
	m := DefaultMapping()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	bills := 0
	for b.Loop() {
		r, err := NewCSVReader(bytes.NewReader(data), m, "bench.csv")
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Read()
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

func ExampleNewCSVReader() {
	m, err := ParseMapping([]byte(`
name: carrier-x
date_format: CCYYMMDD
columns:
  - {column: BL No, field: bill.number, required: true}
  - {column: SCAC, field: bill.issuer_scac}
  - {column: Cntr, field: equipment.number}
  - {column: Seal, field: equipment.seal, split: "/"}
  - {column: Gross, field: goods.weight, unit_column: Unit}
  - {column: Unit, field: ignore}
  - {column: HS, field: goods.hs}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	in := "BL No,SCAC,Cntr,Seal,Gross,Unit,HS,Outcome\n" +
		"123,MAEU,MSKU7351770,A1/A2,1000,LB,4011.20.00,clean\n" +
		"123,MAEU,MSKU7351770,,500,KG,8473.30,\n"
	r, err := NewCSVReader(strings.NewReader(in), m, "carrier-x.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, _ := r.Read()
	fmt.Println(rec.Key, rec.Equipment[0].Number, len(rec.Equipment[0].Seals), "seals")
	for _, g := range rec.Goods {
		fmt.Println(g.HS6, g.Weight.KG, "kg", g.Containers)
	}
	fmt.Println(rec.Extra["Outcome"])
	// Output:
	// MAEU123 MSKU7351770 2 seals
	// 401120 453.592 kg [MSKU7351770]
	// 847330 500 kg [MSKU7351770]
	// clean
}
