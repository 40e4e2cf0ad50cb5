package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/storage/blob/s3blob"
	"github.com/icss/icss/transforms/results"
	"github.com/icss/icss/transforms/results/partner"
)

func newPartnerCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "partner",
		Short: "The partner agency's client: pull verified result batches, check a container at the border",
	}
	cmd.AddCommand(newPartnerPullCommand(), newPartnerCheckCommand())
	return cmd
}

type partnerPullOptions struct {
	Dir, Bucket, Prefix, PubKey, State string
	S3                                 s3blob.Connection
	SecretFile                         string
}

func newPartnerPullCommand() *cobra.Command {
	var o partnerPullOptions
	pull := &cobra.Command{
		Use:   "pull (--dir DIR | --bucket BUCKET --endpoint HOST:PORT --access-key KEY) --pubkey icss-signing.pub --state STATE",
		Short: "Fetch, verify and index new result batches",
		Long: `Pull fetches the batches after the last one in STATE (a SQLite file, created when
missing), in sequence order, from a directory (the SFTP inbox icss pushes
into) or the results bucket, and verifies each before indexing it: the
manifest's signature with --pubkey, its sequence number and the SHA-256 of the
previous manifest, the size and SHA-256 of every file. A missing batch, a
changed file, a replayed batch or a signature by another key is refused and
reported; the batches before it stay indexed, nothing after it is.

The bucket's secret key is read from the environment (AWS_SECRET_ACCESS_KEY)
or --secret-key-file, never from the command line; the access key from
--access-key or AWS_ACCESS_KEY_ID.

Exit status: 0 when every new batch verified, 1 when one was refused, 2 for
usage, configuration or I/O failure.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return runPartnerPull(cmd, cmd.OutOrStdout(), o) },
	}
	f := pull.Flags()
	f.StringVar(&o.Dir, "dir", "", "read batches from this directory")
	f.StringVar(&o.Bucket, "bucket", "", "read batches from this S3 bucket")
	f.StringVar(&o.Prefix, "prefix", "", "key prefix of the batches in the bucket")
	f.StringVar(&o.S3.Endpoint, "endpoint", "", "S3 endpoint host:port")
	f.StringVar(&o.S3.Region, "region", "", "S3 region (default us-east-1)")
	f.StringVar(&o.S3.AccessKey, "access-key", os.Getenv("AWS_ACCESS_KEY_ID"), "S3 access key")
	f.StringVar(&o.SecretFile, "secret-key-file", "", "file holding the S3 secret key (default: $AWS_SECRET_ACCESS_KEY)")
	f.BoolVar(&o.S3.Insecure, "insecure", false, "plain HTTP (loopback test servers only)")
	f.StringVar(&o.S3.CAFile, "ca-file", "", "PEM of the CA that signs the S3 server's certificate")
	f.StringVar(&o.PubKey, "pubkey", "", "icss's published signing key (icss-signing.pub)")
	f.StringVar(&o.State, "state", "", "the local index (SQLite file)")
	return pull
}

func runPartnerPull(cmd *cobra.Command, w io.Writer, o partnerPullOptions) error {
	switch {
	case (o.Dir == "") == (o.Bucket == ""):
		return &usageError{errors.New("give exactly one of --dir and --bucket")}
	case o.PubKey == "" || o.State == "":
		return &usageError{errors.New("--pubkey and --state are required")}
	}
	ctx := cmd.Context()
	pub, err := signing.LoadPublicKey(o.PubKey)
	if err != nil {
		return err
	}
	var src partner.Source
	if o.Dir != "" {
		src = partner.DirSource(o.Dir)
	} else {
		o.S3.SecretKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
		if o.SecretFile != "" {
			b, err := os.ReadFile(o.SecretFile)
			if err != nil {
				return err
			}
			o.S3.SecretKey = strings.TrimSpace(string(b))
		}
		cl, err := s3blob.NewClient(o.S3)
		if err != nil {
			return &usageError{err}
		}
		st, err := s3blob.New(cl, s3blob.Config{Bucket: o.Bucket, Prefix: o.Prefix})
		if err != nil {
			return &usageError{err}
		}
		src = partner.BucketSource(st, "s3://"+o.Bucket+"/"+o.Prefix)
	}
	ix, err := partner.OpenIndex(ctx, o.State)
	if err != nil {
		return err
	}
	defer ix.Close()
	rep, err := partner.Pull(ctx, src, pub, ix, nil)
	for _, seq := range rep.Batches {
		fmt.Fprintf(w, "batch %d verified and indexed\n", seq)
	}
	held := "no batch yet"
	if rep.Last > 0 {
		held = fmt.Sprintf("batches 1-%d", rep.Last)
	}
	fmt.Fprintf(w, "%d new batches, %d rows; index holds %s (key %s)\n", len(rep.Batches), rep.Rows, held, signing.KeyID(pub))
	if rep.Waiting != "" {
		fmt.Fprintln(w, rep.Waiting)
	}
	if err != nil {
		for _, refused := range []error{results.ErrGap, results.ErrChain, results.ErrChanged, results.ErrSignature, partner.ErrReplayed, partner.ErrMalformed} {
			if errors.Is(err, refused) {
				fmt.Fprintln(cmd.ErrOrStderr(), "icss: REFUSED:", err)
				return errInvalidInput
			}
		}
		return err
	}
	return nil
}

func newPartnerCheckCommand() *cobra.Command {
	var state, seal string
	var asJSON bool
	check := &cobra.Command{
		Use:   "check --state STATE CONTAINER [--seal SEAL] [--json]",
		Short: "May this container cross without another exam?",
		Long: `Check answers from the index that partner pull keeps, in one line (or JSON):

  RISK NEGATED            examined, nothing found, bolt seal applied (and, with --seal, intact): proceed
  SEAL MISMATCH           the seal presented is not the bolt seal applied: refer
  EXAMINED WITH FINDINGS  discrepancy or seizure: refer
  SELECTED                selected for exam, risk not negated: refer
  NOT EXAMINED            selected but not examined (e.g. left before exam): refer
  UNKNOWN                 no exam result received for it: proceed as usual

The current version of the container's latest exam decides (a correction
replaces what it corrects). Blanks and hyphens in CONTAINER and SEAL are
ignored; a number with no result that is not a valid ISO 6346 container number
(check digit) is an error, so that a typo never proceeds as UNKNOWN.

Exit status: 0 proceed, 1 refer, 2 errors.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if state == "" {
				return &usageError{errors.New("--state is required")}
			}
			if _, err := os.Stat(state); err != nil {
				return fmt.Errorf("index %s: %w (run icss partner pull first)", state, err)
			}
			ix, err := partner.OpenIndex(cmd.Context(), state)
			if err != nil {
				return err
			}
			defer ix.Close()
			a, err := ix.Check(cmd.Context(), args[0], seal)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(a); err != nil {
					return err
				}
			} else {
				fmt.Fprintln(w, a)
			}
			if a.Verdict.Refer() {
				return errInvalidInput
			}
			return nil
		},
	}
	check.Flags().StringVar(&state, "state", "", "the index partner pull keeps")
	check.Flags().StringVar(&seal, "seal", "", "the seal number read on the container")
	check.Flags().BoolVar(&asJSON, "json", false, "answer in JSON")
	return check
}
