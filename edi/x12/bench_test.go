package x12

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/icss/icss/edi/x12/x12gen"
	"github.com/icss/icss/internal/splitloop"
)

var (
	benchOnce sync.Once
	bench309  []byte
)

// benchData returns a generated 309 interchange of about 32 MB.
func benchData(b *testing.B) []byte {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := x12gen.New(x12gen.Options{Seed: 1, Bills: 40000, Newline: true}).WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
		bench309 = buf.Bytes()
	})
	return bench309
}

// BenchmarkRead measures the tokenizer alone: every segment split into elements.
func BenchmarkRead(b *testing.B) {
	data := benchData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		n := 0
		for {
			seg, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n += seg.Len()
		}
		if n == 0 {
			b.Fatal("no elements")
		}
	}
}

// BenchmarkInspect measures full validation (envelopes and transaction-set structure)
// of a 309 interchange, as `icss edi inspect` does it.
func BenchmarkInspect(b *testing.B) {
	data := benchData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Inspect(bytes.NewReader(data), "bench.x12", nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Valid() {
			b.Fatalf("generated data is invalid: %+v", rep.Interchanges[0].Groups[0].Sets[0].Issues)
		}
	}
}

// BenchmarkSplitBaseline splits the same data into segments and elements with the
// plainest byte-at-a-time loops (internal/splitloop): the speeds Read and Inspect are
// compared with, so that a regression shows as a ratio on any machine.
func BenchmarkSplitBaseline(b *testing.B) { splitloop.Benchmark(b, benchData(b), '*', '~') }
