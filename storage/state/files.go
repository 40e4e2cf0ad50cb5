package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// FileState is where a remote file stands in the pipeline.
type FileState string

// The file states. A file is seen when listed, fetched once its raw copy is
// durable in the blob store, archived once moved out of the remote inbox,
// parsed and acknowledged as processing goes on. Quarantined files are kept
// out of processing for a person to look at. A duplicate is a file whose
// content another file of the endpoint already brought: it is never processed.
const (
	FileSeen         FileState = "seen"
	FileFetched      FileState = "fetched"
	FileDuplicate    FileState = "duplicate"
	FileParsed       FileState = "parsed"
	FileAcknowledged FileState = "acknowledged"
	FileQuarantined  FileState = "quarantined"
	FileArchived     FileState = "archived"
)

// Valid reports whether s is one of the file states.
func (s FileState) Valid() bool {
	switch s {
	case FileSeen, FileFetched, FileDuplicate, FileParsed, FileAcknowledged, FileQuarantined, FileArchived:
		return true
	}
	return false
}

// File is a remote file as the ledger knows it.
type File struct {
	ID             int64
	Endpoint, Name string
	Size           int64
	ModTime        time.Time
	SHA256         string // set once fetched
	BlobKey        string // set once fetched
	State          FileState
	Attempts       int    // failures recorded so far
	LastError      string // the latest failure, "" after a success
	DuplicateOf    int64  // for FileDuplicate: the file that brought the content first
	SeenAt         time.Time
	UpdatedAt      time.Time
}

// ErrBadTransition reports a state change the file's current state forbids.
var ErrBadTransition = errors.New("state change not allowed")

const fileCols = "id, endpoint, name, size, mtime, COALESCE(sha256, ''), COALESCE(blob_key, ''), state, attempts, last_error, COALESCE(duplicate_of, 0), seen_at, updated_at"

type scanner interface{ Scan(...any) error }

func scanFile(r scanner) (File, error) {
	var f File
	var mtime, seen, upd int64
	var st string
	err := r.Scan(&f.ID, &f.Endpoint, &f.Name, &f.Size, &mtime, &f.SHA256, &f.BlobKey, &st, &f.Attempts, &f.LastError, &f.DuplicateOf, &seen, &upd)
	f.ModTime, f.SeenAt, f.UpdatedAt, f.State = fromDB(mtime), fromDB(seen), fromDB(upd), FileState(st)
	return f, err
}

// FileSeen records a remote file identity (endpoint, name, size, mtime) idempotently: the same identity
// returns the existing row with created=false.
//
// The mtime is kept to the microsecond; SFTP gives whole seconds.
func (l *Ledger) FileSeen(ctx context.Context, endpoint, name string, size int64, mtime time.Time) (f File, created bool, err error) {
	switch {
	case endpoint == "":
		return File{}, false, errors.New("state: file seen: endpoint is empty")
	case name == "":
		return File{}, false, fmt.Errorf("state: file seen on %s: name is empty", endpoint)
	case size < 0:
		return File{}, false, fmt.Errorf("state: file seen %s/%s: size %d is negative", endpoint, name, size)
	}
	// Fast path: a pull lists the same files again and again until they are
	// taken; answering those from a read avoids a write transaction each.
	f, err = scanFile(l.db.QueryRowContext(ctx, l.q(`SELECT `+fileCols+` FROM files
		WHERE endpoint = ? AND name = ? AND size = ? AND mtime = ?`), endpoint, name, size, toDB(mtime)))
	if err == nil {
		return f, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return File{}, false, fmt.Errorf("state: file seen %s/%s: %w", endpoint, name, err)
	}
	err = l.tx(ctx, func(tx *sql.Tx) error {
		now := l.stamp()
		row := tx.QueryRowContext(ctx, l.q(`INSERT INTO files (endpoint, name, size, mtime, state, seen_at, updated_at)
			VALUES (?, ?, ?, ?, 'seen', ?, ?)
			ON CONFLICT (endpoint, name, size, mtime) DO NOTHING
			RETURNING `+fileCols), endpoint, name, size, toDB(mtime), now, now)
		f, err = scanFile(row)
		if err == nil {
			created = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		created = false
		f, err = scanFile(tx.QueryRowContext(ctx, l.q(`SELECT `+fileCols+` FROM files
			WHERE endpoint = ? AND name = ? AND size = ? AND mtime = ?`), endpoint, name, size, toDB(mtime)))
		return err
	})
	if err != nil {
		return File{}, false, fmt.Errorf("state: file seen %s/%s: %w", endpoint, name, err)
	}
	return f, created, nil
}

// FileFetched marks the file fetched with its content hash and blob key, in one transaction. When another
// file of the same endpoint already has this SHA-256, it returns that file as dup (the content was already
// taken: it must not be processed again) and records this one as a duplicate of it.
//
// Calling it again with the same hash is harmless and gives the same answer,
// so a pull that crashed after the call can simply redo it. A different hash
// for a file already fetched is ErrConflict: the remote file changed without
// its size or mtime changing, and a person should look.
func (l *Ledger) FileFetched(ctx context.Context, id int64, sha256, blobKey string) (dup *File, err error) {
	sha256 = strings.ToLower(sha256)
	if !validSHA256(sha256) {
		return nil, fmt.Errorf("state: file %d fetched: SHA-256 %q is not 64 hex digits", id, sha256)
	}
	if blobKey == "" {
		return nil, fmt.Errorf("state: file %d fetched: blob key is empty", id)
	}
	for attempt := 0; ; attempt++ {
		dup, err = l.fileFetched(ctx, id, sha256, blobKey)
		// Two files with the same content fetched at the same moment on
		// PostgreSQL: the index lets one win; the loser retries and sees it.
		if err != nil && uniqueViolation(err) && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("state: file %d fetched: %w", id, err)
		}
		return dup, nil
	}
}

