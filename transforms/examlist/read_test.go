package examlist

import (
	"bytes"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/icss/icss/transforms/exam"
)

// fill writes values (by header) into row 2 of the sample list, as a spreadsheet
// would save them, and returns the workbook.
func fill(t testing.TB, book []byte, values map[string]any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for h, v := range values {
		col := -1
		for i, c := range columns {
			if c.header == h {
				col = i
			}
		}
		if col < 0 {
			t.Fatalf("no column %q", h)
		}
		cell, _ := excelize.CoordinatesToCellName(col+1, 2)
		if err := f.SetCellValue(SheetList, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func readAll(t testing.TB, book []byte) ([]exam.Return, error) {
	t.Helper()
	var got []exam.Return
	err := ReadReturns(bytes.NewReader(book), "back.xlsx", func(r exam.Return) error {
		got = append(got, r)
		return nil
	})
	return got, err
}

func TestReadReturns(t *testing.T) {
	book, l := writeSample(t)
	day := 46361.0 // 2026-12-05
	good := func() map[string]any {
		return map[string]any{
			HeaderPerformed: "NII x-ray", HeaderOtherExams: "devanning; Wood packaging (ISPM 15)",
			HeaderExamDate: day, HeaderExamTime: 0.5625, HeaderOfficer: "PRR1041", HeaderOutcome: "No finding",
			HeaderBoltSeal: "cbsa 0012345", HeaderPhotoCount: 2,
		}
	}
	with := func(changes map[string]any) map[string]any {
		v := good()
		for k, x := range changes {
			if x == nil {
				delete(v, k)
			} else {
				v[k] = x
			}
		}
		return v
	}
	tests := []struct {
		name   string
		values map[string]any
		check  func(t *testing.T, r exam.Return)
		errs   []string // "column: text" of each CellError
	}{
		{name: "a full row", values: good(), check: func(t *testing.T, r exam.Return) {
			want := exam.Return{File: "back.xlsx", Sheet: SheetList, Row: 2, ExamID: l.Entries[0].ExamID, Container: l.Entries[0].Container,
				Bills:     []string{"B4"},
				Performed: []string{"nii_xray", "devanning", "wood_packaging"}, ExaminedAt: time.Date(2026, 12, 5, 13, 30, 0, 0, time.UTC),
				Officer: "PRR1041", Outcome: exam.OutcomeNoFinding, BoltSeal: "CBSA0012345", PhotoCount: 2}
			if !r.ExaminedAt.Equal(want.ExaminedAt) {
				t.Errorf("examined at %v, want %v", r.ExaminedAt, want.ExaminedAt)
			}
			r.ExaminedAt, want.ExaminedAt = time.Time{}, time.Time{}
			if !reflect.DeepEqual(r, want) {
				t.Errorf("\n got %+v\nwant %+v", r, want)
			}
		}},
		{name: "dates and times as text", values: with(map[string]any{HeaderExamDate: "2026-12-05", HeaderExamTime: "08:05"}), check: func(t *testing.T, r exam.Return) {
			if want := time.Date(2026, 12, 5, 8, 5, 0, 0, time.UTC); !r.ExaminedAt.Equal(want) {
				t.Errorf("examined at %v, want %v", r.ExaminedAt, want)
			}
		}},
		{name: "twelve-hour clock, short date", values: with(map[string]any{HeaderExamDate: "2026-12-5", HeaderExamTime: "2:15 PM"}), check: func(t *testing.T, r exam.Return) {
			if want := time.Date(2026, 12, 5, 14, 15, 0, 0, time.UTC); !r.ExaminedAt.Equal(want) {
				t.Errorf("examined at %v, want %v", r.ExaminedAt, want)
			}
		}},
		{name: "date and time in the date cell", values: with(map[string]any{HeaderExamDate: day + 0.75, HeaderExamTime: nil}), check: func(t *testing.T, r exam.Return) {
			if want := time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC); !r.ExaminedAt.Equal(want) {
				t.Errorf("examined at %v, want %v", r.ExaminedAt, want)
			}
		}},
		{name: "not examined, reason, no date", values: map[string]any{HeaderOutcome: "Not examined: not located", HeaderOfficer: "PRR2207"}, check: func(t *testing.T, r exam.Return) {
			if r.Outcome != exam.OutcomeNotExamined || r.NotExaminedReason != exam.ReasonNotLocated || !r.ExaminedAt.IsZero() || r.Performed != nil {
				t.Errorf("%+v", r)
			}
		}},
		{name: "findings keep their lines", values: with(map[string]any{HeaderOutcome: "Discrepancy", HeaderFindings: "two pallets\r\nno ISPM 15 mark\u202e"}), check: func(t *testing.T, r exam.Return) {
			if r.Findings != "two pallets\nno ISPM 15 mark" {
				t.Errorf("findings %q", r.Findings)
			}
		}},
		{name: "unknown outcome", values: with(map[string]any{HeaderOutcome: "found gold"}), errs: []string{"Outcome: outcome \"found gold\" is not one of"}},
		{name: "no outcome", values: with(map[string]any{HeaderOutcome: nil}), errs: []string{"Outcome: an outcome is required"}},
		{name: "unknown exam", values: with(map[string]any{HeaderOtherExams: "Radiation; sniffer dog"}), errs: []string{`Other exams performed: exam type "sniffer dog" is not one of`}},
		{name: "no exam performed", values: with(map[string]any{HeaderPerformed: nil}), errs: []string{"Exam performed: the exam performed is required"}},
		{name: "not examined with an exam", values: with(map[string]any{HeaderOutcome: "Not examined: no capacity"}), errs: []string{"Exam performed: the outcome is not examined, yet"}},
		{name: "reason missing", values: with(map[string]any{HeaderOutcome: "Not examined"}), errs: []string{"Outcome: outcome \"Not examined\" needs a reason"}},
		{name: "other without findings", values: map[string]any{HeaderOutcome: "Not examined: other (see findings)", HeaderOfficer: "X1"}, errs: []string{"Findings: findings are required"}},
		{name: "seizure without findings", values: with(map[string]any{HeaderOutcome: "Seizure"}), errs: []string{"Findings: findings are required"}},
		{name: "date in another form", values: with(map[string]any{HeaderExamDate: "05/12/2026"}), errs: []string{`Exam date: "05/12/2026" is not a date: write it as YYYY-MM-DD`}},
		{name: "implausible date", values: with(map[string]any{HeaderExamDate: 12.0}), errs: []string{`Exam date: "12" is not a plausible date`}},
		{name: "time out of the day", values: with(map[string]any{HeaderExamTime: "25:00"}), errs: []string{`Exam time: "25:00" is not a time`}},
		{name: "time as a date", values: with(map[string]any{HeaderExamTime: 46361.5}), errs: []string{`Exam time: "46361.5" is not a time of day`}},
		{name: "no date", values: with(map[string]any{HeaderExamDate: nil}), errs: []string{"Exam date: a time is given without a date"}},
		{name: "no time", values: with(map[string]any{HeaderExamTime: nil}), errs: []string{"Exam time: the time of the exam is required"}},
		{name: "no officer", values: with(map[string]any{HeaderOfficer: nil}), errs: []string{"Officer ID: the officer ID is required"}},
		{name: "bad bolt seal", values: with(map[string]any{HeaderBoltSeal: "seal #1!"}), errs: []string{"Bolt seal applied: seal \"SEAL#1!\""}},
		{name: "fractional photo count", values: with(map[string]any{HeaderPhotoCount: 2.5}), errs: []string{`Photo count: "2.5" is not a whole number`}},
		{name: "photo count in words", values: with(map[string]any{HeaderPhotoCount: "three"}), errs: []string{`Photo count: "three" is not a whole number`}},
		{name: "negative photo count", values: with(map[string]any{HeaderPhotoCount: -1}), errs: []string{"Photo count: -1 is not between 0 and 500"}},
		{name: "exam ID removed", values: with(map[string]any{HeaderExamID: ""}), errs: []string{"Exam ID: the row is filled in but has no exam ID"}},
		{name: "exam ID not an ID", values: with(map[string]any{HeaderExamID: "=1+1"}), errs: []string{`Exam ID: "=1+1" is not an exam ID`}},
		{name: "every bad cell reported", values: with(map[string]any{HeaderOutcome: "maybe", HeaderPhotoCount: "x", HeaderOfficer: nil}),
			errs: []string{"Officer ID: the officer ID is required", "Outcome: outcome \"maybe\"", "Photo count: \"x\" is not"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, fill(t, book, tt.values))
			if tt.errs == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 {
					t.Fatalf("%d returns, want 1 (empty rows skipped)", len(got))
				}
				tt.check(t, got[0])
				return
			}
			if len(got) != 0 {
				t.Errorf("a row with errors was passed on: %+v", got)
			}
			ces := CellErrors(err)
			var msgs []string
			for _, ce := range ces {
				if ce.File != "back.xlsx" || ce.Sheet != SheetList || ce.Row != 2 {
					t.Errorf("error at %s %s %d", ce.File, ce.Sheet, ce.Row)
				}
				msgs = append(msgs, ce.Column+": "+ce.Err.Error())
			}
			sort.Strings(msgs)
			if len(msgs) != len(tt.errs) {
				t.Fatalf("errors %q, want %q", msgs, tt.errs)
			}
			for i := range msgs {
				if !strings.HasPrefix(msgs[i], tt.errs[i]) {
					t.Errorf("error %q, want %q…", msgs[i], tt.errs[i])
				}
			}
		})
	}
}

