// Package blobtest is the contract suite every blob.Store passes, and the
// benchmarks that compare them. An implementation's test is a few lines:
//
//	func TestContract(t *testing.T) {
//		blobtest.Suite{New: func(t testing.TB) blob.Store { ... }}.Run(t)
//	}
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/icss/icss/storage/blob"
)

// Suite runs the contract against stores made by New.
type Suite struct {
	// New returns an empty store, cleaned up with t.
	New func(t testing.TB) blob.Store
	// LargeSize, when positive, adds a round trip of an object this large
	// (above the S3 store's part size, to cover multipart uploads).
	LargeSize int64
	// ListMetadata is true when List fills SHA256 and Metadata (the local
	// store does; S3 listings carry neither).
	ListMetadata bool
}

// Run runs every contract test as a subtest.
func (s Suite) Run(t *testing.T) {
	tests := []struct {
		name string
		fn   func(*testing.T, blob.Store)
	}{
		{"PutGetRoundTrip", s.putGetRoundTrip},
		{"PutIsCreateOnly", s.putIsCreateOnly},
		{"PutVerifiesSHA256", s.putVerifiesSHA256},
		{"PutVerifiesSize", s.putVerifiesSize},
		{"PutUnknownSize", s.putUnknownSize},
		{"PutReaderErrorStoresNothing", s.putReaderError},
		{"PutCancelledStoresNothing", s.putCancelled},
		{"MissingIsErrNotExist", s.missing},
		{"InvalidKeysRejected", s.invalidKeys},
		{"InvalidMetadataRejected", s.invalidMetadata},
		{"ListByPrefixInOrder", s.list},
		{"ListStopsOnCallbackError", s.listStops},
		{"DeleteIsIdempotent", s.delete},
		{"ConcurrentPutsOneWins", s.concurrentPuts},
		{"ContentAddressedKeys", s.contentKeys},
	}
	if s.LargeSize > 0 {
		tests = append(tests, struct {
			name string
			fn   func(*testing.T, blob.Store)
		}{"LargeObject", s.large})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, s.New(t))
		})
	}
}

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// Data returns n deterministic pseudo-random bytes (incompressible, so
// transports cannot cheat).
func Data(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := n - n%8; i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

func put(t testing.TB, st blob.Store, key string, data []byte, opts blob.PutOptions) blob.Info {
	t.Helper()
	info, err := st.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

func read(t testing.TB, st blob.Store, key string) ([]byte, blob.Info) {
	t.Helper()
	rc, info, err := st.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): read: %v", key, err)
	}
	return b, info
}

func mustNotExist(t *testing.T, st blob.Store, key string) {
	t.Helper()
	if info, err := st.Stat(context.Background(), key); !errors.Is(err, blob.ErrNotExist) {
		t.Fatalf("Stat(%q) = %+v, %v; want ErrNotExist", key, info, err)
	}
}

func (s Suite) putGetRoundTrip(t *testing.T, st blob.Store) {
	before := time.Now().Add(-time.Minute)
	cases := []struct {
		name string
		key  string
		data []byte
		opts blob.PutOptions
		ct   string
	}{
		{"Empty", "empty", nil, blob.PutOptions{}, "application/octet-stream"},
		{"OneByte", "one/byte", []byte{0}, blob.PutOptions{ContentType: "text/plain"}, "text/plain"},
		{"WithDigestAndMetadata", "deep/er/key.edi", Data(70_000, 1), blob.PutOptions{
			ContentType: "application/edi-x12", SHA256: strings.ToUpper(sum(Data(70_000, 1))),
			Metadata: map[string]string{"Endpoint": "acme-rail", "remote-name": "IN 309 #1.edi", "n_1": "x"},
		}, "application/edi-x12"},
		{"Unicode key", "é/ñ 漢字 (1).txt", []byte("ok"), blob.PutOptions{}, "application/octet-stream"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info := put(t, st, c.key, c.data, c.opts)
			got, ginfo := read(t, st, c.key)
			sinfo, err := st.Stat(context.Background(), c.key)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.data) {
				t.Fatalf("Get returned %d bytes, want %d (content differs)", len(got), len(c.data))
			}
			for name, in := range map[string]blob.Info{"Put": info, "Get": ginfo, "Stat": sinfo} {
				if in.Key != c.key || in.Size != int64(len(c.data)) || in.SHA256 != sum(c.data) || in.ContentType != c.ct {
					t.Errorf("%s Info = {Key %q Size %d SHA256 %s ContentType %q}, want {%q %d %s %q}",
						name, in.Key, in.Size, in.SHA256, in.ContentType, c.key, len(c.data), sum(c.data), c.ct)
				}
				if in.ModTime.Before(before) || in.ModTime.After(time.Now().Add(time.Minute)) {
					t.Errorf("%s Info.ModTime %s is not about now", name, in.ModTime)
				}
				for k, v := range c.opts.Metadata {
					if in.Metadata[strings.ToLower(k)] != v {
						t.Errorf("%s Info.Metadata[%q] = %q, want %q (all: %v)", name, strings.ToLower(k), in.Metadata[strings.ToLower(k)], v, in.Metadata)
					}
				}
				if len(in.Metadata) != len(c.opts.Metadata) {
					t.Errorf("%s Info.Metadata = %v, want the %d keys put", name, in.Metadata, len(c.opts.Metadata))
				}
			}
		})
	}
}

