// Package corpus locates the shared sample corpus (../shared beside the repository) for
// tests. The corpus is not part of the repository: a clone without it skips the tests
// that read it, with a message, except under CI=true, where its absence fails them.
package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Root returns the repository root: the nearest directory above the working
// directory that holds go.mod.
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("corpus: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Shared returns the path of ../shared/<elem...> beside the repository, skipping the
// test when it is absent (failing under CI=true).
func Shared(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Root(tb), "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("corpus: %s is missing, and CI=true: %v", p, err)
		}
		tb.Skipf("corpus: %s is absent (it sits beside the repository in CI); skipping", p)
	}
	return p
}

// Samples returns the paths of ../shared/samples/<pattern> (a filepath.Match pattern),
// skipping as Shared does when the folder is absent.
func Samples(tb testing.TB, pattern string) []string {
	tb.Helper()
	dir := Shared(tb, "samples")
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatalf("corpus: no sample matches %s in %s", pattern, dir)
	}
	return files
}

// X12 are the patterns of the X12 samples of the corpus.
var X12 = []string{"x12types_*.edi", "edifabric_x12_*.edi"}

// Read returns the contents of the samples matching the patterns, by file name without
// its extension, skipping as Shared does when the corpus is absent.
func Read(tb testing.TB, patterns ...string) map[string][]byte {
	tb.Helper()
	out := make(map[string][]byte)
	for _, pattern := range patterns {
		for _, p := range Samples(tb, pattern) {
			b, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			out[strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))] = b
		}
	}
	return out
}
