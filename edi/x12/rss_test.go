package x12

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/icss/icss/edi/x12/x12gen"
)

// TestPeakRSS inspects a generated 1 GB 309 interchange in a child process fed through a
// pipe and checks that the child's peak resident set stays under 64 MB: memory must not
// grow with the input. (A memory bound, not a timing: the machine's load cannot fail it.)
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
	// About 1 GB: the generator writes ~590 bytes a bill.
	n, werr := x12gen.New(x12gen.Options{Seed: 3, Bills: 1_850_000, BillsPerSet: 1000}).WriteTo(stdin)
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
	rep, err := Inspect(os.Stdin, "stdin", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatal("generated input is invalid")
	}
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
