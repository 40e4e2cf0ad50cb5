package sftp

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
)

// crashChildEnv, when set, makes the test binary a pull process (see TestMain) whose
// job is given as JSON in the variable; the crash test kills it with SIGKILL.
const crashChildEnv = "ICSS_SFTP_PULL_CHILD"

type childJob struct {
	Config Config
	Ledger string
	Blobs  string
	Spool  string
}

func TestMain(m *testing.M) {
	if job := os.Getenv(crashChildEnv); job != "" {
		os.Exit(pullChild(job))
	}
	os.Exit(m.Run())
}

// pullChild runs one pull as a separate process: exit 0 when every file was taken.
func pullChild(jobJSON string) int {
	var job childJob
	if err := json.Unmarshal([]byte(jobJSON), &job); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	c, err := Dial(ctx, job.Config, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer c.Close()
	ledger, err := state.Open(ctx, state.Config{Driver: "sqlite", DSN: job.Ledger})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer ledger.Close()
	blobs, err := blob.OpenDir(job.Blobs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer blobs.Close()
	p := &Puller{Client: c, Blobs: blobs, Ledger: ledger, KeyPrefix: "raw/", SpoolDir: job.Spool}
	rep, err := p.Run(ctx)
	if err == nil {
		err = rep.Err()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestPullSurvivesKill9 kills pull processes with SIGKILL at random moments, then lets
// one finish: every file must end up exactly once in the ledger and the blob store, and
// archived remotely.
func TestPullSurvivesKill9(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(c *Config) { c.StableFor = 150 * time.Millisecond })
	sizes := fileSizes(300, 0, 9)
	for i := range 4 {
		sizes[10+i*50] = 8 << 20 // a few files long enough to be killed mid-transfer
	}
	want := map[string]string{}
	for i, size := range sizes {
		name := fmt.Sprintf("ACI%04d.edi", i)
		want[name] = writeRandomFile(t, r.srvPath("inbox/"+name), uint64(1000+i), size)
	}
	job, _ := json.Marshal(childJob{Config: r.cfg, Ledger: filepath.Join(r.dir, "ledger.db"),
		Blobs: filepath.Join(r.dir, "blobs"), Spool: r.dir})
	// run starts a pull process and kills it after killAfter (never when negative).
	run := func(killAfter time.Duration) (exited bool, err error) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+string(job))
		out := &prefixWriter{}
		cmd.Stderr = out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if killAfter >= 0 {
			select {
			case err := <-done:
				return true, err
			case <-time.After(killAfter):
				_ = cmd.Process.Kill()
				<-done
				return false, nil
			}
		}
		if err := <-done; err != nil {
			return true, fmt.Errorf("%w: %s", err, out.b)
		}
		return true, nil
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	kills, completed := 0, 0
	for i := 0; kills < 20 && i < 60; i++ {
		// New files keep arriving, so that every run has work to be killed in.
		for j := range 15 {
			name := fmt.Sprintf("ACI-late-%02d-%02d.edi", i, j)
			want[name] = writeRandomFile(t, r.srvPath("inbox/"+name), uint64(5000+i*100+j), 200+rng.Int64N(20000))
		}
		exited, err := run(time.Duration(rng.IntN(900)) * time.Millisecond)
		if !exited {
			kills++
			continue
		}
		if err != nil {
			t.Fatalf("a pull failed on its own: %v", err)
		}
		completed++
	}
	t.Logf("killed %d pulls; %d completed on their own", kills, completed)
	// Finish the work: a run that completes, then one that must find nothing to do.
	for range 2 {
		if _, err := run(-1); err != nil {
			t.Fatal(err)
		}
	}
	checkExactlyOnce(t, r, want)
}

type prefixWriter struct{ b []byte }

func (p *prefixWriter) Write(b []byte) (int, error) {
	if len(p.b) < 4096 {
		p.b = append(p.b, b...)
	}
	return len(b), nil
}
