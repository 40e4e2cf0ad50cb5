package jobs_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/jobs"
	"github.com/icss/icss/jobs/schedule"
)

// After downtime, a schedule's missed run is done once on start (the latest one,
// however many were missed), and a second restart does not do it again.
func TestCatchUpAfterDowntimeOnce(t *testing.T) {
	t.Parallel()
	c := newCorridor(t, "")
	b, _ := os.ReadFile(c.config)
	os.WriteFile(c.config, []byte(strings.Replace(string(b), `spec: "CRON_TZ=UTC */5 * * * *"`, `spec: "CRON_TZ=UTC 0 * * * *"`, 1)), 0o644)
	ctx := context.Background()
	now := time.Now().UTC()
	if now.Minute() == 59 && now.Second() > 50 {
		// Too close to the hour's run: wait for it to pass rather than skip.
		time.Sleep(time.Until(now.Truncate(time.Hour).Add(time.Hour + time.Second)))
		now = time.Now().UTC()
	}
	hour := now.Truncate(time.Hour)
	runs := func() []string {
		d, err := jobs.Open(ctx, c.load(), nil, false)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		rows, err := d.Ledger().DB().Query(`SELECT run_key FROM job_runs WHERE job = 'schedule:pull' AND state = 'succeeded' ORDER BY run_key`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var keys []string
		for rows.Next() {
			var k string
			rows.Scan(&k)
			keys = append(keys, k)
		}
		return keys
	}
	// The last run was five hours ago; the node was down since.
	d, err := jobs.Open(ctx, c.load(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	old := schedule.Key(hour.Add(-5 * time.Hour))
	run, _, err := d.Ledger().StartJobRun(ctx, "schedule:pull", old, "earlier", 0)
	if err != nil {
		t.Fatal(err)
	}
	d.Ledger().FinishJobRun(ctx, run, nil)
	d.Close()
	start := func() {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		d, err := jobs.Open(cctx, c.load(), nil, true)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if err := d.Run(cctx, "test"); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatal(err)
		}
	}
	start()
	want := []string{old, schedule.Key(hour)}
	if got := runs(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("runs after the first start %v, want %v", got, want)
	}
	start()
	if got := runs(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("runs after a second start %v, want %v (a catch-up runs once)", got, want)
	}
}
