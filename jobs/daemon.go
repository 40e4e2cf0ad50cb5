package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/icss/icss/config"
	"github.com/icss/icss/jobs/metrics"
	"github.com/icss/icss/jobs/schedule"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
)

// Daemon runs the corridor's stages for one node.
type Daemon struct {
	cfg       *config.Config
	ledger    *state.Ledger
	blobs     blob.Set
	raw       blob.Store
	records   blob.Store
	q         *jobsDB
	log       *slog.Logger
	scheds    []named
	startedAt time.Time
	engines   engineCache
	metrics   *metrics.Metrics
}

// named is a configured schedule: one of config.Schedules, or a port's cut-offs
// (name "exam-list-<port>", stage exam-list).
type named struct {
	name, stage, port string
	s                 *schedule.Schedule
}

// Open prepares a node: the ledger, the blob stores and the job queue. withWorkers
// false opens a client that only reads and manages jobs (icss status, icss jobs).
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger, withWorkers bool) (*Daemon, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Daemon{cfg: cfg, log: log, startedAt: time.Now(), metrics: metrics.New()}
	for _, s := range cfg.Schedules {
		sc, err := schedule.Parse(s.Spec)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", s.Name, err)
		}
		d.scheds = append(d.scheds, named{name: s.Name, stage: s.Stage, s: sc})
	}
	for _, p := range cfg.Ports {
		sc, err := schedule.Parse(p.Cutoffs)
		if err != nil {
			return nil, fmt.Errorf("port %s: %w", p.Code, err)
		}
		d.scheds = append(d.scheds, named{name: "exam-list-" + strings.ToLower(p.Code), stage: KindExamList, port: p.Code, s: sc})
	}
	if cfg.State.Driver == state.DriverSQLite {
		if err := os.MkdirAll(filepath.Dir(cfg.State.DSN), 0o750); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(cfg.SpoolDir, 0o750); err != nil {
		return nil, err
	}
	var err error
	if d.ledger, err = state.Open(ctx, cfg.State.Ledger(nil)); err != nil {
		return nil, err
	}
	if d.blobs, err = cfg.Blob.Open(ctx); err != nil {
		d.ledger.Close()
		return nil, err
	}
	d.raw, _ = d.blobs.Get(blob.Raw)
	d.records, _ = d.blobs.Get(blob.Records)
	if d.raw == nil || d.records == nil {
		d.Close()
		return nil, errors.New("jobs: the blob store has no raw or records store")
	}
	var workers *river.Workers
	if withWorkers {
		workers = river.NewWorkers()
		river.AddWorker(workers, &scheduleWorker{d: d})
		river.AddWorker(workers, &pullWorker{d: d})
		river.AddWorker(workers, &ingestWorker{d: d})
		river.AddWorker(workers, &deliverWorker{d: d})
		river.AddWorker(workers, &scoreWorker{d: d})
		river.AddWorker(workers, &examListWorker{d: d})
		river.AddWorker(workers, &importWorker{d: d})
		river.AddWorker(workers, &resultsWorker{d: d})
		river.AddWorker(workers, &noticesWorker{d: d})
	}
	// Every job's duration and outcome go to the metrics.
	timing := river.WorkerMiddlewareFunc(func(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
		start := time.Now()
		err := doInner(ctx)
		d.metrics.Job(job.Kind, time.Since(start), err)
		return err
	})
	if d.q, err = openQueue(ctx, cfg, workers, []rivertype.Middleware{timing, d.waitForStore()}, log); err != nil {
		d.Close()
		return nil, err
	}
	if withWorkers {
		if n, err := d.q.requeueOrphans(ctx, cfg.Node); err != nil {
			d.Close()
			return nil, err
		} else if n > 0 {
			log.Warn("jobs this node was running when it stopped are queued again", "jobs", n)
		}
	}
	return d, nil
}

// Close releases what Open opened.
func (d *Daemon) Close() error {
	if d.q != nil {
		d.q.close()
	}
	if d.blobs != nil {
		d.blobs.Close()
	}
	if d.ledger != nil {
		return d.ledger.Close()
	}
	return nil
}

// Ledger is the node's ledger (for status and tests).
func (d *Daemon) Ledger() *state.Ledger { return d.ledger }

