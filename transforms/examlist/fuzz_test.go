package examlist

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

// FuzzCellText feeds arbitrary text to what reads and cleans single cells, many
// times faster than whole workbooks: cleaned text is valid, short enough and free of
// controls; dates and times read are plausible.
func FuzzCellText(f *testing.F) {
	for _, s := range []string{"=HYPERLINK(\"x\")", "2026-12-05", "46361.5", "2:15 PM", "25:00", "a\x07b\u202ec", strings.Repeat("é", 100), "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := cleanText(s, 50)
		if !utf8.ValidString(c) || utf8.RuneCountInString(c) > 50 || strings.IndexFunc(c, dropRune) >= 0 || c != strings.TrimSpace(c) {
			t.Errorf("cleanText(%q) = %q", s, c)
		}
		if day, clock, _, err := parseDate(s); err == nil && !day.IsZero() && (day.Before(earliestDate) || clock < 0 || clock > 24*time.Hour) {
			t.Errorf("parseDate(%q) = %v %v", s, day, clock)
		}
		if clock, ok, err := parseClock(s); err == nil && ok && (clock < 0 || clock > 24*time.Hour) {
			t.Errorf("parseClock(%q) = %v", s, clock)
		}
	})
}
