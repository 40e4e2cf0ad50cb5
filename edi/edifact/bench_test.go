package edifact_test

import (
	"bytes"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/edifact/internal/gen"
	"github.com/icss/icss/internal/splitloop"
)

var (
	benchOnce sync.Once
	benchData []byte
)

// cuscar returns a 100 MB generated CUSCAR input (a fixed seed, so runs compare),
// the size the performance bar is stated for.
func cuscar(b *testing.B) []byte {
	benchOnce.Do(func() { benchData = gen.Bytes(100<<20, gen.Options{Seed: 42, Newlines: true}) })
	return benchData
}

// BenchmarkInspectCUSCAR measures Inspect with full validation (envelopes, CUSCAR
// D95B structure, dates, characters) on generated cargo reports.
func BenchmarkInspectCUSCAR(b *testing.B) {
	data := cuscar(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var segs int
	for b.Loop() {
		rep, err := edifact.Inspect(bytes.NewReader(data), edifact.InspectOptions{})
		if err != nil || !rep.Valid() {
			b.Fatal("generated input did not validate", err)
		}
		segs = 0
		for _, ic := range rep.Interchanges {
			for _, g := range ic.Groups {
				for _, s := range g.Sets {
					segs += s.Segments
				}
			}
		}
	}
	b.ReportMetric(float64(segs), "segments/op")
}

// BenchmarkReadCUSCAR measures the tokenizer alone, reading every element.
func BenchmarkReadCUSCAR(b *testing.B) {
	data := cuscar(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := edifact.NewReader(bytes.NewReader(data))
		for {
			s, err := r.Read()
			if err == io.EOF {
				break
			}
			if s == nil {
				b.Fatal(err)
			}
			for i := 1; i <= s.Len(); i++ {
				_ = s.Component(i, 1)
			}
		}
	}
}

// BenchmarkSplitBaselineCUSCAR splits the same data into segments and elements with
// the plainest byte-at-a-time loops (internal/splitloop, no release character): the
// speeds the reader and Inspect are compared with.
func BenchmarkSplitBaselineCUSCAR(b *testing.B) { splitloop.Benchmark(b, cuscar(b), '+', '\'') }

// peakHeapDuring samples HeapInuse while f runs and returns its peak above the heap
// in use before f (other benchmarks' inputs may still be live in the process).
func peakHeapDuring(f func()) uint64 {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	done := make(chan struct{})
	var peak uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	if peak < base.HeapInuse {
		return 0
	}
	return peak - base.HeapInuse
}
