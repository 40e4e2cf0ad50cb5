package examimport_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/transforms/examimport"
)

// benchDirEnv hands the child process the return to import.
const benchDirEnv = "ICSS_IMPORT_BENCH_DIR"

// BenchmarkImport imports a return of a 10,000-row list (9,999 rows filled,
// about 18,000 small photos) into an empty evidence directory. The import
// runs in a child process so that its peak RSS is measured alone
// (peak-RSS-MB), without the making of the return; the child logs its wall
// and CPU time.
func BenchmarkImport(b *testing.B) {
	const rows = 10_000
	r := makeReturn(b, rows, officer.Choices{Seed: 11, Empty: -1, PhotosPerExam: 2})
	// The officer leaves one row empty, and takes no photos of containers not examined.
	if len(r.filled.Returns) < rows-1 || len(r.filled.Photos) < rows*3/2 {
		b.Fatalf("return has %d rows, %d photos", len(r.filled.Returns), len(r.filled.Photos))
	}
	var peakKB int64
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestImportBenchChild$", "-test.v")
		cmd.Env = append(os.Environ(), benchDirEnv+"="+r.dir, "ICSS_IMPORT_BENCH_STORE="+filepath.Join(b.TempDir(), fmt.Sprint(i)))
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		m := regexp.MustCompile(`imported .* peak RSS (\d+) kB`).FindSubmatch(out)
		if m == nil {
			b.Fatalf("child said:\n%s", out)
		}
		b.Logf("%s", m[0])
		if kb, _ := strconv.ParseInt(string(m[1]), 10, 64); kb > peakKB {
			peakKB = kb
		}
	}
	b.ReportMetric(float64(len(r.filled.Returns))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peakKB)/1024, "peak-RSS-MB")
}

// TestImportBenchChild is BenchmarkImport's child: it does nothing unless run by it.
func TestImportBenchChild(t *testing.T) {
	dir := os.Getenv(benchDirEnv)
	if dir == "" {
		t.Skip("run by BenchmarkImport")
	}
	st, err := blob.OpenDir(os.Getenv("ICSS_IMPORT_BENCH_STORE"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key, _ := signing.Generate()
	start := time.Now()
	rep, err := examimport.Import(ctx, examimport.Options{
		List: filepath.Join(dir, "original.xlsx"), Returned: []string{filepath.Join(dir, "return")},
		Evidence: evidence.New(st, evidence.Options{Key: key}), Now: func() time.Time { return now },
	})
	if err != nil || !rep.OK() || len(rep.Recorded) < 9_999 {
		t.Fatalf("import: %d recorded, rejected %d (%v), %v", len(rep.Recorded), len(rep.Rejected), first(rep.Rejected), err)
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	t.Logf("imported %d rows, %d photos in %s (CPU %s), peak RSS %s kB", len(rep.Recorded), rep.Photos, time.Since(start), cpu.Round(time.Millisecond), peakRSS(t))
}

// peakRSS is the process's peak resident set (VmHWM), in kB. The child's
// own: rusage's maxrss of a child started by vfork counts the parent's
// pages at the start, the whole return the benchmark built.
func peakRSS(t *testing.T) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VmHWM in /proc/self/status")
	}
	return string(m[1])
}

func first(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}
