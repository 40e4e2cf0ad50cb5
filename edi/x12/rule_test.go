package x12

import (
	"testing"
)

// TestRuleHolds: the fast verdict on a syntax note agrees with checkRule for every
// combination of present elements.
func TestRuleHolds(t *testing.T) {
	for _, note := range []string{"P0203", "R020304", "E0204", "C030204", "L020304", "P0102"} {
		r, err := ParseRule(note)
		if err != nil {
			t.Fatal(err)
		}
		spec := seg("ZZZ", "test", el(1, "a", "O AN 1/5"), el(2, "b", "O AN 1/5"), el(3, "c", "O AN 1/5"), el(4, "d", "O AN 1/5"))
		spec.Rules = []Rule{r}
		cs := compileSegment(spec)
		c := newChecker(builtin())
		for present := uint64(0); present < 16; present++ {
			c.elemErr = c.elemErr[:0]
			c.checkRule(NewSegment(DefaultDelimiters, "ZZZ"), cs, "", &cs.rules[0], present)
			if got, want := cs.rules[0].holds(present), len(c.elemErr) == 0; got != want {
				t.Errorf("%s with elements %04b present: holds %v, checkRule finds %d errors", note, present, got, len(c.elemErr))
			}
		}
	}
}
