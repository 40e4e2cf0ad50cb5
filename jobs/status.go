package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/icss/icss/jobs/schedule"
	"github.com/icss/icss/jobs/status"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/examlist"
)

type kindCount struct {
	kind  string
	state rivertype.JobState
	tried bool // attempted before: a job waiting in these states is being retried
	// retried: attempted more than once, so it failed before; a running one is in
	// its retry (an endpoint or the blob store still down, typically).
	retried bool
	n       int
}

// countJobs counts River's jobs by kind, state and whether they were tried before.
func (d *Daemon) countJobs(ctx context.Context) ([]kindCount, error) {
	const q = `SELECT kind, state, attempt > 0, attempt > 1, COUNT(*) FROM river_job GROUP BY kind, state, attempt > 0, attempt > 1`
	var out []kindCount
	add := func(kind, st string, tried, retried bool, n int) {
		out = append(out, kindCount{kind, rivertype.JobState(st), tried, retried, n})
	}
	var rows interface {
		Next() bool
		Scan(...any) error
		Err() error
	}
	if d.q.pool != nil {
		r, err := d.q.pool.Query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("jobs: count: %w", err)
		}
		defer r.Close()
		rows = r
	} else {
		r, err := d.q.db.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("jobs: count: %w", err)
		}
		defer r.Close()
		rows = r
	}
	for rows.Next() {
		var k, s string
		var tried, retried bool
		var n int
		if err := rows.Scan(&k, &s, &tried, &retried, &n); err != nil {
			return nil, err
		}
		add(k, s, tried, retried, n)
	}
	return out, rows.Err()
}

// Status takes a snapshot of the node and the corridor: jobs per stage from River;
// schedules, quarantined files, deliveries and today's selections from the ledger.
// "Today" is the calendar day in the zone of the first port's cut-offs (UTC when
// there is none).
func (d *Daemon) Status(ctx context.Context, version string) (*status.Status, error) {
	now := time.Now()
	loc := time.UTC
	for _, p := range d.cfg.Ports {
		if s, err := schedule.Parse(p.Cutoffs); err == nil {
			loc = s.Location()
			break
		}
	}
	y, m, dd := now.In(loc).Date()
	dayStart := time.Date(y, m, dd, 0, 0, 0, 0, loc)
	st := &status.Status{GeneratedAt: now.UTC(), Day: dayStart.Format(time.DateOnly), TimeZone: loc.String(),
		Node: status.Node{Name: d.cfg.Node, Version: version, StartedAt: d.startedAt.UTC()}}
	st.Node.Checks = d.checks(ctx)

	counts, err := d.countJobs(ctx)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	for _, k := range Stages() {
		idx[k] = len(st.Stages)
		st.Stages = append(st.Stages, status.Stage{Name: k})
	}
	for _, c := range counts {
		i, ok := idx[c.kind]
		if !ok { // a kind of a newer node: shown all the same
			i = len(st.Stages)
			idx[c.kind] = i
			st.Stages = append(st.Stages, status.Stage{Name: c.kind})
		}
		s := &st.Stages[i]
		switch c.state {
		case rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStatePending:
			if c.tried && c.state != rivertype.JobStatePending {
				s.Failed += c.n // failed before, waiting for its next attempt
				continue
			}
			s.Backlog += c.n
		case rivertype.JobStateRunning:
			s.Running += c.n
			if c.retried {
				// A retry in flight: the stage is still failing until it succeeds. A
				// failing pull spends most of its time here (each attempt waits out the
				// store's or the server's timeouts), so counting only the pauses between
				// attempts would show it healthy most of the time.
				s.Failed += c.n
			}
		case rivertype.JobStateRetryable:
			s.Failed += c.n
		case rivertype.JobStateDiscarded, rivertype.JobStateCancelled:
			s.Parked += c.n
		}
	}
	for _, s := range d.scheds {
		sc := status.Schedule{Name: s.name, Spec: s.s.String(), NextRun: s.s.Next(now).UTC()}
		if run, err := d.ledger.LatestJobRun(ctx, scheduleJob(s.name)); err == nil {
			sc.LastRun, _ = schedule.ParseKey(run.RunKey)
			sc.LastState, sc.LastError = string(run.State), run.Error
		} else if !errors.Is(err, state.ErrNotFound) {
			return nil, err
		}
		st.Schedules = append(st.Schedules, sc)
	}
	q, err := d.ledger.FilesInState(ctx, "", state.FileQuarantined)
	if err != nil {
		return nil, err
	}
	for _, f := range q {
		st.Quarantined = append(st.Quarantined, status.Quarantined{Endpoint: f.Endpoint, Name: f.Name, SHA256: f.SHA256, Reason: f.LastError, Since: f.UpdatedAt})
	}
	byChannel := map[string]*status.Deliveries{}
	for _, ch := range []string{"sftp", "email", "bucket"} {
		st.Deliveries = append(st.Deliveries, status.Deliveries{Channel: ch})
	}
	for i := range st.Deliveries {
		byChannel[st.Deliveries[i].Channel] = &st.Deliveries[i]
	}
	for _, ds := range []state.DeliveryState{state.DeliveryPending, state.DeliveryFailed} {
		list, err := d.ledger.DeliveriesInState(ctx, "", ds)
		if err != nil {
			return nil, err
		}
		for _, x := range list {
			c := byChannel[channel(x.Endpoint)]
			if ds == state.DeliveryFailed {
				c.Failed++
				continue
			}
			c.Pending++
			if c.OldestPending.IsZero() || x.CreatedAt.Before(c.OldestPending) {
				c.OldestPending = x.CreatedAt
			}
		}
	}
	if st.ExamLists, err = d.examListsSince(ctx, dayStart); err != nil {
		return nil, err
	}
	if st.Selections, err = d.selections(ctx, dayStart); err != nil {
		return nil, err
	}
	st.Sort()
	return st, nil
}

