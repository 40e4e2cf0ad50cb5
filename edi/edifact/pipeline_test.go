package edifact

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/icss/icss/edi/edifact/internal/gen"
	"github.com/icss/icss/edi/syntax"
)

// TestReadAheadMatchesSequential: reading on a second goroutine changes nothing in the
// report: the conformance files, a generated CUSCAR with an unexpected segment after
// every goods item, release characters, and input arriving one byte at a time (reader
// buffers swapped mid-batch).
func TestReadAheadMatchesSequential(t *testing.T) {
	inputs := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join("testdata", "conformance", "*.edi"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = b
	}
	g := gen.Bytes(2<<20, gen.Options{Seed: 5, Newlines: true})
	inputs["generated"] = g
	inputs["every goods item"] = []byte(strings.ReplaceAll(string(g), "\nGID+", "\nBGM+85+X'\nGID+"))
	inputs["release"] = []byte("UNB+UNOC:3+S+R+260101:1200+1'UNH+1+CUSCAR:D:95B:UN'BGM+85+A?+B?'C??+9'FTX+AAA+++ONE?:TWO'UNT+4+1'UNZ+1+1'")
	defer func(old func() bool) { concurrent = old }(concurrent)
	for name, in := range inputs {
		for _, oneByte := range []bool{false, true} {
			if oneByte && len(in) > 64<<10 {
				continue
			}
			report := func(ahead bool) string {
				concurrent = func() bool { return ahead }
				var src io.Reader = bytes.NewReader(in)
				if oneByte {
					src = iotest.OneByteReader(src)
				}
				var out bytes.Buffer
				if err := InspectTo(src, InspectOptions{Name: name, ReadAhead: true}, syntax.NewJSONWriter(&out)); err != nil {
					t.Fatal(err)
				}
				return out.String()
			}
			if seq, con := report(false), report(true); seq != con {
				t.Errorf("%s (one byte at a time %v): report read ahead differs\n seq %.300s\n con %.300s", name, oneByte, seq, con)
			}
		}
	}
}
