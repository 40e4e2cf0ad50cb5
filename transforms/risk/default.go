package risk

import (
	_ "embed" // the default rule set
)

//go:embed rules/default.yaml
var defaultRules []byte

// DefaultRuleSetYAML returns the YAML of the default rule set shipped with icss.
func DefaultRuleSetYAML() []byte { return append([]byte(nil), defaultRules...) }

// DefaultRuleSet returns the default rule set.
func DefaultRuleSet() *RuleSet {
	rs, err := ParseRuleSet(defaultRules)
	if err != nil {
		panic("risk: embedded default rule set: " + err.Error())
	}
	return rs
}
