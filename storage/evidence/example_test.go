package evidence_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"time"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/transforms/exam"
)

// A photo stored byte for byte, a result recorded twice (once), a
// correction recorded as version 2, and the chain verified.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "evidence")
	defer os.RemoveAll(dir)
	store, _ := blob.OpenDir(dir)
	defer store.Close()
	key, _ := signing.Generate()
	ev := evidence.New(store, evidence.Options{Key: key})

	photo, _ := ev.PutObject(ctx, "CAPRR-20261204-0001_1.jpg", []byte("\xff\xd8\xff\xe0 jpeg bytes"), "image/jpeg")
	at := time.Date(2026, 12, 4, 14, 30, 0, 0, time.UTC)
	r := exam.Result{ExamID: "CAPRR-20261204-0001", ListID: "CAPRR-20261204", Container: "MSCU1234566",
		ExamsPerformed: []string{"devanning"}, Outcome: exam.OutcomeNoFinding, BoltSeal: "BS1", ExaminedAt: &at,
		Officer: "PRR1041", PhotoCount: 1, Photos: []exam.Object{photo}}
	for range 2 {
		s, created, _ := ev.Record(ctx, r)
		fmt.Printf("manifest %d: version %d, created %v\n", s.Manifest.Seq, s.Manifest.Result.Version, created)
	}
	r.Findings = "seal number corrected"
	s, _, _ := ev.Record(ctx, r)
	fmt.Printf("manifest %d: version %d, previous manifest named: %v\n", s.Manifest.Seq, s.Manifest.Result.Version, s.Manifest.Previous != "")

	rep, _ := evidence.Verify(ctx, store, key.Public().(ed25519.PublicKey))
	fmt.Printf("%d manifests, %d objects, ok %v\n", rep.Manifests, rep.Objects, rep.OK())
	// Output:
	// manifest 1: version 1, created true
	// manifest 1: version 1, created false
	// manifest 2: version 2, previous manifest named: true
	// 2 manifests, 1 objects, ok true
}
