package notices

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/x12/ack"
	"github.com/icss/icss/internal/testkit/golden"
)

var testNow = func() time.Time { return time.Date(2026, 12, 4, 14, 5, 0, 0, time.UTC) }

// fixture opens the test inputs; results may be "".
func fixture(t testing.TB, results string) Inputs {
	t.Helper()
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	in := Inputs{Assessments: open("assessments.jsonl"), AssessmentsName: "assessments.jsonl", Records: open("records.jsonl"), RecordsName: "records.jsonl"}
	if results != "" {
		in.Results, in.ResultsName = open(results), results
	}
	return in
}

func build(t testing.TB, in Inputs, opts Options) *Batch {
	t.Helper()
	if opts.Config.X12Sender.ID == "" {
		opts.Config = DefaultConfig()
	}
	if opts.Controls == nil {
		opts.Controls = ack.NewCounter()
	}
	opts.Now = testNow
	b, err := Build(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range b.Files {
		rep, err := edi.Inspect(bytes.NewReader(f.Data), f.Name)
		if err != nil || !rep.Valid() {
			t.Fatalf("%s does not read back valid: %v %s", f.Name, err, firstError(rep))
		}
	}
	return b
}

// summary lists a batch as "file: event key (disposition code)" lines and skips as
// "skip key recipient: reason".
func summary(b *Batch) []string {
	var out []string
	for _, f := range b.Files {
		for _, n := range f.Notices {
			out = append(out, f.Name+" "+n.Message+": "+n.Key+" ("+n.Disposition.Code+")")
		}
	}
	for _, s := range b.Skipped {
		out = append(out, "skip "+s.Key+" "+s.Recipient+": "+s.Reason)
	}
	return out
}

func TestBuild(t *testing.T) {
	t.Parallel()
	kcs := "skip KCSU555/KCSU1000013/hold/v1 KCS: filer KCS filed a csv table and has no route (carriers.KCS.standard)"
	withTerminal := DefaultConfig()
	withTerminal.Terminals = []Terminal{{Name: "FAIRVIEW", Route: Route{Standard: EDIFACT, Receiver: Party{ID: "FAIRVIEWTERM"}}, Ports: []string{"CAPRR"}}}
	kcsRouted := DefaultConfig()
	kcsRouted.Carriers = map[string]Route{"KCS": {Standard: X12, Receiver: Party{Qualifier: "02", ID: "KCSU"}}}
	tests := []struct {
		name    string
		results string
		cfg     Config
		sent    []string // "key recipient" already recorded
		want    []string
	}{
		{"Holds", "", DefaultConfig(), nil, []string{
			"350_CNRU_000000001.x12 0001: MAEU123456/MSKU7351770/hold/v1 (1H)",
			"350_CNRU_000000001.x12 0002: MAEU123456/TGHU1234567/hold/v1 (1H)",
			"CUSRES_MAEUEDI_1.edi 1: MAEU987654/MRKU2203346/hold/v2 (1H)",
			kcs,
		}},
		{"HoldsAndReleases", "results.jsonl", DefaultConfig(), nil, []string{
			"350_CNRU_000000001.x12 0001: MAEU123456/MSKU7351770/hold/v1 (1H)",
			"350_CNRU_000000001.x12 0002: MAEU123456/TGHU1234567/hold/v1 (1H)",
			"350_CNRU_000000001.x12 0003: MAEU123456/MSKU7351770/release/CAPRR-20261204-0001/v1 (1R)",
			"CUSRES_MAEUEDI_1.edi 1: MAEU987654/MRKU2203346/hold/v2 (1H)",
			"CUSRES_MAEUEDI_1.edi 2: MAEU987654/MRKU2203346/release/CAPRR-20261204-0002/v1 (3H)",
			"350_HLCUEDI_000000001.x12 0001: HLCUCA0809HLCU20261204000123/HLXU8765432/release/CAPRR-20261204-0003/v1 (2R)",
			kcs,
		}},
		{"AlreadySentLeftOut", "results.jsonl", DefaultConfig(), []string{"MAEU123456/MSKU7351770/hold/v1 CNRU", "MAEU123456/TGHU1234567/hold/v1 CNRU", "MAEU987654/MRKU2203346/hold/v2 MAEUEDI"}, []string{
			"350_CNRU_000000001.x12 0001: MAEU123456/MSKU7351770/release/CAPRR-20261204-0001/v1 (1R)",
			"CUSRES_MAEUEDI_1.edi 1: MAEU987654/MRKU2203346/release/CAPRR-20261204-0002/v1 (3H)",
			"350_HLCUEDI_000000001.x12 0001: HLCUCA0809HLCU20261204000123/HLXU8765432/release/CAPRR-20261204-0003/v1 (2R)",
			kcs,
		}},
		{"TerminalCopies", "", withTerminal, nil, []string{
			"350_CNRU_000000001.x12 0001: MAEU123456/MSKU7351770/hold/v1 (1H)",
			"350_CNRU_000000001.x12 0002: MAEU123456/TGHU1234567/hold/v1 (1H)",
			"CUSRES_FAIRVIEWTERM_1.edi 1: MAEU123456/MSKU7351770/hold/v1 (1H)",
			"CUSRES_FAIRVIEWTERM_1.edi 2: MAEU123456/TGHU1234567/hold/v1 (1H)",
			"CUSRES_FAIRVIEWTERM_1.edi 3: MAEU987654/MRKU2203346/hold/v2 (1H)",
			"CUSRES_FAIRVIEWTERM_1.edi 4: KCSU555/KCSU1000013/hold/v1 (1H)",
			"CUSRES_MAEUEDI_1.edi 1: MAEU987654/MRKU2203346/hold/v2 (1H)",
			kcs,
		}},
		{"TableFilerRouted", "", kcsRouted, nil, []string{
			"350_CNRU_000000001.x12 0001: MAEU123456/MSKU7351770/hold/v1 (1H)",
			"350_CNRU_000000001.x12 0002: MAEU123456/TGHU1234567/hold/v1 (1H)",
			"CUSRES_MAEUEDI_1.edi 1: MAEU987654/MRKU2203346/hold/v2 (1H)",
			"350_KCSU_000000001.x12 0001: KCSU555/KCSU1000013/hold/v1 (1H)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := Options{Config: tt.cfg}
			if tt.sent != nil {
				opts.Sent = func(_ context.Context, key, rcp string) (bool, error) {
					return slices.Contains(tt.sent, key+" "+rcp), nil
				}
			}
			got := summary(build(t, fixture(t, tt.results), opts))
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

// TestGolden keeps the notice files of the fixture, holds and releases, in both
// standards and both X12 release families (go test -run Golden -update).
func TestGolden(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.X12Sender = Party{Qualifier: "ZZ", ID: "CBSAICSS"}
	cfg.EDIFACTSender = Party{Qualifier: "ZZZ", ID: "CBSAICSS"}
	cfg.Carriers = map[string]Route{"CNRU": {Receiver: Party{Qualifier: "02"}}}
	b := build(t, fixture(t, "results.jsonl"), Options{Config: cfg})
	for _, f := range b.Files {
		golden.Compare(t, filepath.Join("testdata", "golden", f.Name), f.Data)
	}
	if len(b.Files) != 3 {
		t.Errorf("%d files, want 3", len(b.Files))
	}
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	bad := func(assessments string) Inputs {
		return Inputs{Assessments: strings.NewReader(assessments), AssessmentsName: "a.jsonl", Records: mustOpen(t, "records.jsonl"), RecordsName: "records.jsonl"}
	}
	tests := []struct {
		name string
		in   Inputs
		want string
	}{
		{"NotJSON", bad("{\"key\":\"X\",\"index\":0,\"selected\":true}\n{oops\n"), "a.jsonl: line 2"},
		{"IndexPastRecords", bad(`{"key":"X","index":9,"selected":true}`), "a.jsonl: line 1: index 9 is past the 4 records"},
		{"WrongRecord", bad(`{"key":"MAEU987654","index":0,"selected":true}`), "record 0 of records.jsonl is bill MAEU123456, the assessment is of MAEU987654"},
		{"BadResult", Inputs{Assessments: strings.NewReader(""), Records: mustOpen(t, "records.jsonl"), Results: strings.NewReader(`{"schema":"icss.exam-result/1","exam_id":"X","version":1,"container":"C","outcome":"maybe"}`), ResultsName: "r.jsonl"},
			"r.jsonl: line 1: exam ID, container, version and a known outcome are required"},
	}
	for _, tt := range tests {
		_, err := Build(context.Background(), tt.in, Options{Config: DefaultConfig(), Controls: ack.NewCounter(), Now: testNow})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	if _, err := Build(context.Background(), fixture(t, ""), Options{Config: DefaultConfig()}); err == nil {
		t.Error("Build without Controls succeeded")
	}
	failing := ack.ControlNumbersFunc(func(string) (int64, error) { return 0, errors.New("ledger down") })
	if _, err := Build(context.Background(), fixture(t, ""), Options{Config: DefaultConfig(), Controls: failing}); err == nil || !strings.Contains(err.Error(), "ledger down") {
		t.Errorf("a failing counter: %v", err)
	}
}

func mustOpen(t *testing.T, name string) *os.File {
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// A filing whose echoed manifest type is no 309 code makes its carrier's 350 invalid:
// that file is not sent and its notices are reported; the other carriers' go.
func TestInvalidNoticeSkipped(t *testing.T) {
	t.Parallel()
	recs, err := os.ReadFile(filepath.Join("testdata", "records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	in := fixture(t, "")
	in.Records = strings.NewReader(strings.Replace(string(recs), `"manifest_type":"W"`, `"manifest_type":"Q"`, 1))
	b := build(t, in, Options{})
	if names := fileNames(b); !slices.Equal(names, []string{"CUSRES_MAEUEDI_1.edi"}) {
		t.Fatalf("files %v", names)
	}
	var reasons []string
	for _, s := range b.Skipped {
		if s.Recipient == "CNRU" {
			reasons = append(reasons, s.Reason)
		}
	}
	if len(reasons) != 2 || !strings.Contains(reasons[0], "notice does not validate") || !strings.Contains(reasons[0], "AK4:7") {
		t.Errorf("CNRU's notices skipped with %q", reasons)
	}
}
