package risk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/icss/icss/internal/lazyre"
	"github.com/icss/icss/transforms/harmonized"
)

// RuleSet is a versioned, testable set of weighted rules, read from YAML. Both agencies
// read, agree on and version the same file; Compile turns it into an Engine.
type RuleSet struct {
	// Name and Version identify the rule set; they go into every assessment.
	Name        string `yaml:"name"`
	Version     string `yaml:"version"`
	Description string `yaml:"description,omitempty"`
	// Bands name score ranges, highest first: a record gets the first band whose Min it
	// reaches.
	Bands []Band `yaml:"bands"`
	// Selection says when a record is selected for exam.
	Selection Selection `yaml:"selection"`
	// History sets how exam outcomes are smoothed into hit rates.
	History HistoryConfig `yaml:"history"`
	// Indicators holds the thresholds of the built-in indicators.
	Indicators IndicatorConfig `yaml:"indicators"`
	// Lists are the reference lists the indicators consult.
	Lists Lists `yaml:"lists"`
	// Watch are the watch lists matched by name with fuzzy matching.
	Watch WatchLists `yaml:"watch"`
	// Rules are evaluated in order; every rule that fires contributes weight × value.
	Rules []Rule `yaml:"rules"`
}

// Band is a named score range.
type Band struct {
	Name string  `yaml:"name"`
	Min  float64 `yaml:"min"`
}

// Selection holds the selection controls (RISK.md §4, #32–35).
type Selection struct {
	// Score selects every record scoring at least this much (path "rule").
	Score float64 `yaml:"score"`
	// Hits selects a record on which at least this many counting rules fired, whatever
	// its score (path "hits"); 0 disables it. It is ASYCUDA's "maximum hits with no
	// selection".
	Hits int `yaml:"hits"`
	// RandomRate is the share of records selected at random (path "random"), drawn from
	// a hash of the seed and the record key so that the draw is reproducible.
	RandomRate float64 `yaml:"random_rate"`
	// Seed seeds the random draw; the command line may override it.
	Seed uint64 `yaml:"seed"`
}

// HistoryConfig sets the smoothing of learned hit rates.
type HistoryConfig struct {
	// Smoothing is m in (hits + m·prior) / (exams + m): how many exams a key needs
	// before its own rate outweighs the overall rate.
	Smoothing float64 `yaml:"smoothing"`
	// MinRecords is how many records the history must have seen before "first-time"
	// and "rare pair" indicators mean anything.
	MinRecords int `yaml:"min_records"`
}

// IndicatorConfig holds the thresholds of the built-in indicators.
type IndicatorConfig struct {
	// UnitValueZ and WeightZ are the robust z-scores (against the commodity's peers in
	// the history) beyond which unit value and weight per piece are outliers.
	UnitValueZ float64 `yaml:"unit_value_z"`
	WeightZ    float64 `yaml:"weight_z"`
	// MinPeers is how many peers a commodity needs before its outliers count.
	MinPeers int `yaml:"min_peers"`
	// RarePair is the largest number of earlier sightings for which a commodity–origin
	// or commodity–port pair is still "rare".
	RarePair int `yaml:"rare_pair"`
	// FilingLeadHours is the advance-filing rule: the manifest is due this many hours
	// before lading (24 under 19 CFR 4.7).
	FilingLeadHours float64 `yaml:"filing_lead_hours"`
}

