package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/icss/icss/config"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/storage/state"
)

type pullOptions struct {
	Config   string
	Endpoint string
	Verbose  bool
}

func newPullCommand() *cobra.Command {
	var opts pullOptions
	cmd := &cobra.Command{
		Use:   "pull --config FILE [--endpoint NAME]",
		Short: "Take new files from the SFTP inboxes into the raw store and the ledger, once",
		Long: `Pull lists the inbox of each configured endpoint that has one (or only of
--endpoint), takes every file that is ready (size and mtime unchanged over
stable_for, or its done marker present), stores it in the raw blob store under its
SHA-256, records it in the ledger, and only then archives (or deletes) it on the
server. Running it again never takes a file twice; after a crash it finishes the
interrupted work.

A progress bar is drawn on a terminal; otherwise one line per file is printed.

Exit status: 0 when every ready file was taken, 1 when some files were skipped as
invalid (bad name, too large, quarantined), 2 when a transfer or the configuration
failed.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPull(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Config, "config", "", "configuration file (YAML)")
	cmd.Flags().StringVar(&opts.Endpoint, "endpoint", "", "pull only this endpoint")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "log every step")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// noArgs is cobra.NoArgs whose failure is a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if err := cobra.NoArgs(cmd, args); err != nil {
		return &usageError{err}
	}
	return nil
}

func runPull(ctx context.Context, out, errOut io.Writer, opts pullOptions) error {
	cfg, err := config.Load(opts.Config)
	if err != nil {
		return err
	}
	var endpoints []config.Endpoint
	if opts.Endpoint != "" {
		e, err := cfg.Endpoint(opts.Endpoint)
		if err != nil {
			return &usageError{err}
		}
		if e.Inbox == "" {
			return &usageError{fmt.Errorf("endpoint %s has no inbox to pull from", e.Name)}
		}
		endpoints = []config.Endpoint{e}
	} else {
		for _, e := range cfg.Endpoints {
			if e.Inbox != "" {
				endpoints = append(endpoints, e)
			}
		}
	}
	if cfg.State.Driver == state.DriverSQLite {
		if err := os.MkdirAll(filepath.Dir(cfg.State.DSN), 0o750); err != nil {
			return err
		}
	}
	ledger, err := state.Open(ctx, cfg.State.Ledger(nil))
	if err != nil {
		return err
	}
	defer ledger.Close()
	blobs, err := cfg.Blob.Open(ctx)
	if err != nil {
		return err
	}
	defer blobs.Close()
	raw, err := blobs.Get(blob.Raw)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.SpoolDir, 0o750); err != nil {
		return err
	}
	log := transferLogger(errOut, opts.Verbose)
	tty := isTerminal(errOut)

	var errs []error
	skipped := false
	for _, e := range endpoints {
		rep, err := pullEndpoint(ctx, out, errOut, tty, e, ledger, raw, cfg.SpoolDir, log)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(out, "%s: %d taken, %d duplicate, %d recovered, %d gone, %d skipped, %d failed, %d bytes\n", e.Name,
			rep.Count(sftp.Taken), rep.Count(sftp.Duplicate), rep.Count(sftp.Recovered), rep.Count(sftp.Gone),
			rep.Count(sftp.Skipped), rep.Count(sftp.Failed), rep.Bytes)
		if err := rep.Err(); err != nil {
			errs = append(errs, err)
		}
		if rep.Count(sftp.Skipped) > 0 {
			skipped = true
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if skipped {
		return errInvalidInput
	}
	return nil
}

func pullEndpoint(ctx context.Context, out, errOut io.Writer, tty bool, e config.Endpoint, ledger *state.Ledger,
	raw blob.Store, spool string, log *slog.Logger) (*sftp.Report, error) {
	client, err := sftp.Dial(ctx, e.SFTP(), log)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	p := &sftp.Puller{Client: client, Blobs: raw, Ledger: ledger, SpoolDir: spool, Log: log}
	var (
		mu  sync.Mutex
		bar *progressbar.ProgressBar
	)
	p.OnPlan = func(files int, bytes int64) {
		if tty && files > 0 {
			mu.Lock()
			bar = newBar(errOut, bytes, fmt.Sprintf("%s: %d files", e.Name, files))
			mu.Unlock()
		}
	}
	p.OnBytes = func(n int64) {
		mu.Lock()
		if bar != nil {
			_ = bar.Add64(n)
		}
		mu.Unlock()
	}
	p.OnFile = func(r sftp.FileResult) {
		mu.Lock()
		defer mu.Unlock()
		if bar != nil && r.Outcome != sftp.Skipped && r.Outcome != sftp.Failed {
			return // the bar shows progress; the summary follows
		}
		switch r.Outcome {
		case sftp.Skipped:
			if bar != nil {
				_ = bar.Clear()
			}
			fmt.Fprintf(errOut, "%s: %q skipped: %s\n", e.Name, r.Name, r.Reason)
		case sftp.Failed:
			if bar != nil {
				_ = bar.Clear()
			}
			fmt.Fprintf(errOut, "%s: %q failed: %v\n", e.Name, r.Name, r.Err)
		case sftp.Duplicate:
			fmt.Fprintf(out, "%s: %q duplicate of ledger file %d (%d bytes, sha256 %s)\n", e.Name, r.Name, r.DupOf, r.Size, r.SHA256)
		default:
			fmt.Fprintf(out, "%s: %q %s (%d bytes, sha256 %s)\n", e.Name, r.Name, r.Outcome, r.Size, r.SHA256)
		}
	}
	rep, err := p.Run(ctx)
	mu.Lock()
	if bar != nil {
		_ = bar.Finish()
	}
	mu.Unlock()
	return rep, err
}
