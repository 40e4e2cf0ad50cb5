package edifact_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/golden"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/syntax"
)

// issueKeys lists a report's findings as "severity code segment" strings, sorted.
func issueKeys(rep *syntax.Report) []string {
	var out []string
	add := func(is []syntax.Issue) {
		for _, i := range is {
			out = append(out, i.Severity.String()+" "+i.Code+" "+i.SegmentID)
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
	slices.Sort(out)
	return out
}

// contrlFor renders the CONTRL answering every interchange of rep.
func contrlFor(t *testing.T, rep *syntax.Report) string {
	t.Helper()
	var b strings.Builder
	for i := range rep.Interchanges {
		err := edifact.WriteCONTRL(&b, &rep.Interchanges[i], edifact.ContrlOptions{Now: time.Date(2026, 11, 27, 21, 30, 0, 0, time.UTC), Newline: true})
		if err != nil {
			t.Fatalf("interchange %d: %v", i+1, err)
		}
	}
	return b.String()
}

// Every EDIFACT sample, read in place, gives the findings its defect calls for; the
// reports and CONTRL answers are kept as golden files, and each CONTRL is itself a
// valid interchange.
func TestCorpus(t *testing.T) {
	t.Parallel()
	dir, ok := samplesDir(t)
	if !ok {
		t.Skip("../shared/samples not found; corpus not tested")
	}
	want := map[string]struct {
		valid  bool
		issues []string
	}{
		"cuscartools_cuscar_d95b_bad_unt_count.edi": {false, []string{"error 0085:29 UNT"}},
		// Latin-1 ß under UNOB is outside the level (decoded as Latin-1 all the same).
		"edifabric_edifact_escaped_terminator_latin1.edi": {false, []string{"error 0085:21 LOC"}},
		"edifabric_edifact_missing_unz.edi":               {false, []string{"error 0085:13 UNZ", "error 0085:21 LOC", "error 0085:21 LOC"}},
		"edifabric_edifact_una_pipe_separator.edi":        {false, []string{"error 0085:21 LOC"}},
		// UNG+1+2+3+4:44: the group date "4" is not a date.
		"edifabric_edifact_ung_une_group.edi":       {false, []string{"error 0085:21 LOC", "error 0085:40 UNG"}},
		"edifacttypes_baplie_d04b_single_line.edi":  {true, []string{"warning 0085:39 UNB"}},
		"edifacttypes_iftsta_d00b_rail_status.edi":  {false, []string{"error 0085:28 UNZ"}},
		"phpedifact_baplie_d95b_smdg20.edi":         {true, nil},
		"phpedifact_coarri_d95b_itg13.edi":          {true, nil},
		"phpedifact_release_character.edi":          {false, []string{"error 0085:2 UNB", "error 0085:29 UNT"}},
		"phpedifact_segment_split_across_lines.edi": {false, []string{"error 0085:12 UNB", "error 0085:29 UNT", "warning 0085:21 FTX"}},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.edi"))
	seen := 0
	for _, f := range files {
		name := filepath.Base(f)
		exp, ok := want[name]
		if !ok {
			if !strings.Contains(name, "x12") {
				t.Errorf("%s: EDIFACT sample without expectations; add it to the table", name)
			}
			continue
		}
		seen++
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := edifact.Inspect(bytes.NewReader(data), edifact.InspectOptions{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			if got := issueKeys(rep); !slices.Equal(got, exp.issues) || rep.Valid() != exp.valid {
				t.Errorf("got valid=%v %q, want valid=%v %q", rep.Valid(), got, exp.valid, exp.issues)
			}
			js, _ := json.MarshalIndent(rep, "", "  ")
			golden.Compare(t, filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".edi")+".json"), append(js, '\n'))
			ack := contrlFor(t, rep)
			golden.Compare(t, filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".edi")+".contrl"), []byte(ack))
			crep, err := edifact.Inspect(strings.NewReader(ack), edifact.InspectOptions{Name: "contrl"})
			if err != nil || !crep.Valid() {
				t.Errorf("the CONTRL we wrote does not validate: %v %q", err, issueKeys(crep))
			}
		})
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d expected samples", seen, len(want))
	}
}

// Values come out unescaped and decoded: the release-character torture test and the
// Latin-1 sample.
func TestCorpusValues(t *testing.T) {
	t.Parallel()
	dir, ok := samplesDir(t)
	if !ok {
		t.Skip("../shared/samples not found")
	}
	read := func(name string) []*edifact.Segment {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var segs []*edifact.Segment
		rd := edifact.NewReader(f)
		for {
			s, err := rd.Read()
			if s != nil {
				segs = append(segs, s.Clone())
			}
			if err != nil && s == nil {
				break
			}
		}
		return segs
	}
	var ift []string
	for _, s := range read("phpedifact_release_character.edi") {
		if s.Tag() == "IFT" {
			v := s.String(2, 1)
			if s.Len() > 2 || s.Components(2) > 1 {
				v = s.String(2, 1) + "|" + s.String(2, 2) + "|" + s.String(3, 1)
			}
			ift = append(ift, v)
		}
	}
	wantIFT := []string{"XYZCOMPANY AVAILABILITY", "NO MORE FLIGHTS 1", "NO MORE FLIGHTS 2?", "NO MORE ' FLIGHTS 3", "NO MORE ? FLIGHTS 3", "NO MORE ?' FLIGHTS 3",
		"FIELD 1||FIELD 2", "FIELD 1?||FIELD 2", "FIELD 1?+FIELD 2", "FIELD 1.1|FIELD 1.2|", "FIELD 1.1?|FIELD 1.2|", "FIELD 1.1?:FIELD 1.2"}
	if !slices.Equal(ift, wantIFT) {
		t.Errorf("IFT values:\n got %q\nwant %q", ift, wantIFT)
	}
	for _, s := range read("edifabric_edifact_escaped_terminator_latin1.edi") {
		if s.Tag() == "NAD" && string(s.Elem(1)) == "SE" {
			if got := s.String(3, 1) + "/" + s.String(9, 1); got != "Schoenstrasse D'Or7/DE'" {
				t.Errorf("NAD+SE street/country = %q", got)
			}
		}
		if s.Tag() == "LOC" {
			if got := s.String(2, 4); got != "GateHauptstraße" {
				t.Errorf("LOC place = %q", got)
			}
		}
	}
}
