package splitloop

import (
	"bytes"
	"io"
	"testing"
)

// Benchmark runs both loops over data as sub-benchmarks "split" and "readbyte", for the
// dialects' benchmarks to report beside their readers.
func Benchmark(b *testing.B, data []byte, sep, term byte) {
	for _, loop := range []struct {
		name  string
		split func(io.Reader, byte, byte, func([]byte, []int)) error
	}{{"split", Split}, {"readbyte", ReadBytes}} {
		b.Run(loop.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				if err := loop.split(bytes.NewReader(data), sep, term, func(seg []byte, ends []int) { n += len(ends) }); err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					b.Fatal("no elements")
				}
			}
		})
	}
}
