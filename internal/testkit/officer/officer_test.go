package officer_test

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/examlist"
)

func list(n int, issued time.Time) examlist.List {
	l := examlist.List{Meta: examlist.Meta{
		Schema: examlist.MetaSchema, ListID: "CAPRR-20261205", Port: "CAPRR", Daily: true, Zone: "America/Vancouver",
		Cutoff: time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC), IssuedAt: issued, RuleSet: "icss-default@1.0.0", Rows: n,
	}}
	exams := [][]string{{"nii_xray"}, {"nii_xray", "devanning"}, {"radiation", "wood_packaging", "documentary"}}
	for i := range n {
		l.Entries = append(l.Entries, exam.Entry{
			ExamID: exam.ExamID(l.Meta.ListID, i+1), ListID: l.Meta.ListID, Port: "CAPRR", Priority: 2,
			Container: "CMAU5949890",
			Bills:     []exam.BillRef{{Key: "EGLVSHA1", IssuerSCAC: "EGLV", Number: "SHA1", Version: 1}, {Key: "EGLVSHA2", IssuerSCAC: "EGLV", Number: "SHA2", Version: 2}},
			Exams:     exams[i%len(exams)],
			Selection: exam.Selection{Path: "rule", Score: 42, RuleSet: "icss-default@1.0.0"},
		})
	}
	return l
}

func TestFillReadsBack(t *testing.T) {
	issued := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	var book bytes.Buffer
	if err := examlist.Write(&book, list(40, issued)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var out bytes.Buffer
	now := issued.Add(20 * time.Hour)
	filled, err := officer.Fill(bytes.NewReader(book.Bytes()), &out, officer.Choices{Seed: 7, Now: now, PhotoDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if filled.Empty == 0 || len(filled.Returns)+filled.Empty != 40 {
		t.Fatalf("filled %d, empty %d", len(filled.Returns), filled.Empty)
	}
	kinds := map[exam.Outcome]int{}
	var got []exam.Return
	err = examlist.ReadReturns(bytes.NewReader(out.Bytes()), "returned.xlsx", func(r exam.Return) error {
		got = append(got, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(filled.Returns) {
		t.Fatalf("read %d returns, filled %d", len(got), len(filled.Returns))
	}
	for i := range got {
		want := filled.Returns[i]
		want.File = "returned.xlsx"
		if !got[i].ExaminedAt.Equal(want.ExaminedAt) {
			t.Errorf("row %d: examined at %v, want %v", got[i].Row, got[i].ExaminedAt, want.ExaminedAt)
		}
		if !want.ExaminedAt.IsZero() && (want.ExaminedAt.Before(issued) || want.ExaminedAt.After(now)) {
			t.Errorf("row %d: examined at %v, outside %v..%v", got[i].Row, want.ExaminedAt, issued, now)
		}
		got[i].ExaminedAt, want.ExaminedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("row %d:\n got %+v\nwant %+v", got[i].Row, got[i], want)
		}
		kinds[got[i].Outcome]++
	}
	for _, o := range exam.Outcomes {
		if kinds[o] == 0 {
			t.Errorf("no row with outcome %s: %v", o, kinds)
		}
	}
	photos := 0
	for _, r := range filled.Returns {
		photos += r.PhotoCount
	}
	if len(filled.Photos) != photos || photos == 0 {
		t.Fatalf("%d photos written, photo counts say %d", len(filled.Photos), photos)
	}
	for _, p := range filled.Photos {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != 64 || (format != "jpeg" && format != "png") {
			t.Errorf("%s: %s %v %v", p, format, cfg, err)
		}
		if want := map[string]string{".jpg": "jpeg", ".png": "png"}[filepath.Ext(p)]; want != format {
			t.Errorf("%s holds %s", p, format)
		}
	}

	// Same workbook, same choices: the same cells and photos.
	var again bytes.Buffer
	filled2, err := officer.Fill(bytes.NewReader(book.Bytes()), &again, officer.Choices{Seed: 7, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(filled.Returns, filled2.Returns) {
		t.Error("Fill is not deterministic")
	}
}

func TestFillFolders(t *testing.T) {
	issued := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	var book bytes.Buffer
	if err := examlist.Write(&book, list(3, issued)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	filled, err := officer.Fill(&book, new(bytes.Buffer), officer.Choices{Now: issued.Add(time.Hour), PhotoDir: dir, Folders: true, PhotosPerExam: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "CAPRR-20261205-0001", "1.jpg")
	if len(filled.Photos) == 0 || filled.Photos[0] != want {
		t.Fatalf("photos %v, want the first %s", filled.Photos, want)
	}
}

func TestFillEveryRow(t *testing.T) {
	issued := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	var book bytes.Buffer
	if err := examlist.Write(&book, list(20, issued)); err != nil {
		t.Fatal(err)
	}
	filled, err := officer.Fill(&book, new(bytes.Buffer), officer.Choices{Empty: -1, Now: issued.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if filled.Empty != 0 || len(filled.Returns) != 20 {
		t.Errorf("Empty -1: %d filled, %d empty", len(filled.Returns), filled.Empty)
	}
}
