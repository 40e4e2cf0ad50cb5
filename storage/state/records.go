package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RecordVersion is one version of a harmonized shipment record: its content
// is in the records blob store under BlobKey.
type RecordVersion struct {
	ShipmentID int64
	Key        string // the shipment's business key, e.g. carrier code + bill of lading
	Version    int    // 1, 2, ... in order of arrival
	SHA256     string
	BlobKey    string
	FileID     int64 // the file it came from; 0 when none
	CreatedAt  time.Time
}

const recordCols = "v.shipment_id, s.key, v.version, v.sha256, v.blob_key, COALESCE(v.file_id, 0), v.created_at"

func scanRecord(r scanner) (RecordVersion, error) {
	var v RecordVersion
	var at int64
	err := r.Scan(&v.ShipmentID, &v.Key, &v.Version, &v.SHA256, &v.BlobKey, &v.FileID, &at)
	v.CreatedAt = fromDB(at)
	return v, err
}

// PutRecordVersion records the shipment's record with this content. Content
// the shipment already has (any version) returns that version with
// created=false, so re-processing a file never adds versions; new content
// becomes the next version and the shipment's latest.
func (l *Ledger) PutRecordVersion(ctx context.Context, key, sha256, blobKey string, fileID int64) (v RecordVersion, created bool, err error) {
	for attempt := 0; ; attempt++ {
		v, created, err = l.putRecordVersion(ctx, key, sha256, blobKey, fileID)
		// Two nodes added a version at once on PostgreSQL: the loser tries
		// again and sees the winner's version.
		if err != nil && uniqueViolation(err) && attempt < 3 {
			continue
		}
		if err != nil {
			return RecordVersion{}, false, fmt.Errorf("state: record %s: %w", key, err)
		}
		return v, created, nil
	}
}

func (l *Ledger) putRecordVersion(ctx context.Context, key, sha256, blobKey string, fileID int64) (v RecordVersion, created bool, err error) {
	sha256 = strings.ToLower(sha256)
	switch {
	case key == "":
		return v, false, errors.New("state: record: shipment key is empty")
	case !validSHA256(sha256):
		return v, false, fmt.Errorf("state: record %s: SHA-256 %q is not 64 hex digits", key, sha256)
	case blobKey == "":
		return v, false, fmt.Errorf("state: record %s: blob key is empty", key)
	}
	var file any
	if fileID != 0 {
		file = fileID
	}
	err = l.tx(ctx, func(tx *sql.Tx) error {
		now := l.stamp()
		var id int64
		var latest int
		err := tx.QueryRowContext(ctx, l.q(`SELECT id, latest_version FROM shipments WHERE key = ?`+l.dialect.forUpdate), key).Scan(&id, &latest)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = tx.QueryRowContext(ctx, l.q(`INSERT INTO shipments (key, latest_version, created_at, updated_at) VALUES (?, 0, ?, ?)
				ON CONFLICT (key) DO UPDATE SET updated_at = shipments.updated_at
				RETURNING id, latest_version`), key, now, now).Scan(&id, &latest)
			if err != nil {
				return err
			}
		case err != nil:
			return err
		}
		v, err = scanRecord(tx.QueryRowContext(ctx, l.q(`SELECT `+recordCols+` FROM shipment_versions v JOIN shipments s ON s.id = v.shipment_id
			WHERE v.shipment_id = ? AND v.sha256 = ?`), id, sha256))
		if err == nil {
			created = false
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		created = true
		if _, err := tx.ExecContext(ctx, l.q(`INSERT INTO shipment_versions (shipment_id, version, sha256, blob_key, file_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`), id, latest+1, sha256, blobKey, file, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, l.q(`UPDATE shipments SET latest_version = ?, updated_at = ? WHERE id = ?`), latest+1, now, id); err != nil {
			return err
		}
		v = RecordVersion{ShipmentID: id, Key: key, Version: latest + 1, SHA256: sha256, BlobKey: blobKey, FileID: fileID, CreatedAt: fromDB(now)}
		return nil
	})
	return v, created, err
}

