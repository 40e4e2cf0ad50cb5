package risk

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/icss/icss/transforms/harmonized"
)

// OutcomeField is the Extra entry that carries a labelled record's exam outcome unless
// the caller names another.
const OutcomeField = "outcome"

// OutcomeOf reads a record's exam outcome from rec.Extra[field]: 1, true, yes, hit,
// positive, fraud (any case) or a positive number are hits; 0, false, no, clean,
// negative, nil are examined and clean; an empty or missing value means not examined.
func OutcomeOf(rec *harmonized.Record, field string) (Outcome, error) {
	v := strings.TrimSpace(rec.Extra[field])
	if v == "" {
		return Outcome{}, nil
	}
	switch strings.ToLower(v) {
	case "1", "true", "yes", "y", "hit", "positive", "fraud":
		return Outcome{Examined: true, Hit: true}, nil
	case "0", "false", "no", "n", "clean", "negative", "nil":
		return Outcome{Examined: true}, nil
	}
	if x, err := strconv.ParseFloat(v, 64); err == nil {
		return Outcome{Examined: true, Hit: x > 0}, nil
	}
	return Outcome{}, fmt.Errorf("record %s: %s %q is not an outcome (1/0, true/false, hit/clean)", rec.Key, field, v)
}

// Scored is one evaluated record: its key, score and true outcome.
type Scored struct {
	Key   string
	Score float64
	Hit   bool
}

// Metrics is selection quality at fixed inspection rates (RISK.md §6): the top
// ceil(k % × n) records by score, ties broken by key, are "inspected".
type Metrics struct {
	N           int     `json:"n"`
	Positives   int     `json:"positives"`
	Prevalence  float64 `json:"prevalence"`
	PrecisionAt ByRate  `json:"precision_at"`
	RecallAt    ByRate  `json:"recall_at"`
	LiftAt      ByRate  `json:"lift_at"`
}

// ByRate maps an inspection rate ("1", "2", "5", "10") to a value. Its JSON keeps the
// rates in numeric order.
type ByRate map[string]float64

// MarshalJSON writes the rates in numeric order: {"1":…,"2":…,"5":…,"10":…}.
func (m ByRate) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, errA := strconv.ParseFloat(keys[i], 64)
		b, errB := strconv.ParseFloat(keys[j], 64)
		if errA != nil || errB != nil {
			return keys[i] < keys[j]
		}
		return a < b
	})
	b := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
		v, err := json.Marshal(m[k])
		if err != nil {
			return nil, fmt.Errorf("rate %s: %w", k, err)
		}
		b = append(b, v...)
	}
	return append(b, '}'), nil
}

// Rates are the inspection rates (per cent) Metrics reports.
var Rates = []int{1, 2, 5, 10}

// Evaluate ranks the records by score (highest first, ties by key) and measures
// precision, recall and lift at each of Rates. It sorts s in place.
func Evaluate(s []Scored) Metrics {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Score != s[j].Score {
			return s[i].Score > s[j].Score
		}
		return s[i].Key < s[j].Key
	})
	m := Metrics{N: len(s), PrecisionAt: ByRate{}, RecallAt: ByRate{}, LiftAt: ByRate{}}
	for _, x := range s {
		if x.Hit {
			m.Positives++
		}
	}
	if m.N == 0 {
		return m
	}
	m.Prevalence = float64(m.Positives) / float64(m.N)
	for _, k := range Rates {
		top := int(math.Ceil(float64(k) / 100 * float64(m.N)))
		top = min(max(top, 1), m.N)
		hits := 0
		for _, x := range s[:top] {
			if x.Hit {
				hits++
			}
		}
		key := strconv.Itoa(k)
		p := float64(hits) / float64(top)
		m.PrecisionAt[key] = p
		if m.Positives > 0 {
			m.RecallAt[key] = float64(hits) / float64(m.Positives)
		}
		if m.Prevalence > 0 {
			m.LiftAt[key] = p / m.Prevalence
		}
	}
	return m
}

// String formats the metrics as a small table.
func (m Metrics) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "n %d, positives %d, prevalence %.4f\n", m.N, m.Positives, m.Prevalence)
	fmt.Fprintf(&b, "%-6s %9s %9s %7s\n", "rate", "precision", "recall", "lift")
	for _, k := range Rates {
		key := strconv.Itoa(k)
		fmt.Fprintf(&b, "%5d%% %9.4f %9.4f %7.3f\n", k, m.PrecisionAt[key], m.RecallAt[key], m.LiftAt[key])
	}
	return b.String()
}

// Results are recorded exam outcomes by bill key, the feedback that updates a History.
type Results map[string]Outcome

// ReadResults reads exam results from CSV with a header naming a "bill" (or "key")
// column and an "outcome" column (1/0, true/false, hit/clean…). A bill examined twice
// keeps its last result; a blank outcome is an error.
func ReadResults(r io.Reader) (Results, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("results: header: %w", err)
	}
	bill, out := -1, -1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "bill", "key":
			bill = i
		case "outcome":
			out = i
		}
	}
	if bill < 0 || out < 0 {
		return nil, errors.New(`results: header: need a "bill" (or "key") and an "outcome" column`)
	}
	res := Results{}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return res, nil
		}
		if err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if bill >= len(row) || out >= len(row) {
			return nil, fmt.Errorf("results: line %d: %d fields, too few", line, len(row))
		}
		key := cleanRef(row[bill])
		if key == "" {
			return nil, fmt.Errorf("results: line %d: bill is empty", line)
		}
		rec := &harmonized.Record{Key: key, Extra: map[string]string{OutcomeField: row[out]}}
		o, err := OutcomeOf(rec, OutcomeField)
		if err != nil {
			return nil, fmt.Errorf("results: line %d: %w", line, err)
		}
		if !o.Examined {
			return nil, fmt.Errorf("results: line %d: outcome is empty", line)
		}
		res[key] = o
	}
}

// Interval is a two-sided confidence interval.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// BootstrapPrecision estimates 95 % confidence intervals of precision at each of Rates
// by resampling the evaluated records with replacement n times (RISK.md §6.1). The
// resampling is seeded, so the intervals are reproducible. s must be sorted as
// Evaluate leaves it.
func BootstrapPrecision(s []Scored, n int, seed uint64) map[string]Interval {
	out := map[string]Interval{}
	if len(s) == 0 || n <= 0 {
		return out
	}
	r := rand.New(rand.NewPCG(seed, 0xb007))
	// Resampling a ranked list keeps its order: count how many times each rank is
	// drawn, then walk the ranks.
	counts := make([]int32, len(s))
	samples := map[int][]float64{}
	for range n {
		clear(counts)
		for range len(s) {
			counts[r.IntN(len(s))]++
		}
		for _, k := range Rates {
			top := min(max(int(math.Ceil(float64(k)/100*float64(len(s)))), 1), len(s))
			taken, hits := 0, 0
			for i := 0; i < len(s) && taken < top; i++ {
				c := min(int(counts[i]), top-taken)
				taken += c
				if s[i].Hit {
					hits += c
				}
			}
			samples[k] = append(samples[k], float64(hits)/float64(top))
		}
	}
	for _, k := range Rates {
		v := samples[k]
		sort.Float64s(v)
		out[strconv.Itoa(k)] = Interval{Low: v[int(0.025*float64(len(v)))], High: v[min(len(v)-1, int(0.975*float64(len(v))))]}
	}
	return out
}
