package status

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func scrape(t *testing.T, c prometheus.Collector) string {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	w := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	return w.Body.String()
}

func TestCollector(t *testing.T) {
	c := NewCollector(func(context.Context) (Status, error) { return sample(), nil }, nil)
	// 7 stages x 4 states, 3 schedules x 3, quarantined, 2 channels x 2, 2 ports, 4 paths, 2 checks, up
	if got, want := testutil.CollectAndCount(c), 7*4+3*3+1+2*2+2+4+2+1; got != want {
		t.Errorf("%d series, want %d", got, want)
	}
	body := scrape(t, c)
	for _, want := range []string{
		`icss_status_up 1`,
		`icss_stage_jobs{stage="import-returns",state="parked"} 2`,
		`icss_stage_jobs{stage="ingest",state="backlog"} 3`,
		`icss_schedule_last_run_failed{schedule="learn"} 1`,
		`icss_schedule_last_run_failed{schedule="pull"} 0`,
		`icss_schedule_next_run_timestamp_seconds{schedule="pull"} 1.7964279e+09`,
		`icss_quarantined_files 1`,
		`icss_deliveries_outstanding{channel="email",state="failed"} 1`,
		`icss_exam_lists_today{port="CAPRR"} 1`,
		`icss_selected_today{path="rule"} 12`,
		`icss_check_up{check="database"} 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("scrape lacks %s", want)
		}
	}

	down := NewCollector(func(context.Context) (Status, error) { return Status{}, errors.New("db gone") }, slog.New(slog.DiscardHandler))
	if body := scrape(t, down); !strings.Contains(body, "icss_status_up 0\n") || strings.Contains(body, "icss_stage_jobs") {
		t.Errorf("failed snapshot:\n%s", body)
	}
}
