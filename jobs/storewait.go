package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// waitForStore keeps a job from being parked for an outage of our own blob store.
// Until its last attempt a failing job is retried with backoff as usual (its errors
// recorded, the status showing it failing). Its last attempt is not spent while the
// blob store does not answer: the job is snoozed instead (River does not count a
// snooze as an attempt) and tries again every retry_backoff_max until the store is
// back; the store is asked before that attempt (an attempt begun in the outage may
// only fail once the store is back) and again after it fails. An S3 outage longer
// than the retry budget thus ends with the work caught up by itself, not with a list
// of parked jobs for an operator to retry; a job that fails with the store up is
// parked as before.
func (d *Daemon) waitForStore() rivertype.Middleware {
	return river.WorkerMiddlewareFunc(func(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
		if job.Attempt < job.MaxAttempts {
			return doInner(ctx)
		}
		if snooze := d.snoozeForStore(ctx, job, nil); snooze != nil {
			return snooze
		}
		err := doInner(ctx)
		if err == nil || ctx.Err() != nil {
			return err
		}
		var snooze *rivertype.JobSnoozeError
		var cancel *rivertype.JobCancelError
		if errors.As(err, &snooze) || errors.As(err, &cancel) {
			return err
		}
		if snooze := d.snoozeForStore(ctx, job, err); snooze != nil {
			return snooze
		}
		return err
	})
}

// snoozeForStore returns a snooze when the blob store does not answer, else nil.
func (d *Daemon) snoozeForStore(ctx context.Context, job *rivertype.JobRow, jobErr error) error {
	pctx, stop := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer stop()
	perr := d.pingBlobs(pctx)
	if perr == nil {
		return nil
	}
	wait := d.cfg.Jobs.RetryBackoffMax
	args := []any{"job", job.ID, "kind", job.Kind, "attempt", job.Attempt, "blob_store", perr, "next_try_in", wait}
	if jobErr != nil {
		args = append(args, "err", jobErr)
	}
	d.log.Warn("the blob store is unreachable; the job's last attempt waits for it instead of being spent", args...)
	return river.JobSnooze(wait)
}
