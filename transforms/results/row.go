package results

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/icss/icss/internal/lazyre"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/transforms/exam"
)

// RowSchema is the value of Row.Schema; row.schema.json describes a row.
const RowSchema = "icss.partner-result/1"

// Row is one line of a partner result file: one examined, or selected but not
// examined, container. It is what the partner agency learns of an exam.Result.
type Row struct {
	Schema  string `json:"schema"`
	ExamID  string `json:"exam_id"`
	Version int    `json:"version"`
	// Supersedes is the evidence manifest SHA-256 of the result this one
	// corrects, sent in an earlier batch.
	Supersedes string `json:"supersedes,omitempty"`

	Port      string `json:"port"`
	Container string `json:"container"`
	Bills     []Bill `json:"bills"`

	ExamsPerformed    []string     `json:"exams_performed"`
	Outcome           exam.Outcome `json:"outcome"`
	NotExaminedReason string       `json:"not_examined_reason,omitempty"`
	Findings          string       `json:"findings,omitempty"`
	ExaminedAt        *time.Time   `json:"examined_at,omitempty"`
	// Officer is the officer's pseudonym (Pseudonym), never the ID itself.
	Officer string `json:"officer"`

	SealsFiled []string `json:"seals_filed"`
	// BoltSeal is the high-security seal applied after the exam.
	BoltSeal   string `json:"bolt_seal,omitempty"`
	PhotoCount int    `json:"photo_count"`
	// EvidenceManifestSHA256 is the signed evidence manifest that holds the
	// exam's photos and returned workbook.
	EvidenceManifestSHA256 string `json:"evidence_manifest_sha256"`

	// SelectionPath says why the container was selected (referral, rule,
	// hits, random, capacity); Referral is the partner referral the row
	// answers, when it was referred.
	SelectionPath string `json:"selection_path"`
	Referral      string `json:"referral,omitempty"`
	// RiskNegated is true only when the exam found nothing and a bolt seal
	// was applied: the container need not be examined again at the border.
	RiskNegated bool      `json:"risk_negated"`
	RecordedAt  time.Time `json:"recorded_at"`
}

// Bill is a bill of lading the container travels under, and who issued it.
type Bill struct {
	IssuerSCAC string `json:"issuer_scac"`
	Number     string `json:"number"`
}

var portPattern = lazyre.New(`^[A-Z]{2}[A-Z2-9]{3}$`)

// RowFromResult validates r and turns it into a Row, the officer replaced by
// the pseudonym keyed with officerKey (OfficerKey).
func RowFromResult(r *exam.Result, officerKey []byte) (Row, error) {
	if err := checkResult(r); err != nil {
		return Row{}, err
	}
	row := Row{
		Schema: RowSchema, ExamID: r.ExamID, Version: r.Version, Supersedes: r.Supersedes,
		Port: r.Port, Container: r.Container,
		Bills:          make([]Bill, len(r.Bills)),
		ExamsPerformed: nonNil(r.ExamsPerformed), Outcome: r.Outcome, NotExaminedReason: r.NotExaminedReason,
		Findings: r.Findings, Officer: Pseudonym(officerKey, r.Officer),
		SealsFiled: nonNil(r.Seals), BoltSeal: r.BoltSeal, PhotoCount: r.PhotoCount,
		EvidenceManifestSHA256: r.ManifestSHA256,
		SelectionPath:          r.Selection.Path, Referral: r.Selection.Referral,
		RiskNegated: r.RiskNegated(), RecordedAt: r.RecordedAt.UTC(),
	}
	if r.ExaminedAt != nil {
		t := r.ExaminedAt.UTC()
		row.ExaminedAt = &t
	}
	for i, b := range r.Bills {
		row.Bills[i] = Bill{IssuerSCAC: b.IssuerSCAC, Number: b.Number}
	}
	return row, nil
}

// checkResult refuses a result the partner could not identify or rely on.
// Since one refused result stops the batch, data that is merely incomplete
// (a bill without its issuer's SCAC, a referral without its text) passes as
// it is.
func checkResult(r *exam.Result) error {
	switch {
	case r.Schema != exam.ResultSchema:
		return fmt.Errorf("schema %q is not %q", r.Schema, exam.ResultSchema)
	case !exam.ValidExamID(r.ExamID):
		return fmt.Errorf("exam_id %q is not an exam ID", r.ExamID)
	case r.Version < 1:
		return fmt.Errorf("exam %s: version %d is not 1 or more", r.ExamID, r.Version)
	case !portPattern.MatchString(r.Port):
		return fmt.Errorf("exam %s: port %q is not a UN/LOCODE", r.ExamID, r.Port)
	case strings.TrimSpace(r.Container) == "":
		return fmt.Errorf("exam %s: container is empty", r.ExamID)
	case len(r.Bills) == 0:
		return fmt.Errorf("exam %s: no bills", r.ExamID)
	case !r.Outcome.Valid():
		return fmt.Errorf("exam %s: outcome %q is not one of %v", r.ExamID, r.Outcome, exam.Outcomes)
	case r.Outcome == exam.OutcomeNotExamined && r.NotExaminedReason == "":
		return fmt.Errorf("exam %s: not examined without a reason", r.ExamID)
	case !blob.ValidSHA256(r.ManifestSHA256) || strings.ToLower(r.ManifestSHA256) != r.ManifestSHA256:
		return fmt.Errorf("exam %s: manifest_sha256 %q is not 64 lower-case hex digits", r.ExamID, r.ManifestSHA256)
	case r.Supersedes != "" && (!blob.ValidSHA256(r.Supersedes) || r.Version == 1):
		return fmt.Errorf("exam %s version %d: supersedes %q must be the evidence manifest of an earlier version", r.ExamID, r.Version, r.Supersedes)
	case r.RecordedAt.IsZero():
		return fmt.Errorf("exam %s: recorded_at is missing", r.ExamID)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// officerKeyLabel is the fixed label OfficerKey derives the pseudonym key under.
const officerKeyLabel = "icss/results/officer-pseudonym/v1"

// OfficerKey derives the key of officer pseudonyms from the signing key:
// HMAC-SHA256 keyed with the key's 32-byte ed25519 seed over the label
// "icss/results/officer-pseudonym/v1". Anyone holding the signing key can
// recompute a pseudonym (an auditor answering "which officer?"); no one else.
func OfficerKey(priv ed25519.PrivateKey) []byte {
	m := hmac.New(sha256.New, priv.Seed())
	m.Write([]byte(officerKeyLabel))
	return m.Sum(nil)
}

// Pseudonym returns "officer:" and the first 16 hex digits of
// HMAC-SHA256(key, ID), the ID upper-cased with its spaces removed so that
// "bso 1234" and "BSO1234" are one officer. An empty ID stays empty.
func Pseudonym(key []byte, officer string) string {
	id := strings.ToUpper(strings.Join(strings.Fields(officer), ""))
	if id == "" {
		return ""
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	return "officer:" + hex.EncodeToString(m.Sum(nil)[:8])
}
