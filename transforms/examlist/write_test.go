package examlist

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func writeSample(t testing.TB) ([]byte, List) {
	t.Helper()
	bills := []bill{
		{key: "MAEUB1", containers: []string{container(1), container(2)}, shipper: "ACME", selected: true, path: "rule", score: 50, exams: []string{"nii_xray"}, reasons: []string{"seal missing"}},
		{key: "MAEUB2", containers: []string{container(2)}, shipper: "OTHER CO", selected: true, path: "hits", score: 30, exams: []string{"wood_packaging", "devanning"}, reasons: []string{"wood packaging prone"}},
		{key: "MAEUB4", containers: []string{container(4)}, selected: true, path: "referral", score: 5, referral: "partner CBP-NTC: R12"},
		{key: "MAEUB5", containers: []string{"MSKU0000000"}, selected: true, path: "random", score: 45},
	}
	lists, err := build(t, bills, BuildOptions{Port: "CAPRR"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, lists[0]); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), lists[0]
}

func TestWriteWorkbookStructure(t *testing.T) {
	book, l := writeSample(t)
	sheet, state := sheetPart(t, book, SheetList)
	if state != "visible" {
		t.Errorf("list sheet %s", state)
	}
	for _, want := range []string{
		`state="frozen"`, `xSplit="1"`, `ySplit="1"`, `topLeftCell="B2"`,
		`<autoFilter ref="$A$1:$AB$5"`,
		`<dataValidations count="9">`,
		`<conditionalFormatting sqref="A2:S5">`,
		`$Q2=&#34;referral&#34;`,
		`<sheetProtection sheet="true"`,
		`autoFilter="false"`, // filtering allowed on the protected sheet
		`fitToPage="true"`, `orientation="landscape"`, `<oddHeader>&amp;L&amp;BExam list CAPRR-20261205`,
	} {
		if !strings.Contains(sheet, want) {
			t.Errorf("list sheet lacks %s", want)
		}
	}
	// Every entry column has a validation over its rows.
	sqrefs := regexp.MustCompile(`<dataValidation [^>]*sqref="([A-Z]+)2:[A-Z]+5"`).FindAllStringSubmatch(sheet, -1)
	got := map[string]bool{}
	for _, m := range sqrefs {
		got[m[1]] = true
	}
	for c := firstEntry; c < numColumns; c++ {
		name, _ := excelize.ColumnNumberToName(c + 1)
		if !got[name] {
			t.Errorf("column %s (%s) has no data validation", name, columns[c].header)
		}
	}
	for _, list := range []string{`"NII x-ray,Radiation,Devanning,Wood packaging (ISPM 15),Soil,Documentary"`, `Not examined: left before exam`} {
		if !strings.Contains(strings.ReplaceAll(sheet, "&#34;", `"`), list) {
			t.Errorf("no dropdown %s", list)
		}
	}
	if _, state := sheetPart(t, book, SheetIssued); state != "veryHidden" {
		t.Errorf("issued sheet is %s, want veryHidden", state)
	}

	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(SheetAbout)
	if err != nil {
		t.Fatal(err)
	}
	var about strings.Builder
	for _, r := range rows {
		about.WriteString(strings.Join(r, "\t") + "\n")
	}
	for _, want := range []string{"Port of examination\tCAPRR", "<exam ID>_<anything>", l.Entries[0].ExamID + "_door.jpg", "Rule set\ticss-default@1.0.0",
		"  referral\t1", "  rule\t2", "  NII x-ray\t4", "  Devanning\t1", "Other exams performed", "folder named after the exam ID"} {
		if !strings.Contains(about.String(), want) {
			t.Errorf("About lacks %q:\n%s", want, about.String())
		}
	}

	// Read columns locked, entry columns unlocked.
	for c := range columns {
		cell, _ := excelize.CoordinatesToCellName(c+1, 2)
		id, err := f.GetCellStyle(SheetList, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		locked := st.Protection == nil || st.Protection.Locked
		if locked == columns[c].entry {
			t.Errorf("%s (%s): locked %v", cell, columns[c].header, locked)
		}
	}
	dvs, err := f.GetDataValidations(SheetList)
	if err != nil || len(dvs) != 9 {
		t.Fatalf("%d data validations, %v", len(dvs), err)
	}
	for _, dv := range dvs {
		if dv.Type == "date" && dv.Formula2 != "TODAY()" {
			t.Errorf("date validation up to %q", dv.Formula2)
		}
	}
}

func TestWriteReadIssued(t *testing.T) {
	book, l := writeSample(t)
	meta, entries, err := ReadIssued(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	if meta.ListID != l.Meta.ListID || !meta.IssuedAt.Equal(l.Meta.IssuedAt) || meta.Rows != l.Meta.Rows || meta.ByPath["rule"] != 2 {
		t.Errorf("meta %+v, wrote %+v", meta, l.Meta)
	}
	if len(entries) != len(l.Entries) {
		t.Fatalf("%d entries, wrote %d", len(entries), len(l.Entries))
	}
	for i := range entries {
		a, b := entries[i], l.Entries[i]
		if a.Arrival == nil || !a.Arrival.Equal(*b.Arrival) {
			t.Errorf("arrival %v, wrote %v", a.Arrival, b.Arrival)
		}
		a.Arrival, b.Arrival = nil, nil
		if !equalJSON(t, a, b) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, a, b)
		}
	}
}

func TestIssuedChunksLongEntries(t *testing.T) {
	_, l := writeSample(t)
	l.Entries[0].Selection.Reasons = []string{strings.Repeat("é", 40000)}
	var buf bytes.Buffer
	if err := Write(&buf, l); err != nil {
		t.Fatal(err)
	}
	_, entries, err := ReadIssued(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if entries[0].Selection.Reasons[0] != l.Entries[0].Selection.Reasons[0] {
		t.Error("a long entry did not survive the hidden sheet")
	}
}

func TestWriteEmptyList(t *testing.T) {
	l := List{Meta: Meta{Schema: MetaSchema, ListID: "CAPRR-20261205", Port: "CAPRR", Daily: true, IssuedAt: issued}}
	var buf bytes.Buffer
	if err := Write(&buf, l); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, buf.Bytes())
	if err != nil || len(got) != 0 {
		t.Fatalf("%d returns, %v", len(got), err)
	}
	meta, entries, err := ReadIssued(bytes.NewReader(buf.Bytes()))
	if err != nil || meta.ListID != l.Meta.ListID || len(entries) != 0 {
		t.Fatalf("issued %+v %d %v", meta, len(entries), err)
	}
}
