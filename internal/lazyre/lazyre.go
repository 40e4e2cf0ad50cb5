package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled on first use. It is safe for concurrent use.
type Regexp struct {
	compiled func() *regexp.Regexp
}

// New returns expr, to be compiled by regexp.MustCompile on first use.
func New(expr string) *Regexp {
	return &Regexp{compiled: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

// MatchString reports whether s contains a match (regexp.Regexp.MatchString).
func (r *Regexp) MatchString(s string) bool { return r.compiled().MatchString(s) }

// FindStringSubmatch returns the leftmost match and its submatches
// (regexp.Regexp.FindStringSubmatch).
func (r *Regexp) FindStringSubmatch(s string) []string { return r.compiled().FindStringSubmatch(s) }

// String returns the source text of the expression.
func (r *Regexp) String() string { return r.compiled().String() }
