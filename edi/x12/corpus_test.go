package x12

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/golden"

	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/internal/testkit/corpus"
)

// TestCorpusGolden inspects every X12 sample of the shared corpus and compares the
// report with testdata/golden/<sample>.json (go test -run CorpusGolden -update rewrites
// them after a reviewed change).
func TestCorpusGolden(t *testing.T) {
	for name, data := range corpus.Read(t, corpus.X12...) {
		t.Run(name, func(t *testing.T) {
			rep, err := Inspect(strings.NewReader(string(data)), name+".edi", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(rep, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, filepath.Join("testdata", "golden", name+".json"), append(got, '\n'))
		})
	}
}

// TestCorpusDefects checks that each X12 sample yields exactly the error codes its
// defect calls for (samples/SOURCES.md and EDI.md §6 describe the defects), and that
// the clean ones yield none.
func TestCorpusDefects(t *testing.T) {
	want := map[string][]string{
		"x12types_309_ocean_amd_4010":               {"AK5:4"}, // SE01 = 622, 295 segments
		"x12types_315_single_line_se_mismatch_4010": {"AK5:3"}, // SE02 != ST02
		// IEA02 != ISA13; non-ASCII ’ in N102 (AK3 8 + AK4 6); SE01 = 10, 11 segments.
		"x12types_322_gate_in_broken_controls_4010":     {"TA1:001", "AK3:8", "AK4:6", "AK5:4"},
		"edifabric_x12_missing_iea":                     {"TA1:023"},
		"x12types_997_no_envelope_ak3_ak4_4010":         {"bare"}, // no ISA/GS: nothing to acknowledge
		"x12types_315_hamburgsud_single_line_4010":      nil,
		"x12types_315_ocean_status_vessel_arrival_4010": nil,
		// Variable-width ISA (a warning); three DTMs in the N7 loop where 4010 allows two
		// (AK3 5); R404 "BNSF CHICAGO RAMP (CICERO)" is 26 characters, 24 allowed.
		"x12types_322_hamburgsud_rail_ramp_4010":    {"AK3:5", "AK3:8", "AK4:5"},
		"x12types_404_rail_montreal_te_inbond_4010": nil,
		"x12types_404_rail_prince_rupert_4010":      nil,
		"x12types_999_accepted_5010":                nil,
		"x12types_999_rejected_ik3_5010":            nil, // a valid 999 that reports a rejection
		"edifabric_x12_pipe_element_separator":      nil,
		"edifabric_x12_segment_terminator_newline":  nil,
		"edifabric_x12_ta1_before_gs":               nil,
		"edifabric_x12_trailing_blanks":             nil,
	}
	inputs := corpus.Read(t, corpus.X12...)
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("sample %s has no expectation in this table", name)
			}
			rep, err := Inspect(strings.NewReader(string(data)), name, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			add := func(issues []syntax.Issue) {
				for _, is := range issues {
					if is.Severity != syntax.Error {
						continue
					}
					code := is.Code
					if code == "" && strings.Contains(is.Message, ErrBareSet.Error()) {
						code = "bare"
					}
					got = append(got, code)
				}
			}
			add(rep.Issues)
			for _, ic := range rep.Interchanges {
				add(ic.Issues)
				for _, g := range ic.Groups {
					add(g.Issues)
					for _, s := range g.Sets {
						add(s.Issues)
					}
				}
			}
			if strings.Join(got, ",") != strings.Join(w, ",") {
				t.Errorf("error codes %q, want %q", got, w)
			}
			if rep.Valid() != (len(w) == 0) {
				t.Errorf("Valid() = %v with codes %q", rep.Valid(), got)
			}
		})
	}
}
