package exam

import (
	"fmt"
	"time"

	"github.com/icss/icss/internal/lazyre"
)

// ResultSchema is the value of Result.Schema; schema.json describes it.
const ResultSchema = "icss.exam-result/1"

// ListID names an exam list: the port of examination (UN/LOCODE) and the day
// of its cut-off in the port's zone, "CAPRR-20261204". A list cut more than once a
// day adds the cut-off's hour and minute, "CAPRR-20261204-1800".
func ListID(port string, cutoff time.Time, daily bool) string {
	if daily {
		return fmt.Sprintf("%s-%s", port, cutoff.Format("20060102"))
	}
	return fmt.Sprintf("%s-%s", port, cutoff.Format("20060102-1504"))
}

// ExamID names one row of a list: the list's ID and the row's 1-based
// sequence, "CAPRR-20261204-0007". It is what officers quote, what photos are
// named after, and the key every later stage uses.
func ExamID(listID string, seq int) string { return fmt.Sprintf("%s-%04d", listID, seq) }

var examIDPattern = lazyre.New(`^[A-Z]{2}[A-Z2-9]{3}-[0-9]{8}(-[0-9]{4})?-[0-9]{4,}$`)

// ValidExamID reports whether s has the form ExamID writes.
func ValidExamID(s string) bool { return examIDPattern.MatchString(s) }

// BillRef names one bill of a container's row, with the record version the
// selection was made on.
type BillRef struct {
	Key        string `json:"key"`         // harmonized bill key (SCAC + number)
	IssuerSCAC string `json:"issuer_scac"` // who issued the bill: the carrier to notify
	Number     string `json:"number"`
	Version    int    `json:"version"` // the harmonized record version assessed; 0 when never numbered (by hand, without a ledger)
}

// Selection says why a container is on a list: the strongest of its bills'
// assessments, and every reason of them all.
type Selection struct {
	Path     string   `json:"path"`               // referral, rule, hits, random, capacity
	Score    float64  `json:"score"`              // highest score among its bills
	Referral string   `json:"referral,omitempty"` // reason and referrer, when referred
	RuleSet  string   `json:"rule_set"`           // name@version
	Reasons  []string `json:"reasons"`            // plain words, strongest first
	// Assessments name the assessments that selected the container: "<bill key>#<index>".
	Assessments []string `json:"assessments"`
}

// Entry is one row of an exam list: one container to examine, never twice in a
// list, with every bill it carries.
type Entry struct {
	ExamID    string
	ListID    string
	Port      string // UN/LOCODE of the port of examination
	Priority  int    // 1 highest: referrals, then by score
	Container string // ISO 6346 as filed (normalized)
	// ContainerValid reports the ISO 6346 check digit.
	ContainerValid bool
	Seals          []string // as filed
	Bills          []BillRef
	Conveyance     string     // vessel and voyage, or train
	Arrival        *time.Time // expected at the port, when filed
	Terminal       string     // terminal or FIRMS code
	Shipper        string
	Consignee      string
	Goods          string // HS6 and description, abridged
	Origin         string // country of origin or loading
	Exams          []string
	Selection      Selection
}

// Return is what an officer filled in on one row of a returned list. A row
// with nothing filled in is "not yet examined" and yields no Return.
type Return struct {
	// Where the row was read, for errors: file, sheet and 1-based row.
	File  string
	Sheet string
	Row   int

	// Identity columns as read back, compared against the list as issued.
	ExamID    string
	Container string
	Bills     []string // bill numbers as the row shows them

	Performed         []string // exam type codes
	ExaminedAt        time.Time
	Officer           string
	Outcome           Outcome
	NotExaminedReason string
	Findings          string
	BoltSeal          string
	PhotoCount        int
}

// Object is one stored piece of evidence: a photo or a returned workbook.
type Object struct {
	Name        string `json:"name"` // as received, base name only
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// Result is one recorded exam: what an officer returned for one row of a list,
// with the evidence that backs it. A corrected return is a new version of the
// same exam ID; older versions are kept. Written as JSON lines.
type Result struct {
	Schema     string `json:"schema"`
	ExamID     string `json:"exam_id"`
	Version    int    `json:"version"`
	Supersedes string `json:"supersedes,omitempty"` // manifest SHA-256 of the version corrected

	ListID    string    `json:"exam_list"`
	Port      string    `json:"port"`
	Container string    `json:"container"`
	Bills     []BillRef `json:"bills"`
	Seals     []string  `json:"seals_filed"`
	BoltSeal  string    `json:"bolt_seal,omitempty"` // the high-security seal applied after the exam

	ExamsSelected     []string   `json:"exams_selected"`
	ExamsPerformed    []string   `json:"exams_performed"`
	Outcome           Outcome    `json:"outcome"`
	NotExaminedReason string     `json:"not_examined_reason,omitempty"`
	Findings          string     `json:"findings,omitempty"`
	ExaminedAt        *time.Time `json:"examined_at,omitempty"`
	Officer           string     `json:"officer"`

	PhotoCount int      `json:"photo_count"`
	Photos     []Object `json:"photos"`
	Workbook   Object   `json:"workbook"`

	Selection Selection `json:"selection"`
	// ManifestSHA256 is the evidence manifest that signs this result.
	ManifestSHA256 string    `json:"manifest_sha256"`
	RecordedAt     time.Time `json:"recorded_at"`
}

// RiskNegated reports whether the exam clears the container for the border:
// examined, nothing found, and sealed with a bolt seal afterwards.
func (r *Result) RiskNegated() bool {
	return r.Outcome == OutcomeNoFinding && r.BoltSeal != "" && len(r.ExamsPerformed) > 0
}
