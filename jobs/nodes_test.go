package jobs_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/pgtest"
	"github.com/icss/icss/internal/testkit/s3test"
	"github.com/icss/icss/internal/testkit/smtptest"
	"github.com/icss/icss/jobs"
)

// Two `icss run` nodes on one PostgreSQL ledger and one S3 (versitygw): both work,
// nothing is done twice, and when one is killed mid-work the other finishes its jobs.
func TestTwoNodesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two nodes")
	}
	t.Parallel()
	pg := pgtest.Start(t)
	dsn := pg.NewDatabase(t)
	s3 := s3test.Start(t)
	secret := filepath.Join(t.TempDir(), "s3-secret")
	os.WriteFile(secret, []byte(s3.SecretKey), 0o600)
	c := newCorridor(t, fmt.Sprintf("state: {driver: postgres, dsn: %q}\nblob: {s3: {endpoint: %q, region: %q, access_key: %q, secret_key: {file: %q}, insecure: true, bucket_prefix: two-nodes-}}\n",
		dsn, s3.Endpoint, s3.Region, s3.AccessKey, secret))
	base, _ := os.ReadFile(c.config)
	conf := func(node string) string {
		s := strings.Replace(string(base), "node: test-node", "node: "+node, 1)
		s = strings.Replace(s, "  shutdown_timeout: 5s", "  shutdown_timeout: 5s\n  timeout: 4s\n  workers: 2", 1)
		p := filepath.Join(c.dir, node+".yaml")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfgA, cfgB := conf("node-a"), conf("node-b")
	const inputs = 24
	for i := range inputs {
		c.drop(fmt.Sprintf("m%02d.x12", i), manifest(t, 150, 800+i))
	}
	a, b := startNode(t, "run", cfgA), startNode(t, "run", cfgB)
	defer a.Process.Kill()
	defer b.Process.Kill()
	ctx := context.Background()
	c.config = cfgA
	d, err := jobs.Open(ctx, c.load(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	time.Sleep(500 * time.Millisecond) // both nodes up
	if err := d.Trigger(ctx, "pull"); err != nil {
		t.Fatal(err)
	}
	db := d.Ledger().DB()
	count := func(q string) int {
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	deadline := time.Now().Add(90 * time.Second)
	killed := false
	for {
		scored := count(`SELECT COUNT(DISTINCT v.file_id) FROM scores s JOIN shipment_versions v ON v.shipment_id = s.shipment_id AND v.version = s.version`)
		if !killed && scored >= inputs/4 {
			b.Process.Signal(syscall.SIGKILL) // mid-work
			b.Wait()
			killed = true
		}
		if scored == inputs {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d inputs scored after 90 s", scored, inputs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Both nodes worked.
	for _, node := range []string{"node-a", "node-b"} {
		if n := count(`SELECT COUNT(*) FROM river_job WHERE attempted_by @> ARRAY['` + node + `']::text[]`); n == 0 {
			t.Errorf("%s did no job", node)
		}
	}
	if n := count(`SELECT COUNT(*) FROM files WHERE state <> 'acknowledged'`); n != 0 {
		t.Errorf("%d files not acknowledged", n)
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT shipment_id, sha256 FROM shipment_versions GROUP BY shipment_id, sha256 HAVING COUNT(*) > 1) x`); n != 0 {
		t.Errorf("%d record contents twice", n)
	}
	// Acknowledgments: once each, on the server as in the ledger.
	deadline = time.Now().Add(60 * time.Second)
	for count(`SELECT COUNT(*) FROM deliveries WHERE state <> 'sent' AND endpoint = 'carrier'`) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("acknowledgments still pending")
		}
		time.Sleep(200 * time.Millisecond)
	}
	sent := count(`SELECT COUNT(*) FROM deliveries WHERE endpoint = 'carrier'`)
	if got := len(c.outbox()); got != sent || sent < inputs {
		t.Errorf("%d files in the carrier's outbox, %d deliveries in the ledger, %d inputs", got, sent, inputs)
	}
	// The exam list at a cut-off: in the exam-lists bucket, mailed with a presigned
	// link that fetches the very workbook the port's outbox got.
	if err := d.Trigger(ctx, "exam-list-caprr"); err != nil {
		t.Fatal(err)
	}
	msgs := smtptest.Wait(t, c.sink, 1, 60*time.Second)
	_, parts, err := msgs[0].Parse()
	if err != nil {
		t.Fatal(err)
	}
	link := ""
	for _, p := range parts {
		if strings.HasPrefix(p.ContentType, "text/plain") {
			for _, line := range strings.Split(string(p.Body), "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "http") {
					link = strings.TrimSpace(line)
				}
			}
		}
	}
	if link == "" {
		t.Fatalf("no presigned link in the message: %+v", parts)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	fetched, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	deadline = time.Now().Add(30 * time.Second)
	for len(c.files("port/lists")) == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	lists := c.files("port/lists")
	if len(lists) != 1 {
		t.Fatalf("port outbox: %v", lists)
	}
	listed, _ := os.ReadFile(c.srv.Path("port/lists/" + lists[0]))
	if resp.StatusCode != 200 || !bytes.Equal(fetched, listed) {
		t.Errorf("the presigned link gave %d, %d bytes; the outbox has %d", resp.StatusCode, len(fetched), len(listed))
	}
	a.Process.Signal(syscall.SIGTERM)
	if err := a.Wait(); err != nil {
		t.Errorf("node a after SIGTERM: %v (want exit 0)", err)
	}
}