// selections counts the day's selections for exam by path, from the findings the
// score stage keeps with each score.
func (d *Daemon) selections(ctx context.Context, since time.Time) ([]status.PathCount, error) {
	db := d.ledger.DB()
	q := `SELECT findings FROM scores WHERE decision = ? AND scored_at >= ?`
	if d.ledger.Driver() == state.DriverPostgres {
		q = `SELECT findings FROM scores WHERE decision = $1 AND scored_at >= $2`
	}
	rows, err := db.QueryContext(ctx, q, DecisionExamine, since.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("jobs: selections: %w", err)
	}
	defer rows.Close()
	by := map[string]int{}
	for rows.Next() {
		var f sql.NullString
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		var a struct {
			Path string `json:"path"`
		}
		if json.Unmarshal([]byte(f.String), &a) == nil && a.Path != "" {
			by[a.Path]++
		}
	}
	var out []status.PathCount
	for p, n := range by {
		out = append(out, status.PathCount{Path: p, Count: n})
	}
	return out, rows.Err()
}

// checks are the readiness checks: the ledger, the job queue and the blob store.
// They run at once, each with its own time limit, so that one dependency down (an S3
// client retrying until its deadline) neither delays nor fails the others' checks.
func (d *Daemon) checks(ctx context.Context) []status.Check {
	probes := []struct {
		name string
		ping func(context.Context) error
	}{
		{"database", d.ledger.DB().PingContext},
		{"jobs", func(ctx context.Context) error {
			_, err := d.q.client.JobList(ctx, river.NewJobListParams().First(1))
			return err
		}},
		{"blob store", d.pingBlobs},
	}
	out := make([]status.Check, len(probes))
	var wg sync.WaitGroup
	for i, p := range probes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			out[i] = status.Check{Name: p.name, OK: true}
			if err := p.ping(ctx); err != nil {
				out[i].OK, out[i].Error = false, err.Error()
			}
		}()
	}
	wg.Wait()
	return out
}

// pingBlobs asks the blob store about an object that need not exist: any answer
// means it is reachable and takes our credentials.
func (d *Daemon) pingBlobs(ctx context.Context) error {
	_, err := d.records.Stat(ctx, "icss-readiness-probe")
	if errors.Is(err, blob.ErrNotExist) {
		return nil
	}
	return err
}

// Jobs lists the jobs in the given states (default: parked and failed, what an
// operator acts on), newest first.
func (d *Daemon) Jobs(ctx context.Context, states ...rivertype.JobState) ([]*rivertype.JobRow, error) {
	if len(states) == 0 {
		states = []rivertype.JobState{rivertype.JobStateDiscarded, rivertype.JobStateCancelled, rivertype.JobStateRetryable}
	}
	res, err := d.q.client.JobList(ctx, river.NewJobListParams().States(states...).OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(10000))
	if err != nil {
		return nil, fmt.Errorf("jobs: list: %w", err)
	}
	return res.Jobs, nil
}

