package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// icss notice build writes one file per carrier and standard, each valid for icss edi
// inspect; with --state a second run writes nothing, and without it an existing file
// is never replaced.
func TestNoticeBuild(t *testing.T) {
	dir, db := t.TempDir(), filepath.Join(t.TempDir(), "state.db")
	fixture := func(name string) string { return filepath.Join("..", "..", "transforms", "notices", "testdata", name) }
	args := []string{"notice", "build", "--assessments", fixture("assessments.jsonl"), "--records", fixture("records.jsonl"),
		"--results", fixture("results.jsonl"), "--out", dir, "--state", db}
	out, code := run(t, args...)
	if code != 0 {
		t.Fatalf("exit status %d\n%s", code, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 3 || !strings.Contains(out, "3 files, 1 notices not sendable") || !strings.Contains(out, "not sent: KCSU555/KCSU1000013/hold/v1 to KCS") {
		t.Fatalf("files %v\n%s", files, out)
	}
	for _, f := range files {
		if out, code := run(t, "edi", "inspect", f); code != 0 {
			t.Errorf("icss edi inspect %s: exit status %d\n%s", f, code, out)
		}
	}
	if out, code := run(t, args...); code != 0 || !strings.Contains(out, "0 files") {
		t.Errorf("second run: exit status %d\n%s", code, out)
	}
	// Without --state the numbering starts again at 1: the existing file is kept.
	before, _ := os.ReadFile(files[0])
	if out, code := run(t, args[:len(args)-2]...); code != 2 {
		t.Errorf("a run over existing files: exit status %d\n%s", code, out)
	}
	if after, _ := os.ReadFile(files[0]); string(after) != string(before) {
		t.Error("an existing notice file was changed")
	}
}

func TestNoticeBuildUsage(t *testing.T) {
	dir := t.TempDir()
	codes := filepath.Join(dir, "codes.yaml")
	if err := os.WriteFile(codes, []byte("list: ICSS\nagency: ZZZ\nhold: {action: hold, code: TOOLONG, text: HELD}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"notice", "build", "--records", "r", "--out", dir},
		{"notice", "build", "--assessments", "a", "--records", "r", "--out", dir, "--codes", codes},
	} {
		if out, code := run(t, args...); code != 2 {
			t.Errorf("%v: exit status %d, want 2\n%s", args, code, out)
		}
	}
	out, code := run(t, "notice", "codes")
	if code != 0 || !strings.Contains(out, "outcomes:") {
		t.Errorf("notice codes: %d\n%s", code, out)
	}
}

// --config routes a carrier that filed a table, names icss and adds a terminal.
func TestNoticeBuildConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "notices.yaml")
	if err := os.WriteFile(cfg, []byte(`x12_sender: {qualifier: ZZ, id: CBSAICSS}
edifact_sender: {qualifier: ZZZ, id: CBSAICSS}
carriers:
  KCS: {standard: x12, receiver: {qualifier: "02", id: KCSU}, version: "005010"}
terminals:
  - name: fairview
    standard: edifact
    receiver: {id: FAIRVIEWTERM}
    ports: [CAPRR]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	fixture := func(name string) string { return filepath.Join("..", "..", "transforms", "notices", "testdata", name) }
	out, code := run(t, "notice", "build", "--assessments", fixture("assessments.jsonl"), "--records", fixture("records.jsonl"),
		"--results", fixture("results.jsonl"), "--out", filepath.Join(dir, "out"), "--config", cfg)
	if code != 0 || !strings.Contains(out, "5 files, 0 notices not sendable") {
		t.Fatalf("exit status %d\n%s", code, out)
	}
	kcs, err := os.ReadFile(filepath.Join(dir, "out", "350_KCSU_000000001.x12"))
	if err != nil || !strings.HasPrefix(string(kcs), "ISA*00*          *00*          *ZZ*CBSAICSS       *02*KCSU           *") || !strings.Contains(string(kcs), "GS*AU*") {
		t.Errorf("KCS notice: %v\n%s", err, kcs)
	}
	if err := os.WriteFile(cfg, []byte("carriers:\n  KCS: {standard: csv}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, code := run(t, "notice", "build", "--assessments", fixture("assessments.jsonl"), "--records", fixture("records.jsonl"),
		"--out", filepath.Join(dir, "out2"), "--config", cfg); code != 2 {
		t.Errorf("a bad config: exit status %d, want 2", code)
	}
}
