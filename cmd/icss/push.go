package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/icss/icss/config"
	"github.com/icss/icss/storage/sftp"
)

type pushOptions struct {
	Config   string
	Endpoint string
	Verbose  bool
}

func newPushCommand() *cobra.Command {
	var opts pushOptions
	cmd := &cobra.Command{
		Use:   "push --config FILE --endpoint NAME FILE...",
		Short: "Upload files into an endpoint's outbox, atomically and without overwriting",
		Long: `Push uploads each FILE into the outbox of the endpoint under its base name: to a
hidden temporary name first, fsynced where the server offers it, then published
under the final name atomically. A file of that name with the same content is left
as is (pushing again is harmless); one with different content is never replaced.

A progress bar is drawn on a terminal; otherwise one line per file is printed.

Exit status: 0 when every file is on the server, 2 when any push failed (including a
different file already there under the name).`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPush(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts, args)
		},
	}
	cmd.Flags().StringVar(&opts.Config, "config", "", "configuration file (YAML)")
	cmd.Flags().StringVar(&opts.Endpoint, "endpoint", "", "endpoint to push to")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "log every step")
	_ = cmd.MarkFlagRequired("config")
	_ = cmd.MarkFlagRequired("endpoint")
	return cmd
}

func runPush(ctx context.Context, out, errOut io.Writer, opts pushOptions, files []string) error {
	cfg, err := config.Load(opts.Config)
	if err != nil {
		return err
	}
	e, err := cfg.Endpoint(opts.Endpoint)
	if err != nil {
		return &usageError{err}
	}
	if e.Outbox == "" {
		return &usageError{fmt.Errorf("endpoint %s has no outbox to push to", e.Name)}
	}
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil {
			return err
		} else if !fi.Mode().IsRegular() {
			return &usageError{fmt.Errorf("%s is not a regular file", f)}
		}
	}
	return pushFiles(ctx, out, errOut, e, opts.Verbose, files)
}

func pushFiles(ctx context.Context, out, errOut io.Writer, e config.Endpoint, verbose bool, files []string) error {
	client, err := sftp.Dial(ctx, e.SFTP(), transferLogger(errOut, verbose))
	if err != nil {
		return err
	}
	defer client.Close()
	tty := isTerminal(errOut)
	var errs []error
	for _, f := range files {
		var progress func(int64)
		finish := func() {}
		if tty {
			fi, _ := os.Stat(f)
			bar := newBar(errOut, fi.Size(), filepath.Base(f))
			var last int64
			progress = func(sent int64) { _ = bar.Add64(sent - last); last = sent }
			finish = func() { _ = bar.Finish() }
		}
		res, err := client.Push(ctx, f, filepath.Base(f), progress)
		finish()
		if err != nil {
			fmt.Fprintf(errOut, "%s: %v\n", f, err)
			errs = append(errs, err)
			continue
		}
		what := "pushed"
		if res.Already {
			what = "already there"
		}
		fmt.Fprintf(out, "%s: %s %s as %s (%d bytes, sha256 %s)\n", e.Name, what, f, res.Remote, res.Size, res.SHA256)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d pushes failed: %w", len(errs), len(files), errors.Join(errs...))
	}
	return nil
}