func (s Suite) putIsCreateOnly(t *testing.T, st blob.Store) {
	first := put(t, st, "k", []byte("first"), blob.PutOptions{Metadata: map[string]string{"v": "1"}})
	for _, data := range [][]byte{[]byte("second"), []byte("first")} {
		_, err := st.Put(context.Background(), "k", bytes.NewReader(data), int64(len(data)), blob.PutOptions{Metadata: map[string]string{"v": "2"}})
		if !errors.Is(err, blob.ErrExists) {
			t.Fatalf("second Put(%q) error = %v, want ErrExists", data, err)
		}
	}
	got, info := read(t, st, "k")
	if string(got) != "first" || info.SHA256 != first.SHA256 || info.Metadata["v"] != "1" {
		t.Fatalf("after refused puts: content %q sha %s metadata %v; want the first object untouched", got, info.SHA256, info.Metadata)
	}
}

func (s Suite) putVerifiesSHA256(t *testing.T, st blob.Store) {
	data := Data(100_000, 2)
	_, err := st.Put(context.Background(), "bad", bytes.NewReader(data), int64(len(data)), blob.PutOptions{SHA256: sum([]byte("other"))})
	if !errors.Is(err, blob.ErrDigestMismatch) {
		t.Fatalf("Put with a wrong SHA256: error = %v, want ErrDigestMismatch", err)
	}
	mustNotExist(t, st, "bad")
	_, err = st.Put(context.Background(), "bad", bytes.NewReader(data), -1, blob.PutOptions{SHA256: sum([]byte("other"))})
	if !errors.Is(err, blob.ErrDigestMismatch) {
		t.Fatalf("Put of unknown size with a wrong SHA256: error = %v, want ErrDigestMismatch", err)
	}
	mustNotExist(t, st, "bad")
	if _, err := st.Put(context.Background(), "bad", bytes.NewReader(data), int64(len(data)), blob.PutOptions{SHA256: "xyz"}); err == nil {
		t.Fatal("Put with a malformed SHA256 succeeded")
	}
	mustNotExist(t, st, "bad")
	put(t, st, "bad", data, blob.PutOptions{SHA256: sum(data)}) // the key is still free
}

func (s Suite) putVerifiesSize(t *testing.T, st blob.Store) {
	data := Data(50_000, 3)
	for _, size := range []int64{int64(len(data)) - 1, int64(len(data)) + 1} {
		_, err := st.Put(context.Background(), "sized", bytes.NewReader(data), size, blob.PutOptions{})
		if !errors.Is(err, blob.ErrSizeMismatch) {
			t.Fatalf("Put of %d bytes declared as %d: error = %v, want ErrSizeMismatch", len(data), size, err)
		}
		mustNotExist(t, st, "sized")
	}
}

func (s Suite) putUnknownSize(t *testing.T, st blob.Store) {
	data := Data(300_000, 4)
	for i, opts := range []blob.PutOptions{{}, {SHA256: sum(data)}} {
		key := fmt.Sprintf("unknown-%d", i)
		info, err := st.Put(context.Background(), key, io.MultiReader(bytes.NewReader(data[:1000]), bytes.NewReader(data[1000:])), -1, opts)
		if err != nil {
			t.Fatalf("Put(size -1, %+v): %v", opts, err)
		}
		if info.Size != int64(len(data)) || info.SHA256 != sum(data) {
			t.Fatalf("Put(size -1) Info = size %d sha %s, want %d %s", info.Size, info.SHA256, len(data), sum(data))
		}
		if got, _ := read(t, st, key); !bytes.Equal(got, data) {
			t.Fatal("content differs")
		}
	}
}

type failingReader struct {
	r     io.Reader
	after int
	n     int
}

var errInjected = errors.New("injected read failure")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n >= f.after {
		return 0, errInjected
	}
	if len(p) > f.after-f.n {
		p = p[:f.after-f.n]
	}
	n, err := f.r.Read(p)
	f.n += n
	return n, err
}

