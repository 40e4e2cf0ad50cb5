package x12

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestControlSet checks the run set against a plain map on sequential, shuffled and
// non-numeric control numbers, leading zeros included.
func TestControlSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var in []string
	for i := 1; i <= 3000; i++ {
		in = append(in, fmt.Sprintf("%04d", i))
	}
	for i := 0; i < 3000; i++ {
		in = append(in, fmt.Sprint(rng.IntN(5000)), fmt.Sprintf("%05d", rng.IntN(200)), fmt.Sprintf("A%d", rng.IntN(100)), "1234567890")
	}
	rng.Shuffle(len(in)/2, func(i, j int) { in[i], in[j] = in[j], in[i] })
	c, seen := newControlSet(), map[string]bool{}
	for _, s := range in {
		if got, want := c.add(s), seen[s]; got != want {
			t.Fatalf("add(%q) = %v, want %v", s, got, want)
		}
		seen[s] = true
	}
	for i := 1; i < len(c.runs); i++ {
		if c.runs[i-1].hi+1 >= c.runs[i].lo {
			t.Fatalf("runs %v and %v overlap or touch", c.runs[i-1], c.runs[i])
		}
	}
	// Sequential numbering takes one run, whatever the count.
	c = newControlSet()
	for i := 1; i <= 100000; i++ {
		c.add(fmt.Sprintf("%06d", i))
	}
	if len(c.runs) != 1 || c.hash != nil {
		t.Fatalf("%d runs for sequential numbers", len(c.runs))
	}
}
