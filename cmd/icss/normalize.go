package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/normalize"
	"github.com/icss/icss/transforms/tabular"
)

type normalizeOptions struct {
	Mapping    string
	Out        string
	Unmapped   bool
	Current    bool
	ReceivedAt string
}

func newNormalizeCommand() *cobra.Command {
	var opts normalizeOptions
	cmd := &cobra.Command{
		Use:   "normalize [--mapping FILE] [--out FILE] [--unmapped] [--current] FILE...",
		Short: "Turn X12 309/315/322/404, CUSCAR and carrier CSV/XLSX files into harmonized shipment records",
		Long: `Normalize reads each FILE (X12, EDIFACT or a CSV/XLSX carrier table; the kind is
detected from its first bytes) and writes one JSON line per bill version: the
harmonized record (schema icss.harmonized/1, see transforms/harmonized/schema.json),
in reading order, with data-quality flags instead of dropped values.

Container events from 315, 322 and 404 files are attached to the bills they name
(by container or bill number) wherever the inputs come in the list; an event that
matches no bill is written as a line of its own, {"event": {...}}.

Tables are read through --mapping, a YAML column mapping (default: the mapping of
the template that "icss template" writes). With --current the command writes,
instead of every version, the current view of each bill after all inputs:
amendments and deletes applied in filing order, deleted bills left out (this holds
every version in memory). With --unmapped it lists on standard error every input
segment, element or column that no mapping used.

Filing.received_at is each file's modification time unless --received-at gives one
(RFC 3339). Filing.version is 0 in the streamed output: versions are numbered when
they are applied to a ledger (--current here, or the state ledger); filing.sequence
orders the versions of the batch.

Exit status: 0 when every input was read, 1 when some input could not be read (the
others were still written), 2 for usage, mapping or output failure.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNormalize(cmd.OutOrStdout(), cmd.ErrOrStderr(), opts, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Mapping, "mapping", "", "YAML column mapping for CSV/XLSX inputs (default: the template's)")
	f.StringVarP(&opts.Out, "out", "o", "", "write the JSON lines to FILE instead of standard output")
	f.BoolVar(&opts.Unmapped, "unmapped", false, "list on standard error every input segment, element or column no mapping used")
	f.BoolVar(&opts.Current, "current", false, "write the current view of each bill instead of every version")
	f.StringVar(&opts.ReceivedAt, "received-at", "", "received time for every input, RFC 3339 (default: each file's modification time)")
	return cmd
}

func runNormalize(stdout, stderr io.Writer, opts normalizeOptions, files []string) error {
	if !opts.Current {
		// Streaming keeps a few MiB live: collect less often (memory stays flat, a few
		// times that), which saves about a tenth of the CPU on large manifests.
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	nopts := normalize.Options{Current: opts.Current}
	if opts.Mapping != "" {
		m, err := tabular.LoadMapping(opts.Mapping)
		if err != nil {
			return &usageError{err}
		}
		nopts.Mapping = m
	}
	if opts.ReceivedAt != "" {
		t, err := time.Parse(time.RFC3339, opts.ReceivedAt)
		if err != nil {
			return &usageError{fmt.Errorf("--received-at: %w", err)}
		}
		dt := &harmonized.DateTime{Time: t, Precision: harmonized.PrecisionSecond, Zone: t.Location().String(), Raw: opts.ReceivedAt}
		nopts.ReceivedAt = func(string) *harmonized.DateTime { return dt }
	} else {
		nopts.ReceivedAt = fileTime
	}
	errw := bufio.NewWriter(stderr)
	defer errw.Flush()
	if opts.Unmapped {
		nopts.Unmapped = func(line string) { fmt.Fprintln(errw, "unmapped:", line) }
	}
	out := stdout
	var file *os.File
	if opts.Out != "" {
		f, err := os.Create(opts.Out)
		if err != nil {
			return err
		}
		file, out = f, f
	}
	w := bufio.NewWriterSize(out, 256<<10)
	var line []byte
	res, err := normalize.Run(nopts, files, func(l normalize.Line) error {
		// AppendJSON writes what encoding/json would, several times faster.
		if l.Record != nil {
			line = l.Record.AppendJSON(line[:0])
		} else {
			line = l.Event.AppendJSON(append(line[:0], `{"event":`...))
			line = append(line, '}')
		}
		line = append(line, '\n')
		_, err := w.Write(line)
		return err
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("normalize: write output: %w", err)
	}
	fmt.Fprintf(errw, "normalize: %d file(s), %d bill version(s) (%d flagged), %d event(s) (%d attached), %d line(s) written\n",
		res.Files, res.Records, res.Flagged, res.Events, res.Attached, res.Emitted)
	for _, e := range res.Errors {
		fmt.Fprintln(errw, "normalize:", e)
	}
	if len(res.Errors) > 0 {
		return errInvalidInput
	}
	return nil
}

// fileTime is the received time of a file: its modification time, to the second, UTC.
func fileTime(name string) *harmonized.DateTime {
	st, err := os.Stat(name)
	if err != nil {
		return nil
	}
	t := st.ModTime().UTC().Truncate(time.Second)
	return &harmonized.DateTime{Time: t, Precision: harmonized.PrecisionSecond, Zone: "UTC", Raw: t.Format(time.RFC3339)}
}
