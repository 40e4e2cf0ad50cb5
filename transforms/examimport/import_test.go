package examimport_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/examimport"
	"github.com/icss/icss/transforms/examlist"
)

var (
	ctx    = context.Background()
	issued = time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)
	now    = issued.Add(20 * time.Hour)
)

// list is a list of n containers; every third is to be devanned (opened).
func list(n int) examlist.List {
	l := examlist.List{Meta: examlist.Meta{
		Schema: examlist.MetaSchema, ListID: "CAPRR-20261205", Port: "CAPRR", Daily: true, Zone: "America/Vancouver",
		Cutoff: time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC), IssuedAt: issued, RuleSet: "icss-default@1.0.0", Rows: n,
	}}
	exams := [][]string{{"nii_xray"}, {"nii_xray", "devanning"}, {"radiation", "wood_packaging", "documentary"}}
	for i := range n {
		l.Entries = append(l.Entries, exam.Entry{
			ExamID: exam.ExamID(l.Meta.ListID, i+1), ListID: l.Meta.ListID, Port: "CAPRR", Priority: 2,
			Container: fmt.Sprintf("CMAU%07d", 5949890+i), Seals: []string{fmt.Sprintf("SL%05d", i)},
			Bills:     []exam.BillRef{{Key: fmt.Sprintf("EGLVSHA%d", i), IssuerSCAC: "EGLV", Number: fmt.Sprintf("SHA%d", i), Version: 1}},
			Exams:     exams[i%len(exams)],
			Selection: exam.Selection{Path: "rule", Score: 42, RuleSet: "icss-default@1.0.0", Assessments: []string{fmt.Sprintf("EGLVSHA%d#%d", i, i)}},
		})
	}
	return l
}

// returned is a filled-in return of a list of n: the workbook and its photos in dir.
type returned struct {
	dir, original, workbook string
	filled                  officer.Filled
}

func makeReturn(t testing.TB, n int, c officer.Choices) returned {
	dir := t.TempDir()
	var book bytes.Buffer
	if err := examlist.Write(&book, list(n)); err != nil {
		t.Fatal(err)
	}
	r := returned{dir: dir, original: filepath.Join(dir, "original.xlsx"), workbook: filepath.Join(dir, "return", "CAPRR-20261205-returned.xlsx")}
	os.MkdirAll(filepath.Dir(r.workbook), 0o755)
	os.WriteFile(r.original, book.Bytes(), 0o644)
	var out bytes.Buffer
	c.Now, c.PhotoDir = now, filepath.Join(dir, "return", "photos")
	filled, err := officer.Fill(bytes.NewReader(book.Bytes()), &out, c)
	if err != nil {
		t.Fatal(err)
	}
	r.filled = filled
	os.WriteFile(r.workbook, out.Bytes(), 0o644)
	return r
}

type env struct {
	key ed25519.PrivateKey
	ev  *evidence.Store
}

func newEnv(t testing.TB) *env {
	d, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	key, _ := signing.Generate()
	return &env{key: key, ev: evidence.New(d, evidence.Options{Key: key, Now: func() time.Time { return now.Add(time.Hour) }})}
}

