package risk

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/icss/icss/transforms/harmonized"
)

// benchInput returns n clean records as JSON lines, with one in 50 carrying a planted
// anomaly so that reasons are built and written too, and the history they are scored
// against.
func benchInput(tb testing.TB, n int) ([]byte, *History) {
	tb.Helper()
	g := newGen(7)
	h := g.history(2000)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range n {
		rec := g.record()
		switch i % 50 {
		case 1:
			rec.Goods[0].Description = "FAK"
		case 2:
			rec.Equipment[0].Seals = nil
		case 3:
			rec.Parties[0].Name = "GOLDEN DRAGON IMPORT EXPORT CO"
		}
		if err := enc.Encode(rec); err != nil {
			tb.Fatal(err)
		}
	}
	return buf.Bytes(), h
}

// benchEngine returns benchInput's n records and the default rule set compiled with
// their history.
func benchEngine(tb testing.TB, n int) ([]byte, *Engine) {
	tb.Helper()
	in, h := benchInput(tb, n)
	eng, err := Compile(DefaultRuleSet())
	if err != nil {
		tb.Fatal(err)
	}
	return in, eng.WithHistory(h)
}

// BenchmarkScore measures the whole `icss risk score` path: JSON lines in, parallel
// decode and assessment with the default rule set, JSON lines out, in input order.
// One op is one record; records/s = 1e9 / ns/op.
func BenchmarkScore(b *testing.B) {
	const n = 20000
	in, eng := benchEngine(b, n)
	b.SetBytes(int64(len(in) / n))
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += n {
		m := min(n, b.N-done)
		src := in
		if m < n {
			src = in[:lineEnd(in, m)]
		}
		if _, err := eng.Score(context.Background(), bytes.NewReader(src), io.Discard, StreamOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssess measures the engine alone on decoded records (facts, 31 rules,
// reasons), on one goroutine.
func BenchmarkAssess(b *testing.B) {
	g := newGen(7)
	h := g.history(2000)
	recs := make([]*harmonized.Record, 1000)
	for i := range recs {
		recs[i] = g.record()
	}
	recs[1].Goods[0].Description = "FAK"
	eng, err := Compile(DefaultRuleSet())
	if err != nil {
		b.Fatal(err)
	}
	eng = eng.WithHistory(h)
	sc := eng.NewScratch()
	var a Assessment
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := eng.assess(recs[i%len(recs)], sc, &a); err != nil {
			b.Fatal(err)
		}
	}
}

// lineEnd is the offset just after the m-th newline.
func lineEnd(b []byte, m int) int {
	for i, c := range b {
		if c == '\n' {
			if m--; m == 0 {
				return i + 1
			}
		}
	}
	return len(b)
}

// BenchmarkDecode compares decoding each line into a fresh record with recordDecoder,
// which decodes into the previous record's arrays, and with the projected decoder
// (what Score does with the default rules). One op is one line.
func BenchmarkDecode(b *testing.B) {
	in, _ := benchInput(b, 2000)
	lines := bytes.Split(bytes.TrimSuffix(in, []byte("\n")), []byte("\n"))
	b.Run("fresh", func(b *testing.B) {
		b.SetBytes(int64(len(in) / len(lines)))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			var rec harmonized.Record
			if err := decodeRecord(lines[i%len(lines)], &rec); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("reuse", func(b *testing.B) {
		b.SetBytes(int64(len(in) / len(lines)))
		b.ReportAllocs()
		var dec recordDecoder
		i := 0
		for b.Loop() {
			if _, err := dec.decode(lines[i%len(lines)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("projected", func(b *testing.B) {
		b.SetBytes(int64(len(in) / len(lines)))
		b.ReportAllocs()
		var dec projDecoder
		i := 0
		for b.Loop() {
			if _, ok := dec.decode(lines[i%len(lines)]); !ok {
				b.Fatal("refused")
			}
			i++
		}
	})
}
