package notices

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/sshdtest"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/storage/state"
)

type ledgerRig struct {
	l     *state.Ledger
	store *blob.Dir
	opts  Options
}

func newLedgerRig(t *testing.T) *ledgerRig {
	t.Helper()
	dir := t.TempDir()
	l, err := state.Open(context.Background(), state.Config{Driver: state.DriverSQLite, DSN: filepath.Join(dir, "ledger.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	store, err := blob.OpenDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cfg := DefaultConfig()
	cfg.Carriers = map[string]Route{"CNRU": {Endpoint: "cnru"}, "MAEUEDI": {Endpoint: "maeu"}}
	return &ledgerRig{l: l, store: store, opts: Options{Config: cfg, Now: testNow}}
}

func (r *ledgerRig) notify(t *testing.T, results string) *Batch {
	t.Helper()
	b, err := Notify(context.Background(), fixture(t, results), r.opts, r.l, r.store)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Notify sends each event once: a rerun over the same inputs records nothing, new
// results add only their releases, and control numbers go on from the ledger.
func TestNotifyExactlyOnce(t *testing.T) {
	t.Parallel()
	r := newLedgerRig(t)
	ctx := context.Background()
	first := r.notify(t, "")
	if names := fileNames(first); !slices.Equal(names, []string{"350_CNRU_000000001.x12", "CUSRES_MAEUEDI_1.edi"}) {
		t.Fatalf("first run files %v", names)
	}
	if again := r.notify(t, ""); len(again.Files) != 0 {
		t.Fatalf("a rerun sent %v", fileNames(again))
	}
	withResults := r.notify(t, "results.jsonl")
	if names := fileNames(withResults); !slices.Equal(names, []string{"350_CNRU_000000002.x12", "CUSRES_MAEUEDI_2.edi"}) {
		t.Fatalf("release files %v", names)
	}
	for _, f := range withResults.Files {
		for _, n := range f.Notices {
			if n.Kind != Release {
				t.Errorf("%s carries %s again", f.Name, n.Key)
			}
		}
	}
	// HLCUEDI has no endpoint: its release is left for when it has one, and KCS has
	// no route at all.
	var skipped []string
	for _, s := range withResults.Skipped {
		skipped = append(skipped, s.Recipient)
	}
	if !slices.Equal(skipped, []string{"KCS", "HLCUEDI"}) {
		t.Errorf("skipped %v", withResults.Skipped)
	}
	if again := r.notify(t, "results.jsonl"); len(again.Files) != 0 {
		t.Fatalf("a rerun with results sent %v", fileNames(again))
	}
	pending, err := r.l.DeliveriesInState(ctx, "cnru", state.DeliveryPending)
	if err != nil || len(pending) != 2 {
		t.Fatalf("pending deliveries to cnru: %+v, %v", pending, err)
	}
	ns, err := r.l.NoticesOfContainer(ctx, "MSKU7351770")
	if err != nil || len(ns) != 2 || ns[0].Kind != "hold" || ns[1].Kind != "release" || ns[1].ExamID != "CAPRR-20261204-0001" || ns[1].Disposition != "1R" {
		t.Fatalf("notices of MSKU7351770: %+v, %v", ns, err)
	}
	// The stored copy is the file built.
	rc, info, err := r.store.Get(ctx, pending[0].BlobKey)
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if info.SHA256 != pending[0].SHA256 {
		t.Errorf("stored %s, ledger %s", info.SHA256, pending[0].SHA256)
	}
}

// Deliver pushes the queued files into the carriers' outboxes on a real sshd,
// exactly once: a rerun pushes nothing, a push interrupted before the ledger was
// updated is recognised, and a different file under the name is never replaced.
func TestDeliverSSHD(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"outbox"}})
	client, err := sftp.Dial(ctx, sftp.Config{Name: "carriers", Addr: srv.Addr, User: srv.User, KeyFile: srv.ClientKeyFile,
		KnownHostsFile: srv.KnownHostsFile, Outbox: "outbox"}.WithDefaults(), nil)
	if err != nil {
		t.Fatalf("dial: %v\n%s", err, srv.Logs())
	}
	t.Cleanup(func() { client.Close() })
	r := newLedgerRig(t)
	eps := map[string]Pusher{"cnru": client, "maeu": client}

	built := r.notify(t, "")
	done, err := Deliver(ctx, r.l, r.store, eps, DeliverOptions{SpoolDir: t.TempDir()})
	if err != nil || len(done) != 2 {
		t.Fatalf("Deliver = %+v, %v", done, err)
	}
	for _, f := range built.Files {
		got, err := os.ReadFile(srv.Path("outbox/" + f.Name))
		if err != nil || !bytes.Equal(got, f.Data) {
			t.Errorf("outbox %s: %v (%d bytes, want %d)", f.Name, err, len(got), len(f.Data))
		}
	}
	if done, err := Deliver(ctx, r.l, r.store, eps, DeliverOptions{}); err != nil || len(done) != 0 {
		t.Fatalf("second Deliver = %+v, %v; want nothing to do", done, err)
	}

	// A crash after the upload, before the ledger said sent: the next Deliver finds
	// the same file there and only records it.
	rel := r.notify(t, "results.jsonl")
	pushed := rel.Files[0]
	spool := filepath.Join(t.TempDir(), pushed.Name)
	if err := os.WriteFile(spool, pushed.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Push(ctx, spool, pushed.Name, nil); err != nil {
		t.Fatal(err)
	}
	// Someone else's file under the other name: never replaced.
	other := rel.Files[1]
	if err := os.WriteFile(srv.Path("outbox/"+other.Name), []byte("not ours"), 0o644); err != nil {
		t.Fatal(err)
	}
	done, err = Deliver(ctx, r.l, r.store, eps, DeliverOptions{})
	if !errors.Is(err, ErrDelivery) || !errors.Is(err, sftp.ErrConflict) {
		t.Fatalf("Deliver over a foreign file: %v", err)
	}
	byName := map[string]Delivered{}
	for _, d := range done {
		byName[d.Name] = d
	}
	if d := byName[pushed.Name]; !d.Already || d.Err != nil {
		t.Errorf("interrupted push: %+v, want Already", d)
	}
	if got, _ := os.ReadFile(srv.Path("outbox/" + other.Name)); string(got) != "not ours" {
		t.Errorf("the foreign file was replaced: %q", got)
	}
	failed, _ := r.l.DeliveriesInState(ctx, "", state.DeliveryFailed)
	if len(failed) != 1 || failed[0].Name != other.Name || failed[0].LastError == "" {
		t.Errorf("failed deliveries %+v, want %s", failed, other.Name)
	}
	sent, _ := r.l.DeliveriesInState(ctx, "", state.DeliverySent)
	if len(sent) != 3 {
		t.Errorf("%d sent, want 3", len(sent))
	}
}

// failingPusher is a fault injector: every push fails.
type failingPusher struct{ n int }

func (p *failingPusher) Push(context.Context, string, string, func(int64)) (sftp.PushResult, error) {
	p.n++
	return sftp.PushResult{}, errors.New("connection reset")
}

// A push that keeps failing stays pending, counting attempts, until MaxAttempts.
func TestDeliverRetriesThenFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newLedgerRig(t)
	r.notify(t, "")
	p := &failingPusher{}
	clock := time.Now() // the ledger stamps attempts with the real clock
	opts := DeliverOptions{MaxAttempts: 3, Backoff: time.Minute, Now: func() time.Time { return clock }}
	for i := 1; i <= 3; i++ {
		if _, err := Deliver(ctx, r.l, r.store, map[string]Pusher{"cnru": p}, opts); !errors.Is(err, ErrDelivery) {
			t.Fatalf("attempt %d: %v", i, err)
		}
		// Not due before its backoff (1, then 2 minutes) has passed.
		if done, err := Deliver(ctx, r.l, r.store, map[string]Pusher{"cnru": p}, opts); err != nil || len(done) != 0 || p.n != i {
			t.Fatalf("retried at once after attempt %d: %+v, %v, %d pushes", i, done, err, p.n)
		}
		clock = clock.Add(time.Duration(i)*time.Minute + time.Second)
		pending, _ := r.l.DeliveriesInState(ctx, "cnru", state.DeliveryPending)
		if i < 3 && (len(pending) != 1 || pending[0].Attempts != i || pending[0].LastError != "connection reset") {
			t.Fatalf("after attempt %d: %+v", i, pending)
		}
	}
	failed, _ := r.l.DeliveriesInState(ctx, "cnru", state.DeliveryFailed)
	if len(failed) != 1 || p.n != 3 {
		t.Fatalf("failed %+v after %d pushes", failed, p.n)
	}
	clock = clock.Add(time.Hour)
	if done, err := Deliver(ctx, r.l, r.store, map[string]Pusher{"cnru": p}, opts); err != nil || len(done) != 0 || p.n != 3 {
		t.Fatalf("a failed delivery was tried again: %+v, %v", done, err)
	}
}

func fileNames(b *Batch) []string {
	var out []string
	for _, f := range b.Files {
		out = append(out, f.Name)
	}
	return out
}

// A terminal's copies are recorded under its own ledger name, apart from the carrier's.
func TestNotifyTerminal(t *testing.T) {
	t.Parallel()
	r := newLedgerRig(t)
	r.opts.Config.Terminals = []Terminal{{Name: "CNRU", Route: Route{Standard: X12, Receiver: Party{ID: "FAIRVIEW"}, Endpoint: "fairview"}, Ports: []string{"0809"}}}
	b := r.notify(t, "")
	if names := fileNames(b); !slices.Equal(names, []string{"350_CNRU_000000001.x12", "350_FAIRVIEW_000000001.x12", "CUSRES_MAEUEDI_1.edi"}) {
		t.Fatalf("files %v", names)
	}
	for _, rcp := range []string{"CNRU", "terminal/CNRU"} {
		if _, err := r.l.NoticeEvent(context.Background(), "MAEU123456/MSKU7351770/hold/v1", rcp); err != nil {
			t.Errorf("%s: %v", rcp, err)
		}
	}
	if again := r.notify(t, ""); len(again.Files) != 0 {
		t.Errorf("a rerun sent %v", fileNames(again))
	}
}

// A run that dies after storing its files, before recording them, leaves nothing
// the next run trips on: the events were not recorded, so they are built again (with
// new control numbers, never reusing the dead run's) and delivered once.
func TestNotifyCrashBeforeRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newLedgerRig(t)
	opts := r.opts
	opts.OnlyRouted = true
	dead, err := Build(ctx, fixture(t, ""), LedgerOptions(ctx, r.l, opts))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range dead.Files {
		if _, err := r.store.Put(ctx, BlobPrefix+f.Recipient.Endpoint+"/"+f.Name, bytes.NewReader(f.Data), int64(len(f.Data)), blob.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	b := r.notify(t, "")
	if names := fileNames(b); !slices.Equal(names, []string{"350_CNRU_000000002.x12", "CUSRES_MAEUEDI_2.edi"}) {
		t.Fatalf("files after the crash %v", names)
	}
	p := &recordingPusher{}
	if _, err := Deliver(ctx, r.l, r.store, map[string]Pusher{"cnru": p, "maeu": p}, DeliverOptions{SpoolDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.names, []string{"350_CNRU_000000002.x12", "CUSRES_MAEUEDI_2.edi"}) {
		t.Errorf("pushed %v", p.names)
	}
}

// recordingPusher records what it is asked to push.
type recordingPusher struct{ names []string }

func (p *recordingPusher) Push(_ context.Context, src, name string, _ func(int64)) (sftp.PushResult, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return sftp.PushResult{}, err
	}
	p.names = append(p.names, name)
	sum := sha256.Sum256(b)
	return sftp.PushResult{Remote: name, Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}, nil
}
