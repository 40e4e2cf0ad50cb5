package results

import (
	"bytes"
	"context"
	"testing"

	"github.com/icss/icss/transforms/results/resultstest"
)

// BenchmarkBuild100k builds one batch of 100,000 results: JSON lines and CSV
// for two ports, manifest and signature, every file fsynced.
func BenchmarkBuild100k(b *testing.B) {
	key := testKey(b)
	in := jsonl(b, resultstest.Generate(100_000, 7, day)).Bytes()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		dir := b.TempDir()
		batch, err := Build(context.Background(), bytes.NewReader(in), BuildOptions{Dir: dir, Key: key})
		if err != nil || batch.Manifest.Counts.Rows != 100_000 {
			b.Fatal(batch, err)
		}
	}
}
