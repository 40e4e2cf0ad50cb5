package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

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
	invalid := false
	enc := json.NewEncoder(out)
	for _, name := range files {
		rep, err := inspectFile(name)
		if err != nil {
			return err
		}
		if !rep.Valid() {
			invalid = true
		}
		if opts.JSON {
			if err := enc.Encode(rep); err != nil {
				return err
			}
			continue
		}
		printReport(out, rep)
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

func inspectFile(name string) (*syntax.Report, error) {
	f, err := openInput(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rep, err := edi.Inspect(f, name)
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", name, err)
	}
	return rep, nil
}

func verdict(ok bool) string {
	if ok {
		return "accepted"
	}
	return "rejected"
}

func printReport(w io.Writer, rep *syntax.Report) {
	state := "valid"
	if !rep.Valid() {
		state = "INVALID"
	}
	fmt.Fprintf(w, "%s: %s, %d interchange(s), %s\n", rep.File, rep.Standard, len(rep.Interchanges), state)
	printIssues(w, "  ", rep.Issues)
	for _, ic := range rep.Interchanges {
		fmt.Fprintf(w, "  interchange %s from %s to %s at %s, version %s: %s\n",
			ic.Control, ic.Sender, ic.Receiver, ic.Date, ic.Version, verdict(ic.Accepted))
		printIssues(w, "    ", ic.Issues)
		for _, g := range ic.Groups {
			if g.Implicit {
				fmt.Fprintf(w, "    messages: %s\n", verdict(g.Accepted))
			} else {
				fmt.Fprintf(w, "    group %s %s from %s to %s, version %s: %s\n",
					g.FunctionalID, g.Control, g.Sender, g.Receiver, g.Version, verdict(g.Accepted))
			}
			printIssues(w, "      ", g.Issues)
			for _, s := range g.Sets {
				v := ""
				if s.Version != "" {
					v = " (" + s.Version + ")"
				}
				fmt.Fprintf(w, "      set %s%s %s: %d segments, %s\n", s.Type, v, s.Control, s.Segments, verdict(s.Accepted))
				printIssues(w, "        ", s.Issues)
			}
		}
	}
}

func printIssues(w io.Writer, indent string, issues []syntax.Issue) {
	for _, is := range issues {
		where := ""
		if is.Pos.Line > 0 {
			where = fmt.Sprintf("line %d, segment %d, offset %d", is.Pos.Line, is.Pos.Segment, is.Pos.Offset)
		}
		if is.SegmentID != "" {
			where += " " + is.SegmentID
			if is.Element > 0 {
				where += fmt.Sprintf("%02d", is.Element)
				if is.Component > 0 {
					where += fmt.Sprintf("-%d", is.Component)
				}
			}
		}
		if is.Loop != "" {
			where += " in loop " + is.Loop
		}
		code := ""
		if is.Code != "" {
			code = " [" + is.Code + "]"
		}
		fmt.Fprintf(w, "%s%s %s%s: %s\n", indent, is.Severity, where, code, is.Message)
	}
}