// Trigger runs a schedule now, as if its time had come (for operators, and tests);
// the run's key is the current second, so it never collides with a scheduled run.
func (d *Daemon) Trigger(ctx context.Context, name string) error {
	for _, s := range d.scheds {
		if s.name == name {
			return d.insert(ctx, ScheduleArgs{Schedule: s.name, At: time.Now().UTC().Truncate(time.Second)})
		}
	}
	names := make([]string, len(d.scheds))
	for i, s := range d.scheds {
		names[i] = s.name
	}
	return fmt.Errorf("no schedule %q (configured: %s)", name, strings.Join(names, ", "))
}

// Retry makes a parked, failed or cancelled job available again, with its attempts
// left intact (River counts them from where they were).
func (d *Daemon) Retry(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	return d.q.client.JobRetry(ctx, id)
}

// Cancel cancels a job for good (it stays listed as cancelled).
func (d *Daemon) Cancel(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	return d.q.client.JobCancel(ctx, id)
}

// serveStatus runs the status server (jobs/status: /healthz, /readyz, /metrics,
// /status.json, the page) until ctx ends; http.addr "off" disables it.
func (d *Daemon) serveStatus(ctx context.Context, version string) (func(), error) {
	if d.cfg.HTTP.Off() {
		return func() {}, nil
	}
	srv, err := status.Listen(d.cfg.HTTP.Server(), status.Options{
		Status: func(ctx context.Context) (status.Status, error) {
			st, err := d.Status(ctx, version)
			if err != nil {
				return status.Status{}, err
			}
			return *st, nil
		},
		Ready: []status.ReadyCheck{
			{Name: "database", Ping: d.ledger.DB().PingContext},
			{Name: "blob store", Ping: d.pingBlobs},
		},
		Metrics: d.metrics.Handler(),
		Log:     d.log,
	})
	if err != nil {
		return nil, fmt.Errorf("http: %w", err)
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(sctx); err != nil {
			d.log.Error("status server stopped", "err", err)
		}
	}()
	d.log.Info("status server listening", "addr", srv.Addr().String())
	return func() { cancel(); <-done }, nil
}

// examListsSince lists the exam lists built since the start of the day: cut-off and
// containers from the workbook's issued entries, the channels each has reached, and
// how many of its exams have a result (the evidence index).
func (d *Daemon) examListsSince(ctx context.Context, since time.Time) ([]status.ExamList, error) {
	db := d.ledger.DB()
	q := `SELECT l.name, l.blob_key, (SELECT COUNT(DISTINCT m.exam_id) FROM evidence_manifests m WHERE m.exam_list = l.name)
		FROM exam_lists l WHERE l.created_at >= ? ORDER BY l.name`
	if d.ledger.Driver() == state.DriverPostgres {
		q = strings.Replace(q, "?", "$1", 1)
	}
	rows, err := db.QueryContext(ctx, q, since.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("jobs: exam lists: %w", err)
	}
	defer rows.Close()
	var out []status.ExamList
	var keys []string
	for rows.Next() {
		var l status.ExamList
		var key string
		if err := rows.Scan(&l.ListID, &key, &l.Returned); err != nil {
			return nil, err
		}
		l.Port, _, _ = strings.Cut(l.ListID, "-")
		out, keys = append(out, l), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	lists, err := d.blobs.Get(blob.ExamLists)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if data, err := readBlob(ctx, lists, keys[i]); err == nil {
			if meta, _, err := examlist.ReadIssued(bytes.NewReader(data)); err == nil {
				out[i].Cutoff, out[i].Containers = meta.Cutoff, meta.Rows
			}
		}
		for _, ep := range []string{"", emailEndpoint(out[i].Port)} {
			if ep == "" {
				if p, ok := d.port(out[i].Port); ok {
					ep = p.Endpoint
				}
			}
			if dl, err := d.ledger.DeliveryByName(ctx, ep, out[i].ListID+".xlsx"); err == nil && dl.State == state.DeliverySent {
				out[i].Delivered = append(out[i].Delivered, channel(ep))
			}
		}
	}
	return out, nil
}
