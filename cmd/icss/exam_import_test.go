package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/edi/x12/x12gen"
	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/exam"
)

// The by-hand flow: score, exam list, an officer fills it in with photos,
// import, verify; then the same return again, a damaged store, a bad row.
func TestExamImportAndEvidenceVerify(t *testing.T) {
	dir := t.TempDir()
	x12 := filepath.Join(dir, "m.x12")
	var gen bytes.Buffer
	x12gen.New(x12gen.Options{Seed: 9, Bills: 60, Newline: true}).WriteTo(&gen)
	os.WriteFile(x12, gen.Bytes(), 0o644)
	records, assessments, lists := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "lists")
	for _, args := range [][]string{
		{"normalize", "--out", records, x12},
		{"risk", "score", "--capacity", "8", "--out", assessments, records},
		{"keys", "generate", "--out", filepath.Join(dir, "keys")},
	} {
		if msg, code := run(t, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, msg)
		}
	}
	msg, code := run(t, "exam", "list", "--assessments", assessments, "--records", records, "--out", lists, "--port", "CAPRR")
	m := regexp.MustCompile(`^(\S+\.xlsx)\t`).FindStringSubmatch(msg)
	if code != 0 || m == nil {
		t.Fatalf("exam list: %d %s", code, msg)
	}
	original := m[1]
	ret := filepath.Join(dir, "return")
	os.MkdirAll(ret, 0o755)
	in, _ := os.Open(original)
	out, _ := os.Create(filepath.Join(ret, "returned.xlsx"))
	filled, err := officer.Fill(in, out, officer.Choices{Seed: 1, Now: time.Now(), PhotoDir: filepath.Join(ret, "photos")})
	in.Close()
	out.Close()
	if err != nil {
		t.Fatal(err)
	}
	ev, results := filepath.Join(dir, "evidence"), filepath.Join(dir, "results.jsonl")
	key, pub := filepath.Join(dir, "keys", "icss-signing.key"), filepath.Join(dir, "keys", "icss-signing.pub")
	imp := []string{"exam", "import", "--list", original, "--evidence", ev, "--key", key, "--out", results, "--state", filepath.Join(dir, "ledger.db"), ret}

	msg, code = run(t, imp...)
	if code != 0 || !strings.Contains(msg, "recorded") {
		t.Fatalf("exam import: %d %s", code, msg)
	}
	got := readResults(t, results)
	if len(got) != len(filled.Returns) {
		t.Fatalf("%d results, %d rows filled in", len(got), len(filled.Returns))
	}
	for _, r := range got {
		if r.Schema != exam.ResultSchema || r.ManifestSHA256 == "" || r.Version != 1 {
			t.Errorf("result %+v", r)
		}
	}
	if msg, code := run(t, "evidence", "verify", "--evidence", ev, "--pubkey", pub, "--state", filepath.Join(dir, "ledger.db")); code != 0 || !strings.HasSuffix(msg, ": OK\n") || len(got) == 0 {
		t.Fatalf("evidence verify: %d %s", code, msg)
	}

	// The ledger given with --state indexes every manifest, linked to its list and bills.
	l, err := state.Open(context.Background(), state.Config{Driver: state.DriverSQLite, DSN: filepath.Join(dir, "ledger.db")})
	if err != nil {
		t.Fatal(err)
	}
	indexed, err := l.ListEvidence(context.Background(), got[0].ListID)
	l.Close()
	if err != nil || len(indexed) != len(got) || len(indexed[0].Links) != len(got[0].Bills) {
		t.Fatalf("ledger: %d manifests indexed, %v; want %d", len(indexed), err, len(got))
	}

	// The same return again records nothing new.
	if msg, code := run(t, imp...); code != 0 || !strings.Contains(msg, ": 0 recorded, ") {
		t.Fatalf("second import: %d %s", code, msg)
	}
	if again := readResults(t, results); len(again) != len(got) || again[0].ManifestSHA256 != got[0].ManifestSHA256 {
		t.Errorf("second import wrote %d results", len(again))
	}

	// A bad photo rejects its row: exit 1, the row reported.
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(bad, 0o755)
	os.WriteFile(filepath.Join(bad, got[0].ExamID+"_9.jpg"), []byte("GIF89a not a jpeg"), 0o644)
	msg, code = run(t, append(imp[:len(imp)-1:len(imp)-1], filepath.Join(ret, "returned.xlsx"), bad)...)
	if code != 1 || !strings.Contains(msg, `rejected: `) || !strings.Contains(msg, `column "Photo count"`) {
		t.Fatalf("bad photo: %d %s", code, msg)
	}

	// A flipped byte in a stored photo is reported at its manifest: exit 1.
	photo := filepath.Join(ev, filepath.FromSlash(evidence.ObjectKey(got[0].Photos[0].SHA256)))
	b, _ := os.ReadFile(photo)
	b[len(b)/2] ^= 0xff
	os.Chmod(photo, 0o640)
	os.WriteFile(photo, b, 0o640)
	msg, code = run(t, "evidence", "verify", "--evidence", ev, "--pubkey", pub)
	if code != 1 || !strings.Contains(msg, "changed object") || !strings.Contains(msg, got[0].ExamID) {
		t.Fatalf("verify of a damaged store: %d %s", code, msg)
	}

	for _, args := range [][]string{
		{"exam", "import", "--evidence", ev, "--out", results, ret},
		{"exam", "import", "--evidence", ev, "--key", key, "--out", results},
		{"evidence", "verify", "--evidence", ev},
	} {
		if msg, code := run(t, args...); code != 2 {
			t.Errorf("%v: %d %s, want usage error", args, code, msg)
		}
	}
}

func readResults(t *testing.T, path string) []exam.Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []exam.Result
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r exam.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}
