package gen_test

import (
	"bytes"
	"testing"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/edifact/internal/gen"
)

// The generated input must be valid, or benchmarks would measure error paths.
func TestGeneratedIsValid(t *testing.T) {
	t.Parallel()
	data := gen.Bytes(1<<20, gen.Options{Seed: 1, Newlines: true})
	rep, err := edifact.Inspect(bytes.NewReader(data), edifact.InspectOptions{Name: "gen"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		for _, ic := range rep.Interchanges {
			t.Logf("%+v", ic.Issues)
			for _, g := range ic.Groups {
				for _, s := range g.Sets {
					for _, is := range s.Issues {
						t.Logf("%s %s: %s (%v)", is.Code, is.SegmentID, is.Message, is.Pos)
					}
				}
			}
		}
		t.Fatal("generated input is not valid")
	}
	if len(rep.Interchanges) < 2 {
		t.Fatalf("got %d interchanges, want several", len(rep.Interchanges))
	}
}
