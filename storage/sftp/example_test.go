package sftp_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/storage/state"
)

func ExampleValidateName() {
	for _, name := range []string{"CN_309_20261127.x12", "../../etc/passwd", "invoice\u202Efdp.x12"} {
		fmt.Println(sftp.ValidateName(name))
	}
	// Output:
	// <nil>
	// remote name "../../etc/passwd" contains a path separator
	// remote name "invoice\u202efdp.x12" has control or format character U+202E at byte 7
}

// A pull of one carrier's drop box into the local raw store and a SQLite ledger.
func ExamplePuller() {
	ctx := context.Background()
	cfg := sftp.Config{
		Name: "cn-rail", Addr: "sftp.cn.example:22", User: "icss",
		KeyFile: "/etc/icss/keys/cn_ed25519", KnownHostsFile: "/etc/icss/keys/known_hosts",
		Inbox: "inbox",
	}.WithDefaults()
	client, err := sftp.Dial(ctx, cfg, slog.Default())
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // e.g. a *HostKeyError naming the fingerprint
		return
	}
	defer client.Close()
	ledger, err := state.Open(ctx, state.Config{Driver: "sqlite", DSN: "/var/lib/icss/ledger.db"})
	if err != nil {
		return
	}
	defer ledger.Close()
	raw, err := blob.OpenDir("/var/lib/icss/blobs/raw")
	if err != nil {
		return
	}
	defer raw.Close()
	rep, err := (&sftp.Puller{Client: client, Blobs: raw, Ledger: ledger}).Run(ctx)
	if err != nil {
		return
	}
	fmt.Println(rep.Count(sftp.Taken), "files taken")
}
