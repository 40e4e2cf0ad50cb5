package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/icss/icss/internal/signing"
)

func newKeysCommand() *cobra.Command {
	keys := &cobra.Command{
		Use:   "keys",
		Short: "Manage the ed25519 key pair that signs evidence manifests and result batches",
	}
	var out string
	gen := &cobra.Command{
		Use:   "generate --out DIR",
		Short: "Write a new signing key pair into DIR",
		Long: `Generate writes a new ed25519 key pair: DIR/icss-signing.key (PKCS #8 PEM, mode 0600),
which icss signs evidence manifests and partner result batches with, and
DIR/icss-signing.pub (PKIX PEM), which the partner agency and auditors verify them
with. It never replaces an existing key. The key's ID is printed.

Exit status: 0 on success, 2 for usage or I/O failure.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return &usageError{fmt.Errorf("--out DIR is required")}
			}
			privPath, pubPath, err := signing.WriteKeyPair(out)
			if err != nil {
				return err
			}
			pub, err := signing.LoadPublicKey(pubPath)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "private key %s\npublic key  %s\nkey ID      %s\n", privPath, pubPath, signing.KeyID(pub))
			return nil
		},
	}
	gen.Flags().StringVar(&out, "out", "", "directory to write the key pair into")
	keys.AddCommand(gen)
	return keys
}
