package examimport_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/transforms/examimport"
)

// photoFailer is a blob.Dir whose photo batches (unordered and of more than
// one object: manifests are put in order, the workbook alone) fail after
// the first few: a disk that fills up while a return is imported.
type photoFailer struct {
	*blob.Dir
	mu   sync.Mutex
	left int
}

var errDiskFull = errors.New("injected: disk full")

func (f *photoFailer) PutBatch(ctx context.Context, objs []blob.BatchObject, ordered bool) (int, error) {
	if !ordered && len(objs) > 1 {
		f.mu.Lock()
		f.left--
		full := f.left < 0
		f.mu.Unlock()
		if full {
			return 0, errDiskFull
		}
	}
	return f.Dir.PutBatch(ctx, objs, ordered)
}

// A disk that fills up while the photos are stored stops the import with
// its error; every manifest recorded by then names photos that are kept,
// and importing the return again records the rest, each row once.
func TestImportWhenPhotosCannotBeStored(t *testing.T) {
	r := makeReturn(t, 700, officer.Choices{Seed: 5, PhotosPerExam: 2}) // more than one photo batch
	if len(r.filled.Photos) <= 1024 {
		t.Fatalf("only %d photos: one batch", len(r.filled.Photos))
	}
	d, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	e := newEnv(t)
	opts := func(st blob.Store) examimport.Options {
		return examimport.Options{List: r.original, Returned: []string{filepath.Join(r.dir, "return")},
			Evidence: evidence.New(st, evidence.Options{Key: e.key}), Now: func() time.Time { return now }, Workers: 1}
	}
	half, err := examimport.Import(ctx, opts(&photoFailer{Dir: d, left: 1}))
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("import onto a full disk: %v", err)
	}
	if len(half.Recorded) == len(r.filled.Returns) {
		t.Fatalf("all %d rows recorded without all their photos", len(half.Recorded))
	}
	e.ev = evidence.New(d, evidence.Options{})
	if vr := e.verify(t); vr.Manifests != len(half.Recorded) {
		t.Fatalf("%d manifests, %d rows reported recorded", vr.Manifests, len(half.Recorded))
	}

	rest, err := examimport.Import(ctx, opts(d))
	if err != nil || !rest.OK() {
		t.Fatalf("import again: %v %v", rest.Rejected, err)
	}
	if len(rest.Unchanged) != len(half.Recorded) || len(rest.Recorded)+len(half.Recorded) != len(r.filled.Returns) {
		t.Fatalf("again: %d recorded, %d unchanged; first %d of %d rows", len(rest.Recorded), len(rest.Unchanged), len(half.Recorded), len(r.filled.Returns))
	}
	if vr := e.verify(t); vr.Manifests != len(r.filled.Returns) {
		t.Fatalf("%d manifests, want %d", vr.Manifests, len(r.filled.Returns))
	}
}
