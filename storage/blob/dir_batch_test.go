package blob_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/blob/blobtest"
)

// oneByOne hides Dir's PutBatch, so that PutAll falls back to Put.
type oneByOne struct{ blob.Store }

// PutAll, through Dir.PutBatch or one Put after another, stores a batch in
// order and stops at the first object it cannot store, leaving it and every
// later object unstored and an existing object as it was.
func TestPutAll(t *testing.T) {
	ctx := context.Background()
	objs := func(prefix string, n int) []blob.BatchObject {
		var out []blob.BatchObject
		for i := range n {
			data := blobtest.Data(100+i*37, uint64(i))
			out = append(out, blob.BatchObject{Key: fmt.Sprintf("%s/%c/%03d", prefix, 'a'+i%3, i), Body: bytes.NewReader(data), Size: int64(len(data)),
				Options: blob.PutOptions{ContentType: "image/jpeg", Metadata: map[string]string{"Seq": fmt.Sprint(i)}}})
		}
		return out
	}
	tests := []struct {
		name  string
		spoil func(objs []blob.BatchObject) // makes objs[5] fail
		want  error
	}{
		{"all stored", nil, nil},
		{"exists", nil, blob.ErrExists},
		{"digest", func(o []blob.BatchObject) { o[5].Options.SHA256 = fmt.Sprintf("%064d", 0) }, blob.ErrDigestMismatch},
		{"size", func(o []blob.BatchObject) { o[5].Size++ }, blob.ErrSizeMismatch},
		{"key", func(o []blob.BatchObject) { o[5].Key = "../x" }, blob.ErrInvalidKey},
	}
	for _, tt := range tests {
		for _, ordered := range []bool{false, true} {
			for _, via := range []string{"batch", "one by one"} {
				t.Run(fmt.Sprintf("%s/ordered=%v/%s", tt.name, ordered, via), func(t *testing.T) {
					root := t.TempDir()
					d, err := blob.OpenDir(root)
					if err != nil {
						t.Fatal(err)
					}
					defer d.Close()
					var st blob.Store = d
					if via == "one by one" {
						st = oneByOne{d}
					}
					batch := objs("b", 12)
					if tt.want == blob.ErrExists {
						if _, err := st.Put(ctx, batch[5].Key, bytes.NewReader([]byte("kept")), 4, blob.PutOptions{}); err != nil {
							t.Fatal(err)
						}
					}
					if tt.spoil != nil {
						tt.spoil(batch)
					}
					n, err := blob.PutAll(ctx, st, batch, ordered)
					wantN := len(batch)
					if tt.want != nil {
						wantN = 5
					}
					if n != wantN || !errors.Is(err, tt.want) {
						t.Fatalf("PutAll = %d, %v; want %d, %v", n, err, wantN, tt.want)
					}
					for i, o := range batch {
						info, err := st.Stat(ctx, o.Key)
						switch {
						case i < n:
							want := blobtest.Data(100+i*37, uint64(i))
							got, rerr := os.ReadFile(filepath.Join(root, filepath.FromSlash(o.Key)))
							if err != nil || rerr != nil || !bytes.Equal(got, want) || info.ContentType != "image/jpeg" || info.Metadata["seq"] != fmt.Sprint(i) {
								t.Errorf("object %d: %+v, %v, %v", i, info, err, rerr)
							}
						case i == 5 && tt.want == blob.ErrExists:
							if info.Size != 4 {
								t.Errorf("the existing object was changed: %+v", info)
							}
						case !errors.Is(err, blob.ErrNotExist) && !errors.Is(err, blob.ErrInvalidKey):
							t.Errorf("object %d after the failure was stored: %+v, %v", i, info, err)
						}
					}
					if tmp, _ := os.ReadDir(filepath.Join(root, ".icss", "tmp")); len(tmp) != 0 {
						t.Errorf("temporary files left behind: %d", len(tmp))
					}
				})
			}
		}
	}
}

// Two stores on one directory (two processes) put overlapping batches at
// once: each key is stored once, by one of them.
func TestPutBatchTwoHandlesOneRoot(t *testing.T) {
	root := t.TempDir()
	var stores []*blob.Dir
	for range 2 {
		d, err := blob.OpenDir(root)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		stores = append(stores, d)
	}
	const keys = 200
	stored := make(chan int, 2*keys)
	done := make(chan error, 2)
	for w, d := range stores {
		go func() {
			for next := 0; next < keys; {
				var batch []blob.BatchObject
				for i := next; i < keys; i++ {
					batch = append(batch, blob.BatchObject{Key: fmt.Sprintf("k/%03d", i), Body: bytes.NewReader([]byte{byte(w)}), Size: 1})
				}
				n, err := d.PutBatch(context.Background(), batch, w == 1)
				for i := range n {
					stored <- next + i
				}
				if err != nil && !errors.Is(err, blob.ErrExists) {
					done <- err
					return
				}
				next += n + 1 // past the one the other store has
			}
			done <- nil
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	close(stored)
	seen := map[int]bool{}
	for k := range stored {
		if seen[k] {
			t.Fatalf("key %d stored twice", k)
		}
		seen[k] = true
	}
	if len(seen) != keys {
		t.Fatalf("%d keys stored, want %d", len(seen), keys)
	}
}
