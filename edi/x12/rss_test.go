package x12

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12/x12gen"
)

// TestPeakRSS inspects a generated 1 GB 309 interchange (a transaction set per bill, as
// CBP's AMD files have it: 1.8 million sets in one group) in a child process fed through
// a pipe, and checks that the child's peak resident set stays under 64 MB: memory must
// not grow with the input. (A memory bound, not a timing: the machine's load cannot fail
// it.)
func TestPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 1 GB; skipped with -short")
	}
	if os.Getenv("ICSS_RSS_CHILD") == "1" {
		t.Skip("this is the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSSChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ICSS_RSS_CHILD=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &limitedBuffer{max: 4096}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// About 1 GB: the generator writes ~640 bytes a bill in sets of one.
	n, werr := x12gen.New(x12gen.Options{Seed: 3, Bills: 1_700_000, BillsPerSet: 1}).WriteTo(stdin)
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.b)
	}
	if werr != nil {
		t.Fatal(werr)
	}
	if n < 1<<30 {
		t.Fatalf("generated only %d bytes", n)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	t.Logf("inspected %d MB; peak RSS %d MB", n>>20, rss>>10)
	if rss > 64<<10 {
		t.Errorf("peak RSS %d MB, want under 64 MB", rss>>10)
	}
}

// TestPeakRSSChild is the child of TestPeakRSS: it inspects standard input.
func TestPeakRSSChild(t *testing.T) {
	if os.Getenv("ICSS_RSS_CHILD") != "1" {
		t.Skip("run by TestPeakRSS")
	}
	var sink countingSink
	if err := InspectTo(os.Stdin, "stdin", nil, &sink, nil); err != nil {
		t.Fatal(err)
	}
	if sink.sets < 1_000_000 || sink.errors > 0 {
		t.Fatalf("%d sets, %d with errors", sink.sets, sink.errors)
	}
}

// countingSink counts sets and sets with errors, and keeps nothing.
type countingSink struct{ sets, errors int }

func (c *countingSink) Begin(string, string) error                 { return nil }
func (c *countingSink) BeginInterchange(*syntax.Interchange) error { return nil }
func (c *countingSink) BeginGroup(*syntax.Group) error             { return nil }
func (c *countingSink) EndGroup(*syntax.Group) error               { return nil }
func (c *countingSink) EndInterchange(*syntax.Interchange) error   { return nil }
func (c *countingSink) End([]syntax.Issue) error                   { return nil }
func (c *countingSink) Set(s *syntax.Set) error {
	c.sets++
	if !s.Accepted {
		c.errors++
	}
	return nil
}

type limitedBuffer struct {
	b   []byte
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
