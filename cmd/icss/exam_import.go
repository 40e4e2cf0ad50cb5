package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/examimport"
)

type examImportOptions struct {
	List, Evidence, Key, Out, State string
}

func newExamImportCommand() *cobra.Command {
	var opts examImportOptions
	cmd := &cobra.Command{
		Use:   "import [--list ORIGINAL.xlsx] --evidence DIR --key SIGNING.key --out results.jsonl [--state DB] RETURNED...",
		Short: "Import returned exam lists and photos as signed evidence and exam results",
		Long: `Import reads what the officers sent back: filled-in exam list workbooks, photos
(JPEG, PNG, TIFF or PDF) named <exam-id>_<anything>.<ext> or kept in a folder named
after the exam ID, ZIPs of them, or directories of them. Every filled-in row is
checked against the list as issued (--list, else the issued entries the returned
workbook carries): known exam ID, once only; container and bills unchanged; outcome
from the list; exam time after the list was issued and not in the future; a bolt
seal when the exam opened the container and released it with no finding; photos
whose bytes are what their names say, that decode, within the size limits, as many
as the photo count. A row with any problem is reported (file, sheet, row, column)
and nothing of it is recorded. Rows left empty are not yet examined.

The photos and workbooks are kept byte for byte in the evidence store DIR under
their SHA-256, and each accepted row gets a manifest signed with --key and chained
to the previous one. Importing the same return again records nothing new; a
corrected row becomes the next version of its exam, the earlier kept. --out gets
one exam result per accepted row (JSON lines, transforms/exam/schema.json).
--state indexes the manifests in the ledger (a SQLite file, or a postgres:// URL).

Exit status: 0 when every row was accepted, 1 when some were rejected (each one
reported), 2 for usage or I/O errors.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExamImport(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.List, "list", "", "the exam list workbook as issued (default: the issued entries inside each returned workbook)")
	f.StringVar(&opts.Evidence, "evidence", "", "evidence store directory")
	f.StringVar(&opts.Key, "key", "", "ed25519 private key that signs the manifests (icss keys generate)")
	f.StringVar(&opts.Out, "out", "", "exam results file to write, JSON lines")
	f.StringVar(&opts.State, "state", "", "ledger to index the manifests in: SQLite file or postgres:// URL")
	return cmd
}

func runExamImport(ctx context.Context, out, errOut io.Writer, opts examImportOptions, args []string) error {
	for flag, v := range map[string]string{"--evidence": opts.Evidence, "--key": opts.Key, "--out": opts.Out} {
		if v == "" {
			return &usageError{fmt.Errorf("%s is required", flag)}
		}
	}
	key, err := signing.LoadPrivateKey(opts.Key)
	if err != nil {
		return err
	}
	store, err := blob.OpenDir(opts.Evidence)
	if err != nil {
		return err
	}
	defer store.Close()
	evOpts := evidence.Options{Key: key}
	if opts.State != "" {
		l, err := state.Open(ctx, stateConfig(opts.State))
		if err != nil {
			return err
		}
		defer l.Close()
		evOpts.Ledger = l
	}
	rep, err := examimport.Import(ctx, examimport.Options{List: opts.List, Returned: args, Evidence: evidence.New(store, evOpts)})
	if err != nil {
		return err
	}
	if err := writeResults(opts.Out, rep); err != nil {
		return err
	}
	for _, e := range rep.Rejected {
		fmt.Fprintln(errOut, "rejected:", e)
	}
	fmt.Fprintf(out, "%d workbook(s), %d photo(s), %d row(s) filled in: %d recorded, %d already recorded, %d problem(s); results in %s\n",
		rep.Workbooks, rep.Photos, rep.Rows, len(rep.Recorded), len(rep.Unchanged), len(rep.Rejected), opts.Out)
	if !rep.OK() {
		return errInvalidInput
	}
	return nil
}

// writeResults writes every accepted row's result, replacing path only once
// the whole file is written.
func writeResults(path string, rep examimport.Report) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".results-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriter(tmp)
	enc := json.NewEncoder(w)
	for _, r := range rep.Results() {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	if err := errors.Join(w.Flush(), tmp.Sync(), tmp.Chmod(0o644)); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
