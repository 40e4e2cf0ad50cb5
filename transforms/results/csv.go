package results

import (
	"strconv"
	"strings"
	"time"
)

// CSVHeader names the CSV columns: the Row fields in schema order, lists
// joined with "; " and bills written "<issuer SCAC> <number>".
var CSVHeader = []string{
	"exam_id", "version", "supersedes", "port", "container", "bills", "exams_performed",
	"outcome", "not_examined_reason", "findings", "examined_at", "officer", "seals_filed",
	"bolt_seal", "photo_count", "evidence_manifest_sha256", "selection_path", "referral",
	"risk_negated", "recorded_at",
}

// csvRecord appends the row's cells to rec[:0], every text cell made safe
// for spreadsheets (SafeCell).
func csvRecord(rec []string, r *Row) []string {
	bills := make([]string, len(r.Bills))
	for i, b := range r.Bills {
		bills[i] = b.IssuerSCAC + " " + b.Number
	}
	examined := ""
	if r.ExaminedAt != nil {
		examined = r.ExaminedAt.Format(time.RFC3339)
	}
	rec = append(rec[:0],
		r.ExamID, strconv.Itoa(r.Version), r.Supersedes, r.Port, r.Container,
		strings.Join(bills, "; "), strings.Join(r.ExamsPerformed, "; "),
		string(r.Outcome), r.NotExaminedReason, r.Findings, examined, r.Officer,
		strings.Join(r.SealsFiled, "; "), r.BoltSeal, strconv.Itoa(r.PhotoCount),
		r.EvidenceManifestSHA256, r.SelectionPath, r.Referral,
		strconv.FormatBool(r.RiskNegated), r.RecordedAt.Format(time.RFC3339),
	)
	for i, c := range rec {
		rec[i] = SafeCell(c)
	}
	return rec
}

// SafeCell returns s so that a spreadsheet opening the CSV shows it as text:
// a cell beginning with a character that starts a formula or a DDE command
// (= + - @, tab, carriage return, or their full-width forms) gets a leading
// apostrophe, which spreadsheets hide (OWASP "CSV injection").
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	if strings.HasPrefix(s, "＝") || strings.HasPrefix(s, "＋") || strings.HasPrefix(s, "－") || strings.HasPrefix(s, "＠") {
		return "'" + s
	}
	return s
}
