package jobs_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/icss/icss/config"
	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/jobs"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/evidence"
)

// TestMain lets the test binary be an icss node: ICSS_JOBS_NODE=once|run with
// ICSS_JOBS_CONFIG runs the daemon on that configuration, so that tests can kill -9 it.
func TestMain(m *testing.M) {
	if mode := os.Getenv("ICSS_JOBS_NODE"); mode != "" {
		os.Exit(node(mode, os.Getenv("ICSS_JOBS_CONFIG")))
	}
	os.Exit(m.Run())
}

func node(mode, path string) int {
	ctx, stop := signalContext()
	defer stop()
	cfg, err := config.Load(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	// Warnings (and the requeue of orphans) on stderr, for -v.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := jobs.Open(ctx, cfg, log, true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer d.Close()
	if mode == "once" {
		_, err = d.RunOnce(ctx, 10*time.Second)
	} else {
		err = d.Run(ctx, "test")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return 0
}

// startNode runs the test binary as a node.
func startNode(t *testing.T, mode, config string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ICSS_JOBS_NODE="+mode, "ICSS_JOBS_CONFIG="+config)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// kill -9 of a node at 20 random points of the corridor, restarted after each: every
// input is processed once and every acknowledgment, exam list, e-mail, notice and
// result batch is delivered exactly once (counted on the servers), and the ledger agrees.
func TestKill9AnywhereDeliversOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a node 10 times")
	}
	t.Parallel()
	c := newCorridor(t, "")
	for i := range 6 {
		c.drop(fmt.Sprintf("m%d.x12", i), manifest(t, 150, 700+i))
	}
	demo, _ := filepath.Glob("../testdata/demo/*.x12")
	for _, f := range demo {
		b, _ := os.ReadFile(f)
		c.drop(filepath.Base(f), b)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	killAndFinish := func(kills int) {
		for range kills {
			cmd := startNode(t, "once", c.config)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-time.After(time.Duration(rng.IntN(2500)) * time.Millisecond):
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
			case err := <-done: // finished before the kill: the next run has less to do
				if err != nil {
					t.Fatalf("node failed: %v", err)
				}
			}
		}
		// A last run to the end.
		if err := startNode(t, "once", c.config).Wait(); err != nil {
			t.Fatalf("final run: %v", err)
		}
	}
	// Pull, acknowledge, normalize, score, hold notices, exam list and its e-mail.
	killAndFinish(10)
	c.checkOnce(t)
	// The return: import as evidence, the result batch, release notices.
	lists := c.files("port/lists")
	wb, _ := os.ReadFile(c.srv.Path("port/lists/" + lists[0]))
	c.officer(wb, lists[0])
	killAndFinish(10)
	c.checkOnce(t)
	if got := c.files("partner/inbox"); len(got) < 3 {
		t.Errorf("partner inbox: %v", got)
	}
	// The evidence store is whole: every manifest signed and chained, every photo
	// and workbook it names there byte for byte, and the ledger's index agrees.
	store, err := blob.OpenDir(filepath.Join(c.dir, "data/blobs/evidence"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	pub, err := signing.LoadPublicKey(filepath.Join(c.dir, signing.PublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evidence.Verify(context.Background(), store, pub)
	if err != nil || !rep.OK() || rep.Manifests == 0 {
		t.Errorf("evidence: %+v, %v", rep, err)
	}
	d, err := jobs.Open(context.Background(), c.load(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var indexed int
	d.Ledger().DB().QueryRow(`SELECT COUNT(*) FROM evidence_manifests`).Scan(&indexed)
	if int64(indexed) != rep.Head || rep.Manifests != indexed {
		t.Errorf("ledger indexes %d manifests, the store holds %d (head %d)", indexed, rep.Manifests, rep.Head)
	}
}

// checkOnce checks that every delivery the ledger knows is on its server once, and
// nothing else is: no acknowledgment, list, notice or e-mail twice.
func (c *corridor) checkOnce(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	d, err := jobs.Open(ctx, c.load(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	db := d.Ledger().DB()
	var files, done int
	db.QueryRow(`SELECT COUNT(*) FROM files WHERE endpoint = 'carrier'`).Scan(&files)
	db.QueryRow(`SELECT COUNT(*) FROM files WHERE endpoint = 'carrier' AND state IN ('acknowledged', 'quarantined')`).Scan(&done)
	if files == 0 || done != files {
		t.Errorf("%d carrier files, %d processed", files, done)
	}
	var dup int
	db.QueryRow(`SELECT COUNT(*) FROM (SELECT shipment_id, sha256 FROM shipment_versions GROUP BY shipment_id, sha256 HAVING COUNT(*) > 1) x`).Scan(&dup)
	if dup != 0 {
		t.Errorf("%d record contents recorded twice", dup)
	}
	expect := map[string]map[string]bool{}
	rows, err := db.Query(`SELECT endpoint, name, state FROM deliveries`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ep, name, st string
		rows.Scan(&ep, &name, &st)
		if st != "sent" {
			t.Errorf("delivery %s to %s is %s", name, ep, st)
		}
		if expect[ep] == nil {
			expect[ep] = map[string]bool{}
		}
		expect[ep][name] = true
	}
	rows.Close()
	for ep, dir := range map[string]string{"carrier": "outbox", "prr-staff": "port/lists", "sftp:partner": "partner/inbox"} {
		got := c.files(dir)
		if len(got) != len(expect[ep]) {
			t.Errorf("%s: %d files on the server, %d deliveries in the ledger:\n%v", dir, len(got), len(expect[ep]), got)
		}
		for _, f := range got {
			if !expect[ep][f] {
				t.Errorf("%s/%s is on the server but not in the ledger (sent twice under another name?)", dir, f)
			}
		}
	}
	acks := 0
	for _, f := range c.outbox() {
		if !strings.HasPrefix(f, "350_") {
			acks++
		}
	}
	if acks < files-1 { // every file but the garbage one is acknowledged
		t.Errorf("%d acknowledgments for %d files", acks, files)
	}
	if msgs := c.sink.Messages(t); len(msgs) != len(expect["email:CAPRR"]) || len(msgs) == 0 {
		t.Errorf("%d e-mails, %d in the ledger", len(msgs), len(expect["email:CAPRR"]))
	}
}