// Run works every stage on its schedule until ctx ends (SIGTERM, SIGINT), then
// stops taking jobs and lets the running ones finish within jobs.shutdown_timeout;
// those still running are cancelled and will be retried (here or on another node).
func (d *Daemon) Run(ctx context.Context, version string) error {
	stopHTTP, err := d.serveStatus(ctx, version)
	if err != nil {
		return err
	}
	defer stopHTTP()
	if err := d.q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	d.log.Info("icss run started", "node", d.cfg.Node, "schedules", len(d.scheds), "workers", d.cfg.Jobs.Workers)
	if err := d.catchUp(ctx); err != nil {
		d.log.Error("catch-up after downtime failed; the next scheduled runs go ahead", "err", err)
	}
	if err := d.sweep(ctx); err != nil {
		d.log.Error("sweep of unfinished work failed", "err", err)
	}
	d.tickLoop(ctx)
	return d.stop()
}

// stop stops taking jobs and waits for the running ones, bounded.
func (d *Daemon) stop() error {
	d.log.Info("stopping: no new jobs; waiting for running ones", "timeout", d.cfg.Jobs.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), d.cfg.Jobs.ShutdownTimeout)
	defer cancel()
	if err := d.q.client.Stop(sctx); err != nil {
		d.log.Warn("running jobs did not finish in time; cancelling them (they will be retried)", "err", err)
		cctx, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel2()
		if err := d.q.client.StopAndCancel(cctx); err != nil {
			return fmt.Errorf("jobs: stop: %w", err)
		}
	}
	d.log.Info("stopped")
	return nil
}

// OnceResult says how `icss run --once` ended.
type OnceResult struct {
	// Waiting counts jobs still waiting for a retry when the wait ran out.
	Waiting int
	// Parked lists the jobs parked during the run.
	Parked []*rivertype.JobRow
}

// RunOnce treats every schedule as due now, works until no job is left to run (or
// only retries remain after wait), and stops.
func (d *Daemon) RunOnce(ctx context.Context, wait time.Duration) (OnceResult, error) {
	var res OnceResult
	start := time.Now()
	if err := d.q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return res, fmt.Errorf("jobs: start: %w", err)
	}
	at := start.UTC().Truncate(time.Second)
	if err := d.sweep(ctx); err != nil {
		d.stop()
		return res, err
	}
	// Phase by phase, in flow order: an exam list cut now must see what the pulls
	// of this run brought in.
	for _, phase := range oncePhases {
		for _, s := range d.scheds {
			if !slices.Contains(phase, s.stage) {
				continue
			}
			if err := d.insert(ctx, ScheduleArgs{Schedule: s.name, At: at}); err != nil {
				d.stop()
				return res, err
			}
		}
		waiting, err := d.drain(ctx, wait)
		if err != nil {
			d.stop()
			return res, err
		}
		res.Waiting = waiting
	}
	parked, err := d.q.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateDiscarded).First(1000))
	if err == nil {
		for _, j := range parked.Jobs {
			if j.FinalizedAt != nil && j.FinalizedAt.After(start) {
				res.Parked = append(res.Parked, j)
			}
		}
	}
	return res, d.stop()
}

// oncePhases are the scheduled stages in flow order, for RunOnce.
var oncePhases = [][]string{{config.StagePull, config.StageRetention}, {KindExamList}, {config.StageLearn}}

