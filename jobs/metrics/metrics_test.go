package metrics

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCounters(t *testing.T) {
	m := New()
	m.FilePulled("cn-rail", 1000)
	m.FilePulled("cn-rail", 500)
	m.FilePulled("kcs", 7)
	m.Records("x12", 120)
	m.Records("x12", 0)
	m.Scored(120, map[string]int64{"rule": 4, "random": 1, "hits": 0})
	m.ExamList("CAPRR", 5)
	m.Result("no-finding")
	m.Delivery("email", "sent")
	m.Delivery("email", "failed")
	m.Delivery("email", "sent")
	m.Job("pull", 2*time.Second, nil)
	m.Job("pull", time.Second, errors.New("dial tcp: refused"))
	m.Time("score")(nil)

	cases := []struct {
		name string
		got  float64
		want float64
	}{
		{"files cn-rail", testutil.ToFloat64(m.filesPulled.WithLabelValues("cn-rail")), 2},
		{"bytes cn-rail", testutil.ToFloat64(m.bytesPulled.WithLabelValues("cn-rail")), 1500},
		{"records x12", testutil.ToFloat64(m.records.WithLabelValues("x12")), 120},
		{"scored", testutil.ToFloat64(m.scored), 120},
		{"selected rule", testutil.ToFloat64(m.selected.WithLabelValues("rule")), 4},
		{"exam lists", testutil.ToFloat64(m.examLists.WithLabelValues("CAPRR")), 1},
		{"exam list containers", testutil.ToFloat64(m.examRows.WithLabelValues("CAPRR")), 5},
		{"results", testutil.ToFloat64(m.results.WithLabelValues("no-finding")), 1},
		{"email sent", testutil.ToFloat64(m.deliveries.WithLabelValues("email", "sent")), 2},
		{"email failed", testutil.ToFloat64(m.deliveries.WithLabelValues("email", "failed")), 1},
		{"pull failures", testutil.ToFloat64(m.jobFailures.WithLabelValues("pull")), 1},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// a zero count creates no series
	if n := testutil.CollectAndCount(m.selected); n != 2 {
		t.Errorf("%d selected series, want 2 (rule, random)", n)
	}
	if n := testutil.CollectAndCount(m.jobDuration); n != 3 {
		t.Errorf("%d job duration series, want 3 (pull ok, pull failed, score ok)", n)
	}

	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body := w.Body.String()
	for _, want := range []string{
		`icss_files_pulled_total{endpoint="cn-rail"} 2`,
		`icss_job_duration_seconds_count{kind="pull",outcome="failed"} 1`,
		`icss_deliveries_total{channel="email",state="sent"} 2`,
		"go_goroutines", "process_cpu_seconds_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
}

// A nil *Metrics records nothing and does not panic: by-hand commands pass nil.
func TestNil(t *testing.T) {
	var m *Metrics
	m.FilePulled("e", 1)
	m.Records("x12", 1)
	m.Scored(1, map[string]int64{"rule": 1})
	m.ExamList("CAPRR", 1)
	m.Result("x")
	m.Delivery("email", "sent")
	m.Job("pull", time.Second, nil)
	m.Time("pull")(errors.New("x"))
}
