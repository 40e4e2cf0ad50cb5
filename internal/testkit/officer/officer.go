// Package officer fills in an exam list workbook as a port officer would, for tests
// and demos of everything downstream of the list: the import, the evidence store,
// the daemon's corridor. It touches only the entry columns, leaves some rows empty,
// writes realistic outcomes (no finding with a bolt seal, a discrepancy, a seizure,
// a referral to the partner, not examined with a reason) and real small JPEG and PNG
// photos named after the exam IDs.
//
// Fill is deterministic: the same workbook, Choices and Now give the same bytes of
// photos and the same values in the cells.
package officer

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/examlist"
)

// Choices shape how the officer fills in the list. The zero value is usable.
type Choices struct {
	// Seed drives every random choice.
	Seed uint64
	// Empty is the share of rows left empty, "not yet examined" (default 0.2; a
	// negative value fills every row, the fourth included, which is otherwise
	// always left empty).
	Empty float64
	// Officers are the officer IDs taking turns (default PRR1041, PRR2207, PRR3318).
	Officers []string
	// Now bounds the exam times: they fall between the list's issue and Now
	// (default time.Now()).
	Now time.Time
	// PhotoDir receives the photos; empty writes none (the photo counts still say
	// how many there would be).
	PhotoDir string
	// PhotosPerExam is the number of photos of an examined container (default 2).
	PhotosPerExam int
	// Folders puts each exam's photos in a subfolder named after the exam ID
	// (PhotoDir/<exam ID>/<n>.jpg) instead of naming them <exam ID>_<n>.jpg.
	Folders bool
}

// Filled is what Fill wrote.
type Filled struct {
	// Returns are the rows filled in, as ReadReturns reads them back (File empty).
	Returns []exam.Return
	// Empty counts the rows left empty.
	Empty int
	// Photos are the paths of the photos written.
	Photos []string
}

// The first rows of a list always get these, so that a short list shows every case;
// the rest are drawn at random.
var firstKinds = []kind{noFinding, discrepancy, notExamined, empty, noFinding, referred, seizure}

type kind int

const (
	noFinding kind = iota
	discrepancy
	seizure
	referred
	notExamined
	empty
)

// Fill reads a list workbook written by examlist.Write from in, fills in its rows
// and writes the workbook to out; photos go to c.PhotoDir.
func Fill(in io.Reader, out io.Writer, c Choices) (Filled, error) {
	c.defaults()
	raw, err := io.ReadAll(in)
	if err != nil {
		return Filled{}, err
	}
	meta, entries, err := examlist.ReadIssued(bytes.NewReader(raw))
	if err != nil {
		return Filled{}, err
	}
	loc, err := time.LoadLocation(meta.Zone)
	if err != nil {
		loc = time.UTC
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		return Filled{}, err
	}
	defer f.Close()
	col, err := headerColumns(f)
	if err != nil {
		return Filled{}, err
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x0ff1ce))
	var res Filled
	for i, e := range entries {
		row := i + 2
		if id, _ := f.GetCellValue(examlist.SheetList, cellName(col[examlist.HeaderExamID], row)); id != e.ExamID {
			return Filled{}, fmt.Errorf("officer: row %d holds exam %q, the list issued %q there", row, id, e.ExamID)
		}
		k := pickKind(i, rng, c.Empty)
		if k == empty {
			res.Empty++
			continue
		}
		at := examTime(meta.IssuedAt, c.Now, i, len(entries)).In(loc)
		r := fillReturn(&e, k, at, c, rng)
		r.Sheet, r.Row = examlist.SheetList, row
		if err := setRow(f, col, row, &r, at); err != nil {
			return Filled{}, err
		}
		if c.PhotoDir != "" {
			paths, err := writePhotos(c, e.ExamID, r.PhotoCount)
			if err != nil {
				return Filled{}, err
			}
			res.Photos = append(res.Photos, paths...)
		}
		res.Returns = append(res.Returns, r)
	}
	if _, err := f.WriteTo(out); err != nil {
		return Filled{}, err
	}
	return res, nil
}

func (c *Choices) defaults() {
	if c.Empty == 0 {
		c.Empty = 0.2
	}
	if len(c.Officers) == 0 {
		c.Officers = []string{"PRR1041", "PRR2207", "PRR3318"}
	}
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	if c.PhotosPerExam <= 0 {
		c.PhotosPerExam = 2
	}
}

