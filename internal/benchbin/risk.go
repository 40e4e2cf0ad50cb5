package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/icss/icss/transforms/risk"
)

// riskBar is the speed issue 12 sets for `icss risk score`, in MB of input JSON a second.
const riskBar = 250

// riskTiming is the best of several runs of one way of scoring a file.
type riskTiming struct {
	timing
	cpu time.Duration // user+system time of the best run (binary only)
}

// prepareRisk writes, once, the harmonized records of the clean 309 (icss normalize).
func prepareRisk(icss, dir, x12 string) (string, error) {
	path := filepath.Join(dir, filepath.Base(x12)+".harmonized.jsonl")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	cmd := exec.Command(icss, "normalize", "--out", path+".tmp", x12)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("icss normalize: %w", err)
	}
	return path, os.Rename(path+".tmp", path)
}

// benchRisk times `icss risk score` against Engine.Score in process and against a loop
// that only reads the file and splits its lines, interleaved over runs rounds.
func benchRisk(w io.Writer, icss, path string, runs int) (bool, error) {
	eng, err := risk.Compile(risk.DefaultRuleSet())
	if err != nil {
		return false, err
	}
	warm(path)
	kinds := []string{"binary", "inprocess", "lines"}
	res := map[string]*riskTiming{}
	for _, k := range kinds {
		res[k] = &riskTiming{}
	}
	for r := range runs {
		for k := range kinds {
			kind := kinds[(k+r)%len(kinds)]
			d, rss, cpu, err := measureRisk(kind, icss, eng, path)
			if err != nil {
				return false, fmt.Errorf("risk %s: %w", kind, err)
			}
			t := res[kind]
			if t.best == 0 || d < t.best {
				t.cpu = cpu
			}
			t.add(d)
			t.maxRSS = max(t.maxRSS, rss)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	mb := float64(st.Size()) / 1e6
	b, ip, ln := res["binary"], res["inprocess"], res["lines"]
	fmt.Fprintf(w, "\nrisk score on %s (%.1f MB of harmonized JSON lines), best/median of %d\n", filepath.Base(path), mb, runs)
	for _, k := range kinds {
		t := res[k]
		fmt.Fprintf(w, "  %-10s %6.0f MB/s %7.0f ms/%7.0f", k, mb/t.best.Seconds(), ms(t.best), ms(t.median()))
		if k == "binary" {
			fmt.Fprintf(w, "   CPU %.0f ms (%.0f MB per CPU-second), peak RSS %d MB", ms(t.cpu), mb/t.cpu.Seconds(), t.maxRSS>>10)
		}
		fmt.Fprintln(w)
	}
	pass := mb/b.best.Seconds() >= riskBar
	verdict := "ok"
	if !pass {
		verdict = "MISSED"
	}
	fmt.Fprintf(w, "  binary/inprocess time %.2f; binary/lines loop time %.2f; binary %.0f MB/s (bar >= %d: %s)\n",
		b.best.Seconds()/ip.best.Seconds(), b.best.Seconds()/ln.best.Seconds(), mb/b.best.Seconds(), riskBar, verdict)
	return pass, nil
}

func measureRisk(kind, icss string, eng *risk.Engine, path string) (d time.Duration, rss int64, cpu time.Duration, err error) {
	if kind == "binary" {
		return run(icss, "risk", "score", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, 0, err
	}
	defer f.Close()
	start := time.Now()
	switch kind {
	case "inprocess":
		var st risk.StreamStats
		st, err = eng.Score(context.Background(), f, io.Discard, risk.StreamOptions{Name: path})
		if err == nil && st.Records == 0 {
			err = fmt.Errorf("no records")
		}
	case "lines":
		// The plainest whole-file pass: read and split lines, decode nothing.
		br := bufio.NewReaderSize(f, 1<<20)
		n := 0
		for {
			_, rerr := br.ReadSlice('\n')
			if rerr == io.EOF {
				break
			}
			if rerr != nil && rerr != bufio.ErrBufferFull {
				err = rerr
				break
			}
			n++
		}
		if err == nil && n == 0 {
			err = fmt.Errorf("no lines")
		}
	}
	return time.Since(start), 0, 0, err
}
