package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/icss/icss/config"
	"github.com/icss/icss/jobs/schedule"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/storage/state"
)

// scheduleWorker does one logical run of a schedule: it claims the run in the
// ledger (so that it is done once, whatever inserted it how often), starts its stage
// and records the outcome.
type scheduleWorker struct {
	river.WorkerDefaults[ScheduleArgs]
	d *Daemon
}

func (w *scheduleWorker) Work(ctx context.Context, job *river.Job[ScheduleArgs]) error {
	d := w.d
	key := schedule.Key(job.Args.At)
	log := d.log.With("job", job.ID, "kind", KindSchedule, "schedule", job.Args.Schedule, "run", key)
	var sc *named
	for i := range d.scheds {
		if d.scheds[i].name == job.Args.Schedule {
			sc = &d.scheds[i]
		}
	}
	if sc == nil {
		return river.JobCancel(fmt.Errorf("schedule %q is not configured (any more)", job.Args.Schedule))
	}
	run, started, err := d.ledger.StartJobRun(ctx, scheduleJob(sc.name), key, d.cfg.Node, d.cfg.Jobs.Timeout)
	if err != nil {
		return err
	}
	if !started {
		if run.State == state.JobSucceeded {
			log.Info("run already done", "by", run.Node)
			return nil
		}
		log.Info("run in progress on another node; looking again later", "node", run.Node)
		return river.JobSnooze(30 * time.Second)
	}
	log.Info("scheduled run", "stage", sc.stage)
	var runErr error
	switch sc.stage {
	case KindExamList:
		runErr = d.insert(ctx, ExamListArgs{Port: sc.port, Cutoff: job.Args.At.UTC()})
	case config.StagePull:
		for _, e := range d.cfg.Endpoints {
			if (e.Role == config.RoleCarrier || e.Role == config.RolePort) && e.Inbox != "" {
				if err := d.insert(ctx, PullArgs{Endpoint: e.Name}); err != nil {
					runErr = errors.Join(runErr, err)
				}
			}
		}
	case config.StageRetention:
		runErr = d.retention(ctx, log)
	case config.StageLearn:
		runErr = d.learn(ctx, key, log)
	default:
		runErr = fmt.Errorf("stage %q cannot be scheduled", sc.stage)
	}
	if err := d.ledger.FinishJobRun(context.WithoutCancel(ctx), run, runErr); err != nil {
		return errors.Join(runErr, err)
	}
	return runErr
}

// retention deletes the raw copies of files acknowledged longer ago than
// retention.raw (nothing when it is 0).
func (d *Daemon) retention(ctx context.Context, log *slog.Logger) error {
	if d.cfg.Retention.Raw <= 0 {
		return nil
	}
	files, err := d.ledger.FilesInState(ctx, "", state.FileAcknowledged)
	if err != nil {
		return err
	}
	cutoff := time.Now().Add(-d.cfg.Retention.Raw)
	n := 0
	for _, f := range files {
		if f.UpdatedAt.Before(cutoff) && f.BlobKey != "" {
			if err := d.raw.Delete(ctx, f.BlobKey); err != nil {
				return fmt.Errorf("retention: %s/%s: %w", f.Endpoint, f.Name, err)
			}
			n++
		}
	}
	log.Info("retention", "raw_deleted", n, "older_than", d.cfg.Retention.Raw)
	return nil
}

// pullWorker takes one endpoint's ready files into the raw store and the ledger
// (storage/sftp.Puller: exactly once, crash-safe) and enqueues their ingest.
type pullWorker struct {
	river.WorkerDefaults[PullArgs]
	d *Daemon
}

