package sftp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/icss/icss/internal/testkit/sshdtest"
)

// TestChrootedDropBox runs pull and push against a carrier account the way production
// servers are set up: a dedicated user chrooted into its drop box (root only). Absolute
// paths outside the box must not be reachable.
func TestChrootedDropBox(t *testing.T) {
	t.Parallel()
	root := sshdtest.ChrootBox(t, "icss-carrier-test")
	srv := sshdtest.Start(t, sshdtest.Options{Root: root, ChrootUser: "icss-carrier-test", Dirs: []string{"inbox", "outbox"}})
	cfg := testConfig(srv)
	cfg.Inbox, cfg.Outbox = "/inbox", "/outbox"
	r := newRigFor(t, srv, cfg)
	ctx := context.Background()
	want := r.put(t, "CN1.x12", []byte("ISA*chroot"))
	rep, err := r.puller().Run(ctx)
	if err != nil || rep.Err() != nil || rep.Count(Taken) != 1 || rep.Files[0].SHA256 != want {
		t.Fatalf("%+v %v", rep, err)
	}
	if got := r.files(t, "inbox/archive"); !slices.Equal(got, []string{"CN1.x12"}) {
		t.Fatalf("archive = %v", got)
	}
	src := filepath.Join(t.TempDir(), "ack.x12")
	os.WriteFile(src, []byte("ISA*997"), 0o644)
	if _, err := r.client.Push(ctx, src, "ack.x12", nil); err != nil {
		t.Fatal(err)
	}
	// The chroot holds: /etc/passwd is not the host's.
	if _, err := r.client.Stat(ctx, "/etc/passwd"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stat /etc/passwd inside the chroot: %v, want not found", err)
	}
}
