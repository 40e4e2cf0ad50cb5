package risk

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/icss/icss/transforms/harmonized"
)

// Engine scores harmonized records with a compiled rule set and a learned history. It
// is immutable once built and safe for concurrent use; each goroutine needs its own
// Scratch.
type Engine struct {
	rs             *RuleSet
	rules          []compiledRule
	lists          *lists
	history        *History
	watchEntities  *watchIndex
	watchAddresses *watchIndex
	watchVessels   *watchIndex
	seed           uint64
	referrals      *Referrals
	versions       Versions
	id             string
	// wholeRecord says a rule reads the record itself (the record fact), so Score
	// must decode every field, not only the projection.
	wholeRecord bool
	// vmOnly disables the closures (tests compare both paths).
	vmOnly bool
}

type compiledRule struct {
	*Rule
	when  *vm.Program
	value *vm.Program
	// fastWhen and fastValue are the same expressions as Go closures, when they fall
	// in the subset compileFast handles; nil otherwise.
	fastWhen  fastFn
	fastValue fastFn
	reason    []templatePart
	hit       bool
	exams     uint8
}

// templatePart is literal text, or an expression whose value is printed.
type templatePart struct {
	text string
	prog *vm.Program
}

type vmState struct{ vm vm.VM }

// Compile checks and compiles every expression of the rule set once. Errors name the
// rule and the expression.
func Compile(rs *RuleSet) (*Engine, error) {
	if err := rs.Validate(); err != nil {
		return nil, fmt.Errorf("rule set %q: %w", rs.Name, err)
	}
	e := &Engine{
		rs:             rs,
		lists:          compileLists(&rs.Lists),
		watchEntities:  newWatchIndex(rs.Watch.Entities, rs.Watch.Threshold),
		watchAddresses: newWatchIndex(rs.Watch.Addresses, rs.Watch.Threshold),
		watchVessels:   newWatchIndex(rs.Watch.Vessels, rs.Watch.Threshold),
		seed:           rs.Selection.Seed,
		id:             rs.Name + "@" + rs.Version,
	}
	// The environment is a Facts value, not a pointer: fields of a non-addressable
	// struct reach the VM without a copy each, so a record boxes its facts once.
	env := expr.Env(Facts{})
	var errs []error
	for i := range rs.Rules {
		r := &rs.Rules[i]
		cr := compiledRule{Rule: r, hit: r.Hit == nil || *r.Hit}
		var err error
		if cr.when, err = expr.Compile(r.When, env, expr.AsBool()); err != nil {
			errs = append(errs, fmt.Errorf("rules[%d] (%s).when: %w", i, r.ID, err))
		}
		if r.Value != "" {
			if cr.value, err = expr.Compile(r.Value, env, expr.AsFloat64()); err != nil {
				errs = append(errs, fmt.Errorf("rules[%d] (%s).value: %w", i, r.ID, err))
			}
		}
		if err == nil {
			if fn, ok := compileFast(r.When); ok {
				cr.fastWhen = fn
			}
			if fn, ok := compileFast(r.Value); ok && r.Value != "" {
				cr.fastValue = fn
			}
		}
		if cr.reason, err = compileTemplate(r.Reason, env); err != nil {
			errs = append(errs, fmt.Errorf("rules[%d] (%s).reason: %w", i, r.ID, err))
		}
		e.wholeRecord = e.wholeRecord || readsRecord(r.When) || readsRecord(r.Value)
		for _, p := range cr.reason {
			e.wholeRecord = e.wholeRecord || (p.prog != nil && readsRecord(p.text))
		}
		for _, x := range r.Exams {
			for j, t := range ExamTypes {
				if t == x {
					cr.exams |= 1 << j
				}
			}
		}
		e.rules = append(e.rules, cr)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("rule set %q: %w", rs.Name, err)
	}
	return e, nil
}

// readsRecord reports whether the expression src may read the record fact, by name
// or through $env. An expression that does not parse counts as reading it.
func readsRecord(src string) bool {
	if src == "" {
		return false
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return true
	}
	v := &recordVisitor{}
	ast.Walk(&tree.Node, v)
	return v.found
}

type recordVisitor struct{ found bool }

func (v *recordVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok && (id.Value == "record" || id.Value == "$env") {
		v.found = true
	}
}

// compileTemplate splits "text {{expr}} text" into parts.
func compileTemplate(s string, env expr.Option) ([]templatePart, error) {
	var parts []templatePart
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			if s != "" {
				parts = append(parts, templatePart{text: s})
			}
			return parts, nil
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("unclosed {{ at %q", s[i:])
		}
		if i > 0 {
			parts = append(parts, templatePart{text: s[:i]})
		}
		src := strings.TrimSpace(s[i+2 : i+j])
		p, err := expr.Compile(src, env)
		if err != nil {
			return nil, fmt.Errorf("{{%s}}: %w", src, err)
		}
		parts = append(parts, templatePart{text: src, prog: p})
		s = s[i+j+2:]
	}
}

