package notices

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/icss/icss/transforms/exam"
)

// Action says whether a notice holds a container or lets it move on.
type Action string

// The actions.
const (
	Hold    Action = "hold"
	Release Action = "release"
)

// Disposition is what one notice tells the carrier: the action, the code written in
// the 350's X4-07 and the CUSRES ERC, and a short text (350 K1, CUSRES FTX+AAO).
type Disposition struct {
	Action Action `yaml:"action" json:"action"`
	Code   string `yaml:"code" json:"code"`
	Text   string `yaml:"text" json:"text"`
}

// Codes is the disposition table: the hold sent when containers are selected, and one
// disposition per exam outcome for when the exam ends. CBSA's codes are not public, so
// the table is configurable; DefaultCodes is the documented default (codes.yaml).
type Codes struct {
	// List and Agency are the ERC C901/1131 code list and C901/3055 agency.
	List     string                       `yaml:"list" json:"list"`
	Agency   string                       `yaml:"agency" json:"agency"`
	Hold     Disposition                  `yaml:"hold" json:"hold"`
	Outcomes map[exam.Outcome]Disposition `yaml:"outcomes" json:"outcomes"`
}

//go:embed codes.yaml
var defaultCodes []byte

// DefaultCodesYAML returns the default table with its documentation, to copy and adapt.
func DefaultCodesYAML() []byte { return slices.Clone(defaultCodes) }

// DefaultCodes returns the default disposition table.
func DefaultCodes() *Codes {
	c, err := ParseCodes(defaultCodes)
	if err != nil {
		panic("notices: the embedded codes.yaml is invalid: " + err.Error())
	}
	return c
}

// ErrCodes is the root of every disposition table error.
var ErrCodes = errors.New("invalid disposition codes")

// ParseCodes reads a disposition table (unknown fields are errors) and validates it.
func ParseCodes(b []byte) (*Codes, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var c Codes
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCodes, err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// LoadCodes reads a disposition table file.
func LoadCodes(path string) (*Codes, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseCodes(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Validate checks the table; every error names its field ("outcomes.seizure.code"),
// and all are returned together.
func (c *Codes) Validate() error {
	var errs []error
	bad := func(field, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", ErrCodes, field, fmt.Sprintf(format, a...)))
	}
	if !token(c.List, 17) {
		bad("list", "%q is not 1 to 17 upper-case letters or digits", c.List)
	}
	if !token(c.Agency, 3) {
		bad("agency", "%q is not 1 to 3 upper-case letters or digits", c.Agency)
	}
	check := func(field string, d Disposition) {
		if d.Action != Hold && d.Action != Release {
			bad(field+".action", "%q is neither hold nor release", d.Action)
		}
		if !token(d.Code, 3) {
			bad(field+".code", "%q is not 1 to 3 upper-case letters or digits (X4-07 holds 3)", d.Code)
		}
		if d.Text == "" || len(d.Text) > 60 || strings.TrimFunc(d.Text, textChar) != "" {
			bad(field+".text", "%q is not 1 to 60 characters among A-Z 0-9 space . , - / ( )", d.Text)
		}
	}
	check("hold", c.Hold)
	if c.Hold.Action != Hold && c.Hold.Action != "" {
		bad("hold.action", "must be hold")
	}
	for _, o := range exam.Outcomes {
		d, ok := c.Outcomes[o]
		if !ok {
			bad("outcomes."+string(o), "is missing: every exam outcome needs a disposition")
			continue
		}
		check("outcomes."+string(o), d)
	}
	for o := range c.Outcomes {
		if !o.Valid() {
			bad("outcomes."+string(o), "is not an exam outcome (%v)", exam.Outcomes)
		}
	}
	return errors.Join(errs...)
}

// ForOutcome returns the disposition of an exam outcome.
func (c *Codes) ForOutcome(o exam.Outcome) (Disposition, error) {
	d, ok := c.Outcomes[o]
	if !ok {
		return Disposition{}, fmt.Errorf("%w: no disposition for exam outcome %q", ErrCodes, o)
	}
	return d, nil
}

// token reports whether s is 1 to max upper-case ASCII letters or digits.
func token(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// textChar reports the characters a disposition text may use: safe in an X12 K1 and an
// EDIFACT FTX whatever the delimiters and syntax level.
func textChar(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(" .,-/()", r)
}
