package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/risk"
	"github.com/icss/icss/transforms/tabular"
)

func newRiskCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "risk",
		Short: "Score harmonized records for risk, test rule sets, learn from exam outcomes",
	}
	cmd.AddCommand(newRiskScoreCommand(), newRiskTestCommand(), newRiskLearnCommand(), newRiskBacktestCommand(), newRiskRulesCommand())
	return cmd
}

type riskScoreOptions struct {
	Rules, History, Out, Referrals, Versions string
	Seed                                     uint64
	SeedSet                                  bool
	Capacity, Workers                        int
}

func newRiskScoreCommand() *cobra.Command {
	var opts riskScoreOptions
	cmd := &cobra.Command{
		Use:   "score [--rules FILE] [--history FILE] [--referrals FILE] [--out FILE] RECORDS.jsonl",
		Short: "Score harmonized records (JSON lines) and write one assessment per line",
		Long: `Score reads harmonized records, one JSON object per line ("-" for standard input),
and writes for each, in input order, one JSON assessment: score, band, whether it is
selected and by which path (referral, rule, hits, random, capacity), the recommended
exam types and the fired rules with their contributions and reasons.

--rules is a rule-set YAML file (default: the shipped rule set, see "icss risk rules");
--history a history learned by "icss risk learn"; --referrals a CSV of partner and
officer referrals (columns source, bill, container, reason, referrer); --capacity K
keeps at most K selections per port and day (referrals and random picks first);
--seed replaces the rule set's random seed; --versions names earlier filings (JSON
lines) so that an amendment is compared with the version it replaces (changed parties,
goods, weight, containers; bills deleted and filed again). The same inputs, rule set
and seed always give the same output.

Exit status: 0 on success, 2 for usage, I/O or input errors (the message names the
file and line).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.SeedSet = cmd.Flags().Changed("seed")
			return runRiskScore(cmd, opts, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Rules, "rules", "", "rule-set YAML file (default: the shipped rule set)")
	f.StringVar(&opts.History, "history", "", "learned history (JSON from icss risk learn)")
	f.StringVar(&opts.Referrals, "referrals", "", "referrals CSV (source, bill, container, reason, referrer)")
	f.StringVar(&opts.Versions, "versions", "", "earlier filings (harmonized JSON lines) to compare amendments with")
	f.StringVar(&opts.Out, "out", "", "output file (default: standard output)")
	f.Uint64Var(&opts.Seed, "seed", 0, "seed of the random selection (default: the rule set's)")
	f.IntVar(&opts.Capacity, "capacity", 0, "exam budget per port and day (0: unlimited)")
	f.IntVar(&opts.Workers, "workers", 0, "scoring goroutines (default: the number of CPUs)")
	return cmd
}

// exactArgs is cobra.ExactArgs whose failure is a usage error (exit status 2).
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

func loadEngine(rulesPath, historyPath string) (*risk.Engine, error) {
	rs := risk.DefaultRuleSet()
	if rulesPath != "" {
		var err error
		if rs, err = risk.LoadRuleSet(rulesPath); err != nil {
			return nil, err
		}
	}
	eng, err := risk.Compile(rs)
	if err != nil {
		return nil, err
	}
	if historyPath != "" {
		h, err := risk.LoadHistory(historyPath)
		if err != nil {
			return nil, err
		}
		eng = eng.WithHistory(h)
	}
	return eng, nil
}

func runRiskScore(cmd *cobra.Command, opts riskScoreOptions, input string) error {
	eng, err := loadEngine(opts.Rules, opts.History)
	if err != nil {
		return err
	}
	if opts.SeedSet {
		eng = eng.WithSeed(opts.Seed)
	}
	if opts.Referrals != "" {
		f, err := os.Open(opts.Referrals)
		if err != nil {
			return err
		}
		refs, err := risk.ReadReferrals(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", opts.Referrals, err)
		}
		eng = eng.WithReferrals(risk.NewReferrals(refs))
	}
	if opts.Versions != "" {
		ledger := harmonized.NewLedger()
		if err := eachLabelled("", opts.Versions, risk.OutcomeField, func(rec *harmonized.Record, _ risk.Outcome) error {
			_, err := ledger.Apply(rec)
			return err
		}); err != nil {
			return err
		}
		eng = eng.WithVersions(ledger)
	}
	in, err := openInput(input)
	if err != nil {
		return err
	}
	defer in.Close()
	var out io.Writer = cmd.OutOrStdout()
	var file *os.File
	if opts.Out != "" && opts.Out != "-" {
		if file, err = os.Create(opts.Out); err != nil {
			return err
		}
		out = file
	}
	stats, err := eng.Score(cmd.Context(), in, out, risk.StreamOptions{Workers: opts.Workers, Capacity: opts.Capacity, Name: input})
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(stats.ByPath))
	for _, p := range []string{risk.PathReferral, risk.PathRule, risk.PathHits, risk.PathRandom, risk.PathCapacity, risk.PathOverCapacity} {
		if n := stats.ByPath[p]; n > 0 {
			paths = append(paths, fmt.Sprintf("%s %d", p, n))
		}
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "scored %d records, selected %d (%s)\n", stats.Records, stats.Selected, strings.Join(paths, ", "))
	return nil
}

func newRiskTestCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "test [RULES.yaml]",
		Short: "Run a rule set's examples like unit tests",
		Long: `Test compiles the rule set (default: the shipped one) and runs every rule's
examples: each must-fire example must fire its rule and each must-not-fire example
must not. Failures are listed one per line.

Exit status: 0 when every example passes, 1 when any fails, 2 when the rule set
cannot be read or compiled.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return &usageError{errors.New("at most one rule-set file")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			rs := risk.DefaultRuleSet()
			name := "default rule set"
			if len(args) == 1 {
				var err error
				if rs, err = risk.LoadRuleSet(args[0]); err != nil {
					return err
				}
				name = args[0]
			}
			rep, err := risk.RunExamples(rs)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, f := range rep.Failures {
				fmt.Fprintln(out, "FAIL", f)
			}
			fmt.Fprintf(out, "%s (%s@%s): %d rules, %d examples, %d failed\n", name, rs.Name, rs.Version, rep.Rules, rep.Examples, len(rep.Failures))
			if len(rep.Failures) > 0 {
				return errInvalidInput
			}
			return nil
		},
	}
}

func newRiskRulesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "rules",
		Short: "Print the shipped rule set (YAML), to copy and adapt",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(risk.DefaultRuleSetYAML())
			return err
		},
	}
}

type riskLearnOptions struct {
	Mapping, Out, Outcome, From, Results string
}

func newRiskLearnCommand() *cobra.Command {
	var opts riskLearnOptions
	cmd := &cobra.Command{
		Use:   "learn [--mapping FILE] [--from HISTORY.json] [--results RESULTS.csv] --out HISTORY.json FILE...",
		Short: "Learn hit rates and peer statistics from records and exam outcomes",
		Long: `Learn reads records with their exam outcomes and writes the history
"icss risk score --history" uses. With --mapping the inputs are CSV or XLSX tables read
through that column mapping; without, they are harmonized records as JSON lines.

A record's outcome is its result in --results (a CSV with "bill" and "outcome" columns,
the exam results recorded by bill key) if it is there, else the record's extra field
named by --outcome (default "outcome"): 1/true/hit is a hit, 0/false/clean a clean
exam, empty means not examined (the record still counts as seen, for first-time and
rare-pair indicators and peer statistics). --from starts from an existing history, so
each day's records and results update it.

Exit status: 0 on success, 2 for usage, I/O or input errors.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Out == "" {
				return &usageError{errors.New("--out is required")}
			}
			h := risk.NewHistory()
			if opts.From != "" {
				var err error
				if h, err = risk.LoadHistory(opts.From); err != nil {
					return err
				}
			}
			var results risk.Results
			if opts.Results != "" {
				f, err := os.Open(opts.Results)
				if err != nil {
					return err
				}
				results, err = risk.ReadResults(f)
				f.Close()
				if err != nil {
					return fmt.Errorf("%s: %w", opts.Results, err)
				}
			}
			for _, name := range args {
				if err := eachLabelled(opts.Mapping, name, opts.Outcome, func(rec *harmonized.Record, o risk.Outcome) error {
					if r, ok := results[rec.Key]; ok {
						o = r
					}
					h.Learn(rec, o)
					return nil
				}); err != nil {
					return err
				}
			}
			f, err := os.Create(opts.Out)
			if err != nil {
				return err
			}
			if _, err := h.WriteTo(f); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "learned %.0f records, %.0f examined, %.0f hits\n", h.Records, h.Examined, h.Hits)
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Mapping, "mapping", "", "column mapping (YAML) for CSV/XLSX inputs")
	cmd.Flags().StringVar(&opts.Out, "out", "", "history file to write")
	cmd.Flags().StringVar(&opts.Outcome, "outcome", risk.OutcomeField, "extra field holding the exam outcome")
	cmd.Flags().StringVar(&opts.From, "from", "", "history to update (default: start empty)")
	cmd.Flags().StringVar(&opts.Results, "results", "", "exam results CSV (bill, outcome)")
	return cmd
}

// eachLabelled calls fn for every record of a table (with a mapping) or a JSON-lines
// file (without), with its outcome.
func eachLabelled(mappingPath, name, outcome string, fn func(*harmonized.Record, risk.Outcome) error) error {
	each := func(rec *harmonized.Record) error {
		o, err := risk.OutcomeOf(rec, outcome)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return fn(rec, o)
	}
	if mappingPath != "" {
		m, err := tabular.LoadMapping(mappingPath)
		if err != nil {
			return err
		}
		rd, err := tabular.Open(name, m)
		if err != nil {
			return err
		}
		defer rd.Close()
		for {
			rec, err := rd.Read()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := each(rec); err != nil {
				return err
			}
		}
	}
	in, err := openInput(name)
	if err != nil {
		return err
	}
	defer in.Close()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		rec := harmonized.New()
		if err := json.Unmarshal(sc.Bytes(), rec); err != nil {
			return fmt.Errorf("%s: line %d: %w", name, line, err)
		}
		if err := each(rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: line %d: %w", name, line+1, err)
	}
	return nil
}

type riskBacktestOptions struct {
	Mapping, History, Eval, Outcome, Rules string
	JSON                                   bool
	Bootstrap                              int
	// Simulate is the weekly exam budget in per cent (0: no simulation); RandomShare
	// the share of it drawn at random.
	Simulate, RandomShare float64
}

// simResult is one strategy of the weekly simulation.
type simResult struct {
	Strategy          string          `json:"strategy"`
	MeanNormPrecision float64         `json:"mean_norm_precision"`
	Batches           []risk.SimBatch `json:"batches"`
}

func newRiskBacktestCommand() *cobra.Command {
	var opts riskBacktestOptions
	cmd := &cobra.Command{
		Use:   "backtest --mapping FILE --history FILE[,FILE...] --eval FILE [--rules FILE] [--json]",
		Short: "Learn from labelled history, score a later labelled file, report precision and recall",
		Long: `Backtest learns only from the --history files (labelled records read through the
--mapping column mapping, the outcome in the extra field named by --outcome), scores
the --eval file with the rule set and that history, ranks it by score (ties by record
key) and reports n, prevalence, and precision, recall and lift when inspecting the
top 1, 2, 5 and 10 % (ceil(k % × n) records). With --json it prints one object:
{"n":…,"prevalence":…,"precision_at":{"1":…},"recall_at":{…},"lift_at":{…}}.
--bootstrap N adds 95 % confidence intervals of the precisions from N seeded
resamples of the evaluated records ("precision_ci" in the JSON).

--simulate K runs the feedback loop on the --eval file week by week (RISK.md §6.3):
each week K % of the records are examined, --random-share of them (default 0.1) at
random and the rest by score; only examined records reveal their outcome and the
history learns from them before the next week. It compares the engine with its random
floor, the engine without one, and random selection alone ("simulation" in the JSON).

Exit status: 0 on success, 2 for usage, I/O or input errors.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Mapping == "" || opts.History == "" || opts.Eval == "" {
				return &usageError{errors.New("--mapping, --history and --eval are required")}
			}
			m, ci, sims, err := runRiskBacktest(opts)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if opts.JSON {
				return json.NewEncoder(out).Encode(struct {
					N           int                      `json:"n"`
					Prevalence  float64                  `json:"prevalence"`
					PrecisionAt risk.ByRate              `json:"precision_at"`
					RecallAt    risk.ByRate              `json:"recall_at"`
					LiftAt      risk.ByRate              `json:"lift_at"`
					PrecisionCI map[string]risk.Interval `json:"precision_ci,omitempty"`
					Simulation  []simResult              `json:"simulation,omitempty"`
				}{m.N, m.Prevalence, m.PrecisionAt, m.RecallAt, m.LiftAt, ci, sims})
			}
			fmt.Fprint(out, m)
			if len(ci) > 0 {
				fmt.Fprintf(out, "precision 95 %% intervals (%d resamples):", opts.Bootstrap)
				for _, k := range risk.Rates {
					iv := ci[strconv.Itoa(k)]
					fmt.Fprintf(out, " %d%% [%.3f, %.3f]", k, iv.Low, iv.High)
				}
				fmt.Fprintln(out)
			}
			if len(sims) > 0 {
				printSimulation(out, opts, sims)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Mapping, "mapping", "", "column mapping (YAML) of the labelled tables")
	f.StringVar(&opts.History, "history", "", "labelled tables to learn from, comma-separated")
	f.StringVar(&opts.Eval, "eval", "", "labelled table to evaluate on")
	f.StringVar(&opts.Outcome, "outcome", risk.OutcomeField, "extra field holding the exam outcome")
	f.StringVar(&opts.Rules, "rules", "", "rule-set YAML file (default: the shipped rule set)")
	f.BoolVar(&opts.JSON, "json", false, "print one JSON object")
	f.IntVar(&opts.Bootstrap, "bootstrap", 0, "resamples for 95 % confidence intervals of the precisions (0: none)")
	f.Float64Var(&opts.Simulate, "simulate", 0, "weekly exam budget in per cent for the feedback-loop simulation (0: none)")
	f.Float64Var(&opts.RandomShare, "random-share", 0.1, "share of the simulated budget drawn at random")
	return cmd
}

func runRiskBacktest(opts riskBacktestOptions) (risk.Metrics, map[string]risk.Interval, []simResult, error) {
	eng, err := loadEngine(opts.Rules, "")
	if err != nil {
		return risk.Metrics{}, nil, nil, err
	}
	h := risk.NewHistory()
	for _, name := range strings.Split(opts.History, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if err := eachLabelled(opts.Mapping, name, opts.Outcome, func(rec *harmonized.Record, o risk.Outcome) error {
			h.Learn(rec, o)
			return nil
		}); err != nil {
			return risk.Metrics{}, nil, nil, err
		}
	}
	learned := eng.WithHistory(h)
	sc := learned.NewScratch()
	var scored []risk.Scored
	var labelled []risk.Labelled
	err = eachLabelled(opts.Mapping, opts.Eval, opts.Outcome, func(rec *harmonized.Record, o risk.Outcome) error {
		if !o.Examined {
			return nil // an unlabelled record cannot be judged
		}
		a, err := learned.Assess(rec, sc)
		if err != nil {
			return err
		}
		scored = append(scored, risk.Scored{Key: rec.Key, Score: a.Score, Hit: o.Hit})
		if opts.Simulate > 0 {
			labelled = append(labelled, risk.Labelled{Record: rec, Outcome: o})
		}
		return nil
	})
	if err != nil {
		return risk.Metrics{}, nil, nil, err
	}
	m := risk.Evaluate(scored)
	var ci map[string]risk.Interval
	if opts.Bootstrap > 0 {
		ci = risk.BootstrapPrecision(scored, opts.Bootstrap, 1)
	}
	var sims []simResult
	if opts.Simulate > 0 {
		names, batches := risk.WeeklyBatches(labelled)
		for _, st := range []struct {
			name  string
			share float64
		}{{fmt.Sprintf("engine, %.0f %% random", opts.RandomShare*100), opts.RandomShare}, {"engine, no random floor", 0}, {"random only", 1}} {
			res, err := eng.Simulate(h, names, batches, risk.SimConfig{Budget: opts.Simulate / 100, RandomShare: st.share})
			if err != nil {
				return risk.Metrics{}, nil, nil, err
			}
			sum := 0.0
			for _, b := range res {
				sum += b.NormPrecision
			}
			sims = append(sims, simResult{Strategy: st.name, MeanNormPrecision: sum / float64(max(len(res), 1)), Batches: res})
		}
	}
	return m, ci, sims, nil
}

func printSimulation(w io.Writer, opts riskBacktestOptions, sims []simResult) {
	fmt.Fprintf(w, "weekly simulation, budget %g %%: precision per week (norm-precision), only examined records teach the history\n", opts.Simulate)
	fmt.Fprintf(w, "%-9s %6s %8s", "week", "n", "examined")
	for _, s := range sims {
		fmt.Fprintf(w, " %26s", s.Strategy)
	}
	fmt.Fprintln(w)
	for i, b := range sims[0].Batches {
		fmt.Fprintf(w, "%-9s %6d %8d", b.Batch, b.N, b.Examined)
		for _, s := range sims {
			x := s.Batches[i]
			fmt.Fprintf(w, " %18.3f (%.3f)", x.Precision, x.NormPrecision)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%-25s", "mean norm-precision")
	for _, s := range sims {
		fmt.Fprintf(w, " %26.3f", s.MeanNormPrecision)
	}
	fmt.Fprintln(w)
}