func (l *Ledger) fileFetched(ctx context.Context, id int64, sha256, blobKey string) (dup *File, err error) {
	err = l.tx(ctx, func(tx *sql.Tx) error {
		dup = nil
		f, err := scanFile(tx.QueryRowContext(ctx, l.q(`SELECT `+fileCols+` FROM files WHERE id = ?`+l.dialect.forUpdate), id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w", ErrNotFound)
		}
		if err != nil {
			return err
		}
		if f.SHA256 != "" {
			if f.SHA256 != sha256 {
				return fmt.Errorf("%w: %s/%s was fetched with SHA-256 %s, now %s", ErrConflict, f.Endpoint, f.Name, f.SHA256, sha256)
			}
			if f.DuplicateOf != 0 {
				d, err := scanFile(tx.QueryRowContext(ctx, l.q(`SELECT `+fileCols+` FROM files WHERE id = ?`), f.DuplicateOf))
				if err != nil {
					return err
				}
				dup = &d
			}
			return nil // already recorded: same answer as the first time
		}
		if f.State != FileSeen {
			return fmt.Errorf("%w: %s/%s is %s without content", ErrBadTransition, f.Endpoint, f.Name, f.State)
		}
		d, err := scanFile(tx.QueryRowContext(ctx, l.q(`SELECT `+fileCols+` FROM files
			WHERE endpoint = ? AND sha256 = ? AND duplicate_of IS NULL AND id <> ?`), f.Endpoint, sha256, id))
		now := l.stamp()
		switch {
		case err == nil:
			dup = &d
			_, err = tx.ExecContext(ctx, l.q(`UPDATE files SET sha256 = ?, blob_key = ?, state = 'duplicate', duplicate_of = ?,
				last_error = '', updated_at = ? WHERE id = ?`), sha256, blobKey, d.ID, now, id)
			return err
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, l.q(`UPDATE files SET sha256 = ?, blob_key = ?, state = 'fetched',
				last_error = '', updated_at = ? WHERE id = ?`), sha256, blobKey, now, id)
			return err
		default:
			return err
		}
	})
	return dup, err
}