func (w *pullWorker) Work(ctx context.Context, job *river.Job[PullArgs]) error {
	d := w.d
	e, err := d.cfg.Endpoint(job.Args.Endpoint)
	if err != nil {
		return river.JobCancel(err)
	}
	jlog := d.log.With("job", job.ID, "kind", KindPull) // storage/sftp adds the endpoint
	log := jlog.With("endpoint", e.Name)
	client, err := sftp.Dial(ctx, e.SFTP(), jlog)
	if err != nil {
		log.Warn("endpoint unreachable; retrying", "attempt", job.Attempt, "err", err)
		return err
	}
	defer client.Close()
	p := &sftp.Puller{Client: client, Blobs: d.raw, Ledger: d.ledger, SpoolDir: d.cfg.SpoolDir, Log: jlog}
	rep, runErr := p.Run(ctx)
	if rep == nil {
		return runErr
	}
	if errors.Is(runErr, sftp.ErrStorage) {
		// The blob store or the ledger is down, not the carrier's file: the files left
		// in the inbox are not charged, and the job is retried with backoff.
		log.Warn("own storage failing; pull retried", "attempt", job.Attempt, "err", runErr)
	}
	// Files taken before a failure are passed on first: they have left the inbox.
	for _, f := range rep.Files {
		switch f.Outcome {
		case sftp.Taken, sftp.Recovered:
			log.Info("pulled", "file", f.Name, "file_id", f.ID, "sha256", f.SHA256, "bytes", f.Size, "outcome", f.Outcome)
			if f.Outcome == sftp.Taken {
				d.metrics.FilePulled(e.Name, f.Size)
			}
			if err := d.insert(ctx, d.nextOfPull(state.File{Endpoint: e.Name, SHA256: f.SHA256})); err != nil {
				return err
			}
		case sftp.Duplicate:
			log.Info("duplicate of a file taken before; not processed again", "file", f.Name, "file_id", f.ID, "duplicate_of", f.DupOf)
		case sftp.Skipped, sftp.Failed:
			log.Warn("file left in the inbox", "file", f.Name, "outcome", f.Outcome, "reason", f.Reason)
		}
	}
	return runErr
}

// deliverWorker pushes one outgoing file into its endpoint's outbox. storage/sftp's
// Push publishes atomically and finds a retried push already there, so a crash
// between the push and the ledger update does not deliver twice.
type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	d *Daemon
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	d := w.d
	log := d.log.With("job", job.ID, "kind", KindDeliver, "endpoint", job.Args.Endpoint, "file", job.Args.Name)
	dl, err := d.ledger.DeliveryByName(ctx, job.Args.Endpoint, job.Args.Name)
	if errors.Is(err, state.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if dl.State == state.DeliverySent || dl.State == state.DeliveryConfirmed {
		return nil
	}
	err = w.push(ctx, dl)
	if err != nil {
		st := state.DeliveryPending
		if job.Attempt >= job.MaxAttempts {
			st = state.DeliveryFailed
		}
		_ = d.ledger.SetDeliveryState(context.WithoutCancel(ctx), dl.ID, st, err.Error())
		d.metrics.Delivery(channel(dl.Endpoint), map[bool]string{true: "failed", false: "retry"}[st == state.DeliveryFailed])
		log.Warn("delivery failed; retrying", "attempt", job.Attempt, "err", err)
		return err
	}
	if err := d.ledger.SetDeliveryState(ctx, dl.ID, state.DeliverySent, ""); err != nil {
		return err
	}
	d.metrics.Delivery(channel(dl.Endpoint), "sent")
	log.Info("delivered", "sha256", dl.SHA256)
	return nil
}

func (w *deliverWorker) push(ctx context.Context, dl state.Delivery) error {
	d := w.d
	st, key, err := d.storeOf(dl.BlobKey)
	if err != nil {
		return err
	}
	if channel(dl.Endpoint) == "email" {
		data, err := readBlob(ctx, st, key)
		if err != nil {
			return err
		}
		return d.sendExamList(ctx, dl, data)
	}
	e, err := d.cfg.Endpoint(dl.Endpoint)
	if err != nil {
		return err
	}
	rc, _, err := st.Get(ctx, key)
	if err != nil {
		return err
	}
	f, err := d.spool(rc, "icss-deliver-*")
	rc.Close()
	if err != nil {
		return err
	}
	defer removeSpool(f)
	client, err := sftp.Dial(ctx, e.SFTP(), d.log)
	if err != nil {
		return err
	}
	defer client.Close()
	res, err := client.Push(ctx, f.Name(), dl.Name, nil)
	if err != nil {
		return err
	}
	if res.SHA256 != dl.SHA256 {
		return fmt.Errorf("pushed content has SHA-256 %s, the ledger expects %s", res.SHA256, dl.SHA256)
	}
	return nil
}

// channel is how a delivery travels: "email" to a port's recipients, "bucket" to
// the results bucket, else "sftp" (the results stage names its rows "sftp:<name>").
func channel(endpoint string) string {
	switch {
	case strings.HasPrefix(endpoint, "email:"):
		return "email"
	case strings.HasPrefix(endpoint, "bucket:"):
		return "bucket"
	}
	return "sftp"
}