// drain waits until no job is left to run now, and no retry is due within wait; it
// returns how many jobs are still waiting for a retry.
func (d *Daemon) drain(ctx context.Context, wait time.Duration) (int, error) {
	var deadline time.Time
	for {
		live, waiting, err := d.pending(ctx)
		if err != nil {
			return 0, err
		}
		if live == 0 && waiting == 0 {
			return 0, nil
		}
		if live == 0 {
			if deadline.IsZero() {
				deadline = time.Now().Add(wait)
			}
			if time.Now().After(deadline) {
				return waiting, nil
			}
		} else {
			deadline = time.Time{}
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// pending counts jobs that will run now (available, running, pending) and jobs
// waiting for a later attempt (retryable, scheduled).
func (d *Daemon) pending(ctx context.Context) (live, waiting int, err error) {
	counts, err := d.countJobs(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, c := range counts {
		switch c.state {
		case rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStatePending:
			live += c.n
		case rivertype.JobStateRetryable, rivertype.JobStateScheduled:
			waiting += c.n
		}
	}
	return live, waiting, nil
}

// insert enqueues a job; a duplicate of a live one is not an error (that is the point).
func (d *Daemon) insert(ctx context.Context, args river.JobArgs) error {
	res, err := d.q.client.Insert(ctx, args, nil)
	if err != nil {
		return fmt.Errorf("jobs: enqueue %s %+v: %w", args.Kind(), args, err)
	}
	if !res.UniqueSkippedAsDuplicate {
		d.log.Debug("enqueued", "kind", args.Kind(), "job", res.Job.ID, "args", string(res.Job.EncodedArgs))
	}
	return nil
}

// sweep enqueues the work the ledger shows unfinished: files pulled but not ingested,
// deliveries not made. After a crash between a stage and the insert of the next
// one, this is what carries the work on (the inserts are unique, so a sweep never
// doubles a job).
func (d *Daemon) sweep(ctx context.Context) error {
	for _, st := range []state.FileState{state.FileFetched, state.FileArchived, state.FileParsed} {
		files, err := d.ledger.FilesInState(ctx, "", st)
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := d.insert(ctx, d.nextOfPull(f)); err != nil {
				return err
			}
		}
	}
	// Notices and result batches work from the ledger and the evidence chain; a run
	// finds what a stage killed before queueing them left undone.
	if err := d.insert(ctx, NoticesArgs{}); err != nil {
		return err
	}
	if d.cfg.Results != nil {
		if err := d.insert(ctx, ResultsArgs{}); err != nil {
			return err
		}
	}
	pend, err := d.ledger.DeliveriesInState(ctx, "", state.DeliveryPending)
	if err != nil {
		return err
	}
	for _, p := range pend {
		if !strings.Contains(p.BlobKey, ":") {
			continue // another stage's (results, notices): it delivers its own
		}
		if err := d.insert(ctx, DeliverArgs{Endpoint: p.Endpoint, Name: p.Name}); err != nil {
			return err
		}
	}
	return nil
}

// nextOfPull is the job a pulled file goes to: ingest for a carrier's file, the
// import of its port's returns for a port's.
func (d *Daemon) nextOfPull(f state.File) river.JobArgs {
	if e, err := d.cfg.Endpoint(f.Endpoint); err == nil && e.Role == config.RolePort {
		return ImportArgs{Endpoint: f.Endpoint}
	}
	return IngestArgs{Endpoint: f.Endpoint, SHA256: f.SHA256}
}

// catchUp runs, once, the latest run time each schedule missed since its last run
// (the ledger's job_runs). A schedule that never ran waits for its next time.
func (d *Daemon) catchUp(ctx context.Context) error {
	now := time.Now()
	for _, s := range d.scheds {
		last, err := d.ledger.LatestJobRun(ctx, scheduleJob(s.name))
		if errors.Is(err, state.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		lt, err := schedule.ParseKey(last.RunKey)
		if err != nil {
			return err
		}
		if due := s.s.Prev(lt, now); !due.IsZero() {
			d.log.Info("catching up a run missed while down", "schedule", s.name, "run", schedule.Key(due), "last", last.RunKey)
			if err := d.insert(ctx, ScheduleArgs{Schedule: s.name, At: due.UTC()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// tickLoop inserts each schedule's runs as their times come, until ctx ends. Every
// node does it; the unique insert and the ledger's run claim keep a run single.
func (d *Daemon) tickLoop(ctx context.Context) {
	next := make([]time.Time, len(d.scheds))
	now := time.Now()
	for i, s := range d.scheds {
		next[i] = s.s.Next(now)
	}
	for {
		soonest := time.Time{}
		for _, n := range next {
			if !n.IsZero() && (soonest.IsZero() || n.Before(soonest)) {
				soonest = n
			}
		}
		wait := time.Hour
		if !soonest.IsZero() {
			wait = time.Until(soonest)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(max(wait, 0)):
		}
		now := time.Now()
		for i, s := range d.scheds {
			if next[i].IsZero() || next[i].After(now) {
				continue
			}
			at := next[i]
			// A node suspended past several run times does the latest one.
			for n := s.s.Next(at); !n.IsZero() && !n.After(now); n = s.s.Next(n) {
				at = n
			}
			if err := d.insert(ctx, ScheduleArgs{Schedule: s.name, At: at.UTC()}); err != nil {
				d.log.Error("could not enqueue a scheduled run; retrying at the next tick", "schedule", s.name, "run", schedule.Key(at), "err", err)
				continue
			}
			next[i] = s.s.Next(at)
		}
	}
}

func scheduleJob(name string) string { return "schedule:" + name }

// spool copies r into a new spool file, rewound; the caller removes it.
func (d *Daemon) spool(r io.Reader, pattern string) (*os.File, error) {
	f, err := os.CreateTemp(d.cfg.SpoolDir, pattern)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// removeSpool closes and removes a spool file.
func removeSpool(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// storeOf resolves a delivery's blob reference "<purpose>:<key>".
func (d *Daemon) storeOf(ref string) (blob.Store, string, error) {
	p, key, ok := strings.Cut(ref, ":")
	if !ok {
		return nil, "", fmt.Errorf("blob reference %q is not <purpose>:<key>", ref)
	}
	st, err := d.blobs.Get(blob.Purpose(p))
	return st, key, err
}
