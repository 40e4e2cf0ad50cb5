package sftp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
)

func TestPullTakesStableFilesOnceAndArchives(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	ctx := context.Background()
	a := []byte("ISA*00*...first")
	b := randomBytes(1, 300_000)
	shaA := r.put(t, "a.x12", a)
	shaB := r.put(t, "b.edi", b)
	r.put(t, "c.x12.part", []byte("still uploading"))
	r.put(t, ".hidden", []byte("dot file"))

	rep, err := r.puller().Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	if got := rep.Count(Taken); got != 2 {
		t.Fatalf("taken %d, want 2: %+v", got, rep.Files)
	}
	for _, want := range []struct {
		name, sha string
		data      []byte
	}{{"a.x12", shaA, a}, {"b.edi", shaB, b}} {
		rc, info, err := r.blobs.Get(ctx, blob.ContentKey("raw/", want.sha))
		if err != nil {
			t.Fatalf("%s not in the blob store: %v", want.name, err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, want.data) || info.SHA256 != want.sha {
			t.Fatalf("%s: stored bytes differ", want.name)
		}
	}
	if got := r.files(t, "inbox"); !slices.Equal(got, []string{".hidden", "c.x12.part"}) {
		t.Fatalf("inbox after pull = %v, want only the ignored files", got)
	}
	if got := r.files(t, "inbox/archive"); !slices.Equal(got, []string{"a.x12", "b.edi"}) {
		t.Fatalf("archive = %v", got)
	}
	archived, err := r.ledger.FilesInState(ctx, "carrier1", state.FileArchived)
	if err != nil || len(archived) != 2 {
		t.Fatalf("ledger archived = %d files, %v", len(archived), err)
	}

	// A second run finds nothing; the same bytes under another name are a duplicate.
	rep, err = r.puller().Run(ctx)
	if err != nil || len(rep.Files) != 0 {
		t.Fatalf("second run: %+v, %v", rep, err)
	}
	r.put(t, "a-again.x12", a)
	rep, err = r.puller().Run(ctx)
	if err != nil || rep.Count(Duplicate) != 1 {
		t.Fatalf("resend: %+v, %v", rep.Files, err)
	}
	// The duplicate is archived remotely but stays a duplicate in the ledger: never processed.
	dups, err := r.ledger.FilesInState(ctx, "carrier1", state.FileDuplicate)
	if err != nil || len(dups) != 1 || dups[0].Name != "a-again.x12" || dups[0].DuplicateOf != rep.Files[0].DupOf {
		t.Fatalf("duplicates = %+v, %v", dups, err)
	}
}

func TestPullLeavesGrowingFile(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	ctx := context.Background()
	p := r.srvPath("inbox/growing.x12")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // a slow writer appending every 100ms
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				f.Write(bytes.Repeat([]byte{'x'}, 1000))
			}
		}
	}()
	rep, err := r.puller().Run(ctx)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 0 {
		t.Fatalf("a growing file was taken: %+v", rep.Files)
	}
	// Once the writer has finished and the file is settled, it is taken whole.
	old := time.Now().Add(-time.Minute)
	os.Chtimes(p, old, old)
	want, _ := os.ReadFile(p)
	rep, err = r.puller().Run(ctx)
	if err != nil || rep.Count(Taken) != 1 || rep.Files[0].SHA256 != sha(want) {
		t.Fatalf("after the writer: %+v, %v", rep.Files, err)
	}
}

func TestPullDoneMarker(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(c *Config) { c.DoneSuffix = ".done" })
	ctx := context.Background()
	r.put(t, "a.x12", []byte("A"))
	r.put(t, "b.x12", []byte("B"))
	r.put(t, "a.x12.done", nil)
	rep, err := r.puller().Run(ctx)
	if err != nil || rep.Count(Taken) != 1 || rep.Files[0].Name != "a.x12" {
		t.Fatalf("%+v, %v", rep.Files, err)
	}
	if got := r.files(t, "inbox"); !slices.Equal(got, []string{"b.x12"}) {
		t.Fatalf("inbox = %v", got)
	}
	if got := r.files(t, "inbox/archive"); !slices.Equal(got, []string{"a.x12", "a.x12.done"}) {
		t.Fatalf("archive = %v", got)
	}
}

