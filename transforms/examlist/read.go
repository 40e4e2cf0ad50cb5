package examlist

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/harmonized"
)

// Limits on a returned workbook, against zip bombs: a list of 10,000 containers is
// about 2.3 MB zipped and 20 MB of XML (sheets over maxXMLInMemory are read from a
// temporary file).
const (
	maxUnzipped    = 512 << 20
	maxXMLInMemory = 16 << 20
)

func open(r io.Reader) (*excelize.File, error) {
	return excelize.OpenReader(r, excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxXMLInMemory})
}

// ReadIssued reads the list as issued from the hidden sheet of a workbook Write
// wrote, original or returned.
func ReadIssued(r io.Reader) (meta Meta, entries []exam.Entry, err error) {
	defer func() {
		if p := recover(); p != nil {
			meta, entries, err = Meta{}, nil, fmt.Errorf("examlist: unreadable workbook: %v", p)
		}
	}()
	f, err := open(r)
	if err != nil {
		return Meta{}, nil, fmt.Errorf("examlist: not a workbook: %w", err)
	}
	defer f.Close()
	err = readIssued(f, func(row int, id string, js []byte) error {
		if row == 1 {
			if id != "meta" {
				return errors.New(`cell A1 is not "meta"`)
			}
			return json.Unmarshal(js, &meta)
		}
		var e exam.Entry
		if err := json.Unmarshal(js, &e); err != nil {
			return err
		}
		if e.ExamID != id {
			return fmt.Errorf("exam ID %q in column A, %q in the entry", id, e.ExamID)
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return Meta{}, nil, err
	}
	if meta.Schema != MetaSchema {
		return Meta{}, nil, fmt.Errorf("examlist: sheet %q: list schema %q, want %q", SheetIssued, meta.Schema, MetaSchema)
	}
	return meta, entries, nil
}

// readIssued calls fn with each row of the hidden sheet: its key in column A and its
// JSON, the rest of the row joined. fn returning errStop ends the reading early.
func readIssued(f *excelize.File, fn func(row int, key string, js []byte) error) error {
	rows, err := f.Rows(SheetIssued)
	if err != nil {
		return fmt.Errorf("examlist: no issued entries (sheet %q): %w", SheetIssued, err)
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cols, err := rows.Columns()
		if err != nil {
			return fmt.Errorf("examlist: sheet %q row %d: %w", SheetIssued, n, err)
		}
		if len(cols) < 2 {
			return fmt.Errorf("examlist: sheet %q row %d: no entry", SheetIssued, n)
		}
		if err := fn(n, cols[0], []byte(strings.Join(cols[1:], ""))); err != nil {
			if err == errStop {
				return nil
			}
			return fmt.Errorf("examlist: sheet %q row %d: %w", SheetIssued, n, err)
		}
	}
	return rows.Error()
}

var errStop = errors.New("stop")

// ReadReturns reads what the officers filled in on the exam list sheet of a
// returned workbook and calls fn with each row that was filled in, in sheet order.
// file names the workbook in errors. Rows left empty (no entry column filled) are
// not yet examined and skipped.
//
// Each malformed or missing cell of a filled row is an *exam.CellError; such a row
// is not passed to fn. Reading goes on to the end and the cell errors are returned
// together (errors.Join; CellErrors lists them). A workbook that cannot be read, a
// missing sheet or a missing column ends the reading at once; so does an error
// returned by fn, which ReadReturns returns as is.
//
// Checked here, row by row: the exam ID's form; exam types and outcome from their
// lists; the date and time; a filled row has an officer and an outcome, and unless
// not examined an exam performed, a date and a time; not examined comes with no
// exam performed; a discrepancy, a seizure or "not examined: other" has findings;
// the bolt seal's form; the photo count a whole number. Against the list as issued
// (known exam ID, container and bills unchanged, dates after issue, bolt seal when
// the exam opened the container) is the import's job.
func ReadReturns(r io.Reader, file string, fn func(exam.Return) error) (err error) {
	// The workbook comes from outside: should the spreadsheet library panic on a
	// crafted file, that is a bad file, not a crash. fn's own panics go on.
	inFn := false
	defer func() {
		if p := recover(); p != nil {
			if inFn {
				panic(p)
			}
			err = fmt.Errorf("%s: unreadable workbook: %v", file, p)
		}
	}()
	f, err := open(r)
	if err != nil {
		return fmt.Errorf("%s: not a workbook: %w", file, err)
	}
	defer f.Close()
	loc := time.UTC
	_ = readIssued(f, func(row int, key string, js []byte) error {
		var m Meta
		if row == 1 && json.Unmarshal(js, &m) == nil {
			loc = m.location()
		}
		return errStop
	})
	rows, err := f.Rows(SheetList)
	if err != nil {
		return fmt.Errorf("%s: sheet %q: %w", file, SheetList, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Error(); err != nil {
			return fmt.Errorf("%s: sheet %q: %w", file, SheetList, err)
		}
		return &exam.CellError{File: file, Sheet: SheetList, Row: 1, Err: errors.New("the sheet is empty")}
	}
	head, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("%s: sheet %q row 1: %w", file, SheetList, err)
	}
	at, missing := findColumns(head)
	if missing != nil {
		return &exam.CellError{File: file, Sheet: SheetList, Row: 1, Column: missing.column, Err: missing.err}
	}
	var errs []error
	for n := 2; rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return fmt.Errorf("%s: sheet %q row %d: %w", file, SheetList, n, err)
		}
		ret, bad, filled := parseRow(cells, at, loc)
		if !filled {
			continue
		}
		if len(bad) > 0 {
			for _, b := range bad {
				errs = append(errs, &exam.CellError{File: file, Sheet: SheetList, Row: n, Column: b.column, Err: b.err})
			}
			continue
		}
		ret.File, ret.Sheet, ret.Row = file, SheetList, n
		inFn = true
		if err := fn(ret); err != nil {
			return err
		}
		inFn = false
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("%s: sheet %q: %w", file, SheetList, err)
	}
	return errors.Join(errs...)
}

