package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/internal/splitloop"
)

type input struct {
	name      string
	path      string
	sep, term byte
	clean     string // for an error-heavy input, the name of its clean twin
}

type timing struct {
	best   time.Duration
	all    []time.Duration
	maxRSS int64 // KiB, binary only
}

func (t *timing) add(d time.Duration) {
	t.all = append(t.all, d)
	if t.best == 0 || d < t.best {
		t.best = d
	}
}

func (t *timing) median() time.Duration {
	s := slices.Clone(t.all)
	slices.Sort(s)
	return s[len(s)/2]
}

func main() {
	icss := flag.String("icss", "bin/icss", "the icss binary to time")
	cuscargen := flag.String("cuscargen", "bin/cuscargen", "the CUSCAR generator (go build ./edi/edifact/internal/gen/cuscargen)")
	ediproc := flag.String("ediproc", "bin/ediproc", "the edi-only inspector (go build ./internal/benchbin/ediproc); empty: not timed")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "icss-bench-binary"), "where the generated inputs are kept")
	mb := flag.Int("mb", 100, "size of each input in MB")
	runs := flag.Int("runs", 5, "measurements of each kind per input (the best counts)")
	check := flag.Bool("check", false, "exit 1 when a bar is missed")
	ediRuns := flag.Bool("edi", true, "time icss edi inspect")
	riskRuns := flag.Bool("risk", true, "time icss risk score")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fail(err)
	}
	inputs, err := prepare(*icss, *cuscargen, *dir, *mb)
	if err != nil {
		fail(err)
	}
	ok := true
	if *ediRuns {
		ok = benchEDI(inputs, *icss, *ediproc, *dir, *runs)
	}
	if *riskRuns {
		path, err := prepareRisk(*icss, *dir, inputs[0].path)
		if err != nil {
			fail(err)
		}
		pass, err := benchRisk(os.Stdout, *icss, path, *runs)
		if err != nil {
			fail(err)
		}
		ok = ok && pass
	}
	if !ok && *check {
		os.Exit(1)
	}
}

// benchEDI times icss edi inspect on every input; it returns whether every bar is met.
func benchEDI(inputs []input, icss, ediproc, dir string, runs int) bool {
	kinds := []string{"binary", "inprocess", "readbyte", "split"}
	if ediproc != "" {
		kinds = append(kinds, "ediproc")
	}
	results := map[string]map[string]*timing{}
	for _, in := range inputs {
		results[in.name] = map[string]*timing{}
		for _, k := range kinds {
			results[in.name][k] = &timing{}
		}
		warm(in.path)
	}
	for r := 0; r < runs; r++ {
		for _, in := range inputs {
			// Rotate the order every round, so no kind always runs right after another.
			for k := range kinds {
				kind := kinds[(k+r)%len(kinds)]
				d, rss, err := measure(kind, icss, ediproc, in)
				if err != nil {
					fail(fmt.Errorf("%s %s: %w", kind, in.name, err))
				}
				t := results[in.name][kind]
				t.add(d)
				t.maxRSS = max(t.maxRSS, rss)
			}
		}
	}
	start, err := startup(icss, ediproc, dir, runs)
	if err != nil {
		fail(err)
	}
	return report(os.Stdout, inputs, results, start)
}

// startup times both inspectors on a one-bill 309: what a run costs before and after
// the work, whatever the file's size.
func startup(icss, ediproc, dir string, runs int) (map[string]*timing, error) {
	tiny := filepath.Join(dir, "309-1bill.x12")
	if err := generate(tiny, icss, "edi", "generate", "--bills", "1"); err != nil {
		return nil, err
	}
	in := input{name: "1 bill", path: tiny}
	res := map[string]*timing{"binary": {}}
	if ediproc != "" {
		res["ediproc"] = &timing{}
	}
	// Start-up is short and the machine noisy: more rounds than for the big files.
	for range 4 * runs {
		for kind, t := range res {
			d, _, err := measure(kind, icss, ediproc, in)
			if err != nil {
				return nil, fmt.Errorf("start-up %s: %w", kind, err)
			}
			t.add(d)
		}
	}
	return res, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchbin:", err)
	os.Exit(2)
}

