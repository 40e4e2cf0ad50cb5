package sftp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
)

// writeRandomFile writes size pseudo-random bytes (seeded) to p with an old mtime,
// streaming, and returns their SHA-256.
func writeRandomFile(t testing.TB, p string, seed uint64, size int64) string {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	var key [32]byte
	key[0], key[1] = byte(seed), byte(seed>>8)
	src := rand.NewChaCha8(key)
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, h), src, size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// fileSizes is the mix of the bulk tests: mostly small EDI-sized files, some medium,
// and (unless -short) a few large ones.
func fileSizes(n int, large int64, seed uint64) []int64 {
	r := rand.New(rand.NewPCG(seed, 1))
	sizes := make([]int64, n)
	for i := range sizes {
		switch {
		case i%100 == 7:
			sizes[i] = 1<<20 + r.Int64N(4<<20) // 1-5 MB
		default:
			sizes[i] = 200 + r.Int64N(60<<10) // 200 B - 60 KB
		}
	}
	sizes[0] = 0 // an empty file is still a file
	if large > 0 {
		sizes[n/3], sizes[2*n/3] = large, large-1
	}
	return sizes
}

// TestPullThousandFiles is the bar's bulk pull against OpenSSH: 1,000 files of mixed
// sizes (two of 200 MB unless -short), while three writers keep appending to other
// files. Every settled file must be taken exactly once with its SHA-256 verified and
// archived; no growing file may be taken.
func TestPullThousandFiles(t *testing.T) {
	t.Parallel()
	large := int64(200 << 20)
	if testing.Short() {
		large = 0
	}
	r := newRig(t, func(c *Config) { c.MaxConcurrent = 4 })
	ctx := context.Background()
	sizes := fileSizes(1000, large, 42)
	want := map[string]string{}
	var total int64
	for i, size := range sizes {
		name := fmt.Sprintf("CN%04d.x12", i)
		want[name] = writeRandomFile(t, r.srvPath("inbox/"+name), uint64(i), size)
		total += size
	}

	// Writers still appending: a chunk every 200 ms, so each listing pair sees growth.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := os.Create(r.srvPath(fmt.Sprintf("inbox/growing-%d.x12", w)))
			if err != nil {
				t.Error(err)
				return
			}
			defer f.Close()
			for {
				select {
				case <-stop:
					return
				case <-time.After(200 * time.Millisecond):
					f.Write(make([]byte, 512))
				}
			}
		}()
	}
	start := time.Now()
	rep, err := r.puller().Run(ctx)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pulled %d files, %d MB in %v", len(rep.Files), rep.Bytes>>20, time.Since(start))
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Files {
		if want[f.Name] == "" {
			t.Errorf("took %s, which was still being written", f.Name)
			continue
		}
		if f.SHA256 != want[f.Name] {
			t.Errorf("%s: sha256 %s, want %s", f.Name, f.SHA256, want[f.Name])
		}
	}
	// Identical contents (the empty file, seeds colliding) would be duplicates; all
	// 1,000 must be taken or duplicate, none twice.
	if got := rep.Count(Taken) + rep.Count(Duplicate); got != len(want) || rep.Bytes != total {
		t.Fatalf("taken+duplicate = %d (%d bytes), want %d (%d bytes)", got, rep.Bytes, len(want), total)
	}
	checkExactlyOnce(t, r, want)
	for w := range 3 {
		if _, err := os.Stat(r.srvPath(fmt.Sprintf("inbox/growing-%d.x12", w))); err != nil {
			t.Errorf("growing file gone from the inbox: %v", err)
		}
	}
}

// checkExactlyOnce verifies the end state of a pull of want (name → sha256): one
// archived ledger row per name, the blob of each content present and correct, every file
// in the remote archive once, none left in the inbox.
func checkExactlyOnce(t *testing.T, r *rig, want map[string]string) {
	t.Helper()
	ctx := context.Background()
	rows := map[string]int{}
	for _, s := range []state.FileState{state.FileSeen, state.FileFetched, state.FileDuplicate, state.FileArchived, state.FileQuarantined} {
		fs, err := r.ledger.FilesInState(ctx, "carrier1", s)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if want[f.Name] == "" {
				continue
			}
			rows[f.Name]++
			if want := state.FileArchived; f.DuplicateOf != 0 && s != state.FileDuplicate || f.DuplicateOf == 0 && s != want {
				t.Errorf("%s is %s in the ledger (duplicate of %d), want archived, or duplicate for a duplicate", f.Name, s, f.DuplicateOf)
			}
			if f.SHA256 != want[f.Name] {
				t.Errorf("%s: ledger sha256 %s, want %s", f.Name, f.SHA256, want[f.Name])
			}
		}
	}
	for name := range want {
		if rows[name] != 1 {
			t.Errorf("%s has %d ledger rows, want 1", name, rows[name])
		}
	}
	shas := map[string]bool{}
	for _, s := range want {
		shas[s] = true
	}
	stored := 0
	err := r.blobs.List(ctx, "raw/", func(info blob.Info) error {
		stored++
		if !shas[info.SHA256] || info.Key != blob.ContentKey("raw/", info.SHA256) {
			t.Errorf("unexpected blob %s (sha256 %s)", info.Key, info.SHA256)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored != len(shas) {
		t.Errorf("blob store holds %d objects, want %d distinct contents", stored, len(shas))
	}
	archived := map[string]bool{}
	for _, n := range r.files(t, "inbox/archive") {
		archived[n] = true
	}
	for name := range want {
		if !archived[name] {
			t.Errorf("%s not in the remote archive", name)
		}
		if _, err := os.Stat(r.srvPath("inbox/" + name)); err == nil {
			t.Errorf("%s still in the inbox", name)
		}
	}
	if len(archived) != len(want) {
		t.Errorf("remote archive has %d files, want %d", len(archived), len(want))
	}
}

// fileSHA returns the SHA-256 of a local file.
func fileSHA(t testing.TB, p string) string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestPullConcurrentRuns runs two pulls of the same endpoint at once, as overlapping cron
// runs on one node or two nodes sharing a ledger would: still exactly once.
func TestPullConcurrentRuns(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	want := map[string]string{}
	for i, size := range fileSizes(150, 0, 5) {
		name := fmt.Sprintf("BOTH%03d.x12", i)
		want[name] = writeRandomFile(t, r.srvPath("inbox/"+name), uint64(3000+i), size)
	}
	other, err := Dial(context.Background(), r.cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var wg sync.WaitGroup
	reports := make([]*Report, 2)
	for i, c := range []*Client{r.client, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := r.puller()
			p.Client = c
			rep, err := p.Run(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			reports[i] = rep
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	// A file both runs fetched is "taken" by one and at most "recovered" or "failed" by
	// the other (its archive rename found the file gone); the end state is what counts.
	taken := 0
	for i, rep := range reports {
		taken += rep.Count(Taken) + rep.Count(Duplicate)
		t.Logf("run %d: %d taken, %d duplicate, %d recovered, %d gone, %d failed", i, rep.Count(Taken), rep.Count(Duplicate), rep.Count(Recovered), rep.Count(Gone), rep.Count(Failed))
		for _, f := range rep.Files {
			if f.Outcome == Failed {
				t.Errorf("%s failed: %v (a concurrent run is not a failure)", f.Name, f.Err)
			}
		}
	}
	if taken < len(want) {
		t.Fatalf("taken %d, want at least %d", taken, len(want))
	}
	if _, err := r.puller().Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, r, want)
}
