package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/storage/state"
)

type evidenceVerifyOptions struct {
	Evidence, State string
	PubKeys         []string
}

func newEvidenceCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evidence",
		Short: "Check the exam evidence store",
	}
	var opts evidenceVerifyOptions
	verify := &cobra.Command{
		Use:   "verify --evidence DIR --pubkey icss-signing.pub [--state DB]",
		Short: "Re-read every evidence object and manifest and report any damage",
		Long: `Verify re-reads every photo, workbook and manifest in the evidence store DIR and
reports, each at its place (key, chain position, exam ID): an object whose bytes
no longer hash to its key or whose size differs from its manifest, an object a
manifest names that is missing, a manifest missing from the chain, a broken chain
link (a manifest whose "previous" is not the SHA-256 of the one before it), a bad
signature, or an unreadable manifest. --pubkey may be given more than once (the
keys of a rotation). With --state, the ledger's index of the chain is compared
too: it shows the newest manifests deleted, which the chain alone cannot. The
store on S3 is checked by the daemon's configuration
(icss run); here a directory.

Exit status: 0 when everything verifies, 1 when anything is wrong, 2 for usage or
I/O errors.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEvidenceVerify(cmd.Context(), cmd.OutOrStdout(), opts)
		},
	}
	verify.Flags().StringVar(&opts.Evidence, "evidence", "", "evidence store directory")
	verify.Flags().StringVar(&opts.State, "state", "", "ledger indexing the chain (SQLite file or postgres:// URL), to check the chain's end")
	verify.Flags().StringArrayVar(&opts.PubKeys, "pubkey", nil, "public key the manifests are signed with (icss-signing.pub); repeatable")
	cmd.AddCommand(verify)
	return cmd
}

func runEvidenceVerify(ctx context.Context, out io.Writer, opts evidenceVerifyOptions) error {
	if opts.Evidence == "" || len(opts.PubKeys) == 0 {
		return &usageError{fmt.Errorf("--evidence DIR and --pubkey FILE are required")}
	}
	var keys []ed25519.PublicKey
	for _, p := range opts.PubKeys {
		k, err := signing.LoadPublicKey(p)
		if err != nil {
			return err
		}
		keys = append(keys, k)
	}
	store, err := blob.OpenDir(opts.Evidence)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := evidence.Verify(ctx, store, keys...)
	if err != nil {
		return err
	}
	if opts.State != "" {
		l, err := state.Open(ctx, stateConfig(opts.State))
		if err != nil {
			return err
		}
		defer l.Close()
		if err := evidence.CheckLedger(ctx, &rep, l); err != nil {
			return err
		}
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(out, p)
	}
	verdict := "OK"
	if !rep.OK() {
		verdict = fmt.Sprintf("%d problem(s)", len(rep.Problems))
	}
	fmt.Fprintf(out, "%d manifest(s), head %d %s; %d object(s), %d bytes, %d not named by any manifest: %s\n",
		rep.Manifests, rep.Head, rep.HeadSHA256, rep.Objects, rep.Bytes, rep.Unreferenced, verdict)
	if !rep.OK() {
		return errInvalidInput
	}
	return nil
}
