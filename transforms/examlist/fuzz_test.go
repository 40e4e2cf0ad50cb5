package examlist

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/icss/icss/transforms/exam"
)

// FuzzReadReturns feeds arbitrary workbook bytes, seeded with a list as written and
// as filled in, to ReadReturns and ReadIssued: they may refuse, never panic, and
// what ReadReturns accepts is well-formed.
func FuzzReadReturns(f *testing.F) {
	book, _ := writeSample(f)
	f.Add(book)
	f.Add(fill(f, book, map[string]any{HeaderPerformed: "NII x-ray", HeaderExamDate: 46361.0, HeaderExamTime: 0.5,
		HeaderOfficer: "P1", HeaderOutcome: "No finding", HeaderBoltSeal: "CBSA1", HeaderPhotoCount: 1}))
	f.Add(fill(f, book, map[string]any{HeaderOutcome: "maybe", HeaderPhotoCount: "x"}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := ReadReturns(bytes.NewReader(data), "fuzz.xlsx", func(r exam.Return) error {
			if !exam.ValidExamID(r.ExamID) || !r.Outcome.Valid() || r.Officer == "" || r.PhotoCount < 0 || r.Row < 2 {
				t.Errorf("accepted a malformed row: %+v", r)
			}
			if r.Outcome != exam.OutcomeNotExamined && (len(r.Performed) == 0 || r.ExaminedAt.IsZero()) {
				t.Errorf("accepted an exam without exam type or time: %+v", r)
			}
			if !r.ExaminedAt.IsZero() && r.ExaminedAt.Before(time.Date(1999, 12, 30, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("accepted date %v", r.ExaminedAt)
			}
			return nil
		})
		for _, ce := range CellErrors(err) {
			if ce.File != "fuzz.xlsx" || ce.Sheet == "" || ce.Row < 1 || ce.Err == nil {
				t.Errorf("cell error without its place: %+v", ce)
			}
		}
		var ce *exam.CellError
		if err != nil && !errors.As(err, &ce) && len(err.Error()) == 0 {
			t.Error("an error with no message")
		}
		ReadIssued(bytes.NewReader(data))
	})
}
