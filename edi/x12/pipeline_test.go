package x12

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12/x12gen"
)

// TestConcurrentMatchesSequential: reading on a second goroutine changes nothing in the
// report, whatever the input: clean and broken envelopes, element errors in every bill,
// binary segments, overlong segments, several interchanges with other delimiters, and
// input arriving one byte at a time (so reader buffers are swapped mid-batch).
func TestConcurrentMatchesSequential(t *testing.T) {
	t.Parallel()
	var gen bytes.Buffer
	if _, err := x12gen.New(x12gen.Options{Seed: 7, Bills: 3000, Newline: true}).WriteTo(&gen); err != nil {
		t.Fatal(err)
	}
	broken := strings.ReplaceAll(gen.String(), "\nM11*", "\nM11*XXXXXXXXXXXXXXXXXXXXX")
	inputs := map[string]string{
		"generated":    gen.String(),
		"every bill":   broken,
		"binary":       binarySet("BIN*10*AB~CD*EF~G", "BIN*3*AB~CD", "BIN*X*A"),
		"two delims":   interchange("004010", "309", base309) + strings.NewReplacer("*", "|", "~", "!").Replace(interchange("004010", "309", base309)),
		"long segment": interchange("004010", "309", with(base309, "N9*ZZ*"+strings.Repeat("A", 70000))),
	}
	files, _ := filepath.Glob("../../testdata/demo/*.x12")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = string(b)
	}
	for name, in := range inputs {
		for _, oneByte := range []bool{false, true} {
			if oneByte && len(in) > 64<<10 {
				continue
			}
			report := func(concurrent bool) string {
				var src io.Reader = strings.NewReader(in)
				if oneByte {
					src = iotest.OneByteReader(src)
				}
				v := NewValidator()
				v.Concurrent = concurrent
				var out bytes.Buffer
				if err := InspectTo(src, name, v, syntax.NewJSONWriter(&out), nil); err != nil {
					t.Fatal(err)
				}
				return out.String()
			}
			if seq, con := report(false), report(true); seq != con {
				t.Errorf("%s (one byte at a time %v): concurrent report differs\n seq %.300s\n con %.300s", name, oneByte, seq, con)
			}
		}
	}
}