func (e *env) run(t testing.TB, list string, paths ...string) examimport.Report {
	t.Helper()
	rep, err := examimport.Import(ctx, examimport.Options{List: list, Returned: paths, Evidence: e.ev, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func (e *env) verify(t testing.TB) evidence.Report {
	t.Helper()
	rep, err := evidence.Verify(ctx, e.ev.Blobs(), e.key.Public().(ed25519.PublicKey))
	if err != nil || !rep.OK() {
		t.Fatalf("Verify: %v %v", rep.Problems, err)
	}
	return rep
}

func TestImportRecordsEveryFilledRowOnceThenVersions(t *testing.T) {
	r := makeReturn(t, 30, officer.Choices{Seed: 3})
	e := newEnv(t)
	rep := e.run(t, r.original, filepath.Join(r.dir, "return"))
	if !rep.OK() {
		t.Fatalf("rejected: %v", rep.Rejected)
	}
	if len(rep.Recorded) != len(r.filled.Returns) || rep.Rows != len(r.filled.Returns) || rep.Workbooks != 1 || rep.Photos != len(r.filled.Photos) {
		t.Fatalf("recorded %d of %d rows (%d read), %d photos of %d", len(rep.Recorded), len(r.filled.Returns), rep.Rows, rep.Photos, len(r.filled.Photos))
	}
	byID := map[string]exam.Result{}
	for _, res := range rep.Recorded {
		byID[res.ExamID] = res
	}
	for _, ret := range r.filled.Returns {
		res, ok := byID[ret.ExamID]
		switch {
		case !ok:
			t.Errorf("%s not recorded", ret.ExamID)
		case res.Outcome != ret.Outcome || res.Officer != ret.Officer || res.BoltSeal != ret.BoltSeal || len(res.Photos) != ret.PhotoCount:
			t.Errorf("%s recorded as %+v, returned %+v", ret.ExamID, res, ret)
		case res.Version != 1 || res.ManifestSHA256 == "" || res.Workbook.Size == 0 || res.Selection.RuleSet != "icss-default@1.0.0" || len(res.Selection.Assessments) != 1:
			t.Errorf("%s: version %d manifest %q workbook %+v selection %+v", ret.ExamID, res.Version, res.ManifestSHA256, res.Workbook, res.Selection)
		}
	}
	checkSchema(t, rep.Recorded)
	vr := e.verify(t)
	if vr.Manifests != len(r.filled.Returns) {
		t.Errorf("%d manifests, want %d", vr.Manifests, len(r.filled.Returns))
	}

	// The same return again, this time without --list: nothing new.
	again := e.run(t, "", filepath.Join(r.dir, "return"))
	if !again.OK() || len(again.Recorded) != 0 || len(again.Unchanged) != len(r.filled.Returns) {
		t.Fatalf("second import: %d recorded, %d unchanged, rejected %v", len(again.Recorded), len(again.Unchanged), again.Rejected)
	}

	// A corrected workbook, sent without its photos: one new version, the
	// photos carried over; the first version kept.
	ret := r.filled.Returns[0]
	fixed := editCell(t, r.workbook, ret.Row, examlist.HeaderFindings, "seal checked twice")
	corr := e.run(t, "", fixed)
	if !corr.OK() || len(corr.Recorded) != 1 || len(corr.Unchanged) != len(r.filled.Returns)-1 {
		t.Fatalf("correction: %d recorded, %d unchanged, rejected %v", len(corr.Recorded), len(corr.Unchanged), corr.Rejected)
	}
	v2 := corr.Recorded[0]
	if v2.ExamID != ret.ExamID || v2.Version != 2 || v2.Supersedes != byID[ret.ExamID].ManifestSHA256 || len(v2.Photos) != ret.PhotoCount || v2.Findings != "seal checked twice" {
		t.Fatalf("correction recorded %+v", v2)
	}
	if vr := e.verify(t); vr.Manifests != len(r.filled.Returns)+1 {
		t.Errorf("%d manifests after the correction, want %d", vr.Manifests, len(r.filled.Returns)+1)
	}
}

// editCell copies the workbook with one cell of the exam list changed.
func editCell(t testing.TB, path string, row int, header, value string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head, _ := f.GetRows(examlist.SheetList, excelize.Options{RawCellValue: true})
	col := -1
	for i, h := range head[0] {
		if h == header {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no column %q", header)
	}
	cell, _ := excelize.CoordinatesToCellName(col+1, row)
	if err := f.SetCellStr(examlist.SheetList, cell, value); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := f.SaveAs(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// firstOf is the first filled row with the outcome whose exams satisfy want.
func firstOf(t testing.TB, r returned, o exam.Outcome, opens bool) exam.Return {
	for _, ret := range r.filled.Returns {
		opened := false
		for _, p := range ret.Performed {
			opened = opened || exam.OpensContainer(p)
		}
		if ret.Outcome == o && opened == opens {
			return ret
		}
	}
	t.Fatalf("no %s row (opened %v) in the return", o, opens)
	return exam.Return{}
}

// Every problem rejects its row, and only its row, and names file, sheet,
// row and column.
func TestImportRejectsBadRowsWhole(t *testing.T) {
	r := makeReturn(t, 30, officer.Choices{Seed: 3})
	sealed := firstOf(t, r, exam.OutcomeNoFinding, true)
	xray := firstOf(t, r, exam.OutcomeNoFinding, false)
	rows := r.filled.Returns
	tests := []struct {
		name   string
		edit   func(t *testing.T) (workbook string, photos []string)
		row    int
		column string
		want   string
	}{
		{"UnknownExamID", func(t *testing.T) (string, []string) {
			return editCell(t, r.workbook, rows[0].Row, examlist.HeaderExamID, "CAPRR-20261205-0999"), nil
		}, rows[0].Row, examlist.HeaderExamID, "not on list"},
		{"DuplicatedExamID", func(t *testing.T) (string, []string) {
			return editCell(t, r.workbook, rows[1].Row, examlist.HeaderExamID, rows[0].ExamID), nil
		}, rows[0].Row, examlist.HeaderExamID, "more than once"},
		{"ContainerChanged", func(t *testing.T) (string, []string) {
			return editCell(t, r.workbook, rows[2].Row, examlist.HeaderContainer, "MSCU1234566"), nil
		}, rows[2].Row, examlist.HeaderContainer, "the list issued"},
		{"BillsChanged", func(t *testing.T) (string, []string) {
			return editCell(t, r.workbook, rows[2].Row, examlist.HeaderBills, "SHA999"), nil
		}, rows[2].Row, examlist.HeaderBills, "the list issued"},
		{"OutcomeOutsideTheList", func(t *testing.T) (string, []string) {
			return editCell(t, r.workbook, rows[3].Row, examlist.HeaderOutcome, "All good"), nil
		}, rows[3].Row, examlist.HeaderOutcome, "not one of"},
		{"DateInTheFuture", func(t *testing.T) (string, []string) {
			return editCell(t, r.workbook, xray.Row, examlist.HeaderExamDate, "2026-12-09"), nil
		}, xray.Row, examlist.HeaderExamDate, "in the future"},
		{"DateBeforeIssue", func(t *testing.T) (string, []string) {
			return editCell(t, r.workbook, xray.Row, examlist.HeaderExamDate, "2026-12-01"), nil
		}, xray.Row, examlist.HeaderExamDate, "before the list was issued"},
		{"NoBoltSealAfterOpening", func(t *testing.T) (string, []string) {
			return editCell(t, r.workbook, sealed.Row, examlist.HeaderBoltSeal, ""), nil
		}, sealed.Row, examlist.HeaderBoltSeal, "bolt seal applied is required"},
		{"PhotoNotWhatItsNameSays", func(t *testing.T) (string, []string) {
			dir := t.TempDir()
			p := filepath.Join(dir, xray.ExamID+"_1.jpg")
			var png bytes.Buffer
			officer.Photo(&png, ".png", 1)
			os.WriteFile(p, png.Bytes(), 0o644)
			return r.workbook, []string{p}
		}, xray.Row, examlist.HeaderPhotoCount, "content does not match"},
		{"PhotoCountDiffers", func(t *testing.T) (string, []string) {
			return editCell(t, r.workbook, xray.Row, examlist.HeaderPhotoCount, "5"), nil
		}, xray.Row, examlist.HeaderPhotoCount, "received"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			wb, extra := tt.edit(t)
			rep := e.run(t, r.original, append([]string{wb, filepath.Join(r.dir, "return", "photos")}, extra...)...)
			var hit *exam.CellError
			for _, err := range rep.Rejected {
				var ce *exam.CellError
				if errors.As(err, &ce) && ce.Row == tt.row && ce.Column == tt.column && strings.Contains(ce.Error(), tt.want) {
					hit = ce
				}
			}
			if hit == nil {
				t.Fatalf("no error at row %d column %q containing %q; rejected: %v", tt.row, tt.column, tt.want, rep.Rejected)
			}
			if hit.File != wb || hit.Sheet != examlist.SheetList {
				t.Errorf("error names %s sheet %q", hit.File, hit.Sheet)
			}
			if files := rep.Files(); len(files) == 0 || files[0] != wb && (extra == nil || files[0] != extra[0]) {
				t.Errorf("Files() = %v, want the workbook or the bad photo first", files)
			}
			t.Log(hit)
			for _, res := range rep.Recorded {
				for _, err := range rep.Rejected {
					var ce *exam.CellError
					if errors.As(err, &ce) && strings.Contains(ce.Error(), res.ExamID) && ce.Row == tt.row {
						t.Errorf("%s recorded although its row was rejected", res.ExamID)
					}
				}
			}
			rejectedRows := map[int]bool{}
			for _, err := range rep.Rejected {
				var ce *exam.CellError
				if errors.As(err, &ce) {
					rejectedRows[ce.Row] = true
				}
			}
			if len(rep.Recorded)+len(rejectedRows) != len(rows) {
				t.Errorf("%d recorded + %d rows rejected, want %d rows in all", len(rep.Recorded), len(rejectedRows), len(rows))
			}
			e.verify(t)
		})
	}
}

// A ZIP holding the workbook and per-exam photo folders imports like the
// loose files; an unsafe ZIP is refused whole.
func TestImportZip(t *testing.T) {
	r := makeReturn(t, 12, officer.Choices{Seed: 5, Folders: true})
	zipPath := filepath.Join(t.TempDir(), "return.zip")
	zipDir(t, filepath.Join(r.dir, "return"), zipPath, "")
	e := newEnv(t)
	rep := e.run(t, "", zipPath)
	if !rep.OK() || len(rep.Recorded) != len(r.filled.Returns) {
		t.Fatalf("zip: recorded %d of %d, rejected %v", len(rep.Recorded), len(r.filled.Returns), rep.Rejected)
	}
	bad := filepath.Join(t.TempDir(), "bad.zip")
	zipDir(t, filepath.Join(r.dir, "return"), bad, "../escape.jpg")
	rep = e.run(t, "", bad)
	if rep.OK() || len(rep.Recorded)+len(rep.Unchanged) != 0 || !errors.Is(rep.Rejected[0], examimport.ErrUnsafeZip) {
		t.Fatalf("unsafe zip: recorded %d, unchanged %d, rejected %v", len(rep.Recorded), len(rep.Unchanged), rep.Rejected)
	}
	// The same ZIP inside a directory given to the import: refused whole too.
	rep = e.run(t, "", filepath.Dir(bad))
	if len(rep.Recorded)+len(rep.Unchanged) != 0 || rep.Photos != 0 || rep.Workbooks != 0 || !errors.Is(rep.Rejected[0], examimport.ErrUnsafeZip) {
		t.Fatalf("unsafe zip in a directory: recorded %d, unchanged %d, %d photos, %d workbooks, rejected %v",
			len(rep.Recorded), len(rep.Unchanged), rep.Photos, rep.Workbooks, rep.Rejected)
	}
}

// checkSchema checks what schema.json requires of every result: each
// required property present, arrays never null.
func checkSchema(t *testing.T, results []exam.Result) {
	t.Helper()
	b, err := os.ReadFile("../exam/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Required   []string                  `json:"required"`
		Properties map[string]map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		line, _ := json.Marshal(r)
		var got map[string]any
		json.Unmarshal(line, &got)
		for _, k := range schema.Required {
			v, ok := got[k]
			if !ok || v == nil && schema.Properties[k]["type"] == "array" {
				t.Errorf("%s: required %q is %v", r.ExamID, k, v)
			}
		}
		sel := got["selection"].(map[string]any)
		if sel["reasons"] == nil || sel["assessments"] == nil {
			t.Errorf("%s: selection %v has null arrays", r.ExamID, sel)
		}
	}
}

// A return whose hidden sheet was lost (copied into a new workbook) is
// checked against the original given with --list, and refused without it.
func TestImportWithoutTheHiddenSheet(t *testing.T) {
	r := makeReturn(t, 8, officer.Choices{Seed: 2})
	f, err := excelize.OpenFile(r.workbook)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.DeleteSheet(examlist.SheetIssued); err != nil {
		t.Fatal(err)
	}
	stripped := filepath.Join(t.TempDir(), "copied.xlsx")
	if err := f.SaveAs(stripped); err != nil {
		t.Fatal(err)
	}
	f.Close()
	photos := filepath.Join(r.dir, "return", "photos")
	e := newEnv(t)
	if rep := e.run(t, "", stripped, photos); len(rep.Recorded) != 0 || len(rep.Files()) == 0 || rep.Files()[0] != stripped {
		t.Fatalf("without --list: recorded %d, files %v, rejected %v", len(rep.Recorded), rep.Files(), rep.Rejected)
	}
	rep := e.run(t, r.original, stripped, photos)
	if !rep.OK() || len(rep.Recorded) != len(r.filled.Returns) {
		t.Fatalf("with --list: recorded %d of %d, rejected %v", len(rep.Recorded), len(r.filled.Returns), rep.Rejected)
	}
	for i, res := range rep.Recorded {
		if want := r.filled.Returns[i].ExaminedAt; !want.IsZero() && (res.ExaminedAt == nil || !res.ExaminedAt.Equal(want)) {
			t.Errorf("%s examined at %v, the officer wrote %v (port time)", res.ExamID, res.ExaminedAt, want)
		}
	}
}
