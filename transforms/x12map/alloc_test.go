package x12map

import (
	"bytes"
	"fmt"
	"testing"
)

// TestArenaStringsStayIntact: strings handed out keep their text however many follow,
// across chunk boundaries, and the buffer they were copied from can be reused.
func TestArenaStringsStayIntact(t *testing.T) {
	t.Parallel()
	var a strArena
	var got []string
	src := make([]byte, 0, 64)
	for i := 0; i < 5000; i++ {
		src = fmt.Appendf(src[:0], "value %d %s", i, bytes.Repeat([]byte{'x'}, i%40))
		got = append(got, a.string(src))
	}
	long := bytes.Repeat([]byte{'L'}, arenaMax+1)
	if s := a.string(long); s != string(long) {
		t.Fatalf("long string = %q", s)
	}
	if a.string(nil) != "" {
		t.Fatal("empty input gave a non-empty string")
	}
	for i, s := range got {
		if want := fmt.Sprintf("value %d %s", i, bytes.Repeat([]byte{'x'}, i%40)); s != want {
			t.Fatalf("string %d = %q, want %q", i, s, want)
		}
	}
}

// TestSlabSlicesDoNotOverlap: appending beyond a carved slice's capacity reallocates
// instead of writing into the next slice.
func TestSlabSlicesDoNotOverlap(t *testing.T) {
	t.Parallel()
	var s slab[int]
	a := s.slice(2)
	b := s.slice(2)
	a = append(a, 1, 2, 3) // beyond its capacity of 2
	b = append(b, 7, 8)
	if fmt.Sprint(a, b) != "[1 2 3] [7 8]" {
		t.Fatalf("a = %v, b = %v", a, b)
	}
	p, q := s.new(), s.new()
	*p, *q = 4, 5
	if *p != 4 || b[0] != 7 || b[1] != 8 {
		t.Fatalf("new overlapped a slice: p = %d, b = %v", *p, b)
	}
	if big := s.slice(slabSize + 1); cap(big) != slabSize+1 || len(big) != 0 {
		t.Fatalf("large slice len %d cap %d", len(big), cap(big))
	}
}

// TestKeep: the kept list is an exact copy that later use of the scratch array does not
// touch; an empty list stays non-nil (JSON []); an oversized scratch array is dropped.
func TestKeep(t *testing.T) {
	t.Parallel()
	var s slab[string]
	scratch := append([]string(nil), "a", "b", "c")
	kept, scratch := keep(&s, scratch)
	if fmt.Sprint(kept) != "[a b c]" || cap(kept) != 3 || len(scratch) != 0 || cap(scratch) < 3 {
		t.Fatalf("kept %v (cap %d), scratch len %d cap %d", kept, cap(kept), len(scratch), cap(scratch))
	}
	if full := scratch[:3]; full[0] != "" || full[2] != "" {
		t.Fatalf("scratch not cleared: %q", full)
	}
	scratch = append(scratch, "z")
	if kept[0] != "a" {
		t.Fatalf("kept list changed by the scratch array: %v", kept)
	}
	empty, _ := keep(&s, scratch[:0])
	if empty == nil || len(empty) != 0 {
		t.Fatalf("empty list kept as %#v", empty)
	}
	big := make([]string, 1, maxScratch+1)
	if _, again := keep(&s, big); again != nil {
		t.Fatalf("oversized scratch kept (cap %d)", cap(again))
	}
}