func TestPullSkipsBadNamesAndLargeFiles(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(c *Config) { c.MaxFileSize = 1000; c.AfterPull = Delete })
	r.put(t, "ok.x12", []byte("fine"))
	r.put(t, "big.x12", make([]byte, 1001))
	r.put(t, "evil\x1b[31m.x12", []byte("escape"))
	rep, err := r.puller().Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Outcome{}
	for _, f := range rep.Files {
		got[f.Name] = f.Outcome
	}
	want := map[string]Outcome{"ok.x12": Taken, "big.x12": Skipped, "evil\x1b[31m.x12": Skipped}
	if len(got) != len(want) {
		t.Fatalf("outcomes %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("outcomes %v, want %v", got, want)
		}
	}
	if files := r.files(t, "inbox"); !slices.Equal(files, []string{"big.x12", "evil\x1b[31m.x12"}) {
		t.Fatalf("inbox = %q (ok.x12 must be deleted, the others left)", files)
	}
}

func TestPullRerunAfterCrashBeforeArchive(t *testing.T) {
	t.Parallel()
	// What a run killed after FileFetched leaves: blob stored, row fetched, file in the
	// inbox. Meanwhile the processing stages may already have moved the row on.
	for _, tt := range []struct {
		name      string
		movedTo   state.FileState // "" = still fetched
		wantAfter state.FileState
	}{
		{"StillFetched", "", state.FileArchived},
		{"AlreadyParsed", state.FileParsed, state.FileParsed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, nil)
			ctx := context.Background()
			data := []byte("UNA:+.? 'UNB+..." + tt.name)
			sum := r.put(t, "m.edi", data)
			fi, _ := os.Stat(r.srvPath("inbox/m.edi"))
			f, _, err := r.ledger.FileSeen(ctx, "carrier1", "m.edi", fi.Size(), fi.ModTime().UTC().Truncate(time.Second))
			if err != nil {
				t.Fatal(err)
			}
			key := blob.ContentKey("raw/", sum)
			if _, err := r.blobs.Put(ctx, key, bytes.NewReader(data), int64(len(data)), blob.PutOptions{SHA256: sum}); err != nil {
				t.Fatal(err)
			}
			if _, err := r.ledger.FileFetched(ctx, f.ID, sum, key); err != nil {
				t.Fatal(err)
			}
			if tt.movedTo != "" {
				if err := r.ledger.SetFileState(ctx, f.ID, tt.movedTo, ""); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := r.puller().Run(ctx)
			if err != nil || rep.Count(Recovered) != 1 {
				t.Fatalf("%+v, %v", rep.Files, err)
			}
			got, err := r.ledger.GetFile(ctx, f.ID)
			if err != nil || got.State != tt.wantAfter {
				t.Fatalf("ledger row = %+v, %v; want state %s", got, err, tt.wantAfter)
			}
			if files := r.files(t, "inbox/archive"); len(files) != 1 {
				t.Fatalf("archive = %v", files)
			}
			if _, err := r.blobs.Stat(ctx, key); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPullLargePacketsOpenSSH checks the max_packet OpenSSH allows (261120, its
// SFTP_MAX_READ_LENGTH), which doubles throughput (see BenchmarkDownload): content must
// arrive intact, including sizes that are not multiples of the packet.
func TestPullLargePacketsOpenSSH(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(c *Config) { c.MaxPacket = 261120 })
	want := map[string]string{}
	for i, size := range []int64{1, 261119, 261120, 261121, 3<<20 + 7, 9 << 20} {
		name := fmt.Sprintf("f%d.bin", i)
		want[name] = writeRandomFile(t, r.srvPath("inbox/"+name), uint64(i+77), size)
	}
	rep, err := r.puller().Run(context.Background())
	if err != nil || rep.Err() != nil || rep.Count(Taken) != len(want) {
		t.Fatalf("%+v %v", rep, err)
	}
	for _, f := range rep.Files {
		if f.SHA256 != want[f.Name] {
			t.Errorf("%s: sha256 %s, want %s", f.Name, f.SHA256, want[f.Name])
		}
	}
	// And the other way: push a large file with large packets.
	src := r.srvPath("inbox/archive/f5.bin")
	res, err := r.client.Push(context.Background(), src, "f5-copy.bin", nil)
	if err != nil || res.SHA256 != want["f5.bin"] {
		t.Fatalf("push: %+v %v", res, err)
	}
	if got := fileSHA(t, r.srvPath("outbox/f5-copy.bin")); got != want["f5.bin"] {
		t.Fatalf("pushed copy sha256 %s", got)
	}
}

func TestPullRemovesStaleSpoolFiles(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	stale := filepath.Join(r.dir, "icss-pull-123")
	young := filepath.Join(r.dir, "icss-pull-456")
	os.WriteFile(stale, []byte("left by a killed run"), 0o600)
	os.WriteFile(young, []byte("a live run's download"), 0o600)
	day := time.Now().Add(-25 * time.Hour)
	os.Chtimes(stale, day, day)
	if _, err := r.puller().Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale spool file kept: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("young spool file removed: %v", err)
	}
}
