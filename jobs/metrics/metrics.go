package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every metric name.
const Namespace = "icss"

// Metrics is the set of icss collectors in its own registry (with the Go runtime
// and process collectors), so tests can make as many as they like.
type Metrics struct {
	reg *prometheus.Registry

	filesPulled *prometheus.CounterVec
	bytesPulled *prometheus.CounterVec
	records     *prometheus.CounterVec
	scored      prometheus.Counter
	selected    *prometheus.CounterVec
	examLists   *prometheus.CounterVec
	examRows    *prometheus.CounterVec
	results     *prometheus.CounterVec
	deliveries  *prometheus.CounterVec
	jobDuration *prometheus.HistogramVec
	jobFailures *prometheus.CounterVec
}

// New registers the collectors in a fresh registry.
func New() *Metrics {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
	}
	m := &Metrics{
		reg:         prometheus.NewRegistry(),
		filesPulled: counter("files_pulled_total", "Files pulled from an SFTP endpoint and stored.", "endpoint"),
		bytesPulled: counter("pulled_bytes_total", "Bytes of the files pulled from an SFTP endpoint.", "endpoint"),
		records:     counter("records_total", "Harmonized record versions written, by input standard.", "standard"),
		scored: prometheus.NewCounter(prometheus.CounterOpts{Namespace: Namespace, Name: "scored_total",
			Help: "Records risk-scored."}),
		selected:   counter("selected_total", "Records selected for exam, by selection path.", "path"),
		examLists:  counter("exam_lists_total", "Exam lists built, by port.", "port"),
		examRows:   counter("exam_list_containers_total", "Containers on the exam lists built, by port.", "port"),
		results:    counter("results_total", "Exam results recorded from returns, by outcome.", "outcome"),
		deliveries: counter("deliveries_total", "Delivery attempts by channel (sftp, bucket, email) and resulting state.", "channel", "state"),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "job_duration_seconds",
			Help:    "Duration of job runs, by job kind and outcome (ok, failed).",
			Buckets: []float64{0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900}}, []string{"kind", "outcome"}),
		jobFailures: counter("job_failures_total", "Failed job runs, by job kind.", "kind"),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.filesPulled, m.bytesPulled, m.records, m.scored, m.selected, m.examLists, m.examRows,
		m.results, m.deliveries, m.jobDuration, m.jobFailures,
	)
	return m
}

// Registry is where the collectors live; the daemon may register its own (River's
// queue depth, say) beside them.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// FilePulled counts one file pulled from endpoint and its size.
func (m *Metrics) FilePulled(endpoint string, size int64) {
	if m == nil {
		return
	}
	m.filesPulled.WithLabelValues(endpoint).Inc()
	m.bytesPulled.WithLabelValues(endpoint).Add(float64(size))
}

// Records counts n record versions normalized from input of standard ("x12",
// "edifact", "tabular").
func (m *Metrics) Records(standard string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.records.WithLabelValues(standard).Add(float64(n))
}

// Scored counts n records scored and, by path, those selected (risk.Path*; the
// map risk's stream summary keeps, ByPath, fits as it is).
func (m *Metrics) Scored(n int, selectedByPath map[string]int64) {
	if m == nil {
		return
	}
	if n > 0 {
		m.scored.Add(float64(n))
	}
	for path, k := range selectedByPath {
		if k > 0 {
			m.selected.WithLabelValues(path).Add(float64(k))
		}
	}
}

// ExamList counts one exam list built for port with its number of containers.
func (m *Metrics) ExamList(port string, containers int) {
	if m == nil {
		return
	}
	m.examLists.WithLabelValues(port).Inc()
	m.examRows.WithLabelValues(port).Add(float64(containers))
}

// Result counts one exam result recorded, by outcome (exam.Outcome).
func (m *Metrics) Result(outcome string) {
	if m == nil {
		return
	}
	m.results.WithLabelValues(outcome).Inc()
}

// Delivery counts one delivery attempt on channel ("sftp", "bucket", "email")
// ending in state ("sent", "failed", "retry", "duplicate", ...).
func (m *Metrics) Delivery(channel, state string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(channel, state).Inc()
}

// Job records one run of a job of kind that took d; a non-nil err counts as a
// failure.
func (m *Metrics) Job(kind string, d time.Duration, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "failed"
		m.jobFailures.WithLabelValues(kind).Inc()
	}
	m.jobDuration.WithLabelValues(kind, outcome).Observe(d.Seconds())
}

// Time starts timing a job of kind; call the returned function with the job's
// error when it ends.
func (m *Metrics) Time(kind string) func(error) {
	start := time.Now()
	return func(err error) { m.Job(kind, time.Since(start), err) }
}
