package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/spf13/cobra"

	"github.com/icss/icss/config"
	"github.com/icss/icss/jobs"
)

func newJobsCommand() *cobra.Command {
	var cfgPath string
	cmd := &cobra.Command{
		Use:   "jobs list|retry|cancel|trigger",
		Short: "List, retry or cancel the daemon's parked and failing jobs; trigger a schedule now",
	}
	cmd.PersistentFlags().StringVar(&cfgPath, "config", "", "configuration file (YAML)")
	_ = cmd.MarkPersistentFlagRequired("config")
	var all, asJSON bool
	list := &cobra.Command{
		Use:   "list [--all] [--json]",
		Short: "List the parked (discarded, cancelled) and retrying jobs, newest first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := openJobs(cmd, cfgPath)
			if err != nil {
				return err
			}
			defer d.Close()
			var states []rivertype.JobState
			if all {
				states = rivertype.JobStates()
			}
			list, err := d.Jobs(cmd.Context(), states...)
			if err != nil {
				return err
			}
			return printJobs(cmd.OutOrStdout(), list, asJSON)
		},
	}
	list.Flags().BoolVar(&all, "all", false, "list jobs in every state")
	list.Flags().BoolVar(&asJSON, "json", false, "JSON lines")
	act := func(use, short string, fn func(d *jobs.Daemon, cmd *cobra.Command, id int64) (*rivertype.JobRow, error)) *cobra.Command {
		return &cobra.Command{
			Use:   use + " ID...",
			Short: short,
			Args:  minArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				d, err := openJobs(cmd, cfgPath)
				if err != nil {
					return err
				}
				defer d.Close()
				for _, a := range args {
					id, err := strconv.ParseInt(a, 10, 64)
					if err != nil {
						return &usageError{fmt.Errorf("job ID %q is not a number", a)}
					}
					j, err := fn(d, cmd, id)
					if err != nil {
						return fmt.Errorf("job %d: %w", id, err)
					}
					fmt.Fprintf(cmd.OutOrStdout(), "job %d %s: %s\n", j.ID, j.Kind, j.State)
				}
				return nil
			},
		}
	}
	trigger := &cobra.Command{
		Use:   "trigger SCHEDULE...",
		Short: "Run schedules now (pull, retention, exam-list-<port>), on whichever node takes the job",
		Args:  minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := openJobs(cmd, cfgPath)
			if err != nil {
				return err
			}
			defer d.Close()
			for _, a := range args {
				if err := d.Trigger(cmd.Context(), a); err != nil {
					return &usageError{err}
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: queued\n", a)
			}
			return nil
		},
	}
	cmd.AddCommand(list, trigger,
		act("retry", "Make jobs run again now (a parked job gets its attempts back)", func(d *jobs.Daemon, cmd *cobra.Command, id int64) (*rivertype.JobRow, error) {
			return d.Retry(cmd.Context(), id)
		}),
		act("cancel", "Cancel jobs for good (they stay listed as cancelled)", func(d *jobs.Daemon, cmd *cobra.Command, id int64) (*rivertype.JobRow, error) {
			return d.Cancel(cmd.Context(), id)
		}))
	return cmd
}

func openJobs(cmd *cobra.Command, cfgPath string) (*jobs.Daemon, error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	return jobs.Open(cmd.Context(), cfg, nil, false)
}

func lastError(errs []rivertype.AttemptError) string {
	if len(errs) == 0 {
		return ""
	}
	return errs[len(errs)-1].Error
}

func printJobs(w io.Writer, list []*rivertype.JobRow, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		for _, j := range list {
			if err := enc.Encode(map[string]any{"id": j.ID, "kind": j.Kind, "state": j.State, "args": json.RawMessage(j.EncodedArgs),
				"attempt": j.Attempt, "max_attempts": j.MaxAttempts, "created_at": j.CreatedAt, "error": lastError(j.Errors)}); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTATE\tATTEMPTS\tCREATED\tARGS\tLAST ERROR")
	for _, j := range list {
		msg := strings.ReplaceAll(lastError(j.Errors), "\n", " ")
		if len(msg) > 120 {
			msg = msg[:117] + "..."
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d/%d\t%s\t%s\t%s\n", j.ID, j.Kind, j.State, j.Attempt, j.MaxAttempts,
			j.CreatedAt.UTC().Format(time.RFC3339), j.EncodedArgs, msg)
	}
	return tw.Flush()
}
