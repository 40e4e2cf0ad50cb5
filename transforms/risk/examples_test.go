package risk

import (
	"testing"
)

// TestDefaultRuleSetExamples runs every example of the shipped rule set, like
// `icss risk test`.
func TestDefaultRuleSetExamples(t *testing.T) {
	t.Parallel()
	rep, err := RunExamples(DefaultRuleSet())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Failures {
		t.Error(f)
	}
	if rep.Examples < 2*rep.Rules {
		t.Errorf("%d examples for %d rules: every rule needs a must-fire and a must-not-fire example", rep.Examples, rep.Rules)
	}
}
