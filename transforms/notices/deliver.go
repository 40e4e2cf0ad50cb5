package notices

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/storage/state"
)

// Pusher puts a local file into an endpoint's outbox under a name, atomically and
// never over a different file; *sftp.Client is one.
type Pusher interface {
	Push(ctx context.Context, src, name string, progress func(sent int64)) (sftp.PushResult, error)
}

// DeliverOptions tune Deliver.
type DeliverOptions struct {
	// MaxAttempts is how many failed pushes of one file are tolerated before its
	// delivery is marked failed, for a person to look at. Default 5.
	MaxAttempts int
	// SpoolDir holds the local copy of a file while it is pushed; default os.TempDir().
	SpoolDir string
	// Backoff is the wait after a first failed push before the next; it doubles after
	// each failure up to MaxBackoff. Defaults 30s and 30m. A file not yet due is left
	// for a later call.
	Backoff, MaxBackoff time.Duration
	// Now is the clock the waits are measured with; default time.Now.
	Now func() time.Time
}

func (o *DeliverOptions) defaults() {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.Backoff <= 0 {
		o.Backoff = 30 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// due reports whether a delivery that failed before has waited long enough.
func (o *DeliverOptions) due(d state.Delivery) bool {
	if d.Attempts == 0 {
		return true
	}
	wait := o.Backoff
	for i := 1; i < d.Attempts && wait < o.MaxBackoff; i++ {
		wait *= 2
	}
	return !o.Now().Before(d.UpdatedAt.Add(min(wait, o.MaxBackoff)))
}

// Delivered is what Deliver did with one notice file.
type Delivered struct {
	Endpoint, Name string
	// Already says the outbox held the same file: a push that was interrupted after
	// the upload, before the ledger was updated. Nothing was sent twice.
	Already bool
	Err     error
}

// ErrDelivery is returned (joined with each file's error) when some file could not be
// pushed; the others were.
var ErrDelivery = errors.New("notice delivery failed")

// Deliver pushes every pending notice file of the endpoints (by endpoint name), oldest
// first: read from store, pushed into the outbox (an identical file already there is
// a push that was interrupted before the ledger was updated, and counts as done), then
// marked sent. A failed push stays pending with its error and attempt count, and is
// retried by a later call once its backoff has passed; after MaxAttempts, or at once
// when a different file holds the name, it is marked failed. Only deliveries that
// carry notices are touched.
func Deliver(ctx context.Context, l *state.Ledger, store blob.Store, endpoints map[string]Pusher, opts DeliverOptions) ([]Delivered, error) {
	opts.defaults()
	names := make([]string, 0, len(endpoints))
	for n := range endpoints {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Delivered
	var errs []error
	for _, ep := range names {
		pending, err := l.DeliveriesInState(ctx, ep, state.DeliveryPending)
		if err != nil {
			return out, err
		}
		for _, d := range pending {
			if !opts.due(d) {
				continue
			}
			if ns, err := l.NoticesOfDelivery(ctx, d.ID); err != nil {
				return out, err
			} else if len(ns) == 0 {
				continue // not a notice file
			}
			res, err := pushOne(ctx, endpoints[ep], store, d, opts.SpoolDir)
			dv := Delivered{Endpoint: ep, Name: d.Name, Already: res.Already, Err: err}
			out = append(out, dv)
			if err == nil {
				if err := l.SetDeliveryState(ctx, d.ID, state.DeliverySent, ""); err != nil {
					return out, err
				}
				continue
			}
			errs = append(errs, err)
			next := state.DeliveryPending
			if d.Attempts+1 >= opts.MaxAttempts || errors.Is(err, sftp.ErrConflict) {
				next = state.DeliveryFailed
			}
			if serr := l.SetDeliveryState(ctx, d.ID, next, err.Error()); serr != nil {
				return out, serr
			}
		}
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%w: %w", ErrDelivery, errors.Join(errs...))
	}
	return out, nil
}

// pushOne copies the file from the store to a spool file, checking its SHA-256, and
// pushes it.
func pushOne(ctx context.Context, p Pusher, store blob.Store, d state.Delivery, spool string) (sftp.PushResult, error) {
	rc, info, err := store.Get(ctx, d.BlobKey)
	if err != nil {
		return sftp.PushResult{}, fmt.Errorf("%s: %w", d.Name, err)
	}
	defer rc.Close()
	if info.SHA256 != "" && info.SHA256 != d.SHA256 {
		return sftp.PushResult{}, fmt.Errorf("%s: stored copy %s has SHA-256 %s, the ledger %s", d.Name, d.BlobKey, info.SHA256, d.SHA256)
	}
	tmp, err := os.CreateTemp(spool, "notice-*.part")
	if err != nil {
		return sftp.PushResult{}, err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, rc); err != nil {
		tmp.Close()
		return sftp.PushResult{}, fmt.Errorf("%s: %w", d.Name, err)
	}
	if err := tmp.Close(); err != nil {
		return sftp.PushResult{}, err
	}
	res, err := p.Push(ctx, tmp.Name(), d.Name, nil)
	if err == nil && res.SHA256 != d.SHA256 {
		err = fmt.Errorf("%s: pushed SHA-256 %s, the ledger has %s", d.Name, res.SHA256, d.SHA256)
	}
	return res, err
}
