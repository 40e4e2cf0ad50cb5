package partner

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Index is the partner's local record of verified batches and their rows.
type Index struct {
	db *sql.DB
}

const indexSchema = `
CREATE TABLE IF NOT EXISTS batches (
	seq             INTEGER PRIMARY KEY,
	manifest_sha256 TEXT    NOT NULL,
	key_id          TEXT    NOT NULL,
	created_at      TEXT    NOT NULL,
	rows            INTEGER NOT NULL,
	pulled_at       TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
	exam_id         TEXT    NOT NULL,
	version         INTEGER NOT NULL,
	seq             INTEGER NOT NULL REFERENCES batches (seq),
	container       TEXT    NOT NULL,
	port            TEXT    NOT NULL,
	outcome         TEXT    NOT NULL,
	reason          TEXT    NOT NULL,
	findings        TEXT    NOT NULL,
	examined_at     TEXT    NOT NULL,
	recorded_at     TEXT    NOT NULL,
	bolt_seal       TEXT    NOT NULL,
	risk_negated    INTEGER NOT NULL,
	evidence_sha256 TEXT    NOT NULL,
	supersedes      TEXT    NOT NULL,
	referral        TEXT    NOT NULL,
	PRIMARY KEY (exam_id, version)
);
CREATE INDEX IF NOT EXISTS results_container ON results (container, recorded_at);
`

// OpenIndex opens (creating when missing) the index file at path.
func OpenIndex(ctx context.Context, path string) (*Index, error) {
	if path == "" {
		return nil, errors.New("partner: index path is empty")
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("partner: index %s: %w", path, err)
	}
	if _, err := db.ExecContext(ctx, indexSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("partner: index %s: %w", path, err)
	}
	return &Index{db: db}, nil
}

// Close closes the index.
func (ix *Index) Close() error { return ix.db.Close() }

// Last returns the last batch indexed and its manifest's SHA-256 (0 and ""
// before the first).
func (ix *Index) Last(ctx context.Context) (seq int64, sha256 string, err error) {
	err = ix.db.QueryRowContext(ctx, `SELECT seq, manifest_sha256 FROM batches ORDER BY seq DESC LIMIT 1`).Scan(&seq, &sha256)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("partner: index: %w", err)
	}
	return seq, sha256, nil
}
