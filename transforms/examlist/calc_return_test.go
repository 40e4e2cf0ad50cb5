package examlist_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/calctest"
	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/examlist"
)

// TestCalcSavedReturn fills a list as an officer would, has LibreOffice Calc save it
// (shared strings, its own styles and number formats, as a returned file comes back)
// and reads the returns and the issued entries from Calc's file.
func TestCalcSavedReturn(t *testing.T) {
	calctest.Soffice(t)
	issued := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	l := examlist.List{Meta: examlist.Meta{Schema: examlist.MetaSchema, ListID: "CAPRR-20261205", Port: "CAPRR", Daily: true,
		Zone: "America/Vancouver", IssuedAt: issued, Rows: 12}}
	for i := range 12 {
		l.Entries = append(l.Entries, exam.Entry{ExamID: exam.ExamID(l.Meta.ListID, i+1), ListID: l.Meta.ListID, Port: "CAPRR",
			Container: "MSKU7351770", Bills: []exam.BillRef{{Key: "MAEUB1", Number: "B1"}, {Key: "MAEUB2", Number: "B2"}},
			Exams: []string{"nii_xray", "devanning"}, Selection: exam.Selection{Path: "rule", Score: 40}})
	}
	var book, filled bytes.Buffer
	if err := examlist.Write(&book, l); err != nil {
		t.Fatal(err)
	}
	res, err := officer.Fill(&book, &filled, officer.Choices{Seed: 1, Now: issued.Add(30 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	saved := calctest.Convert(t, filled.Bytes(), calctest.XLSX)
	var got []exam.Return
	if err := examlist.ReadReturns(bytes.NewReader(saved), "calc.xlsx", func(r exam.Return) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(res.Returns) {
		t.Fatalf("%d returns from Calc's file, %d filled", len(got), len(res.Returns))
	}
	for i := range got {
		want := res.Returns[i]
		want.File = "calc.xlsx"
		if !got[i].ExaminedAt.Equal(want.ExaminedAt) {
			t.Errorf("row %d: examined at %v, filled %v", got[i].Row, got[i].ExaminedAt, want.ExaminedAt)
		}
		got[i].ExaminedAt, want.ExaminedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("row %d:\n got %+v\nwant %+v", got[i].Row, got[i], want)
		}
	}
	meta, entries, err := examlist.ReadIssued(bytes.NewReader(saved))
	if err != nil {
		t.Fatalf("issued entries after Calc saved the file: %v", err)
	}
	if meta.ListID != l.Meta.ListID || len(entries) != len(l.Entries) {
		t.Errorf("issued %s with %d entries", meta.ListID, len(entries))
	}
}
