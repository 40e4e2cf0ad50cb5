package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/golden"

	"github.com/icss/icss/transforms/tabular"
)

func normalizeInputs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/normalize/*.x12")
	if err != nil || len(files) != 3 {
		t.Fatalf("normalize test inputs: %v %v", files, err)
	}
	return files
}

// TestNormalizeGolden normalises a batch (an original 309, an amending 309 that also
// deletes a bill, and a 322 ramp event) and compares every version written.
func TestNormalizeGolden(t *testing.T) {
	args := append([]string{"normalize", "--received-at", "2026-12-01T00:00:00Z"}, normalizeInputs(t)...)
	out, code := run(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	golden.Compare(t, "testdata/normalize/versions.golden.jsonl", []byte(out))
	if !strings.Contains(out, "5 bill version(s) (0 flagged), 1 event(s) (1 attached)") {
		t.Fatalf("summary missing: %s", out)
	}
}

func TestNormalizeCurrent(t *testing.T) {
	dir := t.TempDir()
	outFile := filepath.Join(dir, "current.jsonl")
	args := append([]string{"normalize", "--current", "--received-at", "2026-12-01T00:00:00Z", "--out", outFile}, normalizeInputs(t)...)
	if out, code := run(t, args...); code != exitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r struct {
			Key    string
			Filing struct{ Type string }
			Bill   struct{ Pieces float64 }
			Events []struct{ Kind string }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, r.Key)
		if r.Key == "MAEUPUS10000000" && (r.Filing.Type != "amend" || r.Bill.Pieces != 1200 || len(r.Events) != 1 || r.Events[0].Kind != "ramp_in") {
			t.Errorf("amended bill: %s", line)
		}
	}
	// CMDUSSZ10000001 was deleted by the amendment.
	if strings.Join(keys, ",") != "MAEUPUS10000000,MSCUHPH10000002" {
		t.Fatalf("current bills = %v", keys)
	}
}

func TestNormalizeUnmappedAndTables(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "manifest.csv")
	if out, code := run(t, "template", tmpl); code != exitOK {
		t.Fatalf("template: exit %d: %s", code, out)
	}
	// Fill the template with one bill and an extra column the mapping does not know.
	f, err := os.OpenFile(tmpl, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	hdr, err := csv.NewReader(f).Read()
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	row := make([]string, len(hdr))
	set := map[string]string{"Issuer SCAC": "MAEU", "Bill Number": "T1", "Container Number": "MSKU7351770", "Full Empty": "F",
		"Seals": "S1234", "Description": "TIRES", "HS Code": "4011.20", "Packages": "3", "Gross Weight": "1000",
		"Shipper Name": "A", "Consignee Name": "B", "Port of Discharge": "CAPRR", "Final Destination": "USCHI"}
	for i, h := range hdr {
		row[i] = set[h]
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(append(hdr, "Carrier Remark"))
	w.Write(append(row, "check twice"))
	w.Flush()
	if err := os.WriteFile(tmpl, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := run(t, "normalize", "--unmapped", "--received-at", "2026-12-01T00:00:00Z", tmpl)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	if !strings.Contains(out, `"key":"MAEUT1"`) || !strings.Contains(out, `"Carrier Remark":"check twice"`) || !strings.Contains(out, `"status":"in_transit"`) {
		t.Fatalf("record: %s", out)
	}
	if !strings.Contains(out, `unmapped: `+tmpl+`: column 46 "Carrier Remark" not mapped (kept in extra)`) {
		t.Fatalf("unmapped report missing: %s", out)
	}
}

func TestTemplateWritesMapping(t *testing.T) {
	dir := t.TempDir()
	x, y := filepath.Join(dir, "t.xlsx"), filepath.Join(dir, "t.yaml")
	if out, code := run(t, "template", "--write-mapping", y, x); code != exitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	m, err := tabular.LoadMapping(y)
	if err != nil || m.Name != "icss-default" {
		t.Fatalf("written mapping: %v %v", m, err)
	}
	if st, err := os.Stat(x); err != nil || st.Size() == 0 || st.Mode().Perm() != 0o644 {
		t.Fatalf("template file: %v %v", st, err)
	}
	if _, code := run(t, "template", "--format", "pdf", x); code != exitFailure {
		t.Fatalf("--format pdf: exit %d", code)
	}
}

func TestNormalizeErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\ncolumns: [{column: A, field: goods.hs7}]\n"), 0o644)
	if out, code := run(t, "normalize", "--mapping", bad, "x.csv"); code != exitFailure {
		t.Fatalf("bad mapping: exit %d: %s", code, out)
	}
	// A missing input is reported and the others still written: exit 1.
	args := append([]string{"normalize", filepath.Join(dir, "missing.x12")}, normalizeInputs(t)[0])
	out, code := run(t, args...)
	if code != exitInvalid || !strings.Contains(out, "missing.x12") || !strings.Contains(out, `"schema":"icss.harmonized/1"`) {
		t.Fatalf("missing input: exit %d: %s", code, out)
	}
	if _, code := run(t, "normalize"); code != exitFailure {
		t.Fatalf("no arguments: exit %d", code)
	}
}
