package edifact_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/edifact/internal/gen"
)

// Memory does not grow with the input: inspecting 128 MB streamed from the generator
// keeps the heap in use far below the input size.
func TestInspectMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 128 MB")
	}
	const size = 128 << 20
	// From a file, not straight from the generator: the generator's own garbage would
	// count in the heap measured.
	path := filepath.Join(t.TempDir(), "big.edi")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, gen.New(size, gen.Options{Seed: 3})); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rep int
	peak := peakHeapDuring(func() {
		r, err := edifact.Inspect(f, edifact.InspectOptions{})
		if err != nil {
			t.Error(err)
			return
		}
		if !r.Valid() {
			t.Error("generated input did not validate")
		}
		rep = len(r.Interchanges)
	})
	t.Logf("%d interchanges, peak heap in use %.1f MB", rep, float64(peak)/(1<<20))
	if peak > 48<<20 {
		t.Errorf("peak heap %d MB while streaming %d MB", peak>>20, size>>20)
	}
}
