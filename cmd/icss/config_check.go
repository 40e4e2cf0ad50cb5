package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/icss/icss/config"
)

func newConfigCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Check the configuration"}
	cmd.AddCommand(&cobra.Command{
		Use:   "check FILE",
		Short: "Validate a configuration file without starting anything",
		Long: `Check reads FILE as icss run would: unknown keys, secrets that cannot be read,
cron specs without CRON_TZ, roles, ports and every component's settings, each error
naming its field. Nothing is connected to and nothing is written.

Exit status: 0 when the file is valid, 2 otherwise.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.Load(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: valid (%d endpoints, %d ports, %d schedules, ledger %s)\n",
				args[0], len(cfg.Endpoints), len(cfg.Ports), len(cfg.Schedules), cfg.State.Driver)
			return nil
		},
	})
	return cmd
}
