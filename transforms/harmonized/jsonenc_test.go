package harmonized

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

// stdJSON is encoding/json's output for v with HTML escaping off, without the newline.
func stdJSON(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	odd := fullRecord()
	odd.Key = "A\"B\\C\n\t\b\f\x01<>&\u2028\u2029é\xff"
	odd.Bill.Pieces = 1e21
	odd.Bill.Weight.KG = 1e-7
	odd.Bill.Weight.Value = -0.5
	odd.Goods[0].Quantity = 0.1
	odd.Extra = map[string]string{"z": "1", "a": "2", "é": "3"}
	odd.Filing.FiledAt.Time = time.Date(2026, 11, 27, 8, 15, 30, 123456789, time.FixedZone("X", -5*3600))
	nils := New()
	nils.Parties, nils.Goods, nils.Equipment = nil, nil, nil
	empty := New()
	empty.Extra = map[string]string{}
	tests := map[string]*Record{"Full": fullRecord(), "Odd": odd, "New": New(), "NilSlices": nils, "EmptyMap": empty}
	for name, r := range tests {
		want := stdJSON(t, r)
		if got := r.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	for _, e := range fullRecord().Events {
		if got, want := e.AppendJSON(nil), stdJSON(t, &e); !bytes.Equal(got, want) {
			t.Errorf("event:\n got %s\nwant %s", got, want)
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("MAEU1", "TIRES", 14404.0, 390.0, int64(1))
	f.Add("\x00\"\\\u2028", "\xff\xfe", 1e21, -1e-9, int64(-7))
	f.Fuzz(func(t *testing.T, key, desc string, kg, qty float64, seq int64) {
		if math.IsNaN(kg) || math.IsInf(kg, 0) || math.IsNaN(qty) || math.IsInf(qty, 0) {
			return // encoding/json refuses them
		}
		r := fullRecord()
		r.Key, r.Goods[0].Description, r.Bill.Weight.KG, r.Goods[0].Quantity, r.Filing.Sequence = key, desc, kg, qty, seq
		r.Extra = map[string]string{desc: key}
		if got, want := r.AppendJSON(nil), stdJSON(t, r); !bytes.Equal(got, want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
}

func BenchmarkAppendJSON(b *testing.B) {
	r := fullRecord()
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = r.AppendJSON(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkEncodingJSON(b *testing.B) {
	r := fullRecord()
	b.ReportAllocs()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for b.Loop() {
		buf.Reset()
		enc.Encode(r)
	}
	b.SetBytes(int64(buf.Len()))
}

// TestAppendJSONFloatMatchesEncodingJSON covers the whole-number shortcut of
// appendJSONFloat on both sides of its bounds.
func TestAppendJSONFloatMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 53038, 0.5, -2.25, 1e15 - 1, 1e15, 1e15 + 1, -1e15 + 1, -1e15,
		1<<53 - 1, 1 << 53, 1e20, 1e21, 123456789012345678, 1e-7, 4.9e-324, math.MaxFloat64}
	for i := 0; i < 2000; i++ {
		v := float64(i*i*7919) * math.Pow(10, float64(i%17))
		vals = append(vals, v, -v, v/8, v+0.1)
	}
	for _, v := range vals {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONFloat(nil, v); !bytes.Equal(got, want) {
			t.Errorf("appendJSONFloat(%v) = %s, want %s", v, got, want)
		}
	}
}

// TestAppendJSONStringEveryPosition puts each kind of byte that needs attention at
// every position of strings around the eight-byte stride of AppendJSONString's scan.
func TestAppendJSONStringEveryPosition(t *testing.T) {
	t.Parallel()
	for _, special := range []string{"\"", "\\", "\x00", "\x1f", "\n", "\b", "\x7f", "é", "\u2028", "\xff", "<", " "} {
		for n := 0; n <= 17; n++ {
			for at := 0; at <= n; at++ {
				s := strings.Repeat("a", at) + special + strings.Repeat("z", n-at)
				var want bytes.Buffer
				enc := json.NewEncoder(&want)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(s); err != nil {
					t.Fatal(err)
				}
				if got := AppendJSONString(nil, s); !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
					t.Errorf("AppendJSONString(%q) = %s, want %s", s, got, want.Bytes())
				}
			}
		}
	}
}