// SetFileState moves the file to state s. A non-empty lastErr records a
// failure: it is kept in LastError and counts one more attempt; an empty one
// clears LastError.
//
// States only move forward: seen → fetched (or duplicate) → archived →
// parsed → acknowledged, with quarantined reachable from anywhere. Parsing
// may start before the remote archive is recorded, so parsed follows fetched
// as well. Setting the state a file is already in is allowed (to record a
// failure there); "fetched" and "duplicate" are entered only through
// FileFetched; anything else is ErrBadTransition and changes nothing, so a
// late "archived" never rolls back a file that processing has moved on.
// ReleaseFile takes a file out of quarantine.
func (l *Ledger) SetFileState(ctx context.Context, id int64, s FileState, lastErr string) error {
	if !s.Valid() {
		return fmt.Errorf("state: file %d: unknown state %q", id, s)
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		f, err := scanFile(tx.QueryRowContext(ctx, l.q(`SELECT `+fileCols+` FROM files WHERE id = ?`+l.dialect.forUpdate), id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := checkTransition(f, s); err != nil {
			return err
		}
		inc := 0
		if lastErr != "" {
			inc = 1
		}
		_, err = tx.ExecContext(ctx, l.q(`UPDATE files SET state = ?, last_error = ?, attempts = attempts + ?, updated_at = ? WHERE id = ?`),
			string(s), lastErr, inc, l.stamp(), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("state: file %d to %s: %w", id, s, err)
	}
	return nil
}

// allowedFrom lists, for each target state, the states a file may leave for it
// (besides staying in the same state).
var allowedFrom = map[FileState][]FileState{
	FileArchived:     {FileFetched, FileDuplicate},
	FileParsed:       {FileFetched, FileArchived},
	FileAcknowledged: {FileParsed},
	FileQuarantined:  {FileSeen, FileFetched, FileDuplicate, FileArchived, FileParsed, FileAcknowledged},
}

func checkTransition(f File, to FileState) error {
	if f.State == to {
		return nil
	}
	for _, from := range allowedFrom[to] {
		if f.State == from {
			return nil
		}
	}
	return fmt.Errorf("%w: %s/%s is %s, cannot become %s", ErrBadTransition, f.Endpoint, f.Name, f.State, to)
}

// ReleaseFile takes a quarantined file back to where it can be retried: seen
// when it has no content yet, fetched otherwise (a duplicate stays a
// duplicate), with its attempts reset. It is what an operator runs once the
// cause is fixed.
func (l *Ledger) ReleaseFile(ctx context.Context, id int64) (File, error) {
	var f File
	err := l.tx(ctx, func(tx *sql.Tx) error {
		var err error
		f, err = scanFile(tx.QueryRowContext(ctx, l.q(`UPDATE files SET attempts = 0, last_error = '', updated_at = ?,
			state = CASE WHEN sha256 IS NULL THEN 'seen' WHEN duplicate_of IS NOT NULL THEN 'duplicate' ELSE 'fetched' END
			WHERE id = ? AND state = 'quarantined' RETURNING `+fileCols), l.stamp(), id))
		if errors.Is(err, sql.ErrNoRows) {
			var st string
			if qerr := tx.QueryRowContext(ctx, l.q(`SELECT state FROM files WHERE id = ?`), id).Scan(&st); errors.Is(qerr, sql.ErrNoRows) {
				return ErrNotFound
			}
			return fmt.Errorf("%w: file is %s, not quarantined", ErrBadTransition, st)
		}
		return err
	})
	if err != nil {
		return File{}, fmt.Errorf("state: release file %d: %w", id, err)
	}
	return f, nil
}

// RecordFileFailure counts one more failed attempt at the file, keeping it in
// its state with errMsg as LastError, and quarantines it once it has failed
// maxAttempts times (0: never), so that a file that cannot be handled is not
// retried forever. It returns the file as updated.
func (l *Ledger) RecordFileFailure(ctx context.Context, id int64, errMsg string, maxAttempts int) (File, error) {
	if errMsg == "" {
		return File{}, fmt.Errorf("state: file %d failure: error message is empty", id)
	}
	var f File
	err := l.tx(ctx, func(tx *sql.Tx) error {
		now := l.stamp()
		var err error
		f, err = scanFile(tx.QueryRowContext(ctx, l.q(`UPDATE files SET attempts = attempts + 1, last_error = ?, updated_at = ?,
			state = CASE WHEN ? > 0 AND attempts + 1 >= ? THEN 'quarantined' ELSE state END
			WHERE id = ? RETURNING `+fileCols), errMsg, now, maxAttempts, maxAttempts, id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return File{}, fmt.Errorf("state: file %d failure: %w", id, err)
	}
	return f, nil
}

// GetFile returns the file with the id, or ErrNotFound.
func (l *Ledger) GetFile(ctx context.Context, id int64) (File, error) {
	f, err := scanFile(l.db.QueryRowContext(ctx, l.q(`SELECT `+fileCols+` FROM files WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, fmt.Errorf("state: file %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return File{}, fmt.Errorf("state: file %d: %w", id, err)
	}
	return f, nil
}

// FileBySHA256 returns the file of the endpoint that brought this content
// (not its duplicates), or ErrNotFound.
func (l *Ledger) FileBySHA256(ctx context.Context, endpoint, sha256 string) (File, error) {
	f, err := scanFile(l.db.QueryRowContext(ctx, l.q(`SELECT `+fileCols+` FROM files
		WHERE endpoint = ? AND sha256 = ? AND duplicate_of IS NULL`), endpoint, strings.ToLower(sha256)))
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, fmt.Errorf("state: file %s sha256 %s: %w", endpoint, sha256, ErrNotFound)
	}
	if err != nil {
		return File{}, fmt.Errorf("state: file %s sha256 %s: %w", endpoint, sha256, err)
	}
	return f, nil
}

// FilesInState lists the files of the endpoint ("" for every endpoint) in
// state s, oldest first.
func (l *Ledger) FilesInState(ctx context.Context, endpoint string, s FileState) ([]File, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("state: files in state: unknown state %q", s)
	}
	query, args := `SELECT `+fileCols+` FROM files WHERE state = ? ORDER BY id`, []any{string(s)}
	if endpoint != "" {
		query, args = `SELECT `+fileCols+` FROM files WHERE state = ? AND endpoint = ? ORDER BY id`, []any{string(s), endpoint}
	}
	rows, err := l.db.QueryContext(ctx, l.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("state: files in state %s: %w", s, err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, fmt.Errorf("state: files in state %s: %w", s, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: files in state %s: %w", s, err)
	}
	return out, nil
}

// NextControlNumber returns the next number of the scope's counter, starting
// at 1. It is one atomic statement, so two nodes never get the same number.
func (l *Ledger) NextControlNumber(ctx context.Context, scope string) (int64, error) {
	if scope == "" {
		return 0, errors.New("state: control number: scope is empty")
	}
	var n int64
	err := l.tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, l.q(`INSERT INTO control_numbers (scope, last) VALUES (?, 1)
			ON CONFLICT (scope) DO UPDATE SET last = control_numbers.last + 1
			RETURNING last`), scope).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("state: control number %s: %w", scope, err)
	}
	return n, nil
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
