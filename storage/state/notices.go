package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// NoticeEvent is one hold or release notice to one recipient (transforms/notices):
// a carrier that filed the bill, or a terminal. Its Key names the event, so that a
// rerun finds it and sends nothing twice.
type NoticeEvent struct {
	ID int64
	// Key is the event: "<bill key>/<container>/hold/v<record version>" or
	// "<bill key>/<container>/release/<exam ID>/v<result version>".
	Key       string
	Recipient string
	// Kind is "hold" (selected for exam) or "release" (the exam ended; its
	// Disposition says whether the container is released or still held).
	Kind      string
	BillKey   string
	Container string
	ExamID    string // "" for a hold
	// Disposition is the code the notice carried (X4-07, ERC).
	Disposition string
	Standard    string // "x12" or "edifact"
	// Control and Message are the interchange control number of the file that carried
	// the notice and the notice's own number in it (ST02, UNH 0062).
	Control, Message string
	DeliveryID       int64
	CreatedAt        time.Time
}

// NoticeFile is one interchange file of notices for one recipient: where it goes (the
// SFTP endpoint and the remote name), its content and the events it carries.
type NoticeFile struct {
	Endpoint, Name  string
	SHA256, BlobKey string
	Events          []NoticeEvent
}

const noticeCols = "id, event_key, recipient, kind, bill_key, container, exam_id, disposition, standard, control, message, delivery_id, created_at"

func scanNotice(r scanner) (NoticeEvent, error) {
	var n NoticeEvent
	var at int64
	err := r.Scan(&n.ID, &n.Key, &n.Recipient, &n.Kind, &n.BillKey, &n.Container, &n.ExamID, &n.Disposition, &n.Standard, &n.Control, &n.Message, &n.DeliveryID, &at)
	n.CreatedAt = fromDB(at)
	return n, err
}

func (n *NoticeEvent) validate() error {
	switch {
	case n.Key == "":
		return errors.New("the event key is empty")
	case n.Recipient == "":
		return errors.New("the recipient is empty")
	case n.Kind != "hold" && n.Kind != "release":
		return fmt.Errorf("kind %q is neither hold nor release", n.Kind)
	case n.BillKey == "" || n.Container == "":
		return errors.New("the bill key and container are required")
	case n.Disposition == "":
		return errors.New("the disposition is empty")
	case n.Standard != "x12" && n.Standard != "edifact":
		return fmt.Errorf("standard %q is neither x12 nor edifact", n.Standard)
	case n.Control == "" || n.Message == "":
		return errors.New("the control and message numbers are required")
	}
	return nil
}

// RecordNotices records the events of one notice file and queues its delivery (a
// pending row of deliveries), in one transaction: either the file is due to be sent
// and every event it carries is known as sent, or nothing is recorded. If one of the
// events is already recorded for its recipient (another run or node sent it first),
// nothing is recorded and the error is ErrConflict naming the event: the caller
// builds the file again without it. A file name already queued is ErrConflict too.
func (l *Ledger) RecordNotices(ctx context.Context, f NoticeFile) (Delivery, error) {
	f.SHA256 = strings.ToLower(f.SHA256)
	switch {
	case f.Endpoint == "" || f.Name == "":
		return Delivery{}, fmt.Errorf("state: notices %q to %q: endpoint and name are required", f.Name, f.Endpoint)
	case !validSHA256(f.SHA256):
		return Delivery{}, fmt.Errorf("state: notices %s: SHA-256 %q is not 64 hex digits", f.Name, f.SHA256)
	case f.BlobKey == "":
		return Delivery{}, fmt.Errorf("state: notices %s: blob key is empty", f.Name)
	case len(f.Events) == 0:
		return Delivery{}, fmt.Errorf("state: notices %s: no events", f.Name)
	}
	for i := range f.Events {
		if err := f.Events[i].validate(); err != nil {
			return Delivery{}, fmt.Errorf("state: notices %s: event %d: %w", f.Name, i+1, err)
		}
	}
	var d Delivery
	err := l.tx(ctx, func(tx *sql.Tx) error {
		now := l.stamp()
		var err error
		d, err = scanDelivery(tx.QueryRowContext(ctx, l.q(`INSERT INTO deliveries (endpoint, name, sha256, blob_key, state, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'pending', ?, ?)
			ON CONFLICT (endpoint, name) DO NOTHING
			RETURNING `+deliveryCols), f.Endpoint, f.Name, f.SHA256, f.BlobKey, now, now))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %s is already queued for %s", ErrConflict, f.Name, f.Endpoint)
		}
		if err != nil {
			return err
		}
		for _, n := range f.Events {
			res, err := tx.ExecContext(ctx, l.q(`INSERT INTO notice_events (event_key, recipient, kind, bill_key, container, exam_id, disposition, standard, control, message, delivery_id, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (event_key, recipient) DO NOTHING`),
				n.Key, n.Recipient, n.Kind, n.BillKey, n.Container, n.ExamID, n.Disposition, n.Standard, n.Control, n.Message, d.ID, now)
			if err != nil {
				return err
			}
			if k, err := res.RowsAffected(); err != nil {
				return err
			} else if k == 0 {
				return fmt.Errorf("%w: notice %s to %s was already recorded", ErrConflict, n.Key, n.Recipient)
			}
		}
		return nil
	})
	if err != nil {
		return Delivery{}, fmt.Errorf("state: notices %s to %s: %w", f.Name, f.Endpoint, err)
	}
	return d, nil
}

// NoticeEvent returns the event recorded under key for recipient, or ErrNotFound.
func (l *Ledger) NoticeEvent(ctx context.Context, key, recipient string) (NoticeEvent, error) {
	n, err := scanNotice(l.db.QueryRowContext(ctx, l.q(`SELECT `+noticeCols+` FROM notice_events WHERE event_key = ? AND recipient = ?`), key, recipient))
	if errors.Is(err, sql.ErrNoRows) {
		return NoticeEvent{}, fmt.Errorf("state: notice %s to %s: %w", key, recipient, ErrNotFound)
	}
	if err != nil {
		return NoticeEvent{}, fmt.Errorf("state: notice %s to %s: %w", key, recipient, err)
	}
	return n, nil
}

// NoticesOfDelivery lists the events a queued notice file carries, in the order
// they were recorded.
func (l *Ledger) NoticesOfDelivery(ctx context.Context, deliveryID int64) ([]NoticeEvent, error) {
	rows, err := l.db.QueryContext(ctx, l.q(`SELECT `+noticeCols+` FROM notice_events WHERE delivery_id = ? ORDER BY id`), deliveryID)
	if err != nil {
		return nil, fmt.Errorf("state: notices of delivery %d: %w", deliveryID, err)
	}
	return collect(rows, scanNotice, fmt.Sprintf("notices of delivery %d", deliveryID))
}

// NoticesOfContainer lists the notices sent about a container, oldest first: what
// its carrier and terminal were told, and when.
func (l *Ledger) NoticesOfContainer(ctx context.Context, container string) ([]NoticeEvent, error) {
	rows, err := l.db.QueryContext(ctx, l.q(`SELECT `+noticeCols+` FROM notice_events WHERE container = ? ORDER BY id`), container)
	if err != nil {
		return nil, fmt.Errorf("state: notices of container %s: %w", container, err)
	}
	return collect(rows, scanNotice, "notices of container "+container)
}
