package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/icss/icss/config"
	"github.com/icss/icss/storage/state"
)

// queue is what icss uses of a River client, whatever the driver's transaction type.
type queue interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobRetry(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// jobsDB is the River database: its handle for counting jobs, and how to close it.
type jobsDB struct {
	client queue
	db     *sql.DB       // SQLite: for counting jobs
	pool   *pgxpool.Pool // PostgreSQL: for counting jobs
	close  func()
}

// SQLitePath is the SQLite file that holds the jobs of a ledger at ledgerPath: a
// sibling, so that River's frequent small writes do not queue behind the ledger's.
func SQLitePath(ledgerPath string) string {
	return strings.TrimSuffix(ledgerPath, filepath.Ext(ledgerPath)) + "-jobs.db"
}

// openQueue opens (and migrates) the River database for cfg. workers nil gives a
// client that only inserts and manages jobs (icss jobs, icss status).
func openQueue(ctx context.Context, cfg *config.Config, workers *river.Workers, middleware []rivertype.Middleware, log *slog.Logger) (*jobsDB, error) {
	rc := &river.Config{
		ID:                          cfg.Node,
		Logger:                      log.With("component", "river"),
		MaxAttempts:                 cfg.Jobs.MaxAttempts,
		JobTimeout:                  cfg.Jobs.Timeout,
		RescueStuckJobsAfter:        2 * cfg.Jobs.Timeout, // a dead node's job is taken over then
		FetchPollInterval:           cfg.Jobs.PollInterval,
		FetchCooldown:               min(cfg.Jobs.PollInterval, 100*time.Millisecond),
		RetryPolicy:                 &backoff{min: cfg.Jobs.RetryBackoff, max: cfg.Jobs.RetryBackoffMax},
		CompletedJobRetentionPeriod: 7 * 24 * time.Hour,
		DiscardedJobRetentionPeriod: -1, // parked jobs stay until an operator acts
		CancelledJobRetentionPeriod: 30 * 24 * time.Hour,
		Middleware:                  middleware,
	}
	if workers != nil {
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Jobs.Workers}}
	}
	switch cfg.State.Driver {
	case state.DriverSQLite:
		path := SQLitePath(cfg.State.DSN)
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("jobs: open %s: %w", path, err)
		}
		db.SetMaxOpenConns(1) // River's SQLite driver works one statement at a time
		drv := riversqlite.New(db)
		if err := migrate(ctx, drv, log); err != nil {
			db.Close()
			return nil, fmt.Errorf("jobs: %s: %w", path, err)
		}
		rc.PollOnly = true
		client, err := river.NewClient(drv, rc)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("jobs: %w", err)
		}
		return &jobsDB{client: client, db: db, close: func() { db.Close() }}, nil
	case state.DriverPostgres:
		dsn := cfg.State.Ledger(nil).DSN
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("jobs: connect postgres: %w", err)
		}
		drv := riverpgxv5.New(pool)
		if err := migratePostgres(ctx, pool, drv, log); err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: %w", err)
		}
		client, err := river.NewClient(drv, rc)
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: %w", err)
		}
		return &jobsDB{client: client, pool: pool, close: pool.Close}, nil
	}
	return nil, fmt.Errorf("jobs: state.driver %q", cfg.State.Driver)
}

// migrate brings River's tables up to date.
func migrate[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], log *slog.Logger) error {
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: log})
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// migratePostgres migrates under an advisory lock, so that nodes starting together
// do not race.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool, drv *riverpgxv5.Driver, log *slog.Logger) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	const lockID = 0x72697672 // "rivr"
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockID); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockID)
	return migrate(ctx, drv, log)
}

// backoff retries after min, 2·min, 4·min, ... up to max, with ±10 % jitter so that
// jobs failing together (an endpoint down) do not retry in lockstep.
type backoff struct{ min, max time.Duration }

func (b *backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := float64(b.min) * math.Pow(2, float64(max(job.Attempt-1, 0)))
	d = min(d, float64(b.max))
	d *= 0.9 + 0.2*rand.Float64()
	return time.Now().Add(time.Duration(d))
}

// requeueOrphans makes the jobs this node was running when it died (kill -9, power
// loss) available again, before the node starts: a node's name is unique among the
// live nodes (config node), so a job still "running" under it has no worker. Without
// this they would wait for River's rescuer (jobs.timeout later). Their work is
// idempotent, so running them again is safe.
func (q *jobsDB) requeueOrphans(ctx context.Context, node string) (int64, error) {
	if q.pool != nil {
		tag, err := q.pool.Exec(ctx, `UPDATE river_job SET state = 'available'
			WHERE state = 'running' AND attempted_by[array_length(attempted_by, 1)] = $1`, node)
		if err != nil {
			return 0, fmt.Errorf("jobs: requeue orphans: %w", err)
		}
		return tag.RowsAffected(), nil
	}
	res, err := q.db.ExecContext(ctx, `UPDATE river_job SET state = 'available'
		WHERE state = 'running' AND json_extract(attempted_by, '$[#-1]') = ?`, node)
	if err != nil {
		return 0, fmt.Errorf("jobs: requeue orphans: %w", err)
	}
	return res.RowsAffected()
}
