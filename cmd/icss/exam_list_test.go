package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/icss/icss/edi/x12/x12gen"
	"github.com/icss/icss/transforms/examlist"
)

func TestExamList(t *testing.T) {
	dir := t.TempDir()
	x12 := filepath.Join(dir, "m.x12")
	var gen bytes.Buffer
	x12gen.New(x12gen.Options{Seed: 9, Bills: 60, Newline: true}).WriteTo(&gen)
	if err := os.WriteFile(x12, gen.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	records, assessments, out := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "lists")
	if msg, code := run(t, "normalize", "--out", records, x12); code != 0 {
		t.Fatalf("normalize: %d %s", code, msg)
	}
	if msg, code := run(t, "risk", "score", "--capacity", "8", "--out", assessments, records); code != 0 {
		t.Fatalf("risk score: %d %s", code, msg)
	}
	list := []string{"exam", "list", "--assessments", assessments, "--records", records, "--out", out, "--port", "CAPRR"}

	msg, code := run(t, list...)
	line := regexp.MustCompile(`^(\S+/CAPRR/CAPRR-\d{8}\.xlsx)\tCAPRR\t(\d+)\n$`).FindStringSubmatch(msg)
	if code != 0 || line == nil {
		t.Fatalf("exam list: %d %q", code, msg)
	}
	book, err := os.ReadFile(line[1])
	if err != nil {
		t.Fatal(err)
	}
	meta, entries, err := examlist.ReadIssued(bytes.NewReader(book))
	if err != nil || meta.Port != "CAPRR" || meta.Zone != "America/Vancouver" || len(entries) == 0 || line[2] != strconv.Itoa(len(entries)) {
		t.Fatalf("%s: %+v, %d entries, %v", line[1], meta, len(entries), err)
	}

	// Again: the list is there with the same rows.
	if msg, code := run(t, list...); code != 0 || !strings.Contains(msg, "already written with the same rows") || !strings.Contains(msg, line[0]) {
		t.Errorf("second run: %d %q", code, msg)
	}
	// Other rows: never replaced without --force.
	if err := os.WriteFile(records, bytes.Replace(must(os.ReadFile(records)), []byte(`"vessel_name":"`), []byte(`"vessel_name":"X`), -1), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, code := run(t, list...); code != 2 {
		t.Errorf("changed rows: %d %q", code, msg)
	}
	if msg, code := run(t, append(list, "--force")...); code != 0 || strings.Contains(msg, "already written") {
		t.Errorf("--force: %d %q", code, msg)
	}

	for _, bad := range [][]string{
		{"exam", "list", "--records", records, "--out", out},
		{"exam", "list", "--assessments", assessments, "--records", records, "--out", out, "--date", "tomorrow"},
		{"exam", "list", "--assessments", assessments, "--records", records, "--out", out, "--zone", "Mars/Olympus"},
		{"exam", "list", "--assessments", assessments, "--records", records, "--out", out, "--cutoff", "18:00"},
	} {
		if msg, code := run(t, bad...); code != 2 {
			t.Errorf("%q: exit %d %q, want 2", bad, code, msg)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
