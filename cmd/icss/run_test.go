package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/sshdtest"
)

// `icss config check` names the field at fault and starts nothing; a valid file is
// reported valid.
func TestConfigCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(`endpoints: [{name: c, role: carrier, addr: "h:22", user: u, key_file: k, known_hosts_file: kh, inbox: in}]
schedules: [{name: pull, spec: "*/5 * * * *", stage: pull}]
`), 0o644)
	cmd := newRootCommand()
	cmd.SetArgs([]string{"config", "check", bad})
	err := cmd.ExecuteContext(context.Background())
	if exitCode(err) != exitFailure || !strings.Contains(err.Error(), "schedules[0].spec:") || !strings.Contains(err.Error(), "CRON_TZ") {
		t.Errorf("config check of a bad file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "icss-data")); err == nil {
		t.Error("config check created the data directory")
	}
}

// `icss run --once` works the corridor's first stages and exits 0; `icss status`
// then shows the stages idle and the pull schedule's run; `icss jobs list` has
// nothing parked.
func TestRunOnceStatusJobs(t *testing.T) {
	t.Parallel()
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox", "outbox"}})
	dir := t.TempDir()
	cfg := filepath.Join(dir, "icss.yaml")
	os.WriteFile(cfg, []byte(`data_dir: data
http: {addr: "127.0.0.1:0"}
endpoints:
  - {name: carrier, role: carrier, addr: "`+srv.Addr+`", user: "`+srv.User+`", key_file: "`+srv.ClientKeyFile+`",
     known_hosts_file: "`+srv.KnownHostsFile+`", inbox: inbox, outbox: outbox, stable_for: 200ms}
schedules: [{name: pull, spec: "CRON_TZ=UTC */5 * * * *", stage: pull}]
jobs: {poll_interval: 50ms}
`), 0o644)
	b, err := os.ReadFile("testdata/normalize/manifest-309.x12")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(srv.Path("inbox/manifest.x12"), b, 0o644)
	if out, code := run(t, "config", "check", cfg); code != 0 || !strings.Contains(out, "valid") {
		t.Fatalf("config check: exit %d\n%s", code, out)
	}
	if out, code := run(t, "run", "--once", "--config", cfg); code != 0 {
		t.Fatalf("run --once: exit %d\n%s", code, out)
	}
	acks, _ := os.ReadDir(srv.Path("outbox"))
	if len(acks) == 0 {
		t.Error("no acknowledgment in the outbox")
	}
	out, code := run(t, "status", "--config", cfg)
	if code != 0 || !strings.Contains(out, "pull") || !strings.Contains(out, "succeeded") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
	out, code = run(t, "status", "--json", "--config", cfg)
	if code != 0 || !strings.Contains(out, `"stages"`) {
		t.Errorf("status --json: exit %d\n%s", code, out)
	}
	out, code = run(t, "jobs", "list", "--config", cfg)
	if code != 0 || strings.Count(out, "\n") != 1 {
		t.Errorf("jobs list (header only): exit %d\n%s", code, out)
	}
}
