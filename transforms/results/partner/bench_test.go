package partner

import (
	"context"
	"crypto/ed25519"
	"path/filepath"
	"testing"

	"github.com/icss/icss/transforms/results/resultstest"
)

// BenchmarkPull100k verifies and indexes one batch of 100,000 rows from a
// directory into a new index.
func BenchmarkPull100k(b *testing.B) {
	dir, key := b.TempDir(), newKey(b)
	build(b, dir, key, resultstest.Generate(100_000, 51, day))
	pub := key.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		ix, err := OpenIndex(context.Background(), filepath.Join(b.TempDir(), "p.db"))
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Pull(context.Background(), DirSource(dir), pub, ix, nil)
		if err != nil || rep.Rows != 100_000 {
			b.Fatal(rep, err)
		}
		ix.Close()
	}
}
