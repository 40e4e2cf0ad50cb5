package jobs_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/s3test"
	"github.com/icss/icss/jobs"
	"github.com/icss/icss/jobs/status"
	"github.com/riverqueue/river/rivertype"
)

// S3 (the blob store) down for a while: the pull is retried with backoff without
// charging the carrier's files, the status shows the blob store check failing and
// the pull retrying meanwhile; the outage outlasts the jobs' max_attempts (4), and
// the jobs wait for the store instead of being parked; once S3 is back every file is
// taken, counted and answered exactly once, nothing quarantined and nothing parked.
func TestS3OutageRetriesAndCatchesUp(t *testing.T) {
	t.Parallel()
	s3 := s3test.Start(t)
	secret := filepath.Join(t.TempDir(), "s3-secret")
	if err := os.WriteFile(secret, []byte(s3.SecretKey), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCorridor(t, fmt.Sprintf("blob: {s3: {endpoint: %q, region: %q, access_key: %q, secret_key: {file: %q}, insecure: true, bucket_prefix: s3-outage-}}\n",
		s3.Endpoint, s3.Region, s3.AccessKey, secret))
	const inputs = 3
	for i := range inputs {
		c.drop(fmt.Sprintf("m%d.x12", i), manifest(t, 50, 700+i))
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := jobs.Open(ctx, c.load(), testLogger(t), true) // opens (and makes) the buckets
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s3.Stop()
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, "test") }()
	time.Sleep(300 * time.Millisecond)
	if err := d.Trigger(ctx, "pull"); err != nil {
		t.Fatal(err)
	}

	// While down: the blob store check fails and the pull is retrying.
	stage := func(st *status.Status, name string) status.Stage {
		for _, s := range st.Stages {
			if s.Name == name {
				return s
			}
		}
		t.Fatalf("no stage %s in %+v", name, st.Stages)
		return status.Stage{}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := d.Status(ctx, "test")
		if err != nil {
			t.Fatal(err)
		}
		storeDown := false
		for _, ch := range st.Node.Checks {
			if ch.Name == "blob store" && !ch.OK && ch.Error != "" {
				storeDown = true
			}
		}
		if pull := stage(st, jobs.KindPull); storeDown && pull.Failed > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the outage never showed: checks %+v, pull %+v", st.Node.Checks, stage(st, jobs.KindPull))
		}
		time.Sleep(200 * time.Millisecond)
	}
	db := d.Ledger().DB()
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT COUNT(*) FROM files WHERE attempts > 0 OR state = 'quarantined'`); n != 0 {
		t.Errorf("during the outage %d carrier files were charged or quarantined for the store's failure", n)
	}
	if got := c.files("inbox"); len(got) != inputs {
		t.Errorf("inbox during the outage: %v", got)
	}

	// Past the retry budget: the pull waits for the store (snoozed), not parked.
	deadline = time.Now().Add(40 * time.Second)
	for waiting := false; !waiting; {
		js, err := d.Jobs(ctx, rivertype.JobStateScheduled, rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range js {
			waiting = waiting || j.Kind == jobs.KindPull && strings.Contains(string(j.Metadata), `"snoozes"`)
		}
		if time.Now().After(deadline) {
			t.Fatal("the pull never waited for the store past its last attempt")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n := count(`SELECT COUNT(*) FROM files WHERE attempts > 0 OR state = 'quarantined'`); n != 0 {
		t.Errorf("%d carrier files charged or quarantined during the outage", n)
	}

	s3.Restart(t)
	// Back: every file taken, answered and delivered once.
	deadline = time.Now().Add(45 * time.Second)
	for count(`SELECT COUNT(*) FROM files WHERE state = 'acknowledged'`) < inputs ||
		count(`SELECT COUNT(*) FROM deliveries WHERE endpoint = 'carrier' AND state <> 'sent'`) > 0 ||
		len(c.outbox()) < inputs {
		if time.Now().After(deadline) {
			t.Fatalf("after the outage: files %d acknowledged, outbox %v", count(`SELECT COUNT(*) FROM files WHERE state = 'acknowledged'`), c.outbox())
		}
		time.Sleep(200 * time.Millisecond)
	}
	st, err := d.Status(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range st.Node.Checks {
		if !ch.OK {
			t.Errorf("check %s still failing after the restart: %s", ch.Name, ch.Error)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}

	if n := count(`SELECT COUNT(*) FROM files`); n != inputs {
		t.Errorf("%d files in the ledger, want %d (each counted once)", n, inputs)
	}
	if n := count(`SELECT COUNT(*) FROM files WHERE attempts > 0 OR state = 'quarantined'`); n != 0 {
		t.Errorf("%d files charged or quarantined", n)
	}
	if len(st.Quarantined) != 0 {
		t.Errorf("status shows quarantined files: %+v", st.Quarantined)
	}
	sent := count(`SELECT COUNT(*) FROM deliveries WHERE endpoint = 'carrier'`)
	if got := c.outbox(); len(got) != sent || sent < inputs {
		t.Errorf("%d acknowledgments in the carrier's outbox (%v), %d deliveries in the ledger, %d inputs", len(got), got, sent, inputs)
	}
	if got := c.files("inbox"); len(got) != 0 {
		t.Errorf("inbox after the catch-up: %v", got)
	}
	parked, err := d.Jobs(context.Background(), rivertype.JobStateDiscarded, rivertype.JobStateCancelled)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range parked {
		t.Errorf("job %d %s parked: %v", j.ID, j.Kind, j.Errors)
	}
	finished, err := d.Jobs(context.Background(), rivertype.JobStateCompleted)
	if err != nil {
		t.Fatal(err)
	}
	retried := 0
	for _, j := range finished {
		if j.Kind == jobs.KindPull && j.Attempt > 1 {
			retried++
		}
	}
	if retried == 0 {
		t.Error("no pull was retried: the outage was not seen")
	}
}
