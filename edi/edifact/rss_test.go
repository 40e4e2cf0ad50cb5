package edifact_test

import (
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/edifact/internal/gen"
)

// TestPeakRSS inspects a generated 1 GiB CUSCAR input, with full validation, in a child
// process fed through a pipe, and checks that the child's peak resident set stays under
// 64 MB: memory must not grow with the input. (A memory bound, not a timing: the
// machine's load cannot fail it.)
func TestPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 1 GiB; skipped with -short")
	}
	if raceEnabled {
		t.Skip("the race detector's memory would count in the bound")
	}
	if os.Getenv("ICSS_EDIFACT_RSS_CHILD") == "1" {
		t.Skip("this is the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSSChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ICSS_EDIFACT_RSS_CHILD=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &capped{max: 4096}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n, werr := io.Copy(stdin, gen.New(1<<30, gen.Options{Seed: 5, Newlines: true}))
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.b)
	}
	if werr != nil {
		t.Fatal(werr)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	t.Logf("inspected %d MB; peak RSS %d MB", n>>20, rss>>10)
	if rss > 64<<10 {
		t.Errorf("peak RSS %d MB, want under 64 MB", rss>>10)
	}
}

// TestPeakRSSChild is the child of TestPeakRSS: it inspects standard input.
func TestPeakRSSChild(t *testing.T) {
	if os.Getenv("ICSS_EDIFACT_RSS_CHILD") != "1" {
		t.Skip("run by TestPeakRSS")
	}
	rep, err := edifact.Inspect(os.Stdin, edifact.InspectOptions{Name: "stdin"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() || len(rep.Interchanges) < 1000 {
		t.Fatalf("generated input: valid %v, %d interchanges", rep.Valid(), len(rep.Interchanges))
	}
}

// capped keeps the first max bytes written to it.
type capped struct {
	b   []byte
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