func TestReadReturnsWorkbookErrors(t *testing.T) {
	book, _ := writeSample(t)
	renamed := fill(t, book, nil)
	f, _ := excelize.OpenReader(bytes.NewReader(renamed))
	cell, _ := excelize.CoordinatesToCellName(colOutcome+1, 1)
	f.SetCellValue(SheetList, cell, "Result")
	var buf bytes.Buffer
	f.WriteTo(&buf)
	f.Close()

	_, err := readAll(t, buf.Bytes())
	var ce *exam.CellError
	if !errors.As(err, &ce) || ce.Row != 1 || ce.Column != HeaderOutcome {
		t.Errorf("renamed column: %v", err)
	}
	if _, err := readAll(t, []byte("PK not really")); err == nil || !strings.HasPrefix(err.Error(), "back.xlsx: not a workbook") {
		t.Errorf("not a workbook: %v", err)
	}
	stop := errors.New("stop here")
	err = ReadReturns(bytes.NewReader(fill(t, book, map[string]any{HeaderOutcome: "Not examined: not located", HeaderOfficer: "P1"})), "b", func(exam.Return) error { return stop })
	if err != stop {
		t.Errorf("fn's error came back as %v", err)
	}
	if got, err := readAll(t, book); err != nil || len(got) != 0 {
		t.Errorf("a list not filled in: %d returns, %v", len(got), err)
	}
}
