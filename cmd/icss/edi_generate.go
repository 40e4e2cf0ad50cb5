package main

import (
	"bufio"

	"github.com/spf13/cobra"

	"github.com/icss/icss/edi/x12/x12gen"
)

func newEDIGenerateCommand() *cobra.Command {
	var opts x12gen.Options
	cmd := &cobra.Command{
		Use:   "generate [--bills N] [--seed S] [--version 004010|005010]",
		Short: "Write a realistic generated X12 309 manifest to standard output",
		Long: `Generate writes a 309 customs manifest interchange with realistic bills of lading,
parties, containers (valid ISO 6346 check digits), seals and goods to standard output,
for demonstrations, load tests and benchmarks. The same seed gives the same file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := bufio.NewWriter(cmd.OutOrStdout())
			if _, err := x12gen.New(opts).WriteTo(w); err != nil {
				return err
			}
			return w.Flush()
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Bills, "bills", 1000, "number of bills of lading")
	f.IntVar(&opts.BillsPerSet, "bills-per-set", 10, "bills per 309 transaction set")
	f.Uint64Var(&opts.Seed, "seed", 1, "random seed")
	f.StringVar(&opts.Version, "version", "004010", "GS08 version (004010: GS01 SO; 005010: GS01 AQ)")
	f.IntVar(&opts.Control, "control", 1, "ISA13 interchange control number")
	f.BoolVar(&opts.Newline, "newline", true, "write a line break after each segment")
	return cmd
}
