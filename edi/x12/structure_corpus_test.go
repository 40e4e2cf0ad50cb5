package x12

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/corpus"
)

// TestCorpusStructure checks every X12 sample of the shared corpus against the
// built-in specs and asserts the exact structure findings its defects call for
// (samples/SOURCES.md, EDI.md §2 and §6), warnings included: the tolerated quirks must
// be reported, never rejected.
func TestCorpusStructure(t *testing.T) {
	n1fs := func(index int) finding { return finding{Seg: "N1", Index: index, Loop: "N1", Elem: 3, Ref: 66} }
	tests := map[string]struct{ errs, warns []finding }{
		// The AMD sample is clean apart from its quirks: P402 "230620  " and the final
		// destination N1*FS*USJAX**USJAX (identification code without qualifier) in
		// each of its 10 bills. Its SE01 count is the envelope's finding.
		"x12types_309_ocean_amd_4010": {warns: []finding{
			{Seg: "P4", Index: 3, Loop: "P4", Elem: 2, Ref: 373, Value: "230620  "},
			n1fs(15), n1fs(38), n1fs(68), n1fs(140), n1fs(165), n1fs(188), n1fs(211), n1fs(234), n1fs(257), n1fs(280),
		}},
		"x12types_315_hamburgsud_single_line_4010":      {},
		"x12types_315_ocean_status_vessel_arrival_4010": {},
		"x12types_315_single_line_se_mismatch_4010":     {},
		// A curly quote (UTF-8) in N102; GI is not a status code we know.
		"x12types_322_gate_in_broken_controls_4010": {
			errs: []finding{
				{Code: "AK3:8", Seg: "N1", Index: 5, Loop: "N1"},
				{Code: "AK4:6", Seg: "N1", Index: 5, Loop: "N1", Elem: 2, Ref: 93, Value: "JOE’S TRUCKING COMPANY"},
			},
			warns: []finding{{Seg: "Q5", Index: 2, Elem: 1, Ref: 157, Value: "GI"}},
		},
		// Three DTMs at N7 level (4010 allows two); R404 longer than 24.
		"x12types_322_hamburgsud_rail_ramp_4010": {errs: []finding{
			{Code: "AK3:5", Seg: "DTM", Index: 6, Loop: "N7"},
			{Code: "AK3:8", Seg: "R4", Index: 11, Loop: "R4"},
			{Code: "AK4:5", Seg: "R4", Index: 11, Loop: "R4", Elem: 4, Ref: 114, Value: "BNSF CHICAGO RAMP (CICERO)"},
		}},
		// Anonymised equipment description XX; in-bond type A6 (Canadian) is not among
		// the CBP codes we know.
		"x12types_404_rail_montreal_te_inbond_4010": {warns: []finding{{Seg: "N7", Index: 13, Loop: "N7", Elem: 11, Ref: 40, Value: "XX"}}},
		"x12types_404_rail_prince_rupert_4010": {warns: []finding{
			{Seg: "N7", Index: 11, Loop: "N7", Elem: 11, Ref: 40, Value: "XX"},
			{Seg: "M12", Index: 13, Loop: "N7", Elem: 1, Ref: 581, Value: "A6"},
		}},
		"x12types_997_no_envelope_ak3_ak4_4010": {}, // checked against the 997 spec although bare
		"x12types_999_accepted_5010":            {},
		"x12types_999_rejected_ik3_5010":        {},
		// Invoices (810): no spec, envelope checks only.
		"edifabric_x12_missing_iea":                {},
		"edifabric_x12_pipe_element_separator":     {},
		"edifabric_x12_segment_terminator_newline": {},
		"edifabric_x12_ta1_before_gs":              {},
		"edifabric_x12_trailing_blanks":            {},
	}
	files := append(corpus.Samples(t, corpus.X12[0]), corpus.Samples(t, corpus.X12[1])...)
	for _, p := range files {
		name := strings.TrimSuffix(filepath.Base(p), ".edi")
		t.Run(name, func(t *testing.T) {
			want, ok := tests[name]
			if !ok {
				t.Fatalf("sample %s has no expectation in this table", name)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			errs, warns := structureFindings(t, NewStructureChecker(), string(data))
			if !reflect.DeepEqual(errs, want.errs) {
				t.Errorf("errors\n got %v\nwant %v", errs, want.errs)
			}
			if !reflect.DeepEqual(warns, want.warns) {
				t.Errorf("warnings\n got %v\nwant %v", warns, want.warns)
			}
		})
	}
}