func pickKind(i int, rng *rand.Rand, emptyShare float64) kind {
	if i < len(firstKinds) {
		if k := firstKinds[i]; k != empty || emptyShare >= 0 {
			return k
		}
		return noFinding
	}
	if rng.Float64() < emptyShare {
		return empty
	}
	switch x := rng.Float64(); {
	case x < 0.70:
		return noFinding
	case x < 0.82:
		return discrepancy
	case x < 0.85:
		return seizure
	case x < 0.90:
		return referred
	}
	return notExamined
}

// examTime spreads the exams between the list's issue and now, to the second, never
// before the issue nor after now.
func examTime(issued, now time.Time, i, n int) time.Time {
	span := now.Sub(issued)
	if span < 2*time.Second {
		return issued.Truncate(time.Second).Add(time.Second)
	}
	t := issued.Add(span * time.Duration(i+1) / time.Duration(n+1)).Truncate(time.Second)
	if !t.After(issued) {
		t = issued.Truncate(time.Second).Add(time.Second)
	}
	return t
}

var (
	discrepancies = []string{
		"Goods do not match the manifest: 40 cartons of sports shoes not declared.",
		"Declared weight 18,276 kg, weighed 21,940 kg.",
		"Wood packaging without ISPM 15 mark; live insects found in pallets.",
		"Soil on the machinery undercarriage.",
	}
	seizures           = []string{"Undeclared firearms parts concealed in tyre sidewalls.", "Counterfeit branded handbags, 1,200 pieces."}
	notExaminedReasons = []string{exam.ReasonLeftBeforeExam, exam.ReasonNotLocated, exam.ReasonCapacity, exam.ReasonOther}
)

func fillReturn(e *exam.Entry, k kind, at time.Time, c Choices, rng *rand.Rand) exam.Return {
	bills := make([]string, len(e.Bills))
	for i, b := range e.Bills {
		bills[i] = b.Number
	}
	r := exam.Return{
		ExamID:     e.ExamID,
		Container:  e.Container,
		Bills:      bills,
		Officer:    c.Officers[rng.IntN(len(c.Officers))],
		ExaminedAt: at,
	}
	if k == notExamined {
		r.Outcome = exam.OutcomeNotExamined
		r.NotExaminedReason = notExaminedReasons[rng.IntN(len(notExaminedReasons))]
		if r.NotExaminedReason == exam.ReasonOther {
			r.Findings = "Container damaged in discharge; held for the terminal's survey."
		}
		// The date of a decision not to examine is optional; leave it out.
		r.ExaminedAt = time.Time{}
		return r
	}
	r.Performed = e.Exams
	if len(r.Performed) == 0 {
		r.Performed = []string{exam.ExamTypes[0]}
	}
	switch k {
	case noFinding:
		r.Outcome = exam.OutcomeNoFinding
	case discrepancy:
		r.Outcome = exam.OutcomeDiscrepancy
		r.Findings = discrepancies[rng.IntN(len(discrepancies))]
	case seizure:
		r.Outcome = exam.OutcomeSeizure
		r.Findings = seizures[rng.IntN(len(seizures))]
	case referred:
		r.Outcome = exam.OutcomeReferred
		r.Findings = "Radiation alarm, isotope not identified; referred to CBP."
	}
	if k != seizure {
		// A seized container stays in the agency's hands; every other examined
		// container travels on under a high-security bolt seal.
		r.BoltSeal = fmt.Sprintf("CBSA%07d", rng.IntN(10_000_000))
	}
	r.PhotoCount = c.PhotosPerExam
	return r
}

