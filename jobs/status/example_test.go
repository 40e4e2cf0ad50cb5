package status_test

import (
	"context"
	"log"
	"os"
	"os/signal"
	"time"

	"github.com/icss/icss/jobs/metrics"
	"github.com/icss/icss/jobs/status"
)

// `icss status` prints a snapshot the daemon filled.
func ExampleWriteText() {
	s := status.Status{
		GeneratedAt: time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC),
		Day:         "2026-12-04", TimeZone: "UTC",
		Node:       status.Node{Name: "icss-a", Checks: []status.Check{{Name: "database", OK: true}}},
		Stages:     []status.Stage{{Name: "pull", Running: 1}, {Name: "score", Backlog: 2, Parked: 1}},
		Selections: []status.PathCount{{Path: "rule", Count: 3}, {Path: "referral", Count: 1}},
	}
	if err := status.WriteText(os.Stdout, s); err != nil {
		log.Fatal(err)
	}
	// Output:
	// icss on icss-a at 2026-12-04 22:00 UTC: healthy
	// today: 2026-12-04 (UTC)
	//
	// NEEDS ATTENTION
	//   - stage score: 1 parked job (icss jobs list)
	//
	// STAGES
	// STAGE  BACKLOG  RUNNING  FAILED  PARKED
	// pull   0        1        0       0
	// score  2        0        0       1
	//
	// SCHEDULES
	// SCHEDULE  SPEC  LAST RUN  STATE  NEXT RUN
	//   (none configured)
	//
	// DELIVERIES
	// CHANNEL  PENDING  FAILED  OLDEST PENDING
	//   (nothing outstanding)
	//
	// EXAM LISTS TODAY
	// PORT  LIST  CUT-OFF  CONTAINERS  DELIVERED  RETURNED
	//   (none yet)
	//
	// SELECTIONS TODAY (4)
	// PATH      COUNT
	// referral  1
	// rule      3
	//
	// QUARANTINED FILES
	// ENDPOINT  FILE  SINCE  REASON
	//   (none)
	//
	// CHECKS
	// CHECK     STATE  ERROR
	// database  ok     -
}

// How `icss run` serves the page, /healthz, /readyz and /metrics until it is
// told to stop.
func ExampleListen() {
	m := metrics.New()
	srv, err := status.Listen(status.Config{Addr: "127.0.0.1:0"}, status.Options{
		Status: func(ctx context.Context) (status.Status, error) {
			return status.Status{Node: status.Node{Name: "icss-a"}}, nil // the daemon's snapshot
		},
		Ready: []status.ReadyCheck{
			{Name: "database", Ping: func(ctx context.Context) error { return nil }}, // ledger.Ping
		},
		Metrics: m.Handler(),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	stop() // here: stop at once
	if err := srv.Serve(ctx); err != nil {
		log.Fatal(err)
	}
	// Output:
}
