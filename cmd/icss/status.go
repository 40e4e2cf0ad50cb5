package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/icss/icss/jobs/status"
)

func newStatusCommand() *cobra.Command {
	var cfgPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status --config FILE [--json]",
		Short: "Show the corridor: jobs per stage, schedules, quarantined files, deliveries, selections",
		Long: `Status reads the ledger and the job queue of the configuration's database and
prints, per stage, the jobs waiting, running, failing (being retried) and parked;
each schedule's last and next run; quarantined files; pending deliveries; today's
exam lists and selections by path; and what needs a person's attention.

Exit status: 0 when nothing needs attention, 1 when something does, 2 on failure.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := openJobs(cmd, cfgPath)
			if err != nil {
				return err
			}
			defer d.Close()
			st, err := d.Status(cmd.Context(), version)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(st); err != nil {
					return err
				}
			} else if err := printStatus(cmd.OutOrStdout(), st); err != nil {
				return err
			}
			if len(st.Attention()) > 0 {
				return errInvalidInput
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "", "configuration file (YAML)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (field names are stable)")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// printStatus is the plain-text view (until jobs/status has its own renderer).
func printStatus(w io.Writer, st *status.Status) error {
	fmt.Fprintf(w, "icss %s on %s, %s (%s)\n\n", st.Node.Version, st.Node.Name, st.Day, st.TimeZone)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STAGE\tBACKLOG\tRUNNING\tRETRYING\tPARKED")
	for _, s := range st.Stages {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", s.Name, s.Backlog, s.Running, s.Failed, s.Parked)
	}
	tw.Flush()
	if len(st.Schedules) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(tw, "SCHEDULE\tSPEC\tLAST RUN\tSTATE\tNEXT RUN")
		for _, s := range st.Schedules {
			last := "never"
			if !s.LastRun.IsZero() {
				last = s.LastRun.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Spec, last, s.LastState, s.NextRun.Format(time.RFC3339))
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
	for _, d := range st.Deliveries {
		fmt.Fprintf(w, "deliveries %s: %d pending, %d failed\n", d.Channel, d.Pending, d.Failed)
	}
	fmt.Fprintf(w, "selected today: %d", st.SelectedToday())
	for _, p := range st.Selections {
		fmt.Fprintf(w, ", %s %d", p.Path, p.Count)
	}
	fmt.Fprintln(w)
	for _, q := range st.Quarantined {
		fmt.Fprintf(w, "quarantined: %s/%s: %s\n", q.Endpoint, q.Name, q.Reason)
	}
	for _, c := range st.Node.Checks {
		if !c.OK {
			fmt.Fprintf(w, "check %s: %s\n", c.Name, c.Error)
		}
	}
	if a := st.Attention(); len(a) > 0 {
		fmt.Fprintln(w, "\nneeds attention:")
		for _, s := range a {
			fmt.Fprintln(w, "  -", s)
		}
	}
	return nil
}
