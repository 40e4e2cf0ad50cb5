package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// JobState is where a job run stands.
type JobState string

// The job run states.
const (
	JobRunning   JobState = "running"
	JobSucceeded JobState = "succeeded"
	JobFailed    JobState = "failed"
)

// JobRun is one run of a scheduled job, identified by its run key (the
// logical run: "2026-11-27T08:00Z", not the wall-clock start), so a run is
// done once whatever the scheduler does around restarts, DST and nodes.
type JobRun struct {
	ID         int64
	Job        string
	RunKey     string
	State      JobState
	Node       string
	Attempts   int
	StartedAt  time.Time
	FinishedAt time.Time // zero while running
	Error      string
}

const jobCols = "id, job, run_key, state, node, attempts, started_at, COALESCE(finished_at, 0), error"

func scanJob(r scanner) (JobRun, error) {
	var j JobRun
	var st string
	var s, f int64
	err := r.Scan(&j.ID, &j.Job, &j.RunKey, &st, &j.Node, &j.Attempts, &s, &f, &j.Error)
	j.State, j.StartedAt = JobState(st), fromDB(s)
	if f != 0 {
		j.FinishedAt = fromDB(f)
	}
	return j, err
}

// StartJobRun claims the run (job, runKey) for node. It returns started=true
// when the caller must do the run: a new run, a failed run being retried, or
// a run left "running" for longer than staleAfter (its node died; 0 never
// takes a running run over). Otherwise the run is done or another node has
// it, and the returned JobRun says which.
func (l *Ledger) StartJobRun(ctx context.Context, job, runKey, node string, staleAfter time.Duration) (JobRun, bool, error) {
	if job == "" || runKey == "" {
		return JobRun{}, false, fmt.Errorf("state: job run %q/%q: job and run key are required", job, runKey)
	}
	var j JobRun
	started := false
	err := l.tx(ctx, func(tx *sql.Tx) error {
		started = false // a retried transaction starts over
		now := l.now()
		var err error
		j, err = scanJob(tx.QueryRowContext(ctx, l.q(`INSERT INTO job_runs (job, run_key, state, node, attempts, started_at)
			VALUES (?, ?, 'running', ?, 1, ?)
			ON CONFLICT (job, run_key) DO NOTHING
			RETURNING `+jobCols), job, runKey, node, toDB(now)))
		if err == nil {
			started = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		j, err = scanJob(tx.QueryRowContext(ctx, l.q(`SELECT `+jobCols+` FROM job_runs WHERE job = ? AND run_key = ?`+l.dialect.forUpdate), job, runKey))
		if err != nil {
			return err
		}
		retake := j.State == JobFailed || j.State == JobRunning && staleAfter > 0 && now.Sub(j.StartedAt) > staleAfter
		if !retake {
			return nil
		}
		j, err = scanJob(tx.QueryRowContext(ctx, l.q(`UPDATE job_runs SET state = 'running', node = ?, attempts = attempts + 1, started_at = ?, finished_at = NULL
			WHERE id = ? RETURNING `+jobCols), node, toDB(now), j.ID))
		started = err == nil
		return err
	})
	if err != nil {
		return JobRun{}, false, fmt.Errorf("state: job run %s/%s: %w", job, runKey, err)
	}
	return j, started, nil
}

// FinishJobRun ends the run StartJobRun handed out: succeeded when runErr
// is nil, else failed with its message (and open to StartJobRun again). A
// node whose run was taken over as stale in the meantime gets
// ErrBadTransition and changes nothing: the attempt it ran is no longer the
// run's current one.
func (l *Ledger) FinishJobRun(ctx context.Context, run JobRun, runErr error) error {
	st, msg := JobSucceeded, ""
	if runErr != nil {
		st, msg = JobFailed, runErr.Error()
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, l.q(`UPDATE job_runs SET state = ?, error = ?, finished_at = ?
			WHERE id = ? AND attempts = ? AND state = 'running'`),
			string(st), msg, l.stamp(), run.ID, run.Attempts)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: attempt %d of run %d is not running", ErrBadTransition, run.Attempts, run.ID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("state: finish job run %s/%s: %w", run.Job, run.RunKey, err)
	}
	return nil
}

// LastSuccessfulRun returns the job's most recently finished successful run,
// or ErrNotFound: where a catch-up after downtime starts.
func (l *Ledger) LastSuccessfulRun(ctx context.Context, job string) (JobRun, error) {
	j, err := scanJob(l.db.QueryRowContext(ctx, l.q(`SELECT `+jobCols+` FROM job_runs WHERE job = ? AND state = 'succeeded'
		ORDER BY finished_at DESC, id DESC LIMIT 1`), job))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("state: last run of %s: %w", job, ErrNotFound)
	}
	if err != nil {
		return j, fmt.Errorf("state: last run of %s: %w", job, err)
	}
	return j, nil
}
