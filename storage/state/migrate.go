package state

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// The schema lives in numbered SQL files, one directory per dialect, applied
// in order and recorded in schema_migrations. A file once released is never
// edited: a change is a new file with the next number in both directories.
//
//go:embed migrations
var migrationFS embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the migrations of a driver in order.
func Migrations(driver string) ([]Migration, error) {
	dir := path.Join("migrations", driver)
	ents, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("state: migrations for %q: %w", driver, err)
	}
	var ms []Migration
	for _, e := range ents {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("state: migration %s/%s: name is not NNNN_name.sql", dir, name)
		}
		b, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("state: migration %s: version %d, want %d (no gaps or repeats)", m.Name, m.Version, i+1)
		}
	}
	return ms, nil
}

// migrationLockID is the PostgreSQL advisory lock key that serializes nodes
// migrating the same database at once ("icss" in ASCII).
const migrationLockID = 0x69637373

// migrate applies the missing migrations, each in its own transaction
// together with its schema_migrations row, so a crash leaves the schema at a
// recorded version. A database newer than this binary is refused rather than
// written with an old idea of the schema.
func (l *Ledger) migrate(ctx context.Context) error {
	ms, err := Migrations(l.dialect.name)
	if err != nil {
		return err
	}
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("state: migrate: %w", err)
	}
	defer conn.Close()
	if l.dialect.name == DriverPostgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
			return fmt.Errorf("state: migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockID)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT   NOT NULL,
		applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("state: migrate: schema_migrations: %w", err)
	}
	var current int
	if err := conn.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("state: migrate: read version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("state: database schema version %d is newer than this program's %d; upgrade icss", current, len(ms))
	}
	for _, m := range ms[current:] {
		err := func() error {
			tx, err := conn.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			// Another process may have applied it between our read and our lock (SQLite).
			var n int
			if err := tx.QueryRowContext(ctx, l.q("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, l.q("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
				m.Version, m.Name, l.stamp()); err != nil {
				return err
			}
			return tx.Commit()
		}()
		if err != nil {
			return fmt.Errorf("state: migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// SchemaVersion is the highest migration applied to the database.
func (l *Ledger) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := l.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}
