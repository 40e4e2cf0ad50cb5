package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Drivers accepted in Config.Driver.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Config selects and configures the ledger's database.
type Config struct {
	// Driver is "sqlite" (the embedded default) or "postgres" (several nodes).
	Driver string `json:"driver" yaml:"driver"`
	// DSN is, for sqlite, a file path (or a "file:" URI whose pragmas are then
	// the caller's); for postgres, a URL or key=value connection string.
	DSN string `json:"dsn" yaml:"dsn"`
	// MaxOpenConns bounds the connection pool; 0 means 4 for sqlite (one
	// writer at a time anyway) and 10 for postgres.
	MaxOpenConns int `json:"max_open_conns" yaml:"max_open_conns"`
	// BusyTimeout is how long a SQLite writer waits for the lock; 0 means 10 s.
	BusyTimeout time.Duration `json:"busy_timeout" yaml:"busy_timeout"`
	// Now is the clock; nil means time.Now.
	Now func() time.Time `json:"-" yaml:"-"`
}

// Validate reports a config that cannot work, naming the field.
func (c Config) Validate() error {
	switch c.Driver {
	case DriverSQLite, DriverPostgres:
	case "":
		return errors.New("state: Driver is empty (want \"sqlite\" or \"postgres\")")
	default:
		return fmt.Errorf("state: Driver %q is not \"sqlite\" or \"postgres\"", c.Driver)
	}
	if strings.TrimSpace(c.DSN) == "" {
		return errors.New("state: DSN is empty")
	}
	if c.MaxOpenConns < 0 {
		return fmt.Errorf("state: MaxOpenConns %d is negative", c.MaxOpenConns)
	}
	if c.BusyTimeout < 0 {
		return fmt.Errorf("state: BusyTimeout %s is negative", c.BusyTimeout)
	}
	return nil
}

// Ledger is the state ledger: what icss has seen, fetched, processed and
// delivered. Every state change is one transaction. Safe for concurrent use,
// also from several processes (SQLite) or nodes (PostgreSQL) on one database.
type Ledger struct {
	db      *sql.DB
	dialect dialect
	now     func() time.Time
}

// dialect holds what differs between the two databases.
type dialect struct {
	name string
	// forUpdate is appended to a SELECT that is followed by an UPDATE of the
	// same row in the same transaction. SQLite needs none: its transactions
	// are BEGIN IMMEDIATE and hold the database's write lock.
	forUpdate string
}

