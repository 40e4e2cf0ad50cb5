package state_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/storage/state"
)

// The pragmas the ledger relies on are in force on every connection.
func TestSQLitePragmas(t *testing.T) {
	ctx := context.Background()
	l, err := state.Open(ctx, state.Config{Driver: state.DriverSQLite, DSN: filepath.Join(t.TempDir(), "l.db"), BusyTimeout: 7 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	want := map[string]string{"journal_mode": "wal", "busy_timeout": "7000", "foreign_keys": "1", "synchronous": "2"}
	for p, v := range want {
		var got string
		if err := l.DB().QueryRowContext(ctx, "PRAGMA "+p).Scan(&got); err != nil || got != v {
			t.Errorf("PRAGMA %s = %q (%v), want %q", p, got, err, v)
		}
	}
}

// Several processes share one SQLite ledger: writers queue on busy_timeout
// instead of failing with "database is locked", and the counter stays exact.
func TestSQLiteSeveralProcesses(t *testing.T) {
	if db := os.Getenv("ICSS_LEDGER_WORKER"); db != "" {
		ledgerWorker(db)
		return
	}
	db := filepath.Join(t.TempDir(), "shared.db")
	const procs, each = 4, 40
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSQLiteSeveralProcesses$")
		cmd.Env = append(os.Environ(), "ICSS_LEDGER_WORKER="+db, "ICSS_LEDGER_EACH="+strconv.Itoa(each))
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	var nums []int
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("worker %d: %v\n%s", i, err, outs[i])
		}
		for _, line := range strings.Split(outs[i].String(), "\n") {
			if n, ok := strings.CutPrefix(line, "N "); ok {
				v, _ := strconv.Atoi(n)
				nums = append(nums, v)
			}
		}
	}
	sort.Ints(nums)
	if len(nums) != procs*each {
		t.Fatalf("got %d numbers, want %d", len(nums), procs*each)
	}
	for i, n := range nums {
		if n != i+1 {
			t.Fatalf("numbers are not 1..%d without gaps or repeats: %v", procs*each, nums)
		}
	}
	l, err := state.Open(context.Background(), state.Config{Driver: state.DriverSQLite, DSN: db})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fs, _ := l.FilesInState(context.Background(), "", state.FileFetched)
	dups, _ := l.FilesInState(context.Background(), "", state.FileDuplicate)
	if len(fs) != each || len(dups) != (procs-1)*each {
		t.Fatalf("%d fetched and %d duplicates, want %d and %d", len(fs), len(dups), each, (procs-1)*each)
	}
}

// ledgerWorker takes control numbers and fetches files whose contents the
// other workers fetch too, printing the numbers it got.
func ledgerWorker(db string) {
	each, _ := strconv.Atoi(os.Getenv("ICSS_LEDGER_EACH"))
	ctx := context.Background()
	l, err := state.Open(ctx, state.Config{Driver: state.DriverSQLite, DSN: db})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	defer l.Close()
	pid := os.Getpid()
	for i := range each {
		n, err := l.NextControlNumber(ctx, "shared")
		if err != nil {
			fmt.Println("counter:", err)
			os.Exit(1)
		}
		fmt.Printf("N %d\n", n)
		f, _, err := l.FileSeen(ctx, "ep", fmt.Sprintf("p%d-%d", pid, i), 1, time.Unix(0, 0))
		if err != nil {
			fmt.Println("seen:", err)
			os.Exit(1)
		}
		if _, err := l.FileFetched(ctx, f.ID, fmt.Sprintf("%064x", i+1), "k"); err != nil {
			fmt.Println("fetched:", err)
			os.Exit(1)
		}
	}
}

// TestSQLiteSurvivesKill9 kills a process in the middle of ledger writes,
// again and again: the database stays intact and every file row is in a
// consistent state (content recorded exactly when the state says so).
func TestSQLiteSurvivesKill9(t *testing.T) {
	if db := os.Getenv("ICSS_LEDGER_CRASH_WRITER"); db != "" {
		crashWriter(db)
		return
	}
	if testing.Short() {
		t.Skip("kill -9 loop skipped in -short")
	}
	db := filepath.Join(t.TempDir(), "crash.db")
	for round := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSQLiteSurvivesKill9$")
		cmd.Env = append(os.Environ(), "ICSS_LEDGER_CRASH_WRITER="+db)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(300+round*100) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		if strings.Contains(out.String(), "WRITER FAILED") {
			t.Fatalf("round %d: %s", round, out.String())
		}
	}
	ctx := context.Background()
	l, err := state.Open(ctx, state.Config{Driver: state.DriverSQLite, DSN: db})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var check string
	if err := l.DB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	var total, bad int
	l.DB().QueryRow("SELECT COUNT(*) FROM files").Scan(&total)
	l.DB().QueryRow(`SELECT COUNT(*) FROM files WHERE (state = 'seen') <> (sha256 IS NULL) OR (sha256 IS NULL) <> (blob_key IS NULL)`).Scan(&bad)
	if total == 0 || bad != 0 {
		t.Fatalf("%d files, %d inconsistent", total, bad)
	}
	var maxN int64
	l.DB().QueryRow("SELECT last FROM control_numbers WHERE scope = 'crash'").Scan(&maxN)
	n, err := l.NextControlNumber(ctx, "crash")
	if err != nil || n != maxN+1 {
		t.Fatalf("counter after crashes: %d, %v; want %d", n, err, maxN+1)
	}
	t.Logf("%d files consistent after 5 kill -9", total)
}

func crashWriter(db string) {
	ctx := context.Background()
	l, err := state.Open(ctx, state.Config{Driver: state.DriverSQLite, DSN: db})
	if err != nil {
		fmt.Println("WRITER FAILED", err)
		os.Exit(1)
	}
	pid := os.Getpid()
	for i := 0; ; i++ {
		name := fmt.Sprintf("p%d-%d", pid, i)
		f, _, err := l.FileSeen(ctx, "ep", name, int64(i), time.Unix(1_800_000_000, 0))
		if err == nil {
			_, err = l.FileFetched(ctx, f.ID, fmt.Sprintf("%064x", pid*1_000_000+i), "raw/"+name)
		}
		if err == nil {
			err = l.SetFileState(ctx, f.ID, state.FileArchived, "")
		}
		if err == nil {
			_, err = l.NextControlNumber(ctx, "crash")
		}
		if err != nil {
			fmt.Println("WRITER FAILED", err)
			os.Exit(1)
		}
	}
}
