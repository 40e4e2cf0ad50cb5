package edifact_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/syntax"
)

// TestInspectToMatchesInspect: the streamed report is the same, byte for byte as JSON,
// as the whole one, over every conformance file (valid and broken envelopes, missing
// trailers, bare messages, several interchanges).
func TestInspectToMatchesInspect(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join("testdata", "conformance", "*.edi"))
	files = append(files, "") // no input at all
	for _, f := range files {
		var data []byte
		if f != "" {
			var err error
			if data, err = os.ReadFile(f); err != nil {
				t.Fatal(err)
			}
		}
		opts := edifact.InspectOptions{Name: filepath.Base(f)}
		rep, err := edifact.Inspect(bytes.NewReader(data), opts)
		if err != nil {
			t.Fatal(err)
		}
		var whole, streamed bytes.Buffer
		if err := rep.WriteJSON(&whole); err != nil {
			t.Fatal(err)
		}
		if err := edifact.InspectTo(bytes.NewReader(data), opts, syntax.NewJSONWriter(&streamed)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole.Bytes(), streamed.Bytes()) {
			t.Errorf("%s: streamed report differs\n whole    %s\n streamed %s", f, whole.Bytes(), streamed.Bytes())
		}
	}
}
