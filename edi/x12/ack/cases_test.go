package ack

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/golden"
)

// TestCasesGolden acknowledges each hand-written interchange of testdata/cases and compares
// the acknowledgment codes with testdata/cases/expect.txt. The cases were written from
// the standard's rules, independently of the project's other tests: one per envelope
// defect (TA1 notes), per group code (AK9) and per set code (AK5), plus clean
// interchanges with and without ISA14 = 1, several groups, two interchanges in one file
// with different delimiters, a 5010 interchange (999), and inputs that are
// acknowledgments themselves (which are not answered). The acknowledgments themselves
// are kept in testdata/cases/golden/<case>.ack.
func TestCasesGolden(t *testing.T) {
	dir := filepath.Join("testdata", "cases")
	f, err := os.Open(filepath.Join(dir, "expect.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, want, ok := strings.Cut(text, "|")
		if !ok {
			t.Fatalf("expect.txt:%d: no '|' between file and expected acknowledgments", line)
		}
		name, want = strings.TrimSpace(name), strings.TrimSpace(want)
		listed[name] = true
		t.Run(strings.TrimSuffix(name, ".x12"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatalf("expect.txt:%d: %v", line, err)
			}
			acks := acknowledgeAll(t, data, testOptions())
			if got := summary(acks); got != want {
				t.Errorf("expect.txt:%d: acknowledgments of %s:\n got %s\nwant %s", line, name, got, want)
			}
			golden.Compare(t, filepath.Join(dir, "golden", strings.TrimSuffix(name, ".x12")+".ack"), concat(acks))
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.x12"))
	for _, p := range files {
		if !listed[filepath.Base(p)] {
			t.Errorf("%s is not listed in expect.txt", p)
		}
	}
	if len(listed) < 15 {
		t.Errorf("only %d cases; the independent set needs at least 15", len(listed))
	}
}
