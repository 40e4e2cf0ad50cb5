package risk

import (
	"bytes"
	"fmt"
	"math"
	"sort"

	"github.com/icss/icss/transforms/harmonized"
)

// Labelled is a record with its true exam outcome, for backtests and simulations.
type Labelled struct {
	Record  *harmonized.Record
	Outcome Outcome
}

// SimConfig sets a selection simulation (RISK.md §6.3).
type SimConfig struct {
	// Budget is the share of each batch that can be examined (0.05 for 5 %).
	Budget float64
	// RandomShare is the share of the budget drawn at random, lowest draws first
	// (0.1 keeps a tenth of the exams unbiased; 1 is random selection only).
	RandomShare float64
}

// SimBatch is one batch of a simulation.
type SimBatch struct {
	// Batch names the batch (the ISO week, "2021-W03").
	Batch string `json:"batch"`
	// N records, Positives of them non-compliant; Examined were selected, Hits of
	// those were non-compliant.
	N         int `json:"n"`
	Positives int `json:"positives"`
	Examined  int `json:"examined"`
	Hits      int `json:"hits"`
	// Precision is Hits / Examined; NormPrecision divides it by what an oracle could
	// reach, min(1, Positives / Examined).
	Precision     float64 `json:"precision"`
	NormPrecision float64 `json:"norm_precision"`
}

// WeeklyBatches groups labelled records by the ISO week of their exam day (arrival,
// else departure, else filing), in date order; undated records form a last batch.
func WeeklyBatches(recs []Labelled) ([]string, [][]Labelled) {
	byWeek := map[string][]Labelled{}
	for _, l := range recs {
		week := "undated"
		for _, d := range []*harmonized.DateTime{l.Record.Itinerary.Arrival, l.Record.Itinerary.Departure, l.Record.Filing.FiledAt} {
			if d != nil && !d.Time.IsZero() {
				y, w := d.Time.ISOWeek() // the calendar of the place, as recordDay
				week = fmt.Sprintf("%04d-W%02d", y, w)
				break
			}
		}
		byWeek[week] = append(byWeek[week], l)
	}
	names := sortedKeys(byWeek)
	batches := make([][]Labelled, len(names))
	for i, n := range names {
		batches[i] = byWeek[n]
	}
	return names, batches
}

// Simulate runs the feedback loop batch by batch, starting from a copy of h: each batch
// is scored with what has been learned so far, the budget is filled (random share
// first, then by score, ties by key), only the selected records reveal their outcomes,
// and the history learns them (the others as seen, unexamined) before the next batch.
// It measures the loop and drift, as in the gATE/ADAPT protocol.
func (e *Engine) Simulate(h *History, names []string, batches [][]Labelled, cfg SimConfig) ([]SimBatch, error) {
	if cfg.Budget <= 0 || cfg.Budget > 1 {
		return nil, fmt.Errorf("simulate: budget %g is not in (0, 1]", cfg.Budget)
	}
	if cfg.RandomShare < 0 || cfg.RandomShare > 1 {
		return nil, fmt.Errorf("simulate: random share %g is not in [0, 1]", cfg.RandomShare)
	}
	h, err := h.clone()
	if err != nil {
		return nil, err
	}
	eng := e.WithHistory(h)
	sc := eng.NewScratch()
	var out []SimBatch
	type cand struct {
		i     int
		key   string
		score float64
		draw  float64
	}
	for bi, batch := range batches {
		cs := make([]cand, len(batch))
		sb := SimBatch{Batch: names[bi], N: len(batch)}
		for i, l := range batch {
			var a Assessment
			if err := eng.assess(l.Record, sc, &a); err != nil {
				return nil, err
			}
			cs[i] = cand{i, l.Record.Key, a.Score, a.Draw}
			if l.Outcome.Hit {
				sb.Positives++
			}
		}
		k := min(int(math.Ceil(cfg.Budget*float64(len(batch)))), len(batch))
		nRandom := int(math.Round(cfg.RandomShare * float64(k)))
		picked := make([]bool, len(batch))
		sort.Slice(cs, func(a, b int) bool {
			if cs[a].draw != cs[b].draw {
				return cs[a].draw < cs[b].draw
			}
			return cs[a].key < cs[b].key
		})
		for _, c := range cs[:nRandom] {
			picked[c.i] = true
		}
		sort.Slice(cs, func(a, b int) bool {
			if cs[a].score != cs[b].score {
				return cs[a].score > cs[b].score
			}
			return cs[a].key < cs[b].key
		})
		for _, c := range cs {
			if sb.Examined+nRandom >= k {
				break
			}
			if !picked[c.i] {
				picked[c.i] = true
				sb.Examined++
			}
		}
		sb.Examined += nRandom
		for i, l := range batch {
			if picked[i] {
				if l.Outcome.Hit {
					sb.Hits++
				}
				h.Learn(l.Record, Outcome{Examined: true, Hit: l.Outcome.Hit})
			} else {
				h.Learn(l.Record, Outcome{})
			}
		}
		if sb.Examined > 0 {
			sb.Precision = float64(sb.Hits) / float64(sb.Examined)
			if best := min(1, float64(sb.Positives)/float64(sb.Examined)); best > 0 {
				sb.NormPrecision = sb.Precision / best
			}
		}
		out = append(out, sb)
	}
	return out, nil
}

// clone copies the history through its JSON form.
func (h *History) clone() (*History, error) {
	if h == nil {
		return NewHistory(), nil
	}
	var buf bytes.Buffer
	if _, err := h.WriteTo(&buf); err != nil {
		return nil, err
	}
	return ReadHistory(&buf)
}
