package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/syntax"
)

func newEDICommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "edi",
		Short: "Inspect and acknowledge X12 and EDIFACT files",
	}
	cmd.AddCommand(newEDIInspectCommand(), newEDIAckCommand(), newEDIGenerateCommand())
	return cmd
}

type ediInspectOptions struct {
	JSON bool
}

func newEDIInspectCommand() *cobra.Command {
	var opts ediInspectOptions
	cmd := &cobra.Command{
		Use:   "inspect [--json] FILE...",
		Short: "Validate EDI files and print their interchanges, groups, sets and errors",
		Long: `Inspect detects the standard of each file (X12 or EDIFACT), validates every
interchange in it (envelope control numbers and counts, dates, transaction-set and
message structure) and prints per file the interchanges (sender, receiver, control
number, date), groups, transaction sets (type, control number, segment count, accepted
or not) and every error with its position and the standard's code.

With --json it prints one JSON report per file, one per line.
A FILE of "-" reads standard input.

Exit status: 0 when every input is valid, 1 when any input has errors, 2 for usage
or I/O failure.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEDIInspect(cmd.OutOrStdout(), opts, args)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON reports, one per line")
	return cmd
}

func runEDIInspect(out io.Writer, opts ediInspectOptions, files []string) error {
	if os.Getenv("GOGC") == "" {
		// Inspection streams: its live heap is a few MB whatever the file, so with
		// the default GOGC the collector runs after every few MB allocated, a third of
		// the time on a file where every segment has an error. Five times the live
		// heap keeps memory flat and collections rare.
		debug.SetGCPercent(400)
	}
	// A report of a file with an error in every segment is tens of MB of text.
	bw := bufio.NewWriterSize(out, 64<<10)
	defer bw.Flush()
	invalid := false
	for _, name := range files {
		vs := &verdictSink{}
		if opts.JSON {
			vs.next = syntax.NewJSONWriter(bw)
		} else {
			vs.next = &textSink{w: bw, verdict: vs}
		}
		if err := inspectFile(name, vs); err != nil {
			return err
		}
		if !vs.valid() {
			invalid = true
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if invalid {
		return errInvalidInput
	}
	return nil
}

// openInput opens a named input; "-" is standard input.
func openInput(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	return os.Open(name)
}

func inspectFile(name string, sink syntax.Sink) error {
	f, err := openInput(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := edi.InspectTo(f, name, sink); err != nil {
		return fmt.Errorf("inspect %s: %w", name, err)
	}
	return nil
}
