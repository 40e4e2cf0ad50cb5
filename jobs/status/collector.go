package status

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// Collector exposes a fresh Status as gauges at every scrape, so that alerts can
// fire on what the page shows: parked jobs, failed deliveries, quarantined files,
// a schedule that stopped running, a failed check. Register it beside the
// counters of jobs/metrics:
//
//	m.Registry().MustRegister(status.NewCollector(snapshot, log))
type Collector struct {
	snapshot func(context.Context) (Status, error)
	log      *slog.Logger
}

// NewCollector returns a Collector over snapshot (the function the page uses);
// log receives a failed snapshot (default slog.Default()).
func NewCollector(snapshot func(context.Context) (Status, error), log *slog.Logger) *Collector {
	if log == nil {
		log = slog.Default()
	}
	return &Collector{snapshot: snapshot, log: log}
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("icss_"+name, help, labels, nil)
}

var (
	descUp          = desc("status_up", "1 when the last status snapshot succeeded.")
	descStageJobs   = desc("stage_jobs", "Jobs of a stage by state (backlog, running, failed, parked).", "stage", "state")
	descLastRun     = desc("schedule_last_run_timestamp_seconds", "Logical time of a schedule's last run.", "schedule")
	descNextRun     = desc("schedule_next_run_timestamp_seconds", "Time of a schedule's next run.", "schedule")
	descLastFailed  = desc("schedule_last_run_failed", "1 when a schedule's last run failed.", "schedule")
	descQuarantined = desc("quarantined_files", "Files set aside for a person.")
	descOutstanding = desc("deliveries_outstanding", "Deliveries not yet made, by channel and state (pending, failed).", "channel", "state")
	descListsToday  = desc("exam_lists_today", "Exam lists with today's cut-off, by port.", "port")
	descSelToday    = desc("selected_today", "Records selected for exam today, by path.", "path")
	descCheckUp     = desc("check_up", "1 when a readiness check passed.", "check")
)

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descUp, descStageJobs, descLastRun, descNextRun, descLastFailed,
		descQuarantined, descOutstanding, descListsToday, descSelToday, descCheckUp} {
		ch <- d
	}
}

// Collect implements prometheus.Collector: one snapshot, bounded by CheckTimeout.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), CheckTimeout)
	defer cancel()
	s, err := c.snapshot(ctx)
	if err != nil {
		c.log.Error("status snapshot for metrics failed", "err", err)
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descUp, 1)
	for _, st := range s.Stages {
		gauge(descStageJobs, float64(st.Backlog), st.Name, "backlog")
		gauge(descStageJobs, float64(st.Running), st.Name, "running")
		gauge(descStageJobs, float64(st.Failed), st.Name, "failed")
		gauge(descStageJobs, float64(st.Parked), st.Name, "parked")
	}
	for _, sc := range s.Schedules {
		if !sc.LastRun.IsZero() {
			gauge(descLastRun, float64(sc.LastRun.Unix()), sc.Name)
		}
		if !sc.NextRun.IsZero() {
			gauge(descNextRun, float64(sc.NextRun.Unix()), sc.Name)
		}
		gauge(descLastFailed, boolGauge(sc.LastState == "failed"), sc.Name)
	}
	gauge(descQuarantined, float64(len(s.Quarantined)))
	for _, d := range s.Deliveries {
		gauge(descOutstanding, float64(d.Pending), d.Channel, "pending")
		gauge(descOutstanding, float64(d.Failed), d.Channel, "failed")
	}
	lists := map[string]int{}
	for _, l := range s.ExamLists {
		lists[l.Port]++
	}
	for port, n := range lists {
		gauge(descListsToday, float64(n), port)
	}
	for _, p := range s.Selections {
		gauge(descSelToday, float64(p.Count), p.Path)
	}
	for _, chk := range s.Node.Checks {
		gauge(descCheckUp, boolGauge(chk.OK), chk.Name)
	}
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
