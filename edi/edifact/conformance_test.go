package edifact_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/edi/edifact"
)

// TestConformance runs the independent set of valid and broken interchanges under
// testdata/conformance (written by hand from ISO 9735 and the message directories, not
// from this package's output) and checks the exit status `icss edi inspect` would give
// (0 valid, 1 invalid) and the CONTRL answer, service segments left out.
func TestConformance(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "conformance", "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expect map[string]struct {
		Exit   int      `json:"exit"`
		CONTRL []string `json:"contrl"` // nil: no CONTRL may be sent
	}
	if err := json.Unmarshal(raw, &expect); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "conformance", "*.edi"))
	if len(files) != len(expect) {
		t.Errorf("%d files, %d expectations", len(files), len(expect))
	}
	for _, f := range files {
		name := filepath.Base(f)
		want, ok := expect[name]
		if !ok {
			t.Errorf("%s has no expectation", name)
			continue
		}
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
			exit := 0
			if !rep.Valid() {
				exit = 1
			}
			if exit != want.Exit {
				t.Errorf("exit status %d, want %d; findings %q", exit, want.Exit, issueKeys(rep))
			}
			var got []string
			noAck := false
			for i := range rep.Interchanges {
				var b strings.Builder
				err := edifact.WriteCONTRL(&b, &rep.Interchanges[i], edifact.ContrlOptions{Now: time.Date(2026, 11, 27, 22, 0, 0, 0, time.UTC)})
				if errors.Is(err, edifact.ErrNoAck) {
					noAck = true
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range strings.Split(strings.TrimSuffix(b.String(), "'"), "'") {
					switch s[:3] {
					case "UNB", "UNH", "UNT", "UNZ":
					default:
						got = append(got, s)
					}
				}
			}
			if want.CONTRL == nil {
				if !noAck || got != nil {
					t.Errorf("got CONTRL %q, want none", got)
				}
				return
			}
			if !slices.Equal(got, want.CONTRL) {
				t.Errorf("CONTRL\n got %q\nwant %q\nfindings %q", got, want.CONTRL, issueKeys(rep))
			}
		})
	}
}