// Lists are the reference lists consulted by the indicators. Codes are matched as
// prefixes (HS) or exactly (countries, ports).
type Lists struct {
	// HSWatch maps a list name (tobacco, precursors…) to HS prefixes.
	HSWatch map[string][]string `yaml:"hs_watch"`
	// VagueTerms are description phrases that say nothing about the goods.
	VagueTerms []string `yaml:"vague_terms"`
	// VagueAlone are words that are vague when they are the whole description, once
	// counts and package words are set aside ("PARTS", but not "BRAKE PARTS").
	VagueAlone []string `yaml:"vague_alone"`
	// HSKeywords maps a description keyword to the HS chapters (2 digits) it belongs in.
	HSKeywords map[string][]string `yaml:"hs_keywords"`
	// HighRiskPorts are UN/LOCODEs (or country codes) of listed transshipment hubs.
	HighRiskPorts []string `yaml:"high_risk_ports"`
	// ForwarderTerms are name words that mark a forwarder, NVOCC or logistics firm.
	ForwarderTerms []string `yaml:"forwarder_terms"`
	// WPMHS are HS prefixes of goods that usually travel on solid wood packaging.
	WPMHS []string `yaml:"wpm_hs"`
	// WPMOrigins are countries with a poor wood-packaging compliance record.
	WPMOrigins []string `yaml:"wpm_origins"`
	// SoilHS are HS prefixes of soil-prone goods (used vehicles, machinery, tyres).
	SoilHS []string `yaml:"soil_hs"`
	// SoilTerms are description words that make goods soil-prone with any HS (USED…).
	SoilTerms []string `yaml:"soil_terms"`
	// MaxPayloadKG maps an ISO size code prefix ("2", "4", "L") to a container's
	// maximum payload.
	MaxPayloadKG map[string]float64 `yaml:"max_payload_kg"`
}

// Rule is one weighted rule.
type Rule struct {
	// ID is stable across versions (the explanation and the tests quote it).
	ID          string `yaml:"id"`
	Description string `yaml:"description"`
	// Weight is the rule's score when it fires (negative for mitigating rules).
	Weight float64 `yaml:"weight"`
	// When is an expr-lang boolean expression over the facts (see Facts).
	When string `yaml:"when"`
	// Value, when given, is a numeric expression: the contribution is Weight × Value.
	Value string `yaml:"value,omitempty"`
	// Reason is the explanation; {{expr}} placeholders are filled from the facts.
	Reason string `yaml:"reason"`
	// Exams are the exam types the rule calls for (see ExamTypes).
	Exams []string `yaml:"exams,omitempty"`
	// Hit says whether the rule counts towards Selection.Hits (default true).
	Hit *bool `yaml:"hit,omitempty"`
	// Examples must fire (Fire) and must not fire (NotFire); RunExamples checks them.
	Examples Examples `yaml:"examples"`
}

// Examples are a rule's unit tests.
type Examples struct {
	Fire    []Example `yaml:"fire"`
	NotFire []Example `yaml:"not_fire"`
}

// Example is a (partial) harmonized record in its JSON form, written as YAML, with the
// labelled history, if any, that the engine learns before judging it, and the earlier
// versions of its bill, if any.
type Example struct {
	Name    string         `yaml:"name"`
	Record  map[string]any `yaml:"record"`
	History []HistoryCase  `yaml:"history,omitempty"`
	// Versions are earlier filings of the same bill, in filing order.
	Versions []map[string]any `yaml:"versions,omitempty"`
}

// HistoryCase is a labelled record of an example's history.
type HistoryCase struct {
	Record map[string]any `yaml:"record"`
	Hit    bool           `yaml:"hit"`
	Repeat int            `yaml:"repeat,omitempty"`
}

// Exam types a rule may call for.
const (
	ExamNII           = "nii_xray"
	ExamRadiation     = "radiation"
	ExamDevanning     = "devanning"
	ExamWoodPackaging = "wood_packaging"
	ExamSoil          = "soil"
	ExamDocumentary   = "documentary"
)

// ExamTypes lists the exam types in their canonical order.
var ExamTypes = []string{ExamNII, ExamRadiation, ExamDevanning, ExamWoodPackaging, ExamSoil, ExamDocumentary}

