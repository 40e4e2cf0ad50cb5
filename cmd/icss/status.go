package main

import (
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
				err = status.WriteJSON(cmd.OutOrStdout(), *st)
			} else {
				err = status.WriteText(cmd.OutOrStdout(), *st)
			}
			if err != nil {
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