// CellErrors lists the cell errors in an error ReadReturns returned.
func CellErrors(err error) []*exam.CellError {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*exam.CellError
		for _, e := range j.Unwrap() {
			out = append(out, CellErrors(e)...)
		}
		return out
	}
	var ce *exam.CellError
	if errors.As(err, &ce) {
		return []*exam.CellError{ce}
	}
	return nil
}

// badCell is one problem found in a row, before the row's position is known.
type badCell struct {
	column string
	err    error
}

// readColumns are the read columns a return must still have: the row's identity.
var readColumns = []int{colExamID, colContainer, colBills}

// findColumns maps each column the reader needs to its index in the header row.
func findColumns(head []string) ([numColumns]int, *badCell) {
	var at [numColumns]int
	for i := range at {
		at[i] = -1
	}
	for i, h := range head {
		h = strings.TrimSpace(h)
		for c := range columns {
			if strings.EqualFold(h, columns[c].header) && at[c] < 0 {
				at[c] = i
			}
		}
	}
	for c := range columns {
		if at[c] < 0 && (columns[c].entry || slices.Contains(readColumns, c)) {
			return at, &badCell{columns[c].header, errors.New("column is missing from the header row")}
		}
	}
	return at, nil
}

// parseRow reads one row. filled reports whether any entry column holds something.
func parseRow(cells []string, at [numColumns]int, loc *time.Location) (ret exam.Return, bad []badCell, filled bool) {
	get := func(c int) string {
		if i := at[c]; i >= 0 && i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	for c := firstEntry; c < numColumns; c++ {
		if get(c) != "" {
			filled = true
		}
	}
	if !filled {
		return ret, nil, false
	}
	fail := func(c int, format string, args ...any) {
		bad = append(bad, badCell{columns[c].header, fmt.Errorf(format, args...)})
	}

	ret.ExamID = get(colExamID)
	switch {
	case ret.ExamID == "":
		fail(colExamID, "the row is filled in but has no exam ID")
	case !exam.ValidExamID(ret.ExamID):
		fail(colExamID, "%q is not an exam ID", cut(ret.ExamID, maxField))
	}
	ret.Container = get(colContainer)
	for _, b := range strings.Split(get(colBills), "\n") {
		if b = strings.TrimSpace(b); b != "" {
			ret.Bills = append(ret.Bills, b)
		}
	}

	var err error
	if v := get(colOutcome); v == "" {
		fail(colOutcome, "an outcome is required when the row is filled in")
	} else if ret.Outcome, ret.NotExaminedReason, err = exam.ParseOutcome(v); err != nil {
		fail(colOutcome, "%w", err)
	}
	examined := ret.Outcome != exam.OutcomeNotExamined

	if v := get(colPerformed); v != "" {
		code, err := exam.ParseExamType(v)
		if err != nil {
			fail(colPerformed, "%w", err)
		}
		ret.Performed = append(ret.Performed, code)
	}
	for _, v := range strings.FieldsFunc(get(colOtherExams), func(r rune) bool { return r == ';' || r == ',' || r == '\n' }) {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		code, err := exam.ParseExamType(v)
		if err != nil {
			fail(colOtherExams, "%w", err)
			continue
		}
		ret.Performed = append(ret.Performed, code)
	}
	ret.Performed = canonicalExams(ret.Performed)
	switch {
	case examined && ret.Outcome != "" && get(colPerformed) == "":
		fail(colPerformed, "the exam performed is required unless the outcome is not examined")
	case !examined && len(ret.Performed) > 0:
		fail(colPerformed, "the outcome is not examined, yet an exam performed is given")
	}

	day, dayTime, hasDayTime, dateErr := parseDate(get(colExamDate))
	if dateErr != nil {
		fail(colExamDate, "%w", dateErr)
	}
	clock, hasClock, clockErr := parseClock(get(colExamTime))
	if clockErr != nil {
		fail(colExamTime, "%w", clockErr)
	}
	if !hasClock && hasDayTime {
		clock, hasClock = dayTime, true
	}
	switch {
	case dateErr != nil || clockErr != nil:
	case !day.IsZero() && hasClock:
		s := int(clock / time.Second)
		ret.ExaminedAt = time.Date(day.Year(), day.Month(), day.Day(), s/3600, s/60%60, s%60, 0, loc)
	case !day.IsZero():
		if examined {
			fail(colExamTime, "the time of the exam is required with its date")
		} else {
			ret.ExaminedAt = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
		}
	case hasClock:
		fail(colExamDate, "a time is given without a date")
	case examined && ret.Outcome != "":
		fail(colExamDate, "the date of the exam is required unless the outcome is not examined")
	}

	ret.Officer = cleanText(get(colOfficer), 0)
	switch n := len([]rune(ret.Officer)); {
	case n == 0:
		fail(colOfficer, "the officer ID is required when the row is filled in")
	case n > maxOfficer:
		fail(colOfficer, "the officer ID is longer than %d characters", maxOfficer)
	}

	ret.Findings = cleanLines(get(colFindings))
	if n := len([]rune(ret.Findings)); n > maxFindings {
		fail(colFindings, "findings are %d characters long, at most %d are kept", n, maxFindings)
	}
	if ret.Findings == "" && (ret.Outcome == exam.OutcomeDiscrepancy || ret.Outcome == exam.OutcomeSeizure || ret.NotExaminedReason == exam.ReasonOther) {
		fail(colFindings, "findings are required for the outcome %q", get(colOutcome))
	}

	if v := get(colBoltSeal); v != "" {
		ret.BoltSeal = harmonized.NormalizeSeal(v)
		if err := harmonized.CheckSeal(ret.BoltSeal); err != nil {
			fail(colBoltSeal, "%w", err)
		}
	}

	if v := get(colPhotos); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil || n != math.Trunc(n):
			fail(colPhotos, "%q is not a whole number", cut(v, maxField))
		case n < 0 || n > maxPhotos:
			fail(colPhotos, "%v is not between 0 and %d", n, maxPhotos)
		default:
			ret.PhotoCount = int(n)
		}
	}
	return ret, bad, true
}

