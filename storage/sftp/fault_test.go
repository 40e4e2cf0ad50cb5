package sftp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/sftpfault"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
)

// faultRig is a rig on the in-process fault-injecting server.
func faultRig(t *testing.T, edit func(*Config)) (*rig, *sftpfault.Server) {
	t.Helper()
	srv := sftpfault.Start(t, "inbox", "outbox")
	cfg := Config{
		Name: "carrier1", Addr: srv.Addr, User: srv.User, KeyFile: srv.ClientKeyFile,
		KnownHostsFile: srv.KnownHostsFile, Inbox: "inbox", Outbox: "outbox",
		StableFor: 50 * time.Millisecond, RetryBackoff: 10 * time.Millisecond, MaxAttempts: 2,
	}
	if edit != nil {
		edit(&cfg)
	}
	cfg = cfg.WithDefaults()
	c, err := Dial(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r := newRigFor(t, nil, cfg)
	r.client = c
	r.srvPath = srv.Path
	return r, srv
}

func TestFaultDropMidDownloadRedials(t *testing.T) {
	t.Parallel()
	r, srv := faultRig(t, nil)
	data := randomBytes(7, 3<<20)
	want := r.put(t, "big.x12", data)
	srv.Faults.DropReadAfter.Store(1 << 20)
	rep, err := r.puller().Run(context.Background())
	if err != nil || rep.Err() != nil {
		t.Fatalf("%v %v", err, rep.Err())
	}
	if rep.Count(Taken) != 1 || rep.Files[0].SHA256 != want {
		t.Fatalf("%+v", rep.Files)
	}
	if n := srv.Conns.Load(); n < 2 {
		t.Fatalf("connections = %d, want a redial", n)
	}
}

func TestFaultDropMidUploadRedials(t *testing.T) {
	t.Parallel()
	r, srv := faultRig(t, nil)
	data := randomBytes(8, 3<<20)
	src := filepath.Join(t.TempDir(), "result.x12")
	os.WriteFile(src, data, 0o644)
	srv.Faults.DropWriteAfter.Store(1 << 20)
	res, err := r.client.Push(context.Background(), src, "result.x12", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(srv.Path("outbox/result.x12"))
	if !bytes.Equal(got, data) || res.Synced {
		t.Fatalf("pushed %d bytes (want %d), synced=%v on a server without fsync", len(got), len(data), res.Synced)
	}
	if ents, _ := os.ReadDir(srv.Path("outbox")); len(ents) != 1 {
		t.Fatalf("outbox has %d entries: a temporary was left behind", len(ents))
	}
}

func TestFaultGrowingFileNotTaken(t *testing.T) {
	t.Parallel()
	r, srv := faultRig(t, nil)
	r.put(t, "growing.x12", []byte("ISA"))
	srv.Faults.BeforeList(func(name string) {
		if name == "inbox" {
			f, _ := os.OpenFile(srv.Path("inbox/growing.x12"), os.O_APPEND|os.O_WRONLY, 0)
			f.Write([]byte("*more"))
			f.Close()
		}
	})
	rep, err := r.puller().Run(context.Background())
	if err != nil || len(rep.Files) != 0 {
		t.Fatalf("%+v %v", rep, err)
	}
}

func TestFaultPermissionDeniedQuarantinesAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	r, srv := faultRig(t, nil)
	r.put(t, "locked.x12", []byte("ISA"))
	srv.Faults.Deny(func(method, name string) bool { return method == "Get" && name == "inbox/locked.x12" })
	ctx := context.Background()
	for run, want := range []Outcome{Failed, Failed, Skipped} {
		rep, err := r.puller().Run(ctx)
		if err != nil || len(rep.Files) != 1 || rep.Files[0].Outcome != want {
			t.Fatalf("run %d: %+v %v, want %s", run, rep.Files, err, want)
		}
		if want == Failed && !strings.Contains(rep.Err().Error(), "permission denied") {
			t.Fatalf("run %d: error %v does not say permission denied", run, rep.Err())
		}
	}
	q, _ := r.ledger.FilesInState(ctx, "carrier1", state.FileQuarantined)
	if len(q) != 1 || q[0].Attempts != 2 || !strings.Contains(q[0].LastError, "permission denied") {
		t.Fatalf("quarantined = %+v", q)
	}
	if _, err := os.Stat(srv.Path("inbox/locked.x12")); err != nil {
		t.Fatal("the file must stay on the server")
	}
}

func TestFaultArchiveRenameFailsThenRecovers(t *testing.T) {
	t.Parallel()
	r, srv := faultRig(t, nil)
	want := r.put(t, "m.x12", []byte("ISA*rename"))
	srv.Faults.FailCmd(func(method, name string) error {
		if strings.Contains(method, "Rename") {
			return errors.New("injected rename failure")
		}
		return nil
	})
	ctx := context.Background()
	rep, err := r.puller().Run(ctx)
	if err != nil || rep.Count(Failed) != 1 {
		t.Fatalf("%+v %v", rep.Files, err)
	}
	fetched, _ := r.ledger.FilesInState(ctx, "carrier1", state.FileFetched)
	if len(fetched) != 1 || fetched[0].SHA256 != want {
		t.Fatalf("the raw copy must be recorded before the archive step: %+v", fetched)
	}
	srv.Faults.FailCmd(nil)
	rep, err = r.puller().Run(ctx)
	if err != nil || rep.Count(Recovered) != 1 {
		t.Fatalf("%+v %v", rep.Files, err)
	}
	if got := r.files(t, "inbox/archive"); !slices.Equal(got, []string{"m.x12"}) {
		t.Fatalf("archive = %v", got)
	}
}

// TestFaultShortReadsFailTheSizeCheck: a server that reads less than max_packet at a time
// makes pkg/sftp's pipelined download skip bytes; the size check must catch it, so that
// nothing is stored, recorded or archived.
func TestFaultShortReadsFailTheSizeCheck(t *testing.T) {
	t.Parallel()
	r, srv := faultRig(t, nil)
	r.put(t, "big.x12", randomBytes(11, 1<<20))
	srv.Faults.ShortReads.Store(10000)
	rep, err := r.puller().Run(context.Background())
	if err != nil || rep.Count(Failed) != 1 || !strings.Contains(rep.Err().Error(), "reads less than max_packet") {
		t.Fatalf("%+v %v", rep.Files, err)
	}
	stored := 0
	r.blobs.List(context.Background(), "", func(blob.Info) error { stored++; return nil })
	if stored != 0 {
		t.Fatalf("%d objects stored from a short-read download", stored)
	}
	if _, err := os.Stat(srv.Path("inbox/big.x12")); err != nil {
		t.Fatal("the file must stay in the inbox")
	}
	// With reads the server can serve whole, it comes through intact.
	srv.Faults.ShortReads.Store(0)
	if rep, err := r.puller().Run(context.Background()); err != nil || rep.Count(Taken) != 1 {
		t.Fatalf("%+v %v", rep.Files, err)
	}
}

// TestFaultPushWithoutHardLinks publishes by rename when the server refuses hard links,
// and still never replaces a different file.
func TestFaultPushWithoutHardLinks(t *testing.T) {
	t.Parallel()
	r, srv := faultRig(t, nil)
	srv.Faults.FailCmd(func(method, _ string) error {
		if method == "Link" {
			return errors.New("injected: no hard links here")
		}
		return nil
	})
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "out.x12")
	os.WriteFile(src, []byte("ISA*rename"), 0o644)
	if _, err := r.client.Push(ctx, src, "out.x12", nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(srv.Path("outbox/out.x12")); string(got) != "ISA*rename" {
		t.Fatalf("remote = %q", got)
	}
	if res, err := r.client.Push(ctx, src, "out.x12", nil); err != nil || !res.Already {
		t.Fatalf("repeat: %+v %v", res, err)
	}
	os.WriteFile(src, []byte("ISA*other"), 0o644)
	if _, err := r.client.Push(ctx, src, "out.x12", nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("conflict: %v", err)
	}
	if ents, _ := os.ReadDir(srv.Path("outbox")); len(ents) != 1 {
		t.Fatalf("outbox has %d entries", len(ents))
	}
}

// TestConcurrencyLimit: no more than max_concurrent files are transferred at once, and
// the limit is used.
func TestConcurrencyLimit(t *testing.T) {
	t.Parallel()
	r, srv := faultRig(t, func(c *Config) { c.MaxConcurrent = 3 })
	for i := range 12 {
		r.put(t, fmt.Sprintf("f%02d.x12", i), randomBytes(uint64(i), 100_000))
	}
	srv.Faults.ReadDelay.Store(int64(20 * time.Millisecond))
	rep, err := r.puller().Run(context.Background())
	if err != nil || rep.Count(Taken) != 12 {
		t.Fatalf("%+v %v", rep.Files, err)
	}
	// The limit is a maximum; how close a loaded machine's scheduler comes to it varies,
	// but with reads this slow the transfers overlap.
	if got := srv.MaxOpenReads.Load(); got > 3 || got < 2 {
		t.Fatalf("at most %d files were read at once, want 2 or 3 (max_concurrent 3)", got)
	}
}