// prepare generates the inputs that are not in dir yet.
func prepare(icss, cuscargen, dir string, mb int) ([]input, error) {
	x12 := filepath.Join(dir, fmt.Sprintf("309-%dmb.x12", mb))
	x12err := filepath.Join(dir, fmt.Sprintf("309-%dmb-errors.x12", mb))
	cus := filepath.Join(dir, fmt.Sprintf("cuscar-%dmb.edi", mb))
	cuserr := filepath.Join(dir, fmt.Sprintf("cuscar-%dmb-errors.edi", mb))
	// About 615 bytes per generated bill.
	if err := generate(x12, icss, "edi", "generate", "--bills", fmt.Sprint(mb*1630)); err != nil {
		return nil, err
	}
	if err := generate(cus, cuscargen, "-size", fmt.Sprintf("%dMiB", mb), "-seed", "42"); err != nil {
		return nil, err
	}
	// Every bill's M1101 (bill of lading number, AN 1/12) made too long: one AK4 5 per bill.
	if err := derive(x12err, x12, func(line []byte) [][]byte {
		if bytes.HasPrefix(line, []byte("M11*")) {
			return [][]byte{append([]byte("M11*XXXXXXXXXXXXXXXXXXXX"), line[4:]...)}
		}
		return [][]byte{line}
	}); err != nil {
		return nil, err
	}
	// An unexpected segment (a second BGM) after every goods item.
	if err := derive(cuserr, cus, func(line []byte) [][]byte {
		if bytes.HasPrefix(line, []byte("GID+")) {
			return [][]byte{line, []byte("BGM+85+X'\n")}
		}
		return [][]byte{line}
	}); err != nil {
		return nil, err
	}
	return []input{
		{name: "309", path: x12, sep: '*', term: '~'},
		{name: "309 errors", path: x12err, sep: '*', term: '~', clean: "309"},
		{name: "CUSCAR", path: cus, sep: '+', term: '\''},
		{name: "CUSCAR errors", path: cuserr, sep: '+', term: '\'', clean: "CUSCAR"},
	}, nil
}

func generate(path, prog string, args ...string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	cmd := exec.Command(prog, args...)
	cmd.Stdout, cmd.Stderr = f, os.Stderr
	err = cmd.Run()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", prog, err)
	}
	return os.Rename(path+".tmp", path)
}

