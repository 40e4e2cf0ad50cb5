package partner

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/results"
	"github.com/icss/icss/transforms/results/resultstest"
)

var day = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)

func newKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	k, err := signing.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func build(t testing.TB, dir string, key ed25519.PrivateKey, rs []exam.Result) *results.Batch {
	t.Helper()
	var b bytes.Buffer
	if err := resultstest.WriteJSONL(&b, rs); err != nil {
		t.Fatal(err)
	}
	batch, err := results.Build(context.Background(), &b, results.BuildOptions{Dir: dir, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return batch
}

func openIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := OpenIndex(context.Background(), filepath.Join(t.TempDir(), "partner.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// planted returns results for one container per answer, and a correction.
func planted() (first, correction []exam.Result) {
	rs := resultstest.Generate(6, 21, day)
	for i := range rs {
		r := &rs[i]
		r.Outcome, r.Findings, r.BoltSeal, r.NotExaminedReason = exam.OutcomeNoFinding, "", "CBSA000000"+string(rune('0'+i)), ""
		r.ExamsPerformed, r.Selection.Path, r.Selection.Referral = []string{"devanning"}, "rule", ""
	}
	rs[1].Outcome, rs[1].Findings = exam.OutcomeSeizure, "cocaine in the false floor"
	rs[2].Outcome, rs[2].NotExaminedReason, rs[2].ExaminedAt, rs[2].BoltSeal = exam.OutcomeNotExamined, exam.ReasonLeftBeforeExam, nil, ""
	rs[2].ExamsPerformed, rs[2].Selection.Path, rs[2].Selection.Referral = []string{}, "referral", "NTC referral T-77"
	rs[3].BoltSeal, rs[3].ExamsPerformed = "", []string{"nii_xray"}
	rs[4].Outcome = exam.OutcomeReferred
	fix := resultstest.Correct(rs[5], func(r *exam.Result) {
		r.Outcome, r.Findings = exam.OutcomeDiscrepancy, "ISPM 15 mark missing on 3 pallets"
	})
	return rs, []exam.Result{fix}
}

func TestPullAndCheckAnswers(t *testing.T) {
	ctx := context.Background()
	dir, key := t.TempDir(), newKey(t)
	rs, fix := planted()
	build(t, dir, key, rs)
	ix := openIndex(t)
	pub := key.Public().(ed25519.PublicKey)
	rep, err := Pull(ctx, DirSource(dir), pub, ix, nil)
	if err != nil || !slices.Equal(rep.Batches, []int64{1}) || rep.Rows != 6 {
		t.Fatalf("pull %+v %v", rep, err)
	}
	// Before the correction arrives, container 5 is negated.
	if a, _ := ix.Check(ctx, rs[5].Container, ""); a.Verdict != RiskNegated {
		t.Fatalf("before the correction: %v", a)
	}
	build(t, dir, key, append(rs, fix...))
	if rep, err := Pull(ctx, DirSource(dir), pub, ix, nil); err != nil || !slices.Equal(rep.Batches, []int64{2}) {
		t.Fatalf("second pull %+v %v", rep, err)
	}
	if rep, err := Pull(ctx, DirSource(dir), pub, ix, nil); err != nil || len(rep.Batches) != 0 || rep.Last != 2 {
		t.Fatalf("pull with nothing new %+v %v", rep, err)
	}
	spaced := rs[0].Container[:4] + " " + rs[0].Container[4:]
	for _, tc := range []struct {
		container, seal string
		want            Verdict
		line            string
	}{
		{rs[0].Container, "CBSA0000000", RiskNegated, "RISK NEGATED: " + rs[0].Container + " examined at CAPRR on 2026-12-04, bolt seal CBSA0000000 intact"},
		{strings.ToLower(spaced), "cbsa 0000000", RiskNegated, "intact"},
		{rs[0].Container, "", RiskNegated, "bolt seal CBSA0000000: check it is intact"},
		{rs[0].Container, "CBSA9999999", SealMismatch, "SEAL MISMATCH (refer): " + rs[0].Container + " examined at CAPRR on 2026-12-04 and sealed with CBSA0000000, but seal CBSA9999999 was presented"},
		{rs[1].Container, "CBSA0000001", ExaminedWithFindings, "EXAMINED WITH FINDINGS (refer): " + rs[1].Container + " examined at CAVAN on 2026-12-04: Seizure: cocaine in the false floor"},
		{rs[2].Container, "", NotExamined, "NOT EXAMINED (refer): " + rs[2].Container + " was selected at CAPRR but not examined (left before exam)"},
		{rs[3].Container, "", Selected, "(no bolt seal applied)"},
		{rs[4].Container, "", Selected, "(referred to the partner agency)"},
		{rs[5].Container, "CBSA0000005", ExaminedWithFindings, "ISPM 15 mark missing"},
		{"MSCU1234566", "", Unknown, "UNKNOWN: no exam result for MSCU1234566 (index holds batches through 2)"},
	} {
		a, err := ix.Check(ctx, tc.container, tc.seal)
		if err != nil {
			t.Fatal(err)
		}
		if a.Verdict != tc.want || !strings.Contains(a.String(), tc.line) || a.Verdict.Refer() != (a.Action == "refer") {
			t.Errorf("Check(%s, %q) = %s\nwant %s with %q", tc.container, tc.seal, a, tc.want, tc.line)
		}
	}
	// A mistyped number is an error, never UNKNOWN (which lets it proceed).
	typo := rs[0].Container[:10] + string('0'+(rs[0].Container[10]-'0'+1)%10)
	for _, bad := range []string{typo, "MSCU12345", "12345678901"} {
		if a, err := ix.Check(ctx, bad, ""); err == nil {
			t.Errorf("Check(%q) = %s, want an error", bad, a)
		}
	}
	if a, _ := ix.Check(ctx, rs[5].Container, ""); a.Version != 2 || a.Batch != 2 {
		t.Errorf("the correction is not the answer: %+v", a)
	}
}

// copyDir copies the batch files of src into a new directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	ents, _ := os.ReadDir(src)
	for _, e := range ents {
		if b, err := os.ReadFile(filepath.Join(src, e.Name())); err == nil {
			if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dst
}

func TestPullRefuses(t *testing.T) {
	ctx := context.Background()
	key := newKey(t)
	pub := key.Public().(ed25519.PublicKey)
	base := t.TempDir()
	rs := resultstest.Generate(90, 22, day)
	for n := 30; n <= 90; n += 30 {
		build(t, base, key, rs[:n])
	}
	for _, tc := range []struct {
		name       string
		tamper     func(t *testing.T, dir string)
		want       error
		msg        string
		indexedTo  int64
		pulledBase bool // the partner already holds batches 1-3
	}{
		{"flipped byte", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "results-CAVAN-000002.jsonl")
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0x01
			os.WriteFile(p, b, 0o644)
		}, results.ErrChanged, "results-CAVAN-000002.jsonl has", 1, false},
		{"a byte appended", func(t *testing.T, dir string) {
			f, _ := os.OpenFile(filepath.Join(dir, "results-CAPRR-000001.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
			f.Write([]byte(" "))
			f.Close()
		}, results.ErrChanged, "results-CAPRR-000001.jsonl has", 0, false},
		{"flipped byte in the CSV", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "results-CAPRR-000003.csv")
			b, _ := os.ReadFile(p)
			b[10] ^= 0x20
			os.WriteFile(p, b, 0o644)
		}, results.ErrChanged, "results-CAPRR-000003.csv", 2, false},
		{"changed manifest", func(t *testing.T, dir string) {
			p := filepath.Join(dir, results.ManifestName(2))
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte(`"rows": 30`), []byte(`"rows": 29`), 1), 0o644)
		}, results.ErrSignature, "manifest-000002.json", 1, false},
		{"missing batch", func(t *testing.T, dir string) {
			for _, n := range []string{"results-CAPRR-000002.jsonl", "results-CAPRR-000002.csv", "results-CAVAN-000002.jsonl", "results-CAVAN-000002.csv", results.ManifestName(2), results.SignatureName(2)} {
				os.Remove(filepath.Join(dir, n))
			}
		}, results.ErrGap, "batch 2 is not there but batch 3 is", 1, false},
		{"replayed old batch", func(t *testing.T, dir string) {
			for _, n := range []string{results.ManifestName(1), results.SignatureName(1)} {
				b, _ := os.ReadFile(filepath.Join(dir, n))
				os.WriteFile(filepath.Join(dir, strings.Replace(n, "000001", "000004", 1)), b, 0o644)
			}
		}, results.ErrChain, "it says it is batch 1", 3, true},
		{"signed by another key", func(t *testing.T, dir string) {
			other := copyDir(t, dir)
			build(t, other, newKey(t), append(rs, resultstest.Generate(100, 22, day)[90:]...))
			for _, n := range []string{"results-CAPRR-000004.jsonl", "results-CAPRR-000004.csv", "results-CAVAN-000004.jsonl", "results-CAVAN-000004.csv", results.ManifestName(4), results.SignatureName(4)} {
				b, _ := os.ReadFile(filepath.Join(other, n))
				os.WriteFile(filepath.Join(dir, n), b, 0o644)
			}
		}, results.ErrSignature, "signed by key", 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, base)
			ix := openIndex(t)
			if tc.pulledBase {
				if _, err := Pull(ctx, DirSource(dir), pub, ix, nil); err != nil {
					t.Fatal(err)
				}
			}
			tc.tamper(t, dir)
			rep, err := Pull(ctx, DirSource(dir), pub, ix, nil)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err %v, want %v with %q", err, tc.want, tc.msg)
			}
			if last, _, _ := ix.Last(ctx); last != tc.indexedTo || rep.Last != tc.indexedTo {
				t.Errorf("indexed through %d (report %d), want %d", last, rep.Last, tc.indexedTo)
			}
			// A refused batch leaves none of its rows in the index.
			var n int
			ix.db.QueryRow(`SELECT COUNT(*) FROM results WHERE seq > ?`, tc.indexedTo).Scan(&n)
			if n != 0 {
				t.Errorf("%d rows of refused batches indexed", n)
			}
		})
	}
}

