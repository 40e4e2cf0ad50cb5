package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// DeliveryState is where an outgoing file stands.
type DeliveryState string

// The delivery states: pending until pushed, sent once the partner's server
// has it under its final name, confirmed when the partner acknowledged it,
// failed when a person must look (attempts exhausted or refused).
const (
	DeliveryPending   DeliveryState = "pending"
	DeliverySent      DeliveryState = "sent"
	DeliveryConfirmed DeliveryState = "confirmed"
	DeliveryFailed    DeliveryState = "failed"
)

// Valid reports whether s is one of the delivery states.
func (s DeliveryState) Valid() bool {
	switch s {
	case DeliveryPending, DeliverySent, DeliveryConfirmed, DeliveryFailed:
		return true
	}
	return false
}

// Delivery is a file to push, or pushed, to a partner endpoint.
type Delivery struct {
	ID                   int64
	Endpoint, Name       string
	SHA256, BlobKey      string
	State                DeliveryState
	Attempts             int
	LastError            string
	CreatedAt, UpdatedAt time.Time
}

const deliveryCols = "id, endpoint, name, sha256, blob_key, state, attempts, last_error, created_at, updated_at"

func scanDelivery(r scanner) (Delivery, error) {
	var d Delivery
	var st string
	var c, u int64
	err := r.Scan(&d.ID, &d.Endpoint, &d.Name, &d.SHA256, &d.BlobKey, &st, &d.Attempts, &d.LastError, &c, &u)
	d.State, d.CreatedAt, d.UpdatedAt = DeliveryState(st), fromDB(c), fromDB(u)
	return d, err
}

// EnqueueDelivery records that the content must be delivered to the
// endpoint under name. Enqueuing the same again returns the existing
// delivery with created=false; different content under a name already used
// is ErrConflict, since a partner must never receive two files of one name.
func (l *Ledger) EnqueueDelivery(ctx context.Context, endpoint, name, sha256, blobKey string) (Delivery, bool, error) {
	sha256 = strings.ToLower(sha256)
	switch {
	case endpoint == "" || name == "":
		return Delivery{}, false, fmt.Errorf("state: delivery %q to %q: endpoint and name are required", name, endpoint)
	case !validSHA256(sha256):
		return Delivery{}, false, fmt.Errorf("state: delivery %s to %s: SHA-256 %q is not 64 hex digits", name, endpoint, sha256)
	case blobKey == "":
		return Delivery{}, false, fmt.Errorf("state: delivery %s to %s: blob key is empty", name, endpoint)
	}
	var d Delivery
	created := false
	err := l.tx(ctx, func(tx *sql.Tx) error {
		created = false // a retried transaction starts over
		now := l.stamp()
		var err error
		d, err = scanDelivery(tx.QueryRowContext(ctx, l.q(`INSERT INTO deliveries (endpoint, name, sha256, blob_key, state, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'pending', ?, ?)
			ON CONFLICT (endpoint, name) DO NOTHING
			RETURNING `+deliveryCols), endpoint, name, sha256, blobKey, now, now))
		if err == nil {
			created = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		d, err = scanDelivery(tx.QueryRowContext(ctx, l.q(`SELECT `+deliveryCols+` FROM deliveries WHERE endpoint = ? AND name = ?`), endpoint, name))
		if err != nil {
			return err
		}
		if d.SHA256 != sha256 {
			return fmt.Errorf("%w: %s was queued with SHA-256 %s", ErrConflict, name, d.SHA256)
		}
		return nil
	})
	if err != nil {
		return Delivery{}, false, fmt.Errorf("state: delivery %s to %s: %w", name, endpoint, err)
	}
	return d, created, nil
}

// SetDeliveryState moves the delivery to s; a non-empty lastErr records a
// failed attempt. A confirmed delivery is final.
func (l *Ledger) SetDeliveryState(ctx context.Context, id int64, s DeliveryState, lastErr string) error {
	if !s.Valid() {
		return fmt.Errorf("state: delivery %d: unknown state %q", id, s)
	}
	inc := 0
	if lastErr != "" {
		inc = 1
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, l.q(`SELECT state FROM deliveries WHERE id = ?`+l.dialect.forUpdate), id).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if DeliveryState(cur) == DeliveryConfirmed && s != DeliveryConfirmed {
			return fmt.Errorf("%w: delivery is confirmed", ErrBadTransition)
		}
		_, err = tx.ExecContext(ctx, l.q(`UPDATE deliveries SET state = ?, last_error = ?, attempts = attempts + ?, updated_at = ? WHERE id = ?`),
			string(s), lastErr, inc, l.stamp(), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("state: delivery %d to %s: %w", id, s, err)
	}
	return nil
}

// DeliveriesInState lists the deliveries of the endpoint ("" for all) in
// state s, oldest first.
func (l *Ledger) DeliveriesInState(ctx context.Context, endpoint string, s DeliveryState) ([]Delivery, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("state: deliveries: unknown state %q", s)
	}
	query, args := `SELECT `+deliveryCols+` FROM deliveries WHERE state = ? ORDER BY id`, []any{string(s)}
	if endpoint != "" {
		query, args = `SELECT `+deliveryCols+` FROM deliveries WHERE state = ? AND endpoint = ? ORDER BY id`, []any{string(s), endpoint}
	}
	rows, err := l.db.QueryContext(ctx, l.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("state: deliveries in state %s: %w", s, err)
	}
	return collect(rows, scanDelivery, "deliveries in state "+string(s))
}
