package partner

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/icss/icss/transforms/results"
	"github.com/icss/icss/transforms/results/resultstest"
)

// FuzzPullSignedRows: whatever a correctly signed data file holds, Pull
// indexes it or refuses it with one of its errors, and never panics.
func FuzzPullSignedRows(f *testing.F) {
	key := newKey(f)
	pub := key.Public().(ed25519.PublicKey)
	seedDir := f.TempDir()
	build(f, seedDir, key, resultstest.Generate(4, 52, day))
	good, err := os.ReadFile(filepath.Join(seedDir, "results-CAPRR-000001.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("{}\n"))
	f.Add([]byte(`{"schema":"icss.partner-result/1","exam_id":"CAPRR-20261204-0001","version":1,"port":"CAPRR","container":"x","recorded_at":"bad"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := copyDir(t, seedDir)
		resign(t, dir, 1, key, "results-CAPRR-000001.jsonl", data)
		ix := openIndex(t)
		_, err := Pull(context.Background(), DirSource(dir), pub, ix, nil)
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrReplayed) && !errors.Is(err, results.ErrChanged) {
			t.Fatalf("unexpected refusal: %v", err)
		}
	})
}