// A batch whose signature has not arrived yet is left for the next pull.
func TestPullWaitsForSignature(t *testing.T) {
	ctx := context.Background()
	dir, key := t.TempDir(), newKey(t)
	build(t, dir, key, resultstest.Generate(10, 23, day))
	os.Rename(filepath.Join(dir, results.SignatureName(1)), filepath.Join(t.TempDir(), "sig"))
	ix := openIndex(t)
	rep, err := Pull(ctx, DirSource(dir), key.Public().(ed25519.PublicKey), ix, nil)
	if err != nil || len(rep.Batches) != 0 || !strings.Contains(rep.Waiting, "batch 1 is arriving") {
		t.Fatalf("%+v %v", rep, err)
	}
}

// resign rewrites data file name of batch seq with data, and the manifest
// with its new size and digest, signed with key: a batch icss itself would
// have had to produce.
func resign(t *testing.T, dir string, seq int64, key ed25519.PrivateKey, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	mb, _ := os.ReadFile(filepath.Join(dir, results.ManifestName(seq)))
	m, err := results.ParseManifest(mb)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Files {
		if f.Name == name {
			sum := sha256.Sum256(data)
			m.Files[i].Size, m.Files[i].SHA256 = int64(len(data)), hex.EncodeToString(sum[:])
			m.Files[i].Rows = bytes.Count(data, []byte("\n"))
		}
	}
	m.Counts.Rows = 0
	for _, f := range m.Files {
		if f.Format == results.FormatJSONL {
			m.Counts.Rows += f.Rows
		}
	}
	mb, _ = json.MarshalIndent(m, "", "  ")
	os.WriteFile(filepath.Join(dir, results.ManifestName(seq)), mb, 0o644)
	os.WriteFile(filepath.Join(dir, results.SignatureName(seq)), signing.Sign(key, mb), 0o644)
}

