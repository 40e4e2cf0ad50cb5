package edifact_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/internal/testkit/golden"
)

// TestGoldenCUSRES runs the hand-written CUSRES D00B interchanges under testdata/cusres (hold
// and release notices as icss sends them, and broken ones), checks each verdict and the
// CONTRL detail that answers it, and keeps the reports and CONTRLs as golden files
// (testdata/golden/cusres, go test -run GoldenCUSRES -update).
func TestGoldenCUSRES(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"valid_hold.edi":              {"UCM+1+CUSRES:D:00B:UN+7", "UCM+2+CUSRES:D:00B:UN+7"},
		"valid_release_documents.edi": {"UCM+1+CUSRES:D:00B:UN+7"},
		// Five data elements in BGM, an equipment number over 17 characters, RFF
		// without its qualifier, ERC without its code and with a second element, a
		// count that is not a number.
		"invalid_elements.edi": {"UCM+1+CUSRES:D:00B:UN+4",
			"UCS+2", "UCD+16+5", "UCS+4", "UCD+39+2:1", "UCS+5", "UCD+13+1:1", "UCS+7", "UCD+16+2", "UCD+13+1:1", "UCS+9", "UCD+37+1:2"},
		// BGM missing (reported at the segment found in its place), ERC without the
		// ERP that opens its group, EQD after the references.
		"invalid_structure.edi": {"UCM+1+CUSRES:D:00B:UN+4", "UCS+2+13", "UCS+3+15", "UCS+5+15"},
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "cusres", "*.edi"))
	if len(files) != len(want) {
		t.Errorf("%d files, %d expectations", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			rep, err := edifact.Inspect(fh, edifact.InspectOptions{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			if valid := strings.HasPrefix(name, "valid_"); rep.Valid() != valid {
				t.Errorf("Valid() = %v, want %v; findings %q", rep.Valid(), valid, issueKeys(rep))
			}
			ack := contrlFor(t, rep)
			var got []string
			for _, s := range strings.Split(strings.TrimSpace(ack), "\n") {
				if tag := s[:3]; tag != "UNB" && tag != "UNH" && tag != "UNT" && tag != "UNZ" && tag != "UCI" {
					got = append(got, strings.TrimSuffix(s, "'"))
				}
			}
			if !slices.Equal(got, want[name]) {
				t.Errorf("CONTRL\n got %q\nwant %q", got, want[name])
			}
			base := filepath.Join("testdata", "golden", "cusres", strings.TrimSuffix(name, ".edi"))
			js, _ := json.MarshalIndent(rep, "", "  ")
			golden.Compare(t, base+".json", append(js, '\n'))
			golden.Compare(t, base+".contrl", []byte(ack))
		})
	}
}

// The CUSRES spec is registered for D00B under its key.
func TestCUSRESRegistered(t *testing.T) {
	t.Parallel()
	if s := edifact.LookupSpec("CUSRES", "D", "00B"); s == nil || s.Type != "CUSRES" {
		t.Fatalf("CUSRES D00B not registered: %v", s)
	}
}
