package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// RecordInput is one record of a batch for PutRecordVersions.
type RecordInput struct {
	Key     string // the shipment's business key
	SHA256  string // of the record's content
	BlobKey string // where the content is kept
}

// batchTxSize bounds the records written in one transaction, so that a large batch
// does not hold SQLite's write lock for long.
const batchTxSize = 2000

// PutRecordVersions is PutRecordVersion for a batch of records from one file (fileID,
// 0 for none), a few thousand per transaction: what ingesting a 100,000-bill manifest
// needs. The result is in input order; Created tells the versions this call added.
// Calling it again with the same batch adds nothing and returns the same versions.
func (l *Ledger) PutRecordVersions(ctx context.Context, fileID int64, recs []RecordInput) ([]RecordVersion, []bool, error) {
	out := make([]RecordVersion, len(recs))
	created := make([]bool, len(recs))
	for i := range recs {
		recs[i].SHA256 = strings.ToLower(recs[i].SHA256)
		switch r := recs[i]; {
		case r.Key == "":
			return nil, nil, fmt.Errorf("state: record %d of the batch: shipment key is empty", i)
		case !validSHA256(r.SHA256):
			return nil, nil, fmt.Errorf("state: record %s: SHA-256 %q is not 64 hex digits", r.Key, r.SHA256)
		case r.BlobKey == "":
			return nil, nil, fmt.Errorf("state: record %s: blob key is empty", r.Key)
		}
	}
	var file any
	if fileID != 0 {
		file = fileID
	}
	for start := 0; start < len(recs); start += batchTxSize {
		end := min(start+batchTxSize, len(recs))
		var err error
		for attempt := 0; ; attempt++ {
			err = l.tx(ctx, func(tx *sql.Tx) error {
				return l.putVersions(ctx, tx, file, recs[start:end], out[start:end], created[start:end])
			})
			if err != nil && uniqueViolation(err) && attempt < 3 {
				continue // another node added a version of one of these at once
			}
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("state: record batch of file %d: %w", fileID, err)
		}
	}
	return out, created, nil
}

func (l *Ledger) putVersions(ctx context.Context, tx *sql.Tx, file any, recs []RecordInput, out []RecordVersion, created []bool) error {
	selShip, err := tx.PrepareContext(ctx, l.q(`SELECT id, latest_version FROM shipments WHERE key = ?`+l.dialect.forUpdate))
	if err != nil {
		return err
	}
	defer selShip.Close()
	insShip, err := tx.PrepareContext(ctx, l.q(`INSERT INTO shipments (key, latest_version, created_at, updated_at) VALUES (?, 0, ?, ?)
		ON CONFLICT (key) DO UPDATE SET updated_at = shipments.updated_at RETURNING id, latest_version`))
	if err != nil {
		return err
	}
	defer insShip.Close()
	selVer, err := tx.PrepareContext(ctx, l.q(`SELECT version, blob_key, COALESCE(file_id, 0), created_at FROM shipment_versions WHERE shipment_id = ? AND sha256 = ?`))
	if err != nil {
		return err
	}
	defer selVer.Close()
	insVer, err := tx.PrepareContext(ctx, l.q(`INSERT INTO shipment_versions (shipment_id, version, sha256, blob_key, file_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`))
	if err != nil {
		return err
	}
	defer insVer.Close()
	updShip, err := tx.PrepareContext(ctx, l.q(`UPDATE shipments SET latest_version = ?, updated_at = ? WHERE id = ?`))
	if err != nil {
		return err
	}
	defer updShip.Close()
	now := l.stamp()
	for i, r := range recs {
		var id int64
		var latest int
		err := selShip.QueryRowContext(ctx, r.Key).Scan(&id, &latest)
		if errors.Is(err, sql.ErrNoRows) {
			err = insShip.QueryRowContext(ctx, r.Key, now, now).Scan(&id, &latest)
		}
		if err != nil {
			return fmt.Errorf("shipment %s: %w", r.Key, err)
		}
		v := RecordVersion{ShipmentID: id, Key: r.Key, SHA256: r.SHA256}
		var at int64
		err = selVer.QueryRowContext(ctx, id, r.SHA256).Scan(&v.Version, &v.BlobKey, &v.FileID, &at)
		if err == nil {
			v.CreatedAt, out[i], created[i] = fromDB(at), v, false
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		v.Version, v.BlobKey, v.CreatedAt = latest+1, r.BlobKey, fromDB(now)
		if fid, ok := file.(int64); ok {
			v.FileID = fid
		}
		if _, err := insVer.ExecContext(ctx, id, v.Version, r.SHA256, r.BlobKey, file, now); err != nil {
			return fmt.Errorf("shipment %s version %d: %w", r.Key, v.Version, err)
		}
		if _, err := updShip.ExecContext(ctx, v.Version, now, id); err != nil {
			return err
		}
		out[i], created[i] = v, true
	}
	return nil
}

// PutScores records a batch of scores, a few thousand per transaction. A score the
// ledger already holds for the version and rule set is kept as it is (scoring the
// same batch again changes nothing); it returns how many were added.
func (l *Ledger) PutScores(ctx context.Context, scores []Score) (int, error) {
	added := 0
	for start := 0; start < len(scores); start += batchTxSize {
		end := min(start+batchTxSize, len(scores))
		n := 0
		err := l.tx(ctx, func(tx *sql.Tx) error {
			n = 0
			st, err := tx.PrepareContext(ctx, l.q(`INSERT INTO scores (shipment_id, version, rules_version, score, decision, findings, scored_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (shipment_id, version, rules_version) DO NOTHING`))
			if err != nil {
				return err
			}
			defer st.Close()
			now := l.stamp()
			for _, s := range scores[start:end] {
				if s.ShipmentID == 0 || s.Version <= 0 || s.RulesVersion == "" || s.Decision == "" {
					return fmt.Errorf("score of shipment %d version %d: shipment, version, rules version and decision are required", s.ShipmentID, s.Version)
				}
				res, err := st.ExecContext(ctx, s.ShipmentID, s.Version, s.RulesVersion, s.Score, s.Decision, s.Findings, now)
				if err != nil {
					return fmt.Errorf("score of shipment %d version %d: %w", s.ShipmentID, s.Version, err)
				}
				if k, _ := res.RowsAffected(); k > 0 {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return added, fmt.Errorf("state: scores: %w", err)
		}
		added += n
	}
	return added, nil
}

// LatestJobRun returns the job's run with the greatest run key, whatever its state,
// or ErrNotFound. Run keys that are RFC 3339 UTC times sort in time order, so for a
// schedule this is the last logical run started.
func (l *Ledger) LatestJobRun(ctx context.Context, job string) (JobRun, error) {
	j, err := scanJob(l.db.QueryRowContext(ctx, l.q(`SELECT `+jobCols+` FROM job_runs WHERE job = ? ORDER BY run_key DESC LIMIT 1`), job))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("state: latest run of %s: %w", job, ErrNotFound)
	}
	if err != nil {
		return j, fmt.Errorf("state: latest run of %s: %w", job, err)
	}
	return j, nil
}

// DeliveryByName returns the delivery of name to endpoint, or ErrNotFound.
func (l *Ledger) DeliveryByName(ctx context.Context, endpoint, name string) (Delivery, error) {
	d, err := scanDelivery(l.db.QueryRowContext(ctx, l.q(`SELECT `+deliveryCols+` FROM deliveries WHERE endpoint = ? AND name = ?`), endpoint, name))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("state: delivery %s to %s: %w", name, endpoint, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("state: delivery %s to %s: %w", name, endpoint, err)
	}
	return d, nil
}