func (s Suite) putReaderError(t *testing.T, st blob.Store) {
	data := Data(200_000, 5)
	for _, size := range []int64{int64(len(data)), -1} {
		_, err := st.Put(context.Background(), "torn", &failingReader{r: bytes.NewReader(data), after: 100_000}, size, blob.PutOptions{})
		if err == nil {
			t.Fatalf("Put (size %d) from a failing reader succeeded", size)
		}
		mustNotExist(t, st, "torn")
	}
}

func (s Suite) putCancelled(t *testing.T, st blob.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := Data(10_000, 6)
	if _, err := st.Put(ctx, "cancelled", bytes.NewReader(data), int64(len(data)), blob.PutOptions{}); err == nil {
		t.Fatal("Put with a cancelled context succeeded")
	}
	mustNotExist(t, st, "cancelled")
}

func (s Suite) missing(t *testing.T, st blob.Store) {
	put(t, st, "dir/present", []byte("x"), blob.PutOptions{})
	for _, key := range []string{"absent", "dir/absent", "dir", "dir/present/below"} {
		if _, _, err := st.Get(context.Background(), key); !errors.Is(err, blob.ErrNotExist) {
			t.Errorf("Get(%q) error = %v, want ErrNotExist", key, err)
		}
		mustNotExist(t, st, key)
	}
}

func (s Suite) invalidKeys(t *testing.T, st blob.Store) {
	for _, key := range []string{"", "/abs", "a//b", "a/", "../up", "a/../b", "./a", "a\\b", "nul\x00", "tab\tkey", ".icss/lock", strings.Repeat("k", blob.MaxKeyLen+1), "\xff"} {
		if _, err := st.Put(context.Background(), key, strings.NewReader("x"), 1, blob.PutOptions{}); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q) error = %v, want ErrInvalidKey", key, err)
		}
		if _, err := st.Stat(context.Background(), key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Stat(%q) error = %v, want ErrInvalidKey", key, err)
		}
	}
}

func (s Suite) invalidMetadata(t *testing.T, st blob.Store) {
	for _, md := range []map[string]string{{"": "v"}, {"bad key": "v"}, {"k": "line\nbreak"}, {"k": "é"}, {"SHA256": "forged"}} {
		if _, err := st.Put(context.Background(), "md", strings.NewReader("x"), 1, blob.PutOptions{Metadata: md}); err == nil {
			t.Errorf("Put with metadata %q succeeded", md)
		}
	}
	mustNotExist(t, st, "md")
}

