package results

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/results/resultstest"
)

var day = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)

func testKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	k, err := signing.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func jsonl(t testing.TB, rs []exam.Result) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	if err := resultstest.WriteJSONL(&b, rs); err != nil {
		t.Fatal(err)
	}
	return &b
}

func build(t testing.TB, dir string, key ed25519.PrivateKey, rs []exam.Result) *Batch {
	t.Helper()
	b, err := Build(context.Background(), jsonl(t, rs), BuildOptions{Dir: dir, Key: key, Source: "results.jsonl",
		Now: func() time.Time { return day.Add(20 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readRows(t testing.TB, path string) []Row {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var r Row
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	return rows
}

func TestBuildBatches(t *testing.T) {
	dir, key := t.TempDir(), testKey(t)
	pub := key.Public().(ed25519.PublicKey)
	rs := resultstest.Generate(200, 1, day)
	b1 := build(t, dir, key, rs)
	if b1 == nil || b1.Seq != 1 || b1.Manifest.Counts.Rows != 200 || b1.Manifest.Previous != "" {
		t.Fatalf("first batch %+v", b1)
	}
	want := []string{"results-CAPRR-000001.csv", "results-CAPRR-000001.jsonl", "results-CAVAN-000001.csv", "results-CAVAN-000001.jsonl",
		"manifest-000001.json", "manifest-000001.json.sig"}
	if !slices.Equal(b1.Files, want) {
		t.Fatalf("files %v, want %v", b1.Files, want)
	}
	// The same results again: nothing new, no batch.
	if again := build(t, dir, key, rs); again != nil {
		t.Fatalf("rebuild wrote batch %d", again.Seq)
	}
	// Corrections and new exams make batch 2, chained to batch 1.
	more := resultstest.Generate(210, 1, day)[200:]
	fixed := resultstest.Correct(rs[3], func(r *exam.Result) { r.Outcome, r.Findings = exam.OutcomeDiscrepancy, "second look: false floor" })
	b2 := build(t, dir, key, append(append(slices.Clone(rs), more...), fixed))
	if b2 == nil || b2.Seq != 2 || b2.Manifest.Counts.Rows != 11 || b2.Manifest.Counts.Corrections != 1 || b2.Manifest.Previous != b1.ManifestSHA256 {
		t.Fatalf("second batch %+v (first manifest %s)", b2, b1.ManifestSHA256)
	}
	// Every manifest verifies and every file matches it.
	prev := ""
	for seq := int64(1); seq <= 2; seq++ {
		mb, _ := os.ReadFile(filepath.Join(dir, ManifestName(seq)))
		sig, _ := os.ReadFile(filepath.Join(dir, SignatureName(seq)))
		m, sha, err := VerifyManifest(pub, seq, prev, mb, sig)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m.Files {
			data, _ := os.ReadFile(filepath.Join(dir, f.Name))
			if int64(len(data)) != f.Size || sum(data) != f.SHA256 {
				t.Errorf("%s does not match its manifest entry", f.Name)
			}
		}
		prev = sha
	}
	rows := readRows(t, filepath.Join(dir, "results-CAVAN-000002.jsonl"))
	var corrected *Row
	for i := range rows {
		if rows[i].ExamID == rs[3].ExamID {
			corrected = &rows[i]
		}
	}
	if corrected == nil || corrected.Version != 2 || corrected.Supersedes != rs[3].ManifestSHA256 || corrected.RiskNegated {
		t.Fatalf("correction row %+v", corrected)
	}
}

func TestRowContent(t *testing.T) {
	dir, key := t.TempDir(), testKey(t)
	rs := resultstest.Generate(300, 2, day)
	build(t, dir, key, rs)
	byID := map[string]exam.Result{}
	for _, r := range rs {
		byID[r.ExamID] = r
	}
	officerKey := OfficerKey(key)
	var negated, referralsNotExamined int
	for _, port := range resultstest.Ports {
		for _, row := range readRows(t, filepath.Join(dir, DataName(port, 1, FormatJSONL))) {
			r := byID[row.ExamID]
			if row.RiskNegated != r.RiskNegated() || row.BoltSeal != r.BoltSeal || row.Container != r.Container ||
				row.Bills[0].IssuerSCAC != r.Bills[0].IssuerSCAC || row.EvidenceManifestSHA256 != r.ManifestSHA256 ||
				row.PhotoCount != r.PhotoCount || row.Referral != r.Selection.Referral || !slices.Equal(row.SealsFiled, r.Seals) {
				t.Errorf("row %+v does not reflect result %+v", row, r)
			}
			if r.Officer != "" && (row.Officer != Pseudonym(officerKey, r.Officer) || strings.Contains(row.Officer, "BSO")) {
				t.Errorf("officer %q for %q", row.Officer, r.Officer)
			}
			if row.RiskNegated {
				negated++
			}
			if row.Referral != "" && row.Outcome == exam.OutcomeNotExamined && row.NotExaminedReason == exam.ReasonLeftBeforeExam {
				referralsNotExamined++
			}
		}
	}
	if negated == 0 || referralsNotExamined == 0 {
		t.Errorf("generated cases missing: %d negated, %d referrals not examined", negated, referralsNotExamined)
	}
	if Pseudonym(officerKey, "bso 0001") != Pseudonym(officerKey, "BSO0001") || Pseudonym(officerKey, "BSO 0001") == Pseudonym(OfficerKey(testKey(t)), "BSO 0001") {
		t.Error("pseudonyms: same officer differs, or another key gives the same")
	}
}

// The CSV holds the JSON rows, and no cell starts a formula.
func TestCSVSameRowsAndSafe(t *testing.T) {
	dir, key := t.TempDir(), testKey(t)
	rs := resultstest.Generate(100, 3, day)
	rs[0].Findings = "=cmd|' /C calc'!A0"
	rs[0].Outcome = exam.OutcomeDiscrepancy
	rs[1].Seals = []string{"+SEAL1", "@SUM(1)"}
	rs[1].Bills[0].Number = "-2+3"
	build(t, dir, key, rs)
	for _, port := range resultstest.Ports {
		rows := readRows(t, filepath.Join(dir, DataName(port, 1, FormatJSONL)))
		f, err := os.Open(filepath.Join(dir, DataName(port, 1, FormatCSV)))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(recs[0], CSVHeader) || len(recs) != len(rows)+1 {
			t.Fatalf("%s: header %v, %d records for %d rows", port, recs[0], len(recs), len(rows))
		}
		for i, rec := range recs[1:] {
			for j, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s row %d column %s starts a formula: %q", port, i+1, CSVHeader[j], cell)
				}
			}
			if rec[0] != rows[i].ExamID || rec[9] != SafeCell(rows[i].Findings) || rec[18] != "false" && rec[18] != "true" {
				t.Errorf("%s row %d: %v vs %+v", port, i+1, rec, rows[i])
			}
		}
	}
	for in, want := range map[string]string{"=1+1": "'=1+1", "-3": "'-3", "＝1": "'＝1", "tiles": "tiles", "": ""} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBuildRejectsBadResults(t *testing.T) {
	key := testKey(t)
	good := resultstest.Generate(3, 4, day)
	for name, tc := range map[string]struct {
		edit func(*exam.Result)
		want string
	}{
		"exam id":   {func(r *exam.Result) { r.ExamID = "../x" }, "results.jsonl:2: exam_id"},
		"no reason": {func(r *exam.Result) { r.Outcome, r.NotExaminedReason = exam.OutcomeNotExamined, "" }, "not examined without a reason"},
		"outcome":   {func(r *exam.Result) { r.Outcome = "fine" }, "outcome \"fine\""},
		"evidence":  {func(r *exam.Result) { r.ManifestSHA256 = "abc" }, "manifest_sha256"},
		"no bills":  {func(r *exam.Result) { r.Bills = nil }, "no bills"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			rs := slices.Clone(good)
			tc.edit(&rs[1])
			_, err := Build(context.Background(), jsonl(t, rs), BuildOptions{Dir: dir, Key: key, Source: "results.jsonl"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 { // the lock file only
				t.Errorf("a failed build left %d files", len(ents))
			}
		})
	}
	// A version already sent may not come back with other evidence.
	dir := t.TempDir()
	build(t, dir, key, good)
	changed := slices.Clone(good)
	changed[0].ManifestSHA256 = resultstest.Sum("other")
	if _, err := Build(context.Background(), jsonl(t, changed), BuildOptions{Dir: dir, Key: key}); err == nil || !strings.Contains(err.Error(), "was sent with evidence manifest") {
		t.Fatalf("changed sent result: %v", err)
	}
}

// A build interrupted before its signature leaves an incomplete batch that the
// next build replaces; a hole in the directory is refused.
func TestBuildAfterInterruptedBuild(t *testing.T) {
	dir, key := t.TempDir(), testKey(t)
	rs := resultstest.Generate(20, 5, day)
	build(t, dir, key, rs[:10])
	for _, name := range []string{"results-CAPRR-000002.jsonl", "manifest-000002.json", ".results-CAVAN-000002.csv.tmp"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b := build(t, dir, key, rs)
	if b == nil || b.Seq != 2 || b.Manifest.Counts.Rows != 10 {
		t.Fatalf("batch after crash %+v", b)
	}
	if _, err := os.Stat(filepath.Join(dir, ".results-CAVAN-000002.csv.tmp")); !os.IsNotExist(err) {
		t.Error("temporary left")
	}
	if err := os.Remove(filepath.Join(dir, SignatureName(1))); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), jsonl(t, rs), BuildOptions{Dir: dir, Key: key}); !errors.Is(err, ErrGap) {
		t.Fatalf("hole in the directory: %v", err)
	}
}

// TestSchemasMatchGo checks that the schemas name exactly the JSON fields of
// the Go types, like transforms/exam's test.
func TestSchemasMatchGo(t *testing.T) {
	type schema struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
		Defs       map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
			Required   []string                   `json:"required"`
			Enum       []string                   `json:"enum"`
		} `json:"$defs"`
	}
	load := func(name string) schema {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var s schema
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return s
	}
	check := func(name string, typ reflect.Type, props map[string]json.RawMessage, required []string) {
		t.Helper()
		var fromGo, mandatory, fromSchema []string
		for i := range typ.NumField() {
			tag, opt, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			fromGo = append(fromGo, tag)
			if opt != "omitempty" {
				mandatory = append(mandatory, tag)
			}
		}
		for k := range props {
			fromSchema = append(fromSchema, k)
		}
		for _, s := range [][]string{fromGo, mandatory, fromSchema, required} {
			sort.Strings(s)
		}
		if !slices.Equal(fromGo, fromSchema) {
			t.Errorf("%s: Go fields %v, schema properties %v", name, fromGo, fromSchema)
		}
		if !slices.Equal(mandatory, required) {
			t.Errorf("%s: Go always writes %v, schema requires %v", name, mandatory, required)
		}
	}
	row := load("row.schema.json")
	check("row", reflect.TypeFor[Row](), row.Properties, row.Required)
	check("bill", reflect.TypeFor[Bill](), row.Defs["bill"].Properties, row.Defs["bill"].Required)
	if !slices.Equal(row.Defs["exam_type"].Enum, exam.ExamTypes) {
		t.Errorf("exam_type enum %v, Go %v", row.Defs["exam_type"].Enum, exam.ExamTypes)
	}
	var outcome struct{ Enum []exam.Outcome }
	if err := json.Unmarshal(row.Properties["outcome"], &outcome); err != nil || !slices.Equal(outcome.Enum, exam.Outcomes) {
		t.Errorf("outcome enum %v, Go %v (%v)", outcome.Enum, exam.Outcomes, err)
	}
	var reason struct{ Enum []string }
	if err := json.Unmarshal(row.Properties["not_examined_reason"], &reason); err != nil || !slices.Equal(reason.Enum, exam.NotExaminedReasons) {
		t.Errorf("reason enum %v, Go %v (%v)", reason.Enum, exam.NotExaminedReasons, err)
	}
	m := load("manifest.schema.json")
	check("manifest", reflect.TypeFor[Manifest](), m.Properties, m.Required)
	check("counts", reflect.TypeFor[Counts](), m.Defs["counts"].Properties, m.Defs["counts"].Required)
	check("file", reflect.TypeFor[File](), m.Defs["file"].Properties, m.Defs["file"].Required)
}

// TestBatchValidatesAgainstSchemas validates a built batch's rows and manifest
// with a JSON Schema validator, Python's jsonschema (scripts/test-deps.sh
// installs it). It adds to TestSchemasMatchGo; without the validator it skips,
// except under CI=true, where it fails.
func TestBatchValidatesAgainstSchemas(t *testing.T) {
	if exec.Command("python3", "-c", "import jsonschema").Run() != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 with jsonschema (Draft 2020-12) not installed: scripts/test-deps.sh jsonschema")
		}
		t.Skip("python3 with jsonschema (Draft 2020-12) not installed: scripts/test-deps.sh jsonschema")
	}
	dir, key := t.TempDir(), testKey(t)
	rs := resultstest.Generate(200, 6, day)
	build(t, dir, key, rs)
	build(t, dir, key, append(rs, resultstest.Correct(rs[0], nil)))
	const script = `
import json, sys, glob, jsonschema
row = json.load(open(sys.argv[1])); man = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator.check_schema(row); jsonschema.Draft202012Validator.check_schema(man)
n = 0
for p in glob.glob(sys.argv[3] + "/results-*.jsonl"):
    for line in open(p):
        jsonschema.validate(json.loads(line), row, cls=jsonschema.Draft202012Validator); n += 1
for p in glob.glob(sys.argv[3] + "/manifest-*.json"):
    jsonschema.validate(json.load(open(p)), man, cls=jsonschema.Draft202012Validator)
print(n)
`
	out, err := exec.Command("python3", "-c", script, "row.schema.json", "manifest.schema.json", dir).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "201" {
		t.Fatalf("schema validation: %v\n%s", err, out)
	}
}
