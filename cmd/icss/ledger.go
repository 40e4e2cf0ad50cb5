package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/icss/icss/config"
	"github.com/icss/icss/storage/state"
)

type ledgerOptions struct {
	Config   string
	Endpoint string
	State    string
}

// newLedgerCommand is the operator's view of the state ledger: what files
// stand where, releasing quarantined files once their cause is fixed, and
// bringing a database's schema up to date ahead of a deployment.
func newLedgerCommand() *cobra.Command {
	var opts ledgerOptions
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Inspect the state ledger and release quarantined files",
		Long: `The ledger records every remote file icss has seen, fetched and processed.

  icss ledger files --config FILE [--endpoint NAME] [--state STATE]
  icss ledger release --config FILE ID...
  icss ledger migrate --config FILE

Exit status: 0 on success, 1 when a file to release was not quarantined or
does not exist, 2 on a usage, configuration or database error.`,
	}
	cmd.PersistentFlags().StringVar(&opts.Config, "config", "", "configuration file (YAML)")
	_ = cmd.MarkPersistentFlagRequired("config")

	files := &cobra.Command{
		Use:   "files --config FILE [--endpoint NAME] [--state STATE]",
		Short: "List the files in a state (default quarantined), oldest first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLedgerFiles(cmd.Context(), cmd.OutOrStdout(), opts)
		},
	}
	files.Flags().StringVar(&opts.Endpoint, "endpoint", "", "only this endpoint")
	files.Flags().StringVar(&opts.State, "state", string(state.FileQuarantined),
		"seen, fetched, duplicate, archived, parsed, acknowledged or quarantined")

	release := &cobra.Command{
		Use:   "release --config FILE ID...",
		Short: "Take quarantined files back for another attempt",
		Args:  minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLedgerRelease(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts, args)
		},
	}
	migrate := &cobra.Command{
		Use:   "migrate --config FILE",
		Short: "Bring the ledger's schema up to date and print its version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLedgerMigrate(cmd.Context(), cmd.OutOrStdout(), opts)
		},
	}
	cmd.AddCommand(files, release, migrate)
	return cmd
}

// openLedger loads the configuration and opens its ledger (running migrations).
func openLedger(ctx context.Context, configPath string) (*state.Ledger, error) {
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, err
	}
	if cfg.State.Driver == state.DriverSQLite {
		if err := os.MkdirAll(filepath.Dir(cfg.State.DSN), 0o750); err != nil {
			return nil, err
		}
	}
	return state.Open(ctx, cfg.State.Ledger(nil))
}

func runLedgerFiles(ctx context.Context, out io.Writer, opts ledgerOptions) error {
	st := state.FileState(opts.State)
	if !st.Valid() {
		return &usageError{fmt.Errorf("--state %q is not a file state", opts.State)}
	}
	l, err := openLedger(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer l.Close()
	files, err := l.FilesInState(ctx, opts.Endpoint, st)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tENDPOINT\tNAME\tSIZE\tSTATE\tATTEMPTS\tUPDATED\tLAST ERROR")
	for _, f := range files {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%d\t%s\t%s\n", f.ID, f.Endpoint, strconv.Quote(f.Name), f.Size, f.State,
			f.Attempts, f.UpdatedAt.Format("2006-01-02 15:04:05Z"), oneLine(f.LastError))
	}
	return tw.Flush()
}

// oneLine keeps a multi-line error in its table cell.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func runLedgerRelease(ctx context.Context, out, errOut io.Writer, opts ledgerOptions, args []string) error {
	ids := make([]int64, len(args))
	for i, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return &usageError{fmt.Errorf("file id %q is not a positive integer", a)}
		}
		ids[i] = id
	}
	l, err := openLedger(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer l.Close()
	invalid := false
	for _, id := range ids {
		f, err := l.ReleaseFile(ctx, id)
		switch {
		case errors.Is(err, state.ErrNotFound) || errors.Is(err, state.ErrBadTransition):
			fmt.Fprintln(errOut, err)
			invalid = true
		case err != nil:
			return err
		default:
			fmt.Fprintf(out, "%d %s %q released: now %s\n", f.ID, f.Endpoint, f.Name, f.State)
		}
	}
	if invalid {
		return errInvalidInput
	}
	return nil
}

func runLedgerMigrate(ctx context.Context, out io.Writer, opts ledgerOptions) error {
	l, err := openLedger(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer l.Close()
	v, err := l.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s ledger at schema version %d\n", l.Driver(), v)
	return nil
}

// stateConfig reads --state: a PostgreSQL URL, else a SQLite file.
func stateConfig(dsn string) state.Config {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return state.Config{Driver: state.DriverPostgres, DSN: dsn}
	}
	return state.Config{Driver: state.DriverSQLite, DSN: dsn}
}
