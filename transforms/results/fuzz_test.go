package results

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/icss/icss/transforms/results/resultstest"
)

// FuzzParseManifest: any bytes are parsed or refused without a panic, and a
// manifest accepted once is accepted again after a round trip.
func FuzzParseManifest(f *testing.F) {
	dir := f.TempDir()
	build(f, dir, testKey(f), resultstest.Generate(10, 41, day))
	b, err := os.ReadFile(filepath.Join(dir, ManifestName(1)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"schema":"icss.results-manifest/1","seq":1,"files":[{"name":"results-CAPRR-000001.jsonl","port":"CAPRR","format":"jsonl","sha256":"x"}]}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(b)
		if err != nil {
			return
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseManifest(again); err != nil {
			t.Fatalf("round trip of %s: %v", again, err)
		}
	})
}

// FuzzParseName: a name accepted as a batch file is one the writer could
// have produced, so it can never climb out of a directory.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{"manifest-000001.json", "manifest-000001.json.sig", "results-CAPRR-000012.csv", "results-../-000001.csv", "manifest-0000001.json", ".manifest-000001.json.tmp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		seq, sig, ok := ParseName(name)
		if !ok {
			return
		}
		if seq < 1 || filepath.Base(name) != name || name[0] == '.' {
			t.Fatalf("ParseName(%q) = %d, %v", name, seq, sig)
		}
		if sig && name != SignatureName(seq) && len(name) == len(SignatureName(seq)) {
			t.Fatalf("ParseName(%q): signature of %d is %s", name, seq, SignatureName(seq))
		}
	})
}

// FuzzBuildInput: any results input either builds a batch whose files match
// its manifest, or fails naming the input, leaving no batch behind.
func FuzzBuildInput(f *testing.F) {
	var b []byte
	{
		buf := jsonl(f, resultstest.Generate(3, 42, day))
		b = buf.Bytes()
	}
	f.Add(b)
	f.Add([]byte("{}\n"))
	f.Add([]byte("\n\n"))
	key := testKey(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		dir := t.TempDir()
		batch, err := Build(context.Background(), bytesReader(in), BuildOptions{Dir: dir, Key: key})
		if err != nil || batch == nil {
			if seqs, _ := ListBatches(dir); len(seqs) != 0 {
				t.Fatalf("failed build left batches %v", seqs)
			}
			return
		}
		if _, err := batchDigests(dir, batch.Seq); err != nil {
			t.Fatal(err)
		}
	})
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
