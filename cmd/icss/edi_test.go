package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/golden"
)

// run runs icss with args and returns its standard output and exit status.
func run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := newRootCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String() + errOut.String(), exitCode(err)
}

func demoFiles(t *testing.T) []string {
	files, err := filepath.Glob("../../testdata/demo/*.x12")
	if err != nil || len(files) == 0 {
		t.Fatalf("no demo files: %v", err)
	}
	sort.Strings(files)
	return files
}

func TestEDIInspectGolden(t *testing.T) {
	for _, f := range demoFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".x12")
		t.Run(name, func(t *testing.T) {
			out, code := run(t, "edi", "inspect", f)
			want := 0
			if strings.Contains(name, "broken") || strings.Contains(name, "truncated") || strings.Contains(name, "duplicate") {
				want = 1
			}
			if code != want {
				t.Errorf("exit status %d, want %d\n%s", code, want, out)
			}
			golden.Compare(t, "testdata/inspect/"+name+".txt", []byte(out))
		})
	}
}

func TestEDIExitStatus(t *testing.T) {
	if _, code := run(t, "edi", "inspect"); code != 2 {
		t.Errorf("no file: exit status %d, want 2", code)
	}
	if _, code := run(t, "edi", "inspect", "testdata/does-not-exist.x12"); code != 2 {
		t.Errorf("missing file: exit status %d, want 2", code)
	}
	if _, code := run(t, "edi", "inspect", "--bogus", "x"); code != 2 {
		t.Errorf("bad flag: exit status %d, want 2", code)
	}
}

func TestEDIAckGolden(t *testing.T) {
	dir := t.TempDir()
	opts := ediAckOptions{Out: dir, Newline: true, now: func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) }}
	var out, errOut bytes.Buffer
	err := runEDIAck(context.Background(), &out, &errOut, opts, demoFiles(t))
	if code := exitCode(err); code != 1 {
		t.Fatalf("exit status %d, want 1 (some demo files are broken): %v", code, err)
	}
	golden.Compare(t, "testdata/ack/output.txt", []byte(strings.ReplaceAll(out.String(), dir, "OUT")))
	acks, _ := filepath.Glob(filepath.Join(dir, "*.x12"))
	sort.Strings(acks)
	for _, a := range acks {
		b, err := os.ReadFile(a)
		if err != nil {
			t.Fatal(err)
		}
		golden.Compare(t, "testdata/ack/"+filepath.Base(a), b)
		// Every acknowledgment is a valid interchange.
		if o, code := run(t, "edi", "inspect", a); code != 0 {
			t.Errorf("%s is not valid:\n%s", filepath.Base(a), o)
		}
	}
}