// canonicalExams removes repeats and puts exam type codes in canonical order.
func canonicalExams(codes []string) []string {
	if len(codes) == 0 {
		return nil
	}
	var out []string
	for _, c := range exam.ExamTypes {
		if slices.Contains(codes, c) {
			out = append(out, c)
		}
	}
	return out
}

// cleanLines cleans each line of an officer's text, keeping the line breaks.
func cleanLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = cleanText(l, 0)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// Dates before this are keying errors (and before the 1900 leap-year quirk of serials).
var earliestDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// parseDate reads an exam date: a date serial (raw cell value), or text as
// YYYY-MM-DD, YYYY/MM/DD, optionally with HH:MM. A serial or text that carries a
// time of day returns it too.
func parseDate(v string) (day time.Time, clock time.Duration, hasClock bool, err error) {
	if v == "" {
		return time.Time{}, 0, false, nil
	}
	if serial, perr := strconv.ParseFloat(v, 64); perr == nil {
		days := math.Floor(serial)
		day = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
		if frac := serial - days; frac > 0 {
			clock, hasClock = time.Duration(math.Round(frac*86400))*time.Second, true
		}
	} else {
		for _, layout := range []string{"2006-01-02", "2006/01/02", "2006-1-2", "2006/1/2", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006/01/02 15:04"} {
			if t, perr := time.Parse(layout, v); perr == nil {
				day = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
				if len(layout) > 10 {
					clock, hasClock = t.Sub(day), true
				}
				break
			}
		}
		if day.IsZero() {
			return time.Time{}, 0, false, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD", cut(v, maxField))
		}
	}
	if day.Before(earliestDate) || day.Year() > 9999 {
		return time.Time{}, 0, false, fmt.Errorf("%q is not a plausible date", cut(v, maxField))
	}
	return day, clock, hasClock, nil
}

// parseClock reads an exam time: a fraction of a day (raw cell value) or text as
// HH:MM, HH:MM:SS or H:MM AM/PM.
func parseClock(v string) (time.Duration, bool, error) {
	if v == "" {
		return 0, false, nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f < 0 || f >= 1 {
			return 0, false, fmt.Errorf("%q is not a time of day", cut(v, maxField))
		}
		return time.Duration(math.Round(f*86400)) * time.Second, true, nil
	}
	for _, layout := range []string{"15:04", "15:04:05", "15.04", "3:04 PM", "3:04PM", "3:04 pm", "3:04pm"} {
		if t, err := time.Parse(layout, v); err == nil {
			return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second, true, nil
		}
	}
	return 0, false, fmt.Errorf("%q is not a time: write it as HH:MM", cut(v, maxField))
}
