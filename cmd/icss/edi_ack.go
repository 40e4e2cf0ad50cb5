package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/icss/icss/edi/acks"
	"github.com/icss/icss/edi/x12/ack"
	"github.com/icss/icss/storage/state"
)

type ediAckOptions struct {
	Format  string
	Out     string
	State   string
	Sender  string
	Newline bool
	// now dates the acknowledgments; tests fix it.
	now func() time.Time
}

func newEDIAckCommand() *cobra.Command {
	opts := ediAckOptions{now: time.Now}
	cmd := &cobra.Command{
		Use:   "ack [--format 997|999] [--out DIR] FILE...",
		Short: "Write the acknowledgments (997, 999, TA1) that EDI files call for",
		Long: `Ack validates each file as inspect does and writes, into DIR, the acknowledgments
the standard prescribes: a TA1 per interchange when ISA14 requests one or when the
envelope is broken, and a 997 or 999 per functional group (999 for 005010 and later
groups unless --format says otherwise). For an EDIFACT file it writes one CONTRL per
interchange (UCI, UCF, UCM, UCS, UCD with the ISO 9735 action and syntax error codes),
named CONTRL_<acknowledged UNB 0020>_<own reference>.edi; an interchange of CONTRL
messages only is not acknowledged. Each acknowledgment is a file of its own, named
<kind>_<acknowledged ISA13>[_<GS06>]_<own ISA13>.x12; their names are printed.

Control numbers come from the state ledger given by --state (a SQLite file, created
when missing), so that they are never reused; without --state they start at 1 and are
not kept.

A FILE of "-" reads standard input.

Exit status: 0 when every input is valid, 1 when any input has errors (its negative
acknowledgments are still written), 2 for usage or I/O failure.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEDIAck(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "", "functional acknowledgment to write: 997 or 999 (default: by version)")
	f.StringVar(&opts.Out, "out", ".", "directory to write the acknowledgments into")
	f.StringVar(&opts.State, "state", "", "ledger that keeps control numbers: SQLite file or postgres:// URL (default: not kept)")
	f.StringVar(&opts.Sender, "sender", "", "our interchange ID as QUALIFIER:ID (default: the receiver of each interchange)")
	f.BoolVar(&opts.Newline, "newline", false, "write a line break after each segment")
	return cmd
}

func runEDIAck(ctx context.Context, stdout, stderr io.Writer, opts ediAckOptions, files []string) error {
	aopts := ack.Options{Format: ack.Kind(opts.Format), Now: opts.now, Newline: opts.Newline}
	if opts.Sender != "" {
		q, id, ok := strings.Cut(opts.Sender, ":")
		if !ok {
			return &usageError{fmt.Errorf("--sender %q is not QUALIFIER:ID", opts.Sender)}
		}
		aopts.SenderQualifier, aopts.Sender = q, id
	}
	if opts.State != "" {
		ledger, err := state.Open(ctx, stateConfig(opts.State))
		if err != nil {
			return fmt.Errorf("open state %s: %w", opts.State, err)
		}
		defer ledger.Close()
		aopts.Controls = ack.ControlNumbersFunc(func(scope string) (int64, error) {
			return ledger.NextControlNumber(ctx, scope)
		})
	} else {
		aopts.Controls = ack.NewCounter()
	}
	if err := aopts.Validate(); err != nil {
		return &usageError{err}
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return err
	}
	invalid := false
	for _, name := range files {
		ok, err := ackFile(stdout, stderr, name, opts.Out, aopts)
		if err != nil {
			return err
		}
		if !ok {
			invalid = true
		}
	}
	if invalid {
		return errInvalidInput
	}
	return nil
}

// ackFile acknowledges every interchange of one file; ok reports whether it was valid.
func ackFile(stdout, stderr io.Writer, name, dir string, opts ack.Options) (ok bool, err error) {
	f, err := openInput(name)
	if err != nil {
		return false, err
	}
	defer f.Close()
	return ackStream(stdout, stderr, name, f, dir, opts)
}

// ackStream writes into dir the acknowledgments (TA1, 997/999 or CONTRL) of the input
// r, printing a line for each, and reports whether the input was valid.
func ackStream(stdout, stderr io.Writer, name string, r io.Reader, dir string, opts ack.Options) (ok bool, err error) {
	rep, err := acks.Acknowledge(r, name, opts, func(a acks.File) error {
		path := filepath.Join(dir, a.Name)
		if err := writeFileAtomic(path, a.Data); err != nil {
			return err
		}
		if a.Kind == "CONTRL" {
			fmt.Fprintf(stdout, "%s: CONTRL %s for interchange %s -> %s\n", name, a.Status, a.Interchange, path)
		} else {
			fmt.Fprintf(stdout, "%s: %s %s for interchange %s%s -> %s\n", name, a.Kind, a.Status, a.Interchange, groupSuffix(a.Group), path)
		}
		return nil
	}, func(s acks.Skipped) {
		fmt.Fprintf(stdout, "%s: interchange %s at line %d not acknowledged: %v\n", name, s.Interchange, s.Line, s.Reason)
	})
	if err != nil {
		return false, err
	}
	if len(rep.Interchanges) == 0 {
		fmt.Fprintf(stderr, "%s: no interchange to acknowledge\n", name)
	}
	for _, is := range rep.Issues {
		fmt.Fprintf(stderr, "%s: %s: %s\n", name, is.Severity, is.Message)
	}
	return rep.Valid(), nil
}

func groupSuffix(g string) string {
	if g == "" {
		return ""
	}
	return " group " + g
}

// writeFileAtomic writes data to path through a temporary file, so that a reader of
// the directory never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return errors.Join(fmt.Errorf("write %s", path), err)
	}
	return nil
}
