package examlist

import (
	"time"

	"github.com/icss/icss/transforms/exam"
)

// MetaSchema names the form of Meta kept in a workbook's hidden sheet.
const MetaSchema = "icss.exam-list/1"

// List is one exam list: the containers one port is to examine for one cut-off.
type List struct {
	Meta    Meta
	Entries []exam.Entry
}

// Meta describes a list as a whole.
type Meta struct {
	Schema string `json:"schema"`
	ListID string `json:"list_id"`
	// Port is the port of examination (UN/LOCODE).
	Port string `json:"port"`
	// Cutoff is when the list was cut; for a daily list, the start of its day.
	Cutoff time.Time `json:"cutoff"`
	Daily  bool      `json:"daily"`
	// Zone is the port's time zone (IANA name): the dates and times in the
	// workbook, written and read back, are wall-clock times there.
	Zone     string    `json:"zone"`
	IssuedAt time.Time `json:"issued_at"`
	// RuleSet is the rule set (name@version) that selected the rows; several joined
	// with ", " when the assessments disagree.
	RuleSet string `json:"rule_set"`
	// Rows is the number of containers; ByPath and ByExam count them by selection
	// path and by exam type (a container counts once per exam type it is to get).
	Rows   int            `json:"rows"`
	ByPath map[string]int `json:"by_path"`
	ByExam map[string]int `json:"by_exam"`
}

// location returns the port's zone, UTC when unknown.
func (m *Meta) location() *time.Location {
	if loc, err := time.LoadLocation(m.Zone); err == nil && m.Zone != "" {
		return loc
	}
	return time.UTC
}
