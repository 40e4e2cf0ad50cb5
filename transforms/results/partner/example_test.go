package partner_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/results"
	"github.com/icss/icss/transforms/results/partner"
	"github.com/icss/icss/transforms/results/resultstest"
)

// A partner pulls the batches icss pushed into its inbox and asks about a
// container at the land border.
func Example() {
	inbox, _ := os.MkdirTemp("", "inbox")
	defer os.RemoveAll(inbox)
	key, _ := signing.Generate()
	rs := resultstest.Generate(1, 1, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))
	rs[0].Container, rs[0].Outcome, rs[0].Findings, rs[0].BoltSeal = "MSCU1234566", exam.OutcomeNoFinding, "", "CBSA1234567"
	var in bytes.Buffer
	resultstest.WriteJSONL(&in, rs)
	if _, err := results.Build(context.Background(), &in, results.BuildOptions{Dir: inbox, Key: key}); err != nil {
		panic(err)
	}

	ctx := context.Background()
	ix, err := partner.OpenIndex(ctx, filepath.Join(inbox, "partner.db"))
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	rep, err := partner.Pull(ctx, partner.DirSource(inbox), key.Public().(ed25519.PublicKey), ix, nil)
	fmt.Println("pulled", rep.Batches, err)
	for _, seal := range []string{"CBSA1234567", "CBSA7654321"} {
		a, _ := ix.Check(ctx, "MSCU 123456-6", seal)
		fmt.Println(a.Action+":", a)
	}
	a, _ := ix.Check(ctx, "TGHU0000008", "")
	fmt.Println(a.Action+":", a)
	// Output:
	// pulled [1] <nil>
	// proceed: RISK NEGATED: MSCU1234566 examined at CAPRR on 2026-12-04, bolt seal CBSA1234567 intact [exam CAPRR-20261204-0001 v1, batch 1]
	// refer: SEAL MISMATCH (refer): MSCU1234566 examined at CAPRR on 2026-12-04 and sealed with CBSA1234567, but seal CBSA7654321 was presented [exam CAPRR-20261204-0001 v1, batch 1]
	// proceed: UNKNOWN: no exam result for TGHU0000008 (index holds batches through 1)
}
