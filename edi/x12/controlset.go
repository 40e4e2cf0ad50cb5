package x12

import (
	"hash/maphash"
	"sort"
)

// controlSet remembers the control numbers seen in an envelope, to find duplicates. A
// group may hold a transaction set per bill of lading, millions in a large file, so the
// numbers are kept as runs of consecutive values: senders number their sets 0001, 0002,
// ..., which takes one run whatever the count. Other numbers fall back on a hash set.
type controlSet struct {
	runs []run // sorted by lo, not adjacent
	hash map[uint64]struct{}
	seed maphash.Seed
}

// run is an interval of keys, lo and hi included.
type run struct{ lo, hi uint64 }

func newControlSet() *controlSet {
	return &controlSet{seed: maphash.MakeSeed()}
}

// key maps a control number of up to 9 digits to a number unique for its digits and
// length ("0001" and "1" are different control numbers); ok is false for other values.
func numericKey(s string) (uint64, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return uint64(len(s))<<40 | n, true
}

// add records s and reports whether it was already there.
func (c *controlSet) add(s string) (dup bool) {
	k, ok := numericKey(s)
	if !ok {
		if c.hash == nil {
			c.hash = make(map[uint64]struct{})
		}
		h := maphash.String(c.seed, s)
		if _, dup := c.hash[h]; dup {
			return true
		}
		c.hash[h] = struct{}{}
		return false
	}
	// The first run that ends at or after k - 1 is the only one k can touch or extend.
	i := sort.Search(len(c.runs), func(i int) bool { return c.runs[i].hi+1 >= k })
	switch {
	case i < len(c.runs) && c.runs[i].lo <= k && k <= c.runs[i].hi:
		return true
	case i < len(c.runs) && c.runs[i].hi+1 == k:
		c.runs[i].hi = k
		if i+1 < len(c.runs) && c.runs[i+1].lo == k+1 {
			c.runs[i].hi = c.runs[i+1].hi
			c.runs = append(c.runs[:i+1], c.runs[i+2:]...)
		}
	case i < len(c.runs) && c.runs[i].lo == k+1:
		c.runs[i].lo = k
	default:
		c.runs = append(c.runs, run{})
		copy(c.runs[i+1:], c.runs[i:])
		c.runs[i] = run{k, k}
	}
	return false
}