// RuleSet returns the rule set the engine runs.
func (e *Engine) RuleSet() *RuleSet { return e.rs }

// WithHistory returns a copy of the engine that reads h (nil for none).
func (e *Engine) WithHistory(h *History) *Engine {
	c := *e
	c.history = h
	return &c
}

// WithSeed returns a copy of the engine whose random draw uses seed.
func (e *Engine) WithSeed(seed uint64) *Engine {
	c := *e
	c.seed = seed
	return &c
}

// WithReferrals returns a copy of the engine that selects the referred records.
func (e *Engine) WithReferrals(r *Referrals) *Engine {
	c := *e
	c.referrals = r
	return &c
}

// NewScratch returns buffers for one goroutine.
func (e *Engine) NewScratch() *Scratch {
	return &Scratch{reasons: make([]Reason, 0, len(e.rules))}
}

// Assessment is the engine's verdict on one record.
type Assessment struct {
	// Key is the record's bill key; Index its 0-based position in the input.
	Key   string `json:"key"`
	Index int64  `json:"index"`
	// Score is the sum of the fired rules' contributions; Band its named range.
	Score float64 `json:"score"`
	Band  string  `json:"band"`
	// Hits is how many counting rules fired.
	Hits int `json:"hits"`
	// Selected says whether the record goes to exam and Path which control chose it.
	Selected bool   `json:"selected"`
	Path     string `json:"path,omitempty"`
	// Referral is the referral's reason (and referrer) when Path is "referral".
	Referral string `json:"referral,omitempty"`
	// Exams are the exam types the fired rules call for, in canonical order.
	Exams []string `json:"exams"`
	// Reasons are the fired rules, largest contribution first.
	Reasons []Reason `json:"reasons"`
	// Draw is the record's random draw in [0,1): below the random rate selects it.
	Draw float64 `json:"draw"`
	// RuleSet is "name@version".
	RuleSet string `json:"rule_set"`
	// Port and Day group the record for capacity limits.
	Port string `json:"port,omitempty"`
	Day  string `json:"day,omitempty"`
}

// Reason is one fired rule.
type Reason struct {
	Rule         string  `json:"rule"`
	Contribution float64 `json:"contribution"`
	Text         string  `json:"text"`
}

// Selection paths.
const (
	PathReferral = "referral"
	PathRule     = "rule"
	PathHits     = "hits"
	PathRandom   = "random"
	PathCapacity = "capacity"
)

// fires reports whether rule i fires on rec (used by the examples).
func (e *Engine) fires(i int, rec *harmonized.Record, sc *Scratch) (bool, error) {
	f, err := e.facts(rec, sc)
	if err != nil {
		return false, err
	}
	env := any(*f)
	out, err := sc.vm.vm.Run(e.rules[i].when, env)
	if err != nil {
		return false, err
	}
	return out.(bool), nil
}

// Assess scores one record. The Assessment's slices are owned by the caller.
func (e *Engine) Assess(rec *harmonized.Record, sc *Scratch) (Assessment, error) {
	var a Assessment
	err := e.assess(rec, sc, &a)
	// Copies: the scratch's reasons and the shared exam lists stay the engine's.
	a.Reasons = slices.Clone(a.Reasons)
	a.Exams = slices.Clone(a.Exams)
	return a, err
}