// derive writes path from src line by line through edit (lines keep their newline).
func derive(path, src string, edit func(line []byte) [][]byte) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	br, bw := bufio.NewReaderSize(in, 1<<20), bufio.NewWriterSize(out, 1<<20)
	for {
		line, err := br.ReadSlice('\n')
		for _, l := range edit(line) {
			bw.Write(l)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			out.Close()
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// warm reads a file once, so every measurement reads it from the page cache.
func warm(path string) {
	if f, err := os.Open(path); err == nil {
		io.Copy(io.Discard, f)
		f.Close()
	}
}

func measure(kind, icss, ediproc string, in input) (time.Duration, int64, error) {
	switch kind {
	case "binary", "ediproc":
		args := []string{ediproc, in.path}
		if kind == "binary" {
			args = []string{icss, "edi", "inspect", in.path}
		}
		d, rss, _, err := run(args[0], args[1:]...)
		return d, rss, err
	}
	f, err := os.Open(in.path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	start := time.Now()
	n := 0
	count := func(seg []byte, ends []int) { n += len(ends) }
	switch kind {
	case "inprocess":
		err = edi.InspectTo(f, in.path, syntax.Discard)
		n = 1
	case "readbyte":
		err = splitloop.ReadBytes(f, in.sep, in.term, count)
	case "split":
		err = splitloop.Split(f, in.sep, in.term, count)
	}
	if err == nil && n == 0 {
		err = fmt.Errorf("nothing read")
	}
	return time.Since(start), 0, err
}

// run times a command writing to /dev/null; it returns the wall time, the peak RSS in
// KiB and the user+system time. Exit status 1 (some input invalid, as the error-heavy
// inputs are) counts as success.
func run(prog string, args ...string) (wall time.Duration, rss int64, cpu time.Duration, err error) {
	cmd := exec.Command(prog, args...)
	cmd.Stdout = devNull
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		return 0, 0, 0, err
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return wall, rss, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// devNull is where the binaries write, as `> /dev/null` does: an *os.File, so the
// child writes to it directly. (Any other io.Writer makes os/exec copy the output
// through a pipe and a goroutine of this process, which competes with the child for
// the two cores.)
var devNull = func() *os.File {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	return f
}()

// report prints the table and the bars; it returns whether every bar is met.
func report(w io.Writer, inputs []input, res map[string]map[string]*timing, start map[string]*timing) bool {
	ok := true
	bar := func(pass bool) string {
		if pass {
			return "ok"
		}
		ok = false
		return "MISSED"
	}
	fmt.Fprintf(w, "%-14s %8s %28s %28s %28s %28s\n", "input", "MB", "binary (best/median, RSS)", "inprocess", "readbyte loop", "split loop")
	for _, in := range inputs {
		st, _ := os.Stat(in.path)
		mbytes := float64(st.Size()) / 1e6
		r := res[in.name]
		cell := func(t *timing) string {
			return fmt.Sprintf("%6.0f MB/s %6.0f ms/%6.0f", mbytes/t.best.Seconds(), ms(t.best), ms(t.median()))
		}
		fmt.Fprintf(w, "%-14s %8.1f %28s %28s %28s %28s   binary peak RSS %d MB\n", in.name, mbytes,
			cell(r["binary"]), cell(r["inprocess"]), cell(r["readbyte"]), cell(r["split"]), r["binary"].maxRSS>>10)
	}
	fmt.Fprintln(w)
	// The fixed cost of a run, and what is left of each ratio without it: the bar is on
	// the whole process, but a change in either part shows here on its own.
	fix := start["binary"].best.Seconds()
	fmt.Fprintf(w, "start-up and exit (one-bill 309, best of %d): icss edi inspect %.1f ms", len(start["binary"].all), ms(start["binary"].best))
	if e := start["ediproc"]; e != nil {
		fmt.Fprintf(w, ", edi-only process (ediproc) %.1f ms", ms(e.best))
	}
	fmt.Fprintln(w)
	for _, in := range inputs {
		r := res[in.name]
		b, ip := r["binary"].best.Seconds(), r["inprocess"].best.Seconds()
		fmt.Fprintf(w, "%-14s binary without its start-up/inprocess %.2f", in.name, (b-fix)/ip)
		if e := r["ediproc"]; e != nil {
			fmt.Fprintf(w, "; edi-only process/inprocess %.2f", e.best.Seconds()/ip)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	for _, in := range inputs {
		r := res[in.name]
		b, ip := r["binary"].best.Seconds(), r["inprocess"].best.Seconds()
		rb := r["readbyte"].best.Seconds()
		if in.clean == "" {
			fmt.Fprintf(w, "%-14s binary/inprocess time %.2f (bar <= 1.10: %s); speed vs readbyte loop %.2f (bar >= 1: %s); vs split loop %.2f\n",
				in.name, b/ip, bar(b/ip <= 1.10), rb/b, bar(b <= rb), r["split"].best.Seconds()/b)
		} else {
			// The issue holds error-heavy input to the clean file's speed and
			// memory; the other ratios are for the record.
			fmt.Fprintf(w, "%-14s binary/inprocess time %.2f; speed vs readbyte loop %.2f; vs split loop %.2f (no bar)\n",
				in.name, b/ip, rb/b, r["split"].best.Seconds()/b)
			c := res[in.clean]
			sz, _ := os.Stat(in.path)
			csz, _ := os.Stat(filepath.Clean(inputPath(inputs, in.clean)))
			speed := float64(sz.Size()) / b
			cspeed := float64(csz.Size()) / c["binary"].best.Seconds()
			rss, crss := r["binary"].maxRSS, c["binary"].maxRSS
			fmt.Fprintf(w, "%-14s speed vs clean %.2f (bar >= 0.5: %s); peak RSS %d vs %d MB (bar <= 2x: %s)\n",
				in.name, speed/cspeed, bar(speed/cspeed >= 0.5), rss>>10, crss>>10, bar(rss <= 2*crss))
		}
	}
	return ok
}

func inputPath(inputs []input, name string) string {
	for _, in := range inputs {
		if in.name == name {
			return in.path
		}
	}
	return ""
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
