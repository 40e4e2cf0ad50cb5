package results_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/transforms/results"
	"github.com/icss/icss/transforms/results/resultstest"
)

// Build writes the next batch of results not yet sent; the same input again
// writes nothing.
func ExampleBuild() {
	dir, _ := os.MkdirTemp("", "batches")
	defer os.RemoveAll(dir)
	key, _ := signing.Generate()
	var in bytes.Buffer
	resultstest.WriteJSONL(&in, resultstest.Generate(100, 1, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)))
	data := in.Bytes()

	b, err := results.Build(context.Background(), bytes.NewReader(data), results.BuildOptions{Dir: dir, Key: key})
	if err != nil {
		panic(err)
	}
	fmt.Println("batch", b.Seq, "rows", b.Manifest.Counts.Rows)
	for _, f := range b.Files {
		fmt.Println(f)
	}
	again, _ := results.Build(context.Background(), bytes.NewReader(data), results.BuildOptions{Dir: dir, Key: key})
	fmt.Println("again:", again)

	// What a partner does with it: verify the signature and the chain.
	mb, _ := os.ReadFile(filepath.Join(dir, results.ManifestName(1)))
	sig, _ := os.ReadFile(filepath.Join(dir, results.SignatureName(1)))
	_, _, err = results.VerifyManifest(key.Public().(ed25519.PublicKey), 1, "", mb, sig)
	fmt.Println("verified:", err == nil)
	// Output:
	// batch 1 rows 100
	// results-CAPRR-000001.csv
	// results-CAPRR-000001.jsonl
	// results-CAVAN-000001.csv
	// results-CAVAN-000001.jsonl
	// manifest-000001.json
	// manifest-000001.json.sig
	// again: <nil>
	// verified: true
}
