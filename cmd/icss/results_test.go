package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/results/resultstest"
)

// runICSS runs the command line in-process and returns its output and exit status.
func runICSS(t *testing.T, args ...string) (string, int) {
	t.Helper()
	root := newRootCommand()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	code := exitOK
	switch {
	case errors.Is(err, errInvalidInput):
		code = exitInvalid
	case err != nil:
		code = exitFailure
		errOut.WriteString(err.Error())
	}
	return out.String() + errOut.String(), code
}

func TestResultsBuildPullCheck(t *testing.T) {
	dir := t.TempDir()
	if out, code := runICSS(t, "keys", "generate", "--out", dir); code != 0 {
		t.Fatal(out)
	}
	rs := resultstest.Generate(40, 31, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))
	rs[0].Outcome, rs[0].Findings, rs[0].BoltSeal = exam.OutcomeNoFinding, "", "CBSA1234567"
	rs[1].Outcome, rs[1].Findings = exam.OutcomeSeizure, "narcotics"
	var b bytes.Buffer
	if err := resultstest.WriteJSONL(&b, rs); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "results.jsonl")
	if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	key, pub, batches, state := filepath.Join(dir, "icss-signing.key"), filepath.Join(dir, "icss-signing.pub"), filepath.Join(dir, "out"), filepath.Join(dir, "partner.db")
	if out, code := runICSS(t, "results", "build", "--results", in, "--key", key, "--out", batches); code != 0 || !strings.Contains(out, "batch 1: 40 rows") {
		t.Fatalf("build: %d %s", code, out)
	}
	if out, code := runICSS(t, "results", "build", "--results", in, "--key", key, "--out", batches); code != 0 || !strings.Contains(out, "no new results") {
		t.Fatalf("build again: %d %s", code, out)
	}
	if out, code := runICSS(t, "partner", "pull", "--dir", batches, "--pubkey", pub, "--state", state); code != 0 || !strings.Contains(out, "batch 1 verified and indexed") {
		t.Fatalf("pull: %d %s", code, out)
	}
	if out, code := runICSS(t, "partner", "check", "--state", state, rs[0].Container, "--seal", "CBSA1234567"); code != 0 || !strings.HasPrefix(out, "RISK NEGATED") {
		t.Fatalf("check negated: %d %s", code, out)
	}
	if out, code := runICSS(t, "partner", "check", "--state", state, rs[1].Container, "--json"); code != 1 || !strings.Contains(out, `"verdict":"EXAMINED WITH FINDINGS","action":"refer"`) {
		t.Fatalf("check findings: %d %s", code, out)
	}
	if out, code := runICSS(t, "partner", "check", "--state", filepath.Join(dir, "none.db"), rs[1].Container); code != 2 {
		t.Fatalf("check without an index: %d %s", code, out)
	}
	// A changed file is refused with exit status 1.
	p := filepath.Join(batches, "results-CAPRR-000001.csv")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, append(data, ' '), 0o644)
	if out, code := runICSS(t, "partner", "pull", "--dir", batches, "--pubkey", pub, "--state", filepath.Join(dir, "fresh.db")); code != 1 || !strings.Contains(out, "REFUSED") {
		t.Fatalf("pull of a changed file: %d %s", code, out)
	}
	if out, code := runICSS(t, "partner", "pull", "--pubkey", pub, "--state", state); code != 2 {
		t.Fatalf("pull without a source: %d %s", code, out)
	}
}
