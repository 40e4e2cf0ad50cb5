package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/internal/testkit/s3test"
	"github.com/icss/icss/internal/testkit/sshdtest"
	"github.com/icss/icss/storage/blob/s3blob"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/results"
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

// The partner pulls from the results bucket with its read-only account.
func TestPartnerPullFromBucket(t *testing.T) {
	srv := s3test.Start(t)
	ctx := context.Background()
	dir := t.TempDir()
	if out, code := runICSS(t, "keys", "generate", "--out", dir); code != 0 {
		t.Fatal(out)
	}
	key, err := signing.LoadPrivateKey(filepath.Join(dir, "icss-signing.key"))
	if err != nil {
		t.Fatal(err)
	}
	batches := filepath.Join(dir, "out")
	rs := resultstest.Generate(30, 32, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))
	for _, n := range []int{10, 30} {
		var b bytes.Buffer
		resultstest.WriteJSONL(&b, rs[:n])
		if _, err := results.Build(ctx, &b, results.BuildOptions{Dir: batches, Key: key}); err != nil {
			t.Fatal(err)
		}
	}
	cl, err := s3blob.NewClient(s3blob.Connection{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	bucket := srv.Bucket(t, false)
	st, _ := s3blob.New(cl, s3blob.Config{Bucket: bucket, Prefix: "batches/"})
	ledger, err := state.Open(ctx, state.Config{Driver: "sqlite", DSN: filepath.Join(dir, "icss.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer ledger.Close()
	rep, err := results.Deliver(ctx, results.DeliverOptions{Dir: batches, Ledger: ledger, Channels: []results.Channel{results.BucketChannel("results", st)}})
	if err != nil || rep.Err() != nil {
		t.Fatal(err, rep.Err())
	}
	secret := srv.CreateUser(t, "agency", "user")
	if err := st.GrantRead(ctx, "agency"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	args := []string{"partner", "pull", "--bucket", bucket, "--prefix", "batches/", "--endpoint", srv.Endpoint, "--access-key", "agency", "--insecure",
		"--pubkey", filepath.Join(dir, "icss-signing.pub"), "--state", filepath.Join(dir, "partner.db")}
	if out, code := runICSS(t, args...); code != 0 || !strings.Contains(out, "2 new batches, 30 rows") {
		t.Fatalf("pull from the bucket: %d %s", code, out)
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
	if out, code := runICSS(t, append(args[:len(args)-1], filepath.Join(dir, "other.db"))...); code != 2 {
		t.Fatalf("pull with a wrong secret: %d %s", code, out)
	}
}

func TestResultsDeliverCommand(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox"}})
	dir := t.TempDir()
	if out, code := runICSS(t, "keys", "generate", "--out", dir); code != 0 {
		t.Fatal(out)
	}
	var b bytes.Buffer
	resultstest.WriteJSONL(&b, resultstest.Generate(20, 33, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)))
	in, batches := filepath.Join(dir, "results.jsonl"), filepath.Join(dir, "out")
	os.WriteFile(in, b.Bytes(), 0o644)
	if out, code := runICSS(t, "results", "build", "--results", in, "--key", filepath.Join(dir, "icss-signing.key"), "--out", batches); code != 0 {
		t.Fatal(out)
	}
	cfgPath := filepath.Join(dir, "icss.yaml")
	yaml := fmt.Sprintf(`data_dir: data
endpoints:
  - name: cbp
    addr: %s
    user: %s
    key_file: %s
    known_hosts_file: %s
    outbox: inbox
`, srv.Addr, srv.User, srv.ClientKeyFile, srv.KnownHostsFile)
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"results", "deliver", "--config", cfgPath, "--dir", batches, "--endpoint", "cbp"}
	out, code := runICSS(t, args...)
	if code != 0 || !strings.Contains(out, "sftp:cbp: 6 files sent, 0 already there, batches [1] delivered") || !strings.Contains(out, "bucket:results: 6 files sent") {
		t.Fatalf("deliver: %d %s", code, out)
	}
	if _, err := os.Stat(srv.Path("inbox/manifest-000001.json.sig")); err != nil {
		t.Fatal(err)
	}
	if out, code := runICSS(t, args...); code != 0 || !strings.Contains(out, "sftp:cbp: 0 files sent, 0 already there, batches [] delivered") {
		t.Fatalf("deliver again: %d %s", code, out)
	}
	if out, code := runICSS(t, "partner", "pull", "--dir", srv.Path("inbox"), "--pubkey", filepath.Join(dir, "icss-signing.pub"), "--state", filepath.Join(dir, "p.db")); code != 0 {
		t.Fatalf("pull from the inbox: %d %s", code, out)
	}
}