// Open connects to the database and brings its schema up to date.
func Open(ctx context.Context, cfg Config) (*Ledger, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	l := &Ledger{now: cfg.Now}
	if l.now == nil {
		l.now = time.Now
	}
	var err error
	switch cfg.Driver {
	case DriverSQLite:
		l.dialect = dialect{name: DriverSQLite}
		l.db, err = sql.Open("sqlite", sqliteDSN(cfg))
		if err == nil {
			l.db.SetMaxOpenConns(orDefault(cfg.MaxOpenConns, 4))
		}
	case DriverPostgres:
		l.dialect = dialect{name: DriverPostgres, forUpdate: " FOR UPDATE"}
		l.db, err = sql.Open("pgx", cfg.DSN)
		if err == nil {
			l.db.SetMaxOpenConns(orDefault(cfg.MaxOpenConns, 10))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", cfg.Driver, err)
	}
	if err := l.db.PingContext(ctx); err != nil {
		l.db.Close()
		return nil, fmt.Errorf("state: connect %s: %w", cfg.Driver, redactErr(err, cfg.DSN))
	}
	if cfg.Driver == DriverSQLite {
		if err := l.enableWAL(ctx, cfg.BusyTimeout); err != nil {
			l.db.Close()
			return nil, err
		}
	}
	if err := l.migrate(ctx); err != nil {
		l.db.Close()
		return nil, err
	}
	return l, nil
}

func orDefault(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// sqliteDSN turns a path into a modernc URI with the per-connection pragmas
// the ledger relies on: busy_timeout so writers queue instead of failing,
// synchronous=FULL so a committed change survives power loss, foreign keys
// on, and BEGIN IMMEDIATE so a read-then-write transaction takes the write
// lock up front and cannot deadlock on upgrade.
func sqliteDSN(cfg Config) string {
	if strings.HasPrefix(cfg.DSN, "file:") {
		return cfg.DSN
	}
	bt := cfg.BusyTimeout
	if bt == 0 {
		bt = 10 * time.Second
	}
	q := url.Values{}
	// journal_mode is not here: it is persistent in the file and switching
	// needs an exclusive lock, so a connection opened while other processes
	// work could fail; Open sets it once instead (enableWAL).
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", bt.Milliseconds()))
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return "file:" + cfg.DSN + "?" + q.Encode()
}

// enableWAL switches the database to write-ahead logging, which lets
// readers work while a writer commits. The switch takes an exclusive lock
// and SQLite does not wait for it through busy_timeout, so it is retried
// here until the busy timeout has passed.
func (l *Ledger) enableWAL(ctx context.Context, busy time.Duration) error {
	if busy == 0 {
		busy = 10 * time.Second
	}
	deadline := time.Now().Add(busy)
	for {
		var mode string
		err := l.db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
		switch {
		case err == nil && strings.EqualFold(mode, "wal"):
			return nil
		case err == nil:
			return fmt.Errorf("state: sqlite: journal_mode is %q, WAL could not be enabled", mode)
		case !retryable(err) || time.Now().After(deadline):
			return fmt.Errorf("state: sqlite: enable WAL: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// redactErr keeps a password in a DSN out of an error message.
func redactErr(err error, dsn string) error {
	u, perr := url.Parse(dsn)
	if perr != nil || u.User == nil {
		return err
	}
	if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(err.Error(), pw) {
		return errors.New(strings.ReplaceAll(err.Error(), pw, "**redacted**"))
	}
	return err
}

// Close closes the database.
func (l *Ledger) Close() error { return l.db.Close() }

// DB exposes the database handle for read-only reporting queries. Changes go
// through the Ledger's methods, which keep the invariants.
func (l *Ledger) DB() *sql.DB { return l.db }

// Driver is the Config.Driver the ledger was opened with.
func (l *Ledger) Driver() string { return l.dialect.name }

// q rewrites '?' placeholders to PostgreSQL's $n. The queries in this package
// contain no '?' inside literals, which keeps the rewrite trivial.
func (l *Ledger) q(query string) string {
	if l.dialect.name != DriverPostgres {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// maxTxAttempts bounds the retries of a transaction that lost a race.
const maxTxAttempts = 5

// tx runs fn in one transaction, committing when fn returns nil. A
// transaction that failed only because another one won a race (PostgreSQL
// serialization failure or deadlock, SQLite busy after busy_timeout) is run
// again, so callers see a clean result or a real error.
func (l *Ledger) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxTxAttempts; attempt++ {
		err = l.tx1(ctx, fn)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt*attempt) * 5 * time.Millisecond)
	}
	return err
}

func (l *Ledger) tx1(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// retryable reports an error that a fresh attempt of the same transaction can cure.
func retryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// uniqueViolation reports a unique-constraint failure.
func uniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// ErrNotFound reports an id or key with no row.
var ErrNotFound = errors.New("not found")

// ErrConflict reports a change that contradicts what the ledger holds, such
// as different content under an identity already recorded.
var ErrConflict = errors.New("conflicts with the ledger")

func (l *Ledger) stamp() int64 { return toDB(l.now()) }

// toDB encodes a time as microseconds since the Unix epoch.
func toDB(t time.Time) int64 { return t.UnixMicro() }

// fromDB decodes toDB.
func fromDB(us int64) time.Time { return time.UnixMicro(us).UTC() }