func (s Suite) list(t *testing.T, st blob.Store) {
	keys := []string{"a/b", "a.b", "a/c/d", "a/c.e", "b", "ab", "a/b0", "z/y/x"}
	for i, k := range keys {
		put(t, st, k, bytes.Repeat([]byte{'x'}, i+1), blob.PutOptions{Metadata: map[string]string{"i": fmt.Sprint(i)}})
	}
	cases := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a.b", "a/b", "a/b0", "a/c.e", "a/c/d", "ab", "b", "z/y/x"}},
		{"a", []string{"a.b", "a/b", "a/b0", "a/c.e", "a/c/d", "ab"}},
		{"a/", []string{"a/b", "a/b0", "a/c.e", "a/c/d"}},
		{"a/b", []string{"a/b", "a/b0"}},
		{"a/c", []string{"a/c.e", "a/c/d"}},
		{"z/y/", []string{"z/y/x"}},
		{"nothing", nil},
		{"q/r/", nil},
	}
	for _, c := range cases {
		var got []string
		err := st.List(context.Background(), c.prefix, func(info blob.Info) error {
			got = append(got, info.Key)
			i := indexOf(keys, info.Key)
			if info.Size != int64(i+1) {
				t.Errorf("List(%q): %s Size = %d, want %d", c.prefix, info.Key, info.Size, i+1)
			}
			if info.ModTime.IsZero() {
				t.Errorf("List(%q): %s has no ModTime", c.prefix, info.Key)
			}
			if s.ListMetadata && (info.SHA256 != sum(bytes.Repeat([]byte{'x'}, i+1)) || info.Metadata["i"] != fmt.Sprint(i)) {
				t.Errorf("List(%q): %s SHA256 %s Metadata %v, want them filled", c.prefix, info.Key, info.SHA256, info.Metadata)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("List(%q): %v", c.prefix, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("List(%q) = %q, want %q", c.prefix, got, c.want)
		}
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -100
}

func (s Suite) listStops(t *testing.T, st blob.Store) {
	for i := range 5 {
		put(t, st, fmt.Sprintf("k%d", i), []byte("x"), blob.PutOptions{})
	}
	stop := errors.New("stop")
	n := 0
	err := st.List(context.Background(), "", func(blob.Info) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Fatalf("List returned %v after %d calls, want the callback's error after 2", err, n)
	}
}

func (s Suite) delete(t *testing.T, st blob.Store) {
	put(t, st, "d/e/f", []byte("one"), blob.PutOptions{})
	put(t, st, "d/g", []byte("two"), blob.PutOptions{})
	for range 2 { // the second delete finds nothing, and is fine with it
		if err := st.Delete(context.Background(), "d/e/f"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
	}
	mustNotExist(t, st, "d/e/f")
	if got, _ := read(t, st, "d/g"); string(got) != "two" {
		t.Fatalf("a sibling was damaged: %q", got)
	}
	var left []string
	st.List(context.Background(), "", func(i blob.Info) error { left = append(left, i.Key); return nil })
	if fmt.Sprint(left) != "[d/g]" {
		t.Fatalf("List after Delete = %q, want [d/g]", left)
	}
	put(t, st, "d/e/f", []byte("again"), blob.PutOptions{}) // the key is free again
	if got, _ := read(t, st, "d/e/f"); string(got) != "again" {
		t.Fatalf("re-put content %q", got)
	}
}

func (s Suite) concurrentPuts(t *testing.T, st blob.Store) {
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := Data(64_000, uint64(100+i))
			_, errs[i] = st.Put(context.Background(), "race", bytes.NewReader(data), int64(len(data)), blob.PutOptions{Metadata: map[string]string{"writer": fmt.Sprint(i)}})
		}()
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("writers %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, blob.ErrExists):
			t.Fatalf("writer %d: %v, want ErrExists", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no writer succeeded")
	}
	got, info := read(t, st, "race")
	if !bytes.Equal(got, Data(64_000, uint64(100+winner))) || info.Metadata["writer"] != fmt.Sprint(winner) {
		t.Fatalf("stored object is not writer %d's (metadata %v)", winner, info.Metadata)
	}
}

func (s Suite) contentKeys(t *testing.T, st blob.Store) {
	data := []byte("ISA*00*...~")
	h := sum(data)
	key := blob.ContentKey("raw/", strings.ToUpper(h))
	if want := "raw/sha256/" + h[:2] + "/" + h; key != want {
		t.Fatalf("ContentKey = %q, want %q", key, want)
	}
	put(t, st, key, data, blob.PutOptions{SHA256: h})
	// Storing the same content again is detected, not duplicated.
	if _, err := st.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), blob.PutOptions{SHA256: h}); !errors.Is(err, blob.ErrExists) {
		t.Fatalf("second Put of the same content: %v, want ErrExists", err)
	}
}

func (s Suite) large(t *testing.T, st blob.Store) {
	data := Data(int(s.LargeSize), 7)
	info, err := st.Put(context.Background(), "large", bytes.NewReader(data), int64(len(data)), blob.PutOptions{SHA256: sum(data)})
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != s.LargeSize || info.SHA256 != sum(data) {
		t.Fatalf("Info = %d %s", info.Size, info.SHA256)
	}
	got, _ := read(t, st, "large")
	if !bytes.Equal(got, data) {
		t.Fatal("large content differs")
	}
	if _, err := st.Put(context.Background(), "large", bytes.NewReader(data), int64(len(data)), blob.PutOptions{}); !errors.Is(err, blob.ErrExists) {
		t.Fatalf("second large Put: %v, want ErrExists", err)
	}
	// A wrong digest detected only at the end of a large upload stores nothing.
	bad := bytes.Clone(data)
	bad[len(bad)-1] ^= 1
	if _, err := st.Put(context.Background(), "large-bad", bytes.NewReader(bad), int64(len(bad)), blob.PutOptions{SHA256: sum(data)}); !errors.Is(err, blob.ErrDigestMismatch) {
		t.Fatalf("large Put with a wrong digest: %v, want ErrDigestMismatch", err)
	}
	mustNotExist(t, st, "large-bad")
}

// Bench runs the throughput benchmarks: Put and Get of objects of several
// sizes, reported in bytes per second.
func (s Suite) Bench(b *testing.B) {
	for _, size := range []int{4 << 10, 1 << 20, 32 << 20} {
		data := Data(size, 9)
		digest := sum(data)
		b.Run(fmt.Sprintf("Put/%s", human(size)), func(b *testing.B) {
			st := s.New(b)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if _, err := st.Put(context.Background(), fmt.Sprintf("bench/%d", i), bytes.NewReader(data), int64(size), blob.PutOptions{SHA256: digest}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("Get/%s", human(size)), func(b *testing.B) {
			st := s.New(b)
			put(b, st, "bench", data, blob.PutOptions{SHA256: digest})
			buf := make([]byte, 256<<10)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				rc, _, err := st.Get(context.Background(), "bench")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.CopyBuffer(io.Discard, rc, buf); err != nil {
					b.Fatal(err)
				}
				rc.Close()
			}
		})
	}
}

func human(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