// LatestRecord returns the shipment's latest version, or ErrNotFound.
func (l *Ledger) LatestRecord(ctx context.Context, key string) (RecordVersion, error) {
	v, err := scanRecord(l.db.QueryRowContext(ctx, l.q(`SELECT `+recordCols+` FROM shipment_versions v JOIN shipments s ON s.id = v.shipment_id
		WHERE s.key = ? AND v.version = s.latest_version`), key))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("state: record %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("state: record %s: %w", key, err)
	}
	return v, nil
}

// RecordVersions returns every version of the shipment, oldest first.
func (l *Ledger) RecordVersions(ctx context.Context, key string) ([]RecordVersion, error) {
	rows, err := l.db.QueryContext(ctx, l.q(`SELECT `+recordCols+` FROM shipment_versions v JOIN shipments s ON s.id = v.shipment_id
		WHERE s.key = ? ORDER BY v.version`), key)
	if err != nil {
		return nil, fmt.Errorf("state: record %s: %w", key, err)
	}
	return collect(rows, scanRecord, "record "+key)
}

// collect scans every row with scan.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error), what string) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("state: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: %s: %w", what, err)
	}
	return out, nil
}

// Score is the risk assessment of one record version under one rule set.
type Score struct {
	ID           int64
	ShipmentID   int64
	Version      int
	RulesVersion string
	Score        float64
	Decision     string // e.g. "examine", "release"
	Findings     string // JSON, as the risk engine wrote it
	ScoredAt     time.Time
}

const scoreCols = "id, shipment_id, version, rules_version, score, decision, findings, scored_at"

func scanScore(r scanner) (Score, error) {
	var s Score
	var at int64
	err := r.Scan(&s.ID, &s.ShipmentID, &s.Version, &s.RulesVersion, &s.Score, &s.Decision, &s.Findings, &at)
	s.ScoredAt = fromDB(at)
	return s, err
}