// setRow writes r into the entry columns of a row, as an officer types them: the
// main exam from the dropdown, the others by label separated by "; ", the date and
// time as numbers with the sheet's formats.
func setRow(f *excelize.File, col map[string]int, row int, r *exam.Return, at time.Time) error {
	set := func(header string, v any) error {
		return f.SetCellValue(examlist.SheetList, cellName(col[header], row), v)
	}
	outcome := r.Outcome.Label()
	if r.Outcome == exam.OutcomeNotExamined {
		outcome = reasonChoice(r.NotExaminedReason)
	}
	values := []cellValue{
		{examlist.HeaderOutcome, outcome},
		{examlist.HeaderOfficer, r.Officer},
	}
	if len(r.Performed) > 0 {
		values = append(values, cellValue{examlist.HeaderPerformed, exam.ExamLabel(r.Performed[0])})
		if len(r.Performed) > 1 {
			others := make([]string, len(r.Performed)-1)
			for i, p := range r.Performed[1:] {
				others[i] = exam.ExamLabel(p)
			}
			values = append(values, struct {
				header string
				v      any
			}{examlist.HeaderOtherExams, strings.Join(others, "; ")})
		}
	}
	if !r.ExaminedAt.IsZero() {
		day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
		serial := day.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
		clock := float64(at.Hour()*3600+at.Minute()*60+at.Second()) / 86400
		values = append(values, cellValue{examlist.HeaderExamDate, serial}, cellValue{examlist.HeaderExamTime, clock})
	}
	if r.Findings != "" {
		values = append(values, cellValue{examlist.HeaderFindings, r.Findings})
	}
	if r.BoltSeal != "" {
		values = append(values, cellValue{examlist.HeaderBoltSeal, r.BoltSeal})
	}
	if r.PhotoCount > 0 {
		values = append(values, cellValue{examlist.HeaderPhotoCount, r.PhotoCount})
	}
	for _, v := range values {
		if err := set(v.header, v.v); err != nil {
			return err
		}
	}
	return nil
}

// cellValue is a value to type into the entry column with the header.
type cellValue struct {
	header string
	v      any
}

// reasonChoice is the outcome dropdown's value for not examined with a reason.
func reasonChoice(reason string) string {
	for _, choice := range exam.OutcomeChoices() {
		if o, r, err := exam.ParseOutcome(choice); err == nil && o == exam.OutcomeNotExamined && r == reason {
			return choice
		}
	}
	return exam.OutcomeNotExamined.Label()
}

// headerColumns maps the headers of the list sheet to their 1-based columns and
// checks that every entry column is there.
func headerColumns(f *excelize.File) (map[string]int, error) {
	rows, err := f.Rows(examlist.SheetList)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, fmt.Errorf("officer: sheet %q is empty", examlist.SheetList)
	}
	head, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i + 1
	}
	for _, h := range []string{examlist.HeaderExamID, examlist.HeaderPerformed, examlist.HeaderOtherExams, examlist.HeaderExamDate,
		examlist.HeaderExamTime, examlist.HeaderOfficer, examlist.HeaderOutcome, examlist.HeaderFindings, examlist.HeaderBoltSeal, examlist.HeaderPhotoCount} {
		if col[h] == 0 {
			return nil, fmt.Errorf("officer: sheet %q has no column %q", examlist.SheetList, h)
		}
	}
	return col, nil
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// writePhotos writes n small photos of one exam, JPEG and PNG in turn, each with
// different pixels (the evidence store is content-addressed: equal photos would be
// one object).
func writePhotos(c Choices, examID string, n int) ([]string, error) {
	var paths []string
	for i := 1; i <= n; i++ {
		ext := ".jpg"
		if i%2 == 0 {
			ext = ".png"
		}
		path := filepath.Join(c.PhotoDir, fmt.Sprintf("%s_%d%s", examID, i, ext))
		if c.Folders {
			path = filepath.Join(c.PhotoDir, examID, fmt.Sprintf("%d%s", i, ext))
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := Photo(&buf, ext, photoSeed(c.Seed, examID, i)); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// photoSeed draws a photo's pixels from the exam and its number, so that photos do
// not depend on which other photos were written.
func photoSeed(seed uint64, examID string, i int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%d", seed, examID, i)
	return h.Sum64()
}

// Photo writes a small real image (64×48, a gradient and a few blocks drawn from
// seed) as JPEG for ext ".jpg" or ".jpeg", PNG for ".png".
func Photo(w io.Writer, ext string, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	r0, g0, b0 := uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{r0 + uint8(x*2), g0 + uint8(y*3), b0 + uint8(x+y), 255})
		}
	}
	for k := 0; k < 4; k++ {
		x0, y0 := rng.IntN(56), rng.IntN(40)
		c := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		for y := y0; y < y0+8; y++ {
			for x := x0; x < x0+8; x++ {
				img.Set(x, y, c)
			}
		}
	}
	switch strings.ToLower(ext) {
	case ".jpg", ".jpeg":
		return jpeg.Encode(w, img, &jpeg.Options{Quality: 80})
	case ".png":
		return png.Encode(w, img)
	}
	return fmt.Errorf("officer: no photo format for %q", ext)
}
