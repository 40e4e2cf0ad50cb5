package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/transforms/results"
)

func newResultsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "results",
		Short: "Signed result batches for the partner agency",
	}
	var opts resultsBuildOptions
	build := &cobra.Command{
		Use:   "build --results results.jsonl --key icss-signing.key --out DIR",
		Short: "Write the next signed batch of exam results into DIR",
		Long: `Build writes into DIR the next batch of partner result files: every result of
--results (exam results, JSON lines) not already in a batch in DIR, as
results-<port>-<seq>.jsonl and .csv per port, manifest-<seq>.json and its
ed25519 signature manifest-<seq>.json.sig. Sequence numbers start at 1 and
never skip; the batches already in DIR say what was sent, so building again
from the same results writes nothing. Officers appear as pseudonyms keyed from
the signing key. The formats: transforms/results/row.schema.json and
manifest.schema.json, docs/partner.md.

Exit status: 0 on success (also when there was nothing new), 2 for bad results,
usage or I/O failure.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runResultsBuild(cmd, cmd.OutOrStdout(), opts)
		},
	}
	build.Flags().StringVar(&opts.Results, "results", "", "exam results (JSON lines; - for standard input)")
	build.Flags().StringVar(&opts.Key, "key", "", "the signing key (icss keys generate)")
	build.Flags().StringVar(&opts.Out, "out", "", "the directory of batches")
	cmd.AddCommand(build)
	return cmd
}

type resultsBuildOptions struct{ Results, Key, Out string }

func runResultsBuild(cmd *cobra.Command, w io.Writer, o resultsBuildOptions) error {
	if o.Results == "" || o.Key == "" || o.Out == "" {
		return &usageError{fmt.Errorf("--results, --key and --out are required")}
	}
	key, err := signing.LoadPrivateKey(o.Key)
	if err != nil {
		return err
	}
	var in io.Reader = os.Stdin
	if o.Results != "-" {
		f, err := os.Open(o.Results)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	b, err := results.Build(cmd.Context(), in, results.BuildOptions{Dir: o.Out, Key: key, Source: o.Results})
	if err != nil {
		return err
	}
	if b == nil {
		fmt.Fprintf(w, "no new results: every result of %s is in a batch in %s\n", o.Results, o.Out)
		return nil
	}
	c := b.Manifest.Counts
	fmt.Fprintf(w, "batch %d: %d rows (%d risk negated, %d referrals answered, %d corrections), manifest SHA-256 %s, key %s\n",
		b.Seq, c.Rows, c.RiskNegated, c.Referrals, c.Corrections, b.ManifestSHA256, b.Manifest.KeyID)
	for _, f := range b.Files {
		fmt.Fprintf(w, "  %s\n", f)
	}
	return nil
}