// Batches that match their signed manifests but whose rows cannot be
// accepted: a row sent again, a row that is not a result row.
func TestPullRefusesSignedBadRows(t *testing.T) {
	ctx := context.Background()
	key := newKey(t)
	pub := key.Public().(ed25519.PublicKey)
	rs := resultstest.Generate(20, 24, day)
	for _, tc := range []struct {
		name string
		edit func(old1, old2 []byte) []byte // batch 1's and batch 2's CAPRR lines -> batch 2's
		want error
	}{
		{"replayed row", func(old1, old2 []byte) []byte { return append(old2, bytes.SplitAfter(old1, []byte("\n"))[0]...) }, ErrReplayed},
		{"malformed row", func(_, old2 []byte) []byte {
			return bytes.Replace(old2, []byte(results.RowSchema), []byte("other/1"), 1)
		}, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			build(t, dir, key, rs[:10])
			build(t, dir, key, rs)
			old1, _ := os.ReadFile(filepath.Join(dir, "results-CAPRR-000001.jsonl"))
			old2, _ := os.ReadFile(filepath.Join(dir, "results-CAPRR-000002.jsonl"))
			resign(t, dir, 2, key, "results-CAPRR-000002.jsonl", tc.edit(old1, old2))
			ix := openIndex(t)
			rep, err := Pull(ctx, DirSource(dir), pub, ix, nil)
			if !errors.Is(err, tc.want) || rep.Last != 1 {
				t.Fatalf("%+v %v, want %v", rep, err, tc.want)
			}
		})
	}
}
