package x12map

import "unsafe"

// A 309 bill is some forty small values: names, numbers, weights, positions, short
// lists. Allocated one by one they cost ~50 allocations per bill, and the garbage
// collector then spends more time than the mapping itself. The two allocators below
// carve them out of shared chunks instead. What they hand out is never reused or
// written again by the mapper, so records stay independent values; the price is that a
// record kept alive keeps its chunk (a few kilobytes, shared with neighbouring bills)
// alive too.

// arenaChunk is the size of a string arena chunk; strings longer than arenaMax get their
// own allocation so that one long value does not waste most of a chunk.
const (
	arenaChunk = 8 << 10
	arenaMax   = 512
)

// strArena copies element values into shared chunks and returns them as strings.
type strArena struct{ buf []byte }

// string returns a string holding a copy of b.
func (a *strArena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaMax {
		return string(b)
	}
	if cap(a.buf)-len(a.buf) < len(b) {
		a.buf = make([]byte, 0, arenaChunk)
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	// Sound because the bytes of a.buf[start:] are never written again: the arena only
	// appends, and a full chunk is dropped (left to the strings that point into it),
	// never reset.
	return unsafe.String(&a.buf[start], len(b))
}

// slabSize is the number of elements a slab allocates at a time.
const slabSize = 32

// slab hands out zeroed values of T, and short slices of T, from shared arrays. It
// counts what it has used rather than reslicing the chunk: that would store a pointer,
// and so pay a GC write barrier, for every value.
type slab[T any] struct {
	chunk []T
	used  int
}

// new returns a pointer to a zero T.
func (s *slab[T]) new() *T {
	if s.used == len(s.chunk) {
		s.chunk, s.used = make([]T, slabSize), 0
	}
	p := &s.chunk[s.used]
	s.used++
	return p
}

// slice returns an empty slice with room for n elements. Its capacity is exactly n, so
// an append beyond it reallocates rather than overwrite the next slice carved.
func (s *slab[T]) slice(n int) []T {
	if n > slabSize {
		return make([]T, 0, n)
	}
	if len(s.chunk)-s.used < n {
		s.chunk, s.used = make([]T, slabSize), 0
	}
	p := s.chunk[s.used : s.used : s.used+n]
	s.used += n
	return p
}

// maxScratch bounds the scratch arrays kept between bills: one grown by an unusually
// large bill is dropped rather than held for the rest of the file.
const maxScratch = 256

// keep copies a list assembled in a scratch array to one of its exact size carved from
// s, and returns the scratch array emptied (its entries zeroed, so that it holds on to
// nothing) for the next list. An empty list comes back empty but not nil, which JSON
// writes as [] rather than null.
func keep[T any](s *slab[T], list []T) (kept, scratch []T) {
	if len(list) == 0 {
		return []T{}, list
	}
	kept = append(s.slice(len(list)), list...)
	if cap(list) > maxScratch {
		return kept, nil
	}
	clear(list)
	return kept, list[:0]
}
