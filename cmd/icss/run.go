package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/icss/icss/config"
	"github.com/icss/icss/jobs"
)

type runOptions struct {
	Config  string
	Once    bool
	Wait    time.Duration
	Verbose bool
}

func newRunCommand() *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use:   "run --config FILE [--once]",
		Short: "Run every stage of the corridor on its schedule (the daemon)",
		Long: `Run is the daemon. On the configured schedules it pulls the carriers' files,
ingests them (inspect, acknowledge, normalize, record versions) and scores each
batch; acknowledgments and hold notices go to the carriers' outboxes. At each
port's cut-off it builds the exam list and delivers it (the port's SFTP outbox,
e-mail). Returns from the port's inbox are imported as signed evidence; signed
result batches go to the partner's inbox and the results bucket; release notices
to the carriers. The learn schedule refreshes the history from exam outcomes, and
retention removes old raw copies. Every stage is a durable job (River, on the
ledger's database) that survives crashes and is shared by every node on one
PostgreSQL ledger. After downtime each schedule's latest missed run is done once
on start.

On SIGTERM or SIGINT it stops taking jobs, lets the running ones finish within
jobs.shutdown_timeout (those still running are cancelled and retried later) and
exits 0.

With --once every schedule is due now: it works until no job is left (jobs waiting
to be retried are waited for up to --wait) and exits: 0 when everything was done, 1
when jobs were parked or are still waiting to be retried (they are listed).

Logs are JSON lines on standard error (text on a terminal), each with the job and
the file, bill or exam it is about.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDaemon(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Config, "config", "", "configuration file (YAML)")
	f.BoolVar(&opts.Once, "once", false, "treat every schedule as due now, work until nothing is left, and exit")
	f.DurationVar(&opts.Wait, "wait", 2*time.Minute, "with --once: how long to wait for jobs waiting to be retried")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "log debug lines too")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// daemonLogger logs JSON lines, or text on a terminal.
func daemonLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	o := &slog.HandlerOptions{Level: level}
	if isTerminal(w) {
		return slog.New(slog.NewTextHandler(w, o))
	}
	return slog.New(slog.NewJSONHandler(w, o))
}

func runDaemon(ctx context.Context, out, errOut io.Writer, opts runOptions) error {
	cfg, err := config.Load(opts.Config)
	if err != nil {
		return err
	}
	log := daemonLogger(errOut, opts.Verbose)
	d, err := jobs.Open(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer d.Close()
	if !opts.Once {
		return d.Run(ctx, version)
	}
	res, err := d.RunOnce(ctx, opts.Wait)
	if err != nil {
		return err
	}
	for _, j := range res.Parked {
		fmt.Fprintf(out, "parked: job %d %s %s: %s\n", j.ID, j.Kind, j.EncodedArgs, lastError(j.Errors))
	}
	if res.Waiting > 0 {
		fmt.Fprintf(out, "%d job(s) still waiting to be retried (icss jobs list)\n", res.Waiting)
	}
	if len(res.Parked) > 0 || res.Waiting > 0 {
		return errInvalidInput
	}
	return nil
}
