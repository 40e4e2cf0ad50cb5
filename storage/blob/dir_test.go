package blob_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/blob/blobtest"
)

func newDir(t testing.TB) blob.Store {
	d, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestDirContract(t *testing.T) {
	blobtest.Suite{New: newDir, LargeSize: 12 << 20, ListMetadata: true}.Run(t)
}

func BenchmarkDir(b *testing.B) {
	blobtest.Suite{New: newDir}.Bench(b)
}

// The object is an ordinary file at its key, readable with ordinary tools.
func TestDirLayout(t *testing.T) {
	root := t.TempDir()
	d, err := blob.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Put(context.Background(), "raw/x.edi", strings.NewReader("ISA"), 3, blob.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "raw", "x.edi"))
	if err != nil || string(b) != "ISA" {
		t.Fatalf("file at key: %q, %v", b, err)
	}
	tmp, _ := os.ReadDir(filepath.Join(root, ".icss", "tmp"))
	if len(tmp) != 0 {
		t.Fatalf("temporary files left behind: %v", tmp)
	}
}

// Two stores on one directory (two processes) still give create-only puts.
func TestDirTwoHandlesOneRoot(t *testing.T) {
	root := t.TempDir()
	a, err := blob.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := blob.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := a.Put(context.Background(), "k", strings.NewReader("a"), 1, blob.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(context.Background(), "k", strings.NewReader("b"), 1, blob.PutOptions{}); !errors.Is(err, blob.ErrExists) {
		t.Fatalf("second handle's Put: %v, want ErrExists", err)
	}
}

// What a crash can leave behind: an orphan sidecar (crash between the
// sidecar and the content commit), stale temporary files, and files placed
// by hand without a sidecar. None of them may break the store.
func TestDirCrashLeftovers(t *testing.T) {
	root := t.TempDir()
	d, err := blob.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Orphan sidecar of a key whose content never got committed.
	if err := os.MkdirAll(filepath.Join(root, ".icss", "meta"), 0o750); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, ".icss", "meta", "orphan.json"), []byte(`{"sha256":"00","size":9}`), 0o640)
	if _, err := d.Stat(ctx, "orphan"); !errors.Is(err, blob.ErrNotExist) {
		t.Fatalf("Stat of an orphan sidecar: %v, want ErrNotExist", err)
	}
	info, err := d.Put(ctx, "orphan", strings.NewReader("real"), 4, blob.PutOptions{})
	if err != nil || info.Size != 4 {
		t.Fatalf("Put over an orphan sidecar: %+v, %v", info, err)
	}
	// A file placed by hand: hashed, so Info.SHA256 is still true.
	os.WriteFile(filepath.Join(root, "manual.txt"), []byte("abc"), 0o640)
	info, err = d.Stat(ctx, "manual.txt")
	if err != nil || info.SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("Stat of a hand-placed file: %+v, %v", info, err)
	}
	d.Close()
	// Stale temporary files go at the next open; fresh ones (a live Put elsewhere) stay.
	stale := filepath.Join(root, ".icss", "tmp", "put-stale")
	fresh := filepath.Join(root, ".icss", "tmp", "put-fresh")
	os.WriteFile(stale, []byte("x"), 0o640)
	os.WriteFile(fresh, []byte("x"), 0o640)
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(stale, old, old)
	d, err = blob.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file removed: %v", err)
	}
}

func TestDirKeyUnderObject(t *testing.T) {
	d := newDir(t)
	ctx := context.Background()
	if _, err := d.Put(ctx, "a", strings.NewReader("x"), 1, blob.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	// S3 allows both "a" and "a/b"; a directory cannot. It must fail cleanly.
	if _, err := d.Put(ctx, "a/b", bytes.NewReader([]byte("y")), 1, blob.PutOptions{}); err == nil {
		t.Fatal("Put under an object's key succeeded")
	}
}

func TestOpenDirSet(t *testing.T) {
	root := t.TempDir()
	set, err := blob.OpenDirSet(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range blob.Purposes() {
		st, err := set.Get(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.(*blob.Dir).Root(); got != filepath.Join(root, string(p)) {
			t.Errorf("%s root %s", p, got)
		}
	}
	if _, err := set.Get("bogus"); err == nil {
		t.Error("Get of an unknown purpose succeeded")
	}
}

func TestDirObjectsAreReadOnly(t *testing.T) {
	root := t.TempDir()
	d, err := blob.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Put(context.Background(), "k", strings.NewReader("x"), 1, blob.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(root, "k"))
	if err != nil || fi.Mode().Perm() != 0o440 {
		t.Fatalf("object mode %v, %v; want 0440", fi.Mode(), err)
	}
}
