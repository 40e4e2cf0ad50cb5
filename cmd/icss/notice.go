package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/icss/icss/edi/x12/ack"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/notices"
)

func newNoticeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notice",
		Short: "Hold and release notices to carriers and terminals (350, CUSRES)",
	}
	cmd.AddCommand(newNoticeBuildCommand(), newNoticeCodesCommand())
	return cmd
}

type noticeBuildOptions struct {
	Assessments, Records, Results string
	Out, State, Codes, Config     string
	now                           func() time.Time
}

func newNoticeBuildCommand() *cobra.Command {
	opts := noticeBuildOptions{now: func() time.Time { return time.Now().UTC() }}
	cmd := &cobra.Command{
		Use:   "build --assessments A.jsonl --records R.jsonl [--results results.jsonl] --out DIR [--state DB] [--codes codes.yaml]",
		Short: "Write the hold (and, given results, release) notices, one interchange per carrier and standard",
		Long: `Build writes the notices carriers and terminals must get: for every container of a
bill the assessments select, a hold; for every exam result, the end of the hold (a
release, or a continued hold with the outcome). Each goes to the carrier that filed
the bill, in the standard it filed in: an X12 350 (4010 or 5010, as filed) or an
EDIFACT CUSRES D00B; carriers that filed tables need a route in --config. Terminals
listed in --config get copies for their ports. One interchange file per recipient and
standard is written into DIR, named 350_<receiver>_<ISA13>.x12 or
CUSRES_<receiver>_<UNB 0020>.edi; an existing file is never replaced. Every file is
checked with edi inspect before it is written.

The records are the harmonized records that were scored (the assessments' index is
the 0-based line of its record there), plus the bills the results name. The
disposition codes come from --codes (icss notice codes prints the default table).

With --state (a SQLite ledger, created when missing) control numbers come from the
ledger and each notice is recorded there, once per event and recipient: building
again writes nothing already written, by hand or by the daemon. Without it, numbers
start at 1 and nothing is kept.

Exit status: 0 when the notices were written (events that cannot be sent, such as a
filer without a route, are listed on standard error), 2 for usage or I/O failure.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runNoticeBuild(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Assessments, "assessments", "", "risk assessments (JSON lines, icss risk score)")
	f.StringVar(&opts.Records, "records", "", "harmonized records the assessments were made on (JSON lines)")
	f.StringVar(&opts.Results, "results", "", "exam results (JSON lines): write the releases too")
	f.StringVar(&opts.Out, "out", "", "directory to write the notice files into")
	f.StringVar(&opts.State, "state", "", "ledger for control numbers and notices already sent: SQLite file or postgres:// URL (default: none kept)")
	f.StringVar(&opts.Codes, "codes", "", "disposition code table (YAML; default: icss notice codes)")
	f.StringVar(&opts.Config, "config", "", "notice configuration (YAML: x12_sender, edifact_sender, carriers, terminals)")
	for _, name := range []string{"assessments", "records", "out"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func newNoticeCodesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "codes",
		Short: "Print the default disposition code table, to copy and adapt",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(notices.DefaultCodesYAML())
			return err
		},
	}
}

func runNoticeBuild(ctx context.Context, stdout, stderr io.Writer, opts noticeBuildOptions) error {
	bopts := notices.Options{Config: notices.DefaultConfig(), Now: opts.now, Controls: ack.NewCounter()}
	if opts.Codes != "" {
		c, err := notices.LoadCodes(opts.Codes)
		if err != nil {
			return &usageError{err}
		}
		bopts.Codes = c
	}
	if opts.Config != "" {
		c, err := loadNoticeConfig(opts.Config)
		if err != nil {
			return &usageError{err}
		}
		bopts.Config = c
	}
	var ledger *state.Ledger
	if opts.State != "" {
		var err error
		if ledger, err = state.Open(ctx, stateConfig(opts.State)); err != nil {
			return fmt.Errorf("open state %s: %w", opts.State, err)
		}
		defer ledger.Close()
		bopts = notices.LedgerOptions(ctx, ledger, bopts)
	}
	in := notices.Inputs{AssessmentsName: opts.Assessments, RecordsName: opts.Records, ResultsName: opts.Results}
	for _, p := range []struct {
		name string
		r    *io.Reader
	}{{opts.Assessments, &in.Assessments}, {opts.Records, &in.Records}, {opts.Results, &in.Results}} {
		if p.name == "" {
			continue
		}
		f, err := os.Open(p.name)
		if err != nil {
			return err
		}
		defer f.Close()
		*p.r = f
	}
	b, err := notices.Build(ctx, in, bopts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return err
	}
	for _, f := range b.Files {
		path := filepath.Join(opts.Out, f.Name)
		if err := writeNew(path, f.Data); err != nil {
			return err
		}
		if ledger != nil {
			if err := recordManual(ctx, ledger, f, path); err != nil {
				os.Remove(path)
				return err
			}
		}
		fmt.Fprintf(stdout, "%s: %d notices to %s (%s)\n", path, len(f.Notices), f.Recipient.Name, f.Recipient.Standard)
	}
	for _, s := range b.Skipped {
		fmt.Fprintf(stderr, "not sent: %s to %s: %s\n", s.Key, s.Recipient, s.Reason)
	}
	fmt.Fprintf(stdout, "%d files, %d notices not sendable\n", len(b.Files), len(b.Skipped))
	return nil
}

// recordManual records a file written by hand: its events are sent (by whoever takes
// the file), so its delivery is recorded as sent to the endpoint "manual".
func recordManual(ctx context.Context, l *state.Ledger, f *notices.File, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	d, err := notices.Record(ctx, l, f, "manual", "file:"+abs)
	if err != nil {
		return err
	}
	return l.SetDeliveryState(ctx, d.ID, state.DeliverySent, "")
}

// writeNew writes a file that must not exist yet, durably.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists and is not replaced (without --state, control numbers start at 1 on every run)", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// loadNoticeConfig reads a notices.Config (unknown fields are errors) and validates it.
func loadNoticeConfig(path string) (notices.Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return notices.Config{}, err
	}
	c := notices.DefaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return notices.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return notices.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
