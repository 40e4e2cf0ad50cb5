package sftp

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
)

// downBlobs is a blob store that is unreachable while down is set (fault injection:
// an S3 outage), and counts the puts it refused.
type downBlobs struct {
	Blobs
	down    atomic.Bool
	refused atomic.Int64
}

var errUnreachable = errors.New("dial tcp 127.0.0.1:9000: connect: connection refused")

func (b *downBlobs) Put(ctx context.Context, key string, r io.Reader, size int64, opts blob.PutOptions) (blob.Info, error) {
	if b.down.Load() {
		b.refused.Add(1)
		return blob.Info{}, errUnreachable
	}
	return b.Blobs.Put(ctx, key, r, size, opts)
}

// A blob store outage is not the carrier file's fault: however many runs fail, the
// file is neither charged an attempt nor quarantined, the run stops at the first
// failure (the rest is not fetched for nothing) and says so, and once the store is
// back every file is taken once.
func TestPullStoreOutageChargesNoFile(t *testing.T) {
	t.Parallel()
	r, _ := faultRig(t, func(c *Config) { c.MaxConcurrent = 1 }) // MaxAttempts 2
	want := map[string]string{}
	for i, name := range []string{"a.x12", "b.x12", "c.x12"} {
		want[name] = r.put(t, name, randomBytes(uint64(40+i), 4096))
	}
	store := &downBlobs{Blobs: r.blobs}
	store.down.Store(true)
	p := r.puller()
	p.Blobs = store
	ctx := context.Background()
	for run := range 4 { // twice MaxAttempts
		rep, err := p.Run(ctx)
		if !errors.Is(err, ErrStorage) || !errors.Is(err, errUnreachable) {
			t.Fatalf("run %d: err %v, want ErrStorage wrapping the store's error", run, err)
		}
		if rep == nil || rep.Count(Failed) != 1 || len(rep.Files) != 1 {
			t.Fatalf("run %d: %+v, want one failed file and the rest not started", run, rep)
		}
	}
	if n := store.refused.Load(); n != 4 {
		t.Errorf("%d puts refused, want 4 (one a run)", n)
	}
	rows, err := r.ledger.DB().QueryContext(ctx, `SELECT name, state, attempts, last_error FROM files`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, st, lastErr string
		var attempts int
		if err := rows.Scan(&name, &st, &attempts, &lastErr); err != nil {
			t.Fatal(err)
		}
		if attempts != 0 || st != string(state.FileSeen) {
			t.Errorf("%s after the outage: state %s, %d attempts (%s), want seen and uncharged", name, st, attempts, lastErr)
		}
	}
	rows.Close()
	if q, _ := r.ledger.FilesInState(ctx, r.cfg.Name, state.FileQuarantined); len(q) != 0 {
		t.Errorf("quarantined: %+v", q)
	}
	if got := r.files(t, "inbox"); len(got) != 3 {
		t.Errorf("inbox %v, want all three still there", got)
	}

	store.down.Store(false)
	rep, err := p.Run(ctx)
	if err != nil || rep.Err() != nil || rep.Count(Taken) != 3 {
		t.Fatalf("after the outage: %v %v %+v", err, rep.Err(), rep.Files)
	}
	for _, f := range rep.Files {
		if f.SHA256 != want[f.Name] {
			t.Errorf("%s: sha256 %s, want %s", f.Name, f.SHA256, want[f.Name])
		}
		if _, err := r.blobs.Stat(ctx, f.BlobKey); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
	if rep, err := p.Run(ctx); err != nil || len(rep.Files) != 0 {
		t.Fatalf("a further run: %v %+v", err, rep.Files)
	}
}
