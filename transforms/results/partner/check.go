package partner

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/icss/icss/internal/lazyre"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/harmonized"
)

// Verdict is the answer to "may this container cross without another exam?".
type Verdict string

// The verdicts. RiskNegated and Unknown let the officer proceed; every other
// one refers the container.
const (
	RiskNegated          Verdict = "RISK NEGATED"
	SealMismatch         Verdict = "SEAL MISMATCH"
	ExaminedWithFindings Verdict = "EXAMINED WITH FINDINGS"
	Selected             Verdict = "SELECTED"
	NotExamined          Verdict = "NOT EXAMINED"
	Unknown              Verdict = "UNKNOWN"
)

// Refer reports whether the verdict refers the container for examination.
func (v Verdict) Refer() bool { return v != RiskNegated && v != Unknown }

// Answer is Check's answer, with the exam it rests on.
type Answer struct {
	Verdict   Verdict `json:"verdict"`
	Action    string  `json:"action"` // "proceed" or "refer"
	Container string  `json:"container"`
	// The exam (absent for UNKNOWN): the current version of the latest exam
	// of the container.
	ExamID            string `json:"exam_id,omitempty"`
	Version           int    `json:"version,omitempty"`
	Port              string `json:"port,omitempty"`
	ExaminedAt        string `json:"examined_at,omitempty"`
	Outcome           string `json:"outcome,omitempty"`
	NotExaminedReason string `json:"not_examined_reason,omitempty"`
	Findings          string `json:"findings,omitempty"`
	BoltSeal          string `json:"bolt_seal,omitempty"`
	// SealPresented is the seal the officer read on the container, if given.
	SealPresented string `json:"seal_presented,omitempty"`
	Referral      string `json:"referral,omitempty"`
	Batch         int64  `json:"batch,omitempty"`
	// IndexedThrough is the last batch in the index.
	IndexedThrough int64 `json:"indexed_through"`
}

// String is the one-line answer.
func (a Answer) String() string {
	action := ""
	if a.Verdict.Refer() {
		action = " (refer)"
	}
	day := "an unrecorded date" // the officer left the exam date blank
	if t, err := time.Parse(time.RFC3339, a.ExaminedAt); err == nil {
		day = t.Format("2006-01-02")
	}
	ref := fmt.Sprintf(" [exam %s v%d, batch %d]", a.ExamID, a.Version, a.Batch)
	switch a.Verdict {
	case RiskNegated:
		seal := fmt.Sprintf("bolt seal %s intact", a.BoltSeal)
		if a.SealPresented == "" {
			seal = fmt.Sprintf("bolt seal %s: check it is intact", a.BoltSeal)
		}
		return fmt.Sprintf("RISK NEGATED: %s examined at %s on %s, %s%s", a.Container, a.Port, day, seal, ref)
	case SealMismatch:
		return fmt.Sprintf("SEAL MISMATCH%s: %s examined at %s on %s and sealed with %s, but seal %s was presented%s",
			action, a.Container, a.Port, day, a.BoltSeal, a.SealPresented, ref)
	case ExaminedWithFindings:
		return fmt.Sprintf("EXAMINED WITH FINDINGS%s: %s examined at %s on %s: %s: %s%s", action, a.Container, a.Port, day,
			exam.Outcome(a.Outcome).Label(), a.Findings, ref)
	case NotExamined:
		return fmt.Sprintf("NOT EXAMINED%s: %s was selected at %s but not examined (%s)%s", action, a.Container, a.Port,
			strings.ReplaceAll(a.NotExaminedReason, "_", " "), ref)
	case Selected:
		why := "no bolt seal applied"
		if a.Outcome == string(exam.OutcomeReferred) {
			why = "referred to the partner agency"
		}
		return fmt.Sprintf("SELECTED%s: %s was selected at %s, risk not negated (%s)%s", action, a.Container, a.Port, why, ref)
	}
	return fmt.Sprintf("UNKNOWN: no exam result for %s (index holds batches through %d)", a.Container, a.IndexedThrough)
}

// Check answers for one container, and the seal the officer reads on it
// (empty when not checked). It looks at the current version of the
// container's latest exam.
func (ix *Index) Check(ctx context.Context, container, seal string) (Answer, error) {
	container = NormalizeContainer(container)
	if container == "" {
		return Answer{}, errors.New("partner: container number is empty")
	}
	a := Answer{Container: container, SealPresented: NormalizeContainer(seal)}
	var err error
	if a.IndexedThrough, _, err = ix.Last(ctx); err != nil {
		return Answer{}, err
	}
	var negated bool
	err = ix.db.QueryRowContext(ctx, `SELECT exam_id, version, seq, port, outcome, reason, findings, examined_at, bolt_seal, risk_negated, referral
		FROM results r WHERE container = ?
		AND version = (SELECT MAX(version) FROM results v WHERE v.exam_id = r.exam_id)
		ORDER BY recorded_at DESC, exam_id DESC LIMIT 1`, container).
		Scan(&a.ExamID, &a.Version, &a.Batch, &a.Port, &a.Outcome, &a.NotExaminedReason, &a.Findings, &a.ExaminedAt, &a.BoltSeal, &negated, &a.Referral)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Proceeding on a mistyped number would wave through a container
		// that should be referred: an unknown number must be a valid one.
		if !validContainer(container) {
			return Answer{}, fmt.Errorf("partner: %s is not an ISO 6346 container number (check digit %q expected); check how it was typed", container, expectedDigit(container))
		}
		a.Verdict = Unknown
	case err != nil:
		return Answer{}, fmt.Errorf("partner: index: %w", err)
	case a.Outcome == string(exam.OutcomeDiscrepancy) || a.Outcome == string(exam.OutcomeSeizure):
		a.Verdict = ExaminedWithFindings
	case a.Outcome == string(exam.OutcomeNotExamined):
		a.Verdict = NotExamined
	case !negated:
		a.Verdict = Selected
	case a.SealPresented != "" && a.SealPresented != NormalizeContainer(a.BoltSeal):
		a.Verdict = SealMismatch
	default:
		a.Verdict = RiskNegated
	}
	a.Action = "proceed"
	if a.Verdict.Refer() {
		a.Action = "refer"
	}
	return a, nil
}

var containerPattern = lazyre.New(`^[A-Z]{4}[0-9]{7}$`)

// validContainer reports an ISO 6346 number with a correct check digit.
func validContainer(c string) bool {
	return containerPattern.MatchString(c) && harmonized.ContainerCheckDigit(c) == c[10]
}

// expectedDigit is the check digit c's first ten characters call for, or
// "?" when they are not an owner code, category and serial.
func expectedDigit(c string) string {
	if d := harmonized.ContainerCheckDigit(c); d != 0 && len(c) >= 10 && containerPattern.MatchString(c[:10]+"0") {
		return string(d)
	}
	return "?"
}