// assess fills a, reusing sc.reasons for a.Reasons (valid until the next call).
func (e *Engine) assess(rec *harmonized.Record, sc *Scratch, a *Assessment) error {
	f, err := e.facts(rec, sc)
	if err != nil {
		return err
	}
	// The facts are boxed for the VM only when a rule or a reason needs it.
	var env any
	boxed := func() any {
		if env == nil {
			env = any(*f)
		}
		return env
	}
	reasons := sc.reasons[:0]
	var exams uint8
	hits := 0
	score := 0.0
	for i := range e.rules {
		r := &e.rules[i]
		var fired bool
		if r.fastWhen != nil && !e.vmOnly {
			fired = r.fastWhen(f).b
		} else {
			out, err := sc.vm.vm.Run(r.when, boxed())
			if err != nil {
				return fmt.Errorf("record %s: rule %s: %w", rec.Key, r.ID, err)
			}
			fired = out.(bool)
		}
		if !fired {
			continue
		}
		c := r.Weight
		if r.value != nil {
			var x float64
			if r.fastValue != nil && !e.vmOnly {
				x = r.fastValue(f).n
			} else {
				v, err := sc.vm.vm.Run(r.value, boxed())
				if err != nil {
					return fmt.Errorf("record %s: rule %s value: %w", rec.Key, r.ID, err)
				}
				x = v.(float64)
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				x = 0
			}
			c *= x
		}
		if c == 0 {
			continue
		}
		score += c
		if r.hit && c > 0 {
			hits++
		}
		exams |= r.exams
		reasons = append(reasons, Reason{Rule: r.ID, Contribution: round2(c), Text: e.reasonText(r, boxed, sc)})
	}
	sort.SliceStable(reasons, func(i, j int) bool {
		if reasons[i].Contribution != reasons[j].Contribution {
			return reasons[i].Contribution > reasons[j].Contribution
		}
		return reasons[i].Rule < reasons[j].Rule
	})
	sc.reasons = reasons
	*a = Assessment{
		Key:     rec.Key,
		Score:   round2(score),
		Hits:    hits,
		Reasons: reasons,
		Exams:   examNames(exams),
		Draw:    e.Draw(rec.Key),
		RuleSet: e.id,
		Port:    f.Port,
		Day:     recordDay(rec),
	}
	a.Band = e.band(a.Score)
	sel := &e.rs.Selection
	switch ref := e.referrals.Match(rec); {
	case ref != nil:
		a.Selected, a.Path, a.Referral = true, PathReferral, ref.String()
	case a.Score >= sel.Score:
		a.Selected, a.Path = true, PathRule
	case sel.Hits > 0 && hits >= sel.Hits:
		a.Selected, a.Path = true, PathHits
	case a.Draw < sel.RandomRate:
		a.Selected, a.Path = true, PathRandom
	}
	return nil
}

// facts computes the record's facts, with the comparison against its previous
// version when the engine has a version store.
func (e *Engine) facts(rec *harmonized.Record, sc *Scratch) (*Facts, error) {
	f := e.computeFacts(rec, sc)
	if e.versions == nil {
		return f, nil
	}
	prev, deleted, err := e.previous(rec)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", rec.Key, err)
	}
	f.Refiled = deleted && rec.Filing.Type != harmonized.FilingDelete
	if prev != nil && rec.Filing.Type == harmonized.FilingAmend {
		f.AmendedFields = changedFields(prev, rec)
	}
	return f, nil
}

// reasonText fills the rule's reason template.
func (e *Engine) reasonText(r *compiledRule, env func() any, sc *Scratch) string {
	if len(r.reason) == 1 && r.reason[0].prog == nil {
		return r.reason[0].text
	}
	b := sc.detail[:0]
	for _, p := range r.reason {
		if p.prog == nil {
			b = append(b, p.text...)
			continue
		}
		v, err := sc.vm.vm.Run(p.prog, env())
		if err != nil {
			b = append(b, "?"...)
			continue
		}
		switch x := v.(type) {
		case string:
			b = append(b, x...)
		case float64:
			b = strconv.AppendFloat(b, x, 'f', -1, 64)
		case int:
			b = strconv.AppendInt(b, int64(x), 10)
		default:
			b = fmt.Append(b, x)
		}
	}
	sc.detail = b
	return string(b)
}

func (e *Engine) band(score float64) string {
	for _, b := range e.rs.Bands {
		if score >= b.Min {
			return b.Name
		}
	}
	return e.rs.Bands[len(e.rs.Bands)-1].Name
}

var examNameSets [64][]string

func init() {
	for m := range examNameSets {
		names := []string{}
		for j, t := range ExamTypes {
			if m&(1<<j) != 0 {
				names = append(names, t)
			}
		}
		examNameSets[m] = names
	}
}

// examNames returns a shared, read-only slice of the exam types in mask.
func examNames(mask uint8) []string { return examNameSets[mask&63] }

// Draw is the record's reproducible random draw in [0, 1): a SplitMix64 hash of the
// seed and the key, so it does not depend on input order or on the other records and
// an auditor can recompute it.
func (e *Engine) Draw(key string) float64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= 1099511628211
	}
	x := h ^ e.seed*0x9E3779B97F4A7C15
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// recordDay is the day the record is due for exam: arrival, else departure, else filing.
func recordDay(rec *harmonized.Record) string {
	for _, d := range []*harmonized.DateTime{rec.Itinerary.Arrival, rec.Itinerary.Departure, rec.Filing.FiledAt} {
		if d != nil && !d.Time.IsZero() {
			return d.Time.Format("2006-01-02")
		}
	}
	return ""
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
