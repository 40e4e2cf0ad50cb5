package main

import (
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "icss",
		Short:         "Integrated Cargo Security Strategy batch processor",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	// One line per subcommand; each lives in its own file.
	root.AddCommand(
		newEDICommand(),
		newPullCommand(),
		newPushCommand(),
		newRiskCommand(),
		newNormalizeCommand(),
		newTemplateCommand(),
		newLedgerCommand(),
		newKeysCommand(),
		newRunCommand(),
		newStatusCommand(),
		newJobsCommand(),
		newConfigCommand(),
		newExamCommand(),
		newEvidenceCommand(),
		newResultsCommand(),
		newPartnerCommand(),
		newNoticeCommand(),
	)
	return root
}

// minArgs is cobra.MinimumNArgs whose failure is a usage error (exit status 2).
func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}