var ruleIDPattern = lazyre.New(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// ParseRuleSet reads a rule set from YAML, rejecting unknown keys, fills defaults and
// validates it.
func ParseRuleSet(b []byte) (*RuleSet, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var rs RuleSet
	if err := dec.Decode(&rs); err != nil {
		return nil, fmt.Errorf("rule set: %w", err)
	}
	rs.withDefaults()
	if err := rs.Validate(); err != nil {
		return nil, fmt.Errorf("rule set %q: %w", rs.Name, err)
	}
	return &rs, nil
}

// LoadRuleSet reads and validates a rule-set file.
func LoadRuleSet(path string) (*RuleSet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rs, err := ParseRuleSet(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rs, nil
}

func (rs *RuleSet) withDefaults() {
	if rs.History.Smoothing == 0 {
		rs.History.Smoothing = 10
	}
	if rs.History.MinRecords == 0 {
		rs.History.MinRecords = 100
	}
	ic := &rs.Indicators
	if ic.UnitValueZ == 0 {
		ic.UnitValueZ = 3
	}
	if ic.WeightZ == 0 {
		ic.WeightZ = 3
	}
	if ic.MinPeers == 0 {
		ic.MinPeers = 20
	}
	if ic.FilingLeadHours == 0 {
		ic.FilingLeadHours = 24
	}
	if rs.Watch.Threshold == 0 {
		rs.Watch.Threshold = 0.85
	}
	if len(rs.Bands) == 0 {
		rs.Bands = []Band{{Name: "high", Min: 60}, {Name: "medium", Min: 30}, {Name: "low", Min: -1e308}}
	}
}

// Validate checks the rule set, naming the offending field in each error. It does not
// compile the expressions; Compile does.
func (rs *RuleSet) Validate() error {
	var errs []error
	if strings.TrimSpace(rs.Name) == "" {
		errs = append(errs, errors.New("name: is required"))
	}
	if strings.TrimSpace(rs.Version) == "" {
		errs = append(errs, errors.New("version: is required"))
	}
	for i := 1; i < len(rs.Bands); i++ {
		if rs.Bands[i].Min >= rs.Bands[i-1].Min {
			errs = append(errs, fmt.Errorf("bands[%d].min: %g is not below bands[%d].min %g (highest band first)", i, rs.Bands[i].Min, i-1, rs.Bands[i-1].Min))
		}
	}
	for i, b := range rs.Bands {
		if b.Name == "" {
			errs = append(errs, fmt.Errorf("bands[%d].name: is required", i))
		}
	}
	if rs.Selection.Score <= 0 {
		errs = append(errs, fmt.Errorf("selection.score: %g; a positive selection score is required", rs.Selection.Score))
	}
	if r := rs.Selection.RandomRate; r < 0 || r > 1 {
		errs = append(errs, fmt.Errorf("selection.random_rate: %g is not between 0 and 1", r))
	}
	if rs.Selection.Hits < 0 {
		errs = append(errs, fmt.Errorf("selection.hits: %d is negative", rs.Selection.Hits))
	}
	if rs.History.Smoothing < 0 {
		errs = append(errs, fmt.Errorf("history.smoothing: %g is negative", rs.History.Smoothing))
	}
	if t := rs.Watch.Threshold; t <= 0 || t > 1 {
		errs = append(errs, fmt.Errorf("watch.threshold: %g is not in (0, 1]", t))
	}
	for i, e := range rs.Watch.Entities {
		if strings.TrimSpace(e.Name) == "" {
			errs = append(errs, fmt.Errorf("watch.entities[%d].name: is required", i))
		}
	}
	for i, e := range rs.Watch.Addresses {
		if strings.TrimSpace(e.Name) == "" {
			errs = append(errs, fmt.Errorf("watch.addresses[%d].name: is required", i))
		}
	}
	for i, e := range rs.Watch.Vessels {
		if strings.TrimSpace(e.Name) == "" && e.IMO == "" {
			errs = append(errs, fmt.Errorf("watch.vessels[%d]: name or imo is required", i))
		}
	}
	if len(rs.Rules) == 0 {
		errs = append(errs, errors.New("rules: at least one rule is required"))
	}
	seen := map[string]int{}
	for i := range rs.Rules {
		r := &rs.Rules[i]
		at := fmt.Sprintf("rules[%d]", i)
		if !ruleIDPattern.MatchString(r.ID) {
			errs = append(errs, fmt.Errorf("%s.id: %q is not a letter followed by up to 63 letters, digits, '_', '.', '-'", at, r.ID))
		}
		if j, dup := seen[r.ID]; dup {
			errs = append(errs, fmt.Errorf("%s.id: %q is already used by rules[%d]", at, r.ID, j))
		}
		seen[r.ID] = i
		if strings.TrimSpace(r.When) == "" {
			errs = append(errs, fmt.Errorf("%s (%s).when: is required", at, r.ID))
		}
		if strings.TrimSpace(r.Reason) == "" {
			errs = append(errs, fmt.Errorf("%s (%s).reason: is required", at, r.ID))
		}
		if strings.TrimSpace(r.Description) == "" {
			errs = append(errs, fmt.Errorf("%s (%s).description: is required", at, r.ID))
		}
		for j, e := range r.Exams {
			if !contains(ExamTypes, e) {
				errs = append(errs, fmt.Errorf("%s (%s).exams[%d]: %q is not one of %s", at, r.ID, j, e, strings.Join(ExamTypes, ", ")))
			}
		}
		if len(r.Examples.Fire) == 0 {
			errs = append(errs, fmt.Errorf("%s (%s).examples.fire: at least one example is required", at, r.ID))
		}
		if len(r.Examples.NotFire) == 0 {
			errs = append(errs, fmt.Errorf("%s (%s).examples.not_fire: at least one example is required", at, r.ID))
		}
	}
	return errors.Join(errs...)
}

// exampleRecord turns an example's YAML record into a harmonized record through its JSON
// form, so examples are written exactly like the records the engine scores.
func exampleRecord(m map[string]any) (*harmonized.Record, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	rec := harmonized.New()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// ExampleFailure is an example that did not behave as it says.
type ExampleFailure struct {
	Rule    string
	Example string
	// Want is true for a must-fire example.
	Want bool
	Err  error
}

func (f ExampleFailure) String() string {
	if f.Err != nil {
		return fmt.Sprintf("%s: example %q: %v", f.Rule, f.Example, f.Err)
	}
	if f.Want {
		return fmt.Sprintf("%s: example %q: did not fire, but must", f.Rule, f.Example)
	}
	return fmt.Sprintf("%s: example %q: fired, but must not", f.Rule, f.Example)
}

// ExampleReport is the outcome of RunExamples.
type ExampleReport struct {
	Rules    int
	Examples int
	Failures []ExampleFailure
}

// RunExamples compiles the rule set and runs every rule's examples: a must-fire example
// fails when the rule does not fire on it, a must-not-fire one when it does. Each
// example is judged with a fresh history learned from its own history cases.
func RunExamples(rs *RuleSet) (*ExampleReport, error) {
	eng, err := Compile(rs)
	if err != nil {
		return nil, err
	}
	rep := &ExampleReport{Rules: len(rs.Rules)}
	sc := eng.NewScratch()
	for i := range rs.Rules {
		r := &rs.Rules[i]
		run := func(ex Example, want bool) {
			rep.Examples++
			fail := ExampleFailure{Rule: r.ID, Example: ex.Name, Want: want}
			rec, err := exampleRecord(ex.Record)
			if err != nil {
				fail.Err = fmt.Errorf("record: %w", err)
				rep.Failures = append(rep.Failures, fail)
				return
			}
			h := NewHistory()
			for j, hc := range ex.History {
				hr, err := exampleRecord(hc.Record)
				if err != nil {
					fail.Err = fmt.Errorf("history[%d]: %w", j, err)
					rep.Failures = append(rep.Failures, fail)
					return
				}
				n := max(hc.Repeat, 1)
				for range n {
					h.Learn(hr, Outcome{Examined: true, Hit: hc.Hit})
				}
			}
			e := eng.WithHistory(h)
			if len(ex.Versions) > 0 {
				ledger := harmonized.NewLedger()
				for j, v := range ex.Versions {
					vr, err := exampleRecord(v)
					if err == nil {
						_, err = ledger.Apply(vr)
					}
					if err != nil {
						fail.Err = fmt.Errorf("versions[%d]: %w", j, err)
						rep.Failures = append(rep.Failures, fail)
						return
					}
				}
				if _, err := ledger.Apply(rec); err != nil {
					fail.Err = err
					rep.Failures = append(rep.Failures, fail)
					return
				}
				e = e.WithVersions(ledger)
			}
			fired, err := e.fires(i, rec, sc)
			if err != nil {
				fail.Err = err
				rep.Failures = append(rep.Failures, fail)
				return
			}
			if fired != want {
				rep.Failures = append(rep.Failures, fail)
			}
		}
		for _, ex := range r.Examples.Fire {
			run(ex, true)
		}
		for _, ex := range r.Examples.NotFire {
			run(ex, false)
		}
	}
	sort.SliceStable(rep.Failures, func(a, b int) bool { return rep.Failures[a].Rule < rep.Failures[b].Rule })
	return rep, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
