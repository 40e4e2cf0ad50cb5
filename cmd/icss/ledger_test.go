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

	"github.com/icss/icss/config"
	"github.com/icss/icss/storage/state"
)

func TestLedgerCommands(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "icss.yaml")
	yaml := `data_dir: data
endpoints:
  - name: carrier1
    addr: 127.0.0.1:22
    user: icss
    key_file: key
    known_hosts_file: known_hosts
    inbox: inbox
`
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := runLedgerMigrate(ctx, &out, ledgerOptions{Config: cfgPath}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if !strings.HasPrefix(out.String(), "sqlite ledger at schema version ") {
		t.Fatalf("migrate printed %q", out.String())
	}

	// Quarantine one file the way pull does.
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	l, err := state.Open(ctx, cfg.State.Ledger(nil))
	if err != nil {
		t.Fatal(err)
	}
	f, _, _ := l.FileSeen(ctx, "carrier1", "IN 1.x12", 10, time.Unix(1_800_000_000, 0))
	l.FileSeen(ctx, "carrier1", "ok.x12", 10, time.Unix(1_800_000_000, 0))
	if _, err := l.RecordFileFailure(ctx, f.ID, "download: connection reset\nby peer", 1); err != nil {
		t.Fatal(err)
	}
	l.Close()

	out.Reset()
	if err := runLedgerFiles(ctx, &out, ledgerOptions{Config: cfgPath, State: "quarantined"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `"IN 1.x12"`) || !strings.Contains(lines[1], "download: connection reset by peer") {
		t.Fatalf("files:\n%s", out.String())
	}
	if err := runLedgerFiles(ctx, &out, ledgerOptions{Config: cfgPath, State: "lost"}); err == nil {
		t.Fatal("an unknown --state was accepted")
	}

	out.Reset()
	err = runLedgerRelease(ctx, &out, &errOut, ledgerOptions{Config: cfgPath}, []string{"1", "2", "99"})
	if !errors.Is(err, errInvalidInput) {
		t.Fatalf("release with ids not quarantined: %v, want errInvalidInput (exit 1)", err)
	}
	if !strings.Contains(out.String(), `1 carrier1 "IN 1.x12" released: now seen`) ||
		!strings.Contains(errOut.String(), "file is seen, not quarantined") || !strings.Contains(errOut.String(), "not found") {
		t.Fatalf("release:\nstdout %s\nstderr %s", out.String(), errOut.String())
	}
	var ue *usageError
	if err := runLedgerRelease(ctx, &out, &errOut, ledgerOptions{Config: cfgPath}, []string{"x"}); !errors.As(err, &ue) {
		t.Fatalf("release x: %v, want a usage error", err)
	}
}
