package metrics_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/icss/icss/jobs/metrics"
)

// The daemon makes one Metrics, passes it to the jobs, and serves its Handler
// at /metrics (status.Options.Metrics).
func Example() {
	m := metrics.New()

	done := m.Time("pull")
	m.FilePulled("cn-rail", 48213)
	done(nil)

	m.Scored(120, map[string]int64{"rule": 4, "random": 1})
	m.Delivery("email", "sent")

	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if strings.HasPrefix(line, "icss_") && !strings.Contains(line, "duration") {
			fmt.Println(line)
		}
	}
	// Output:
	// icss_deliveries_total{channel="email",state="sent"} 1
	// icss_files_pulled_total{endpoint="cn-rail"} 1
	// icss_pulled_bytes_total{endpoint="cn-rail"} 48213
	// icss_scored_total 120
	// icss_selected_total{path="random"} 1
	// icss_selected_total{path="rule"} 4
}
