package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/icss/icss/config"
	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/storage/state"
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
manifest.schema.json, and the README's "For partner integrators".

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
	cmd.AddCommand(build, newResultsDeliverCommand())
	return cmd
}

type resultsDeliverOptions struct {
	Config, Dir, Endpoint string
	NoBucket, Verbose     bool
}

func newResultsDeliverCommand() *cobra.Command {
	var o resultsDeliverOptions
	cmd := &cobra.Command{
		Use:   "deliver --config FILE --dir DIR [--endpoint NAME] [--no-bucket]",
		Short: "Send every batch in DIR not yet delivered, to the partner's SFTP inbox and the results bucket",
		Long: `Deliver does by hand what the daemon's "deliver results" job does: every complete
batch in DIR goes, in sequence order and each batch's signature last, into the
outbox of the SFTP endpoint NAME (the partner's inbox) and into the results
blob store of the configuration, which the partner's read-only account polls.
Each file on each channel is a ledger delivery: never sent twice, found
already there after a crash, retried after a backoff, parked after too many
failures, never overwriting a different file.

Exit status: 0 when every batch is on every channel, 2 otherwise.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runResultsDeliver(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	cmd.Flags().StringVar(&o.Config, "config", "", "configuration file (YAML)")
	cmd.Flags().StringVar(&o.Dir, "dir", "", "the directory of batches (icss results build --out)")
	cmd.Flags().StringVar(&o.Endpoint, "endpoint", "", "SFTP endpoint whose outbox is the partner's inbox")
	cmd.Flags().BoolVar(&o.NoBucket, "no-bucket", false, "do not publish in the results bucket")
	cmd.Flags().BoolVarP(&o.Verbose, "verbose", "v", false, "log every step")
	return cmd
}

func runResultsDeliver(ctx context.Context, out, errOut io.Writer, o resultsDeliverOptions) error {
	if o.Config == "" || o.Dir == "" {
		return &usageError{errors.New("--config and --dir are required")}
	}
	if o.Endpoint == "" && o.NoBucket {
		return &usageError{errors.New("nowhere to deliver: give --endpoint, or drop --no-bucket")}
	}
	cfg, err := config.Load(o.Config)
	if err != nil {
		return err
	}
	log := transferLogger(errOut, o.Verbose)
	var channels []results.Channel
	if o.Endpoint != "" {
		e, err := cfg.Endpoint(o.Endpoint)
		if err != nil {
			return &usageError{err}
		}
		if e.Outbox == "" {
			return &usageError{fmt.Errorf("endpoint %s has no outbox to deliver into", e.Name)}
		}
		client, err := sftp.Dial(ctx, e.SFTP(), log)
		if err != nil {
			return err
		}
		defer client.Close()
		channels = append(channels, results.SFTPChannel(client))
	}
	if !o.NoBucket {
		set, err := cfg.Blob.Open(ctx)
		if err != nil {
			return err
		}
		st, err := set.Get(blob.Results)
		if err != nil {
			return err
		}
		channels = append(channels, results.BucketChannel(string(blob.Results), st))
	}
	ledger, err := state.Open(ctx, cfg.State.Ledger(nil))
	if err != nil {
		return err
	}
	defer ledger.Close()
	rep, err := results.Deliver(ctx, results.DeliverOptions{Dir: o.Dir, Ledger: ledger, Channels: channels, Log: log})
	if err != nil {
		return err
	}
	for _, c := range rep {
		fmt.Fprintf(out, "%s: %d files sent, %d already there, batches %v delivered\n", c.Endpoint, c.Published, c.Already, c.Delivered)
	}
	return rep.Err()
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
