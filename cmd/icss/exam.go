package main

import "github.com/spf13/cobra"

// newExamCommand is the parent of the exam-list commands; each subcommand lives in
// its own file (exam_list.go, ...) and is added here with one line.
func newExamCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exam",
		Short: "Exam lists for port staff and the results they return",
	}
	cmd.AddCommand(
		newExamListCommand(),
		newExamImportCommand(),
	)
	return cmd
}
