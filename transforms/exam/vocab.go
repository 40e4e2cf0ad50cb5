package exam

import (
	"fmt"
	"strings"

	"github.com/icss/icss/transforms/risk"
)

// ExamTypes are the exam types in canonical order, as the risk engine names
// them (risk.ExamTypes): the codes written in results.
var ExamTypes = risk.ExamTypes

// examLabels are what an officer reads in a list and picks in a dropdown.
var examLabels = map[string]string{
	risk.ExamNII:           "NII x-ray",
	risk.ExamRadiation:     "Radiation",
	risk.ExamDevanning:     "Devanning",
	risk.ExamWoodPackaging: "Wood packaging (ISPM 15)",
	risk.ExamSoil:          "Soil",
	risk.ExamDocumentary:   "Documentary",
}

// ExamLabel returns the plain-word label of an exam type code.
func ExamLabel(code string) string {
	if l, ok := examLabels[code]; ok {
		return l
	}
	return code
}

// ParseExamType accepts a code or a label, ignoring case and surrounding
// space, and returns the code.
func ParseExamType(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, code := range ExamTypes {
		if strings.EqualFold(s, code) || strings.EqualFold(s, examLabels[code]) {
			return code, nil
		}
	}
	return "", fmt.Errorf("exam type %q is not one of %s", s, strings.Join(ExamLabels(), ", "))
}

// ExamLabels lists the labels in canonical order (a dropdown's values).
func ExamLabels() []string {
	out := make([]string, len(ExamTypes))
	for i, c := range ExamTypes {
		out[i] = examLabels[c]
	}
	return out
}

// OpensContainer reports whether an exam type breaks the container's seal, so
// that a bolt seal must be applied before it travels on.
func OpensContainer(code string) bool {
	switch code {
	case risk.ExamDevanning, risk.ExamWoodPackaging, risk.ExamSoil:
		return true
	}
	return false
}

// Outcome is what an exam concluded.
type Outcome string

// The outcomes. NotExamined always comes with a NotExaminedReason.
const (
	OutcomeNoFinding   Outcome = "no_finding"
	OutcomeDiscrepancy Outcome = "discrepancy"
	OutcomeSeizure     Outcome = "seizure"
	OutcomeReferred    Outcome = "referred_to_partner"
	OutcomeNotExamined Outcome = "not_examined"
)

// Outcomes lists the outcomes in the order a dropdown shows them.
var Outcomes = []Outcome{OutcomeNoFinding, OutcomeDiscrepancy, OutcomeSeizure, OutcomeReferred, OutcomeNotExamined}

var outcomeLabels = map[Outcome]string{
	OutcomeNoFinding:   "No finding",
	OutcomeDiscrepancy: "Discrepancy",
	OutcomeSeizure:     "Seizure",
	OutcomeReferred:    "Referred to partner",
	OutcomeNotExamined: "Not examined",
}

// Label returns the outcome's plain words.
func (o Outcome) Label() string {
	if l, ok := outcomeLabels[o]; ok {
		return l
	}
	return string(o)
}

// Valid reports whether o is one of Outcomes.
func (o Outcome) Valid() bool { _, ok := outcomeLabels[o]; return ok }

// Reasons a selected container was not examined.
const (
	ReasonLeftBeforeExam = "left_before_exam"
	ReasonNotLocated     = "not_located"
	ReasonCapacity       = "capacity"
	ReasonOther          = "other"
)

// NotExaminedReasons lists them in dropdown order.
var NotExaminedReasons = []string{ReasonLeftBeforeExam, ReasonNotLocated, ReasonCapacity, ReasonOther}

var reasonLabels = map[string]string{
	ReasonLeftBeforeExam: "left before exam",
	ReasonNotLocated:     "not located",
	ReasonCapacity:       "no capacity",
	ReasonOther:          "other (see findings)",
}

// OutcomeChoices are the values of the outcome dropdown: every outcome, the
// not-examined one once per reason ("Not examined: left before exam").
func OutcomeChoices() []string {
	var out []string
	for _, o := range Outcomes {
		if o != OutcomeNotExamined {
			out = append(out, o.Label())
			continue
		}
		for _, r := range NotExaminedReasons {
			out = append(out, o.Label()+": "+reasonLabels[r])
		}
	}
	return out
}

// ParseOutcome reads a dropdown value (or an outcome code, optionally
// followed by ": reason"), ignoring case and surrounding space, and returns
// the outcome and, for not examined, the reason code.
func ParseOutcome(s string) (Outcome, string, error) {
	s = strings.TrimSpace(s)
	head, tail, hasTail := strings.Cut(s, ":")
	head, tail = strings.TrimSpace(head), strings.TrimSpace(tail)
	for _, o := range Outcomes {
		if !strings.EqualFold(head, o.Label()) && !strings.EqualFold(head, string(o)) {
			continue
		}
		if o != OutcomeNotExamined {
			if hasTail {
				break
			}
			return o, "", nil
		}
		for _, r := range NotExaminedReasons {
			if strings.EqualFold(tail, reasonLabels[r]) || strings.EqualFold(tail, r) {
				return o, r, nil
			}
		}
		return "", "", fmt.Errorf("outcome %q needs a reason: one of %q", s, OutcomeChoices()[len(Outcomes)-1:])
	}
	return "", "", fmt.Errorf("outcome %q is not one of %q", s, OutcomeChoices())
}
