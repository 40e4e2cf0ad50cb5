package lazyre

import (
	"slices"
	"testing"
)

func TestCompiledOnFirstUse(t *testing.T) {
	bad := New(`(`) // would panic at once with regexp.MustCompile
	defer func() {
		if recover() == nil {
			t.Error("an invalid expression did not panic on first use")
		}
	}()
	re := New(`^results-([A-Z]{5})-([0-9]{6,})\.(jsonl|csv)$`)
	if !re.MatchString("results-CAPRR-000001.csv") || re.MatchString("results-CAPRR-1.csv") {
		t.Error("MatchString")
	}
	if got := re.FindStringSubmatch("results-CAPRR-000042.jsonl"); !slices.Equal(got, []string{"results-CAPRR-000042.jsonl", "CAPRR", "000042", "jsonl"}) {
		t.Errorf("FindStringSubmatch = %q", got)
	}
	bad.MatchString("")
}

func BenchmarkFirstUse(b *testing.B) {
	for b.Loop() {
		New(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`).MatchString("rule.id")
	}
}
