package ack

import (
	"path/filepath"
	"testing"

	"github.com/icss/icss/internal/testkit/golden"

	"github.com/icss/icss/internal/testkit/corpus"
)

// TestCorpusGolden acknowledges every X12 sample of the shared corpus and compares the
// acknowledgments with testdata/golden/<sample>.x12 (empty when the sample calls for
// none, as the 999 samples, which are acknowledgments themselves), and those forced to
// 999 (icss edi ack --format 999), with all groups acknowledged, with
// testdata/golden/<sample>.999.x12.
func TestCorpusGolden(t *testing.T) {
	for name, data := range corpus.Read(t, corpus.X12...) {
		t.Run(name, func(t *testing.T) {
			acks := acknowledgeAll(t, data, testOptions())
			golden.Compare(t, filepath.Join("testdata", "golden", name+".x12"), concat(acks))
			opts := testOptions()
			opts.Format, opts.AckRejected = FA999, true
			acks = acknowledgeAll(t, data, opts)
			golden.Compare(t, filepath.Join("testdata", "golden", name+".999.x12"), concat(acks))
		})
	}
}

// TestCorpusDefects checks that each sample, broken or not, gets exactly the
// acknowledgment codes its defects call for (SOURCES.md and EDI.md §6 describe them).
func TestCorpusDefects(t *testing.T) {
	all := corpus.Read(t, corpus.X12...)
	tests := []struct {
		sample string
		// want is the summary of Acknowledge's output; wantAll that with
		// Options.AckRejected, when it differs.
		want, wantAll string
	}{
		// Clean samples: a 997 accepting each set; ISA14=1 adds a TA1 A 000.
		{"x12types_315_hamburgsud_single_line_4010", "997 A 1/1/1 (1883403 A)", ""},
		{"x12types_315_ocean_status_vessel_arrival_4010", "997 A 1/1/1 (00001 A)", ""},
		{"x12types_404_rail_prince_rupert_4010", "997 A 1/1/1 (15113 A)", ""},
		{"x12types_404_rail_montreal_te_inbond_4010", "997 A 1/1/1 (15623 A)", ""},
		{"edifabric_x12_pipe_element_separator", "TA1 A 000 ; 997 A 1/1/1 (166061414 A)", ""},
		{"edifabric_x12_segment_terminator_newline", "TA1 A 000 ; 997 A 1/1/1 (166061414 A)", ""},
		{"edifabric_x12_trailing_blanks", "TA1 A 000 ; 997 A 1/1/1 (166061414 A)", ""},
		{"edifabric_x12_ta1_before_gs", "TA1 A 000 ; 997 A 1/1/1 (166061414 A)", ""},
		// A variable-width ISA is a warning, not a rejection; but the N7 loop has three
		// DTM where 4010 allows two (AK3 5), and R404 "BNSF CHICAGO RAMP (CICERO)" is
		// longer than element 114's 24 characters (AK3 8, AK4 5).
		{"x12types_322_hamburgsud_rail_ramp_4010", "997 R 1/1/0 (0001 R 5 DTM@6:5 R4@11:8 R404:5)", ""},
		// SE01 = 622 for 295 segments: the set is rejected with AK5 4, and the group,
		// whose only set is rejected, with AK9 R and no group code (GE01 is right).
		{"x12types_309_ocean_amd_4010", "997 R 1/1/0 (3899 R 4)", ""},
		// SE02 ≠ ST02: AK5 R 3.
		{"x12types_315_single_line_se_mismatch_4010", "997 R 1/1/0 (33366799 R 3)", ""},
		// No IEA: the interchange is rejected (TA1 R 023) and its group not acknowledged.
		{"edifabric_x12_missing_iea", "TA1 R 023", "TA1 R 023 ; 997 A 1/1/1 (166061414 A)"},
		// IEA02 ≠ ISA13 (TA1 R 001, even though ISA14 = 0), SE01 = 10 for 11 segments
		// (AK5 4) and a non-ASCII ’ in N102 (AK4 6). GS01 NL and ISA12 00400 vs GS08
		// 004010 are warnings.
		{"x12types_322_gate_in_broken_controls_4010", "TA1 R 001", "TA1 R 001 ; 997 R 1/1/0 (0001 R 4,5 N1@5:8 N102:6)"},
		// Acknowledgments are not acknowledged; a bare set has no envelope to answer.
		{"x12types_999_accepted_5010", "", ""},
		{"x12types_999_rejected_ik3_5010", "", ""},
		{"x12types_997_no_envelope_ak3_ak4_4010", "", ""},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.sample] = true
		t.Run(tt.sample, func(t *testing.T) {
			data, ok := all[tt.sample]
			if !ok {
				t.Fatalf("sample %s.edi is missing from the corpus", tt.sample)
			}
			if got := summary(acknowledgeAll(t, data, testOptions())); got != tt.want {
				t.Errorf("acknowledgments:\n got %s\nwant %s", got, tt.want)
			}
			wantAll := tt.wantAll
			if wantAll == "" {
				wantAll = tt.want
			}
			opts := testOptions()
			opts.AckRejected = true
			if got := summary(acknowledgeAll(t, data, opts)); got != wantAll {
				t.Errorf("acknowledgments with AckRejected:\n got %s\nwant %s", got, wantAll)
			}
		})
	}
	for name := range all {
		if !seen[name] {
			t.Errorf("sample %s has no expected acknowledgment in this table", name)
		}
	}
}