// PutScore records the score of a record version under a rule-set version.
// Scoring is deterministic, so scoring again returns the stored score with
// created=false, and a different result for the same version and rules is
// ErrConflict.
func (l *Ledger) PutScore(ctx context.Context, s Score) (Score, bool, error) {
	switch {
	case s.ShipmentID == 0 || s.Version <= 0:
		return s, false, fmt.Errorf("state: score: shipment %d version %d is not a record version", s.ShipmentID, s.Version)
	case s.RulesVersion == "":
		return s, false, fmt.Errorf("state: score of shipment %d: RulesVersion is empty", s.ShipmentID)
	case s.Decision == "":
		return s, false, fmt.Errorf("state: score of shipment %d: Decision is empty", s.ShipmentID)
	}
	var out Score
	created := false
	err := l.tx(ctx, func(tx *sql.Tx) error {
		created = false // a retried transaction starts over
		var err error
		out, err = scanScore(tx.QueryRowContext(ctx, l.q(`INSERT INTO scores (shipment_id, version, rules_version, score, decision, findings, scored_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (shipment_id, version, rules_version) DO NOTHING
			RETURNING `+scoreCols), s.ShipmentID, s.Version, s.RulesVersion, s.Score, s.Decision, s.Findings, l.stamp()))
		if err == nil {
			created = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out, err = scanScore(tx.QueryRowContext(ctx, l.q(`SELECT `+scoreCols+` FROM scores WHERE shipment_id = ? AND version = ? AND rules_version = ?`),
			s.ShipmentID, s.Version, s.RulesVersion))
		if err != nil {
			return err
		}
		if out.Score != s.Score || out.Decision != s.Decision {
			return fmt.Errorf("%w: stored %v/%s, now %v/%s", ErrConflict, out.Score, out.Decision, s.Score, s.Decision)
		}
		return nil
	})
	if err != nil {
		return Score{}, false, fmt.Errorf("state: score of shipment %d version %d rules %s: %w", s.ShipmentID, s.Version, s.RulesVersion, err)
	}
	return out, created, nil
}

// PendingExams lists the scores with the decision for the latest version of
// each shipment that no exam list names yet, oldest first: the input of the
// next exam list. Only a version's latest score counts: re-scoring under new
// rules supersedes the earlier decision.
func (l *Ledger) PendingExams(ctx context.Context, decision string) ([]Score, error) {
	rows, err := l.db.QueryContext(ctx, l.q(`SELECT `+prefixCols("c.", scoreCols)+` FROM scores c
		JOIN shipments s ON s.id = c.shipment_id AND s.latest_version = c.version
		WHERE c.decision = ?
		AND c.id = (SELECT MAX(c2.id) FROM scores c2 WHERE c2.shipment_id = c.shipment_id AND c2.version = c.version)
		AND NOT EXISTS (SELECT 1 FROM exam_list_entries e WHERE e.shipment_id = c.shipment_id AND e.version = c.version)
		ORDER BY c.id`), decision)
	if err != nil {
		return nil, fmt.Errorf("state: pending exams: %w", err)
	}
	return collect(rows, scanScore, "pending exams")
}

func prefixCols(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// ExamList is an exam list handed to port staff.
type ExamList struct {
	ID        int64
	Name      string // unique, e.g. "2026-11-27-PRR"
	BlobKey   string
	SHA256    string
	Entries   []ExamEntry
	CreatedAt time.Time
}

// ExamEntry is one shipment version on an exam list.
type ExamEntry struct {
	ShipmentID int64
	Version    int
}

// CreateExamList records a list and its entries in one transaction. The
// same name with the same content returns the stored list with
// created=false; with other content it is ErrConflict, because staff may
// already hold the first one.
func (l *Ledger) CreateExamList(ctx context.Context, name, blobKey, sha256 string, entries []ExamEntry) (ExamList, bool, error) {
	sha256 = strings.ToLower(sha256)
	switch {
	case name == "":
		return ExamList{}, false, errors.New("state: exam list: name is empty")
	case !validSHA256(sha256):
		return ExamList{}, false, fmt.Errorf("state: exam list %s: SHA-256 %q is not 64 hex digits", name, sha256)
	case blobKey == "":
		return ExamList{}, false, fmt.Errorf("state: exam list %s: blob key is empty", name)
	}
	list := ExamList{Name: name, BlobKey: blobKey, SHA256: sha256, Entries: entries}
	created := false
	err := l.tx(ctx, func(tx *sql.Tx) error {
		created = false // a retried transaction starts over
		now := l.stamp()
		var storedSHA string
		var at int64
		err := tx.QueryRowContext(ctx, l.q(`SELECT id, sha256, created_at FROM exam_lists WHERE name = ?`), name).Scan(&list.ID, &storedSHA, &at)
		if err == nil {
			if storedSHA != sha256 {
				return fmt.Errorf("%w: exam list %s exists with SHA-256 %s", ErrConflict, name, storedSHA)
			}
			list.CreatedAt = fromDB(at)
			list.Entries, err = examEntries(ctx, tx, l, list.ID)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		created = true
		list.CreatedAt = fromDB(now)
		if err := tx.QueryRowContext(ctx, l.q(`INSERT INTO exam_lists (name, blob_key, sha256, row_count, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			name, blobKey, sha256, len(entries), now).Scan(&list.ID); err != nil {
			return err
		}
		for i, e := range entries {
			if _, err := tx.ExecContext(ctx, l.q(`INSERT INTO exam_list_entries (exam_list_id, position, shipment_id, version) VALUES (?, ?, ?, ?)`),
				list.ID, i+1, e.ShipmentID, e.Version); err != nil {
				return fmt.Errorf("entry %d (shipment %d): %w", i+1, e.ShipmentID, err)
			}
		}
		return nil
	})
	if err != nil {
		return ExamList{}, false, fmt.Errorf("state: exam list %s: %w", name, err)
	}
	return list, created, nil
}

func examEntries(ctx context.Context, tx *sql.Tx, l *Ledger, id int64) ([]ExamEntry, error) {
	rows, err := tx.QueryContext(ctx, l.q(`SELECT shipment_id, version FROM exam_list_entries WHERE exam_list_id = ? ORDER BY position`), id)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (ExamEntry, error) {
		var e ExamEntry
		return e, r.Scan(&e.ShipmentID, &e.Version)
	}, "exam list entries")
}

// ExamResult is the outcome of an exam, as staff returned it.
type ExamResult struct {
	ID           int64
	ShipmentID   int64
	Outcome      string // e.g. "no-finding", "seizure"
	ExaminedAt   time.Time
	Examiner     string
	Notes        string
	Evidence     []string // blob keys in the evidence store
	SourceSHA256 string   // the document it was read from
	RecordedAt   time.Time
}

// RecordExamResult records a result once per (shipment, source document):
// reading the same returned list again changes nothing and returns the
// stored result with created=false.
func (l *Ledger) RecordExamResult(ctx context.Context, r ExamResult) (ExamResult, bool, error) {
	r.SourceSHA256 = strings.ToLower(r.SourceSHA256)
	switch {
	case r.ShipmentID == 0:
		return r, false, errors.New("state: exam result: ShipmentID is 0")
	case r.Outcome == "":
		return r, false, fmt.Errorf("state: exam result of shipment %d: Outcome is empty", r.ShipmentID)
	case !validSHA256(r.SourceSHA256):
		return r, false, fmt.Errorf("state: exam result of shipment %d: SourceSHA256 %q is not 64 hex digits", r.ShipmentID, r.SourceSHA256)
	}
	ev, _ := json.Marshal(r.Evidence)
	created := false
	var out ExamResult
	err := l.tx(ctx, func(tx *sql.Tx) error {
		created = false // a retried transaction starts over
		var err error
		out, err = scanResult(tx.QueryRowContext(ctx, l.q(`INSERT INTO exam_results (shipment_id, outcome, examined_at, examiner, notes, evidence, source_sha256, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (shipment_id, source_sha256) DO NOTHING
			RETURNING `+resultCols), r.ShipmentID, r.Outcome, toDB(r.ExaminedAt), r.Examiner, r.Notes, string(ev), r.SourceSHA256, l.stamp()))
		if err == nil {
			created = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out, err = scanResult(tx.QueryRowContext(ctx, l.q(`SELECT `+resultCols+` FROM exam_results WHERE shipment_id = ? AND source_sha256 = ?`), r.ShipmentID, r.SourceSHA256))
		return err
	})
	if err != nil {
		return ExamResult{}, false, fmt.Errorf("state: exam result of shipment %d: %w", r.ShipmentID, err)
	}
	return out, created, nil
}

const resultCols = "id, shipment_id, outcome, examined_at, examiner, notes, evidence, source_sha256, recorded_at"

func scanResult(r scanner) (ExamResult, error) {
	var x ExamResult
	var ex, rec int64
	var ev string
	err := r.Scan(&x.ID, &x.ShipmentID, &x.Outcome, &ex, &x.Examiner, &x.Notes, &ev, &x.SourceSHA256, &rec)
	if err == nil && ev != "" && ev != "null" {
		if jerr := json.Unmarshal([]byte(ev), &x.Evidence); jerr != nil {
			return x, fmt.Errorf("exam result %d: evidence column: %w", x.ID, jerr)
		}
	}
	x.ExaminedAt, x.RecordedAt = fromDB(ex), fromDB(rec)
	return x, err
}

// ExamResults lists the shipment's results, oldest first.
func (l *Ledger) ExamResults(ctx context.Context, shipmentID int64) ([]ExamResult, error) {
	rows, err := l.db.QueryContext(ctx, l.q(`SELECT `+resultCols+` FROM exam_results WHERE shipment_id = ? ORDER BY id`), shipmentID)
	if err != nil {
		return nil, fmt.Errorf("state: exam results of shipment %d: %w", shipmentID, err)
	}
	return collect(rows, scanResult, fmt.Sprintf("exam results of shipment %d", shipmentID))
}
