package results

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/storage/state"
)

// Channel is one way batches reach the partner agency.
type Channel interface {
	// Endpoint names the channel in the delivery ledger.
	Endpoint() string
	// Publish makes the local file at path available to the partner under
	// name, atomically and never replacing another file. already reports
	// that the same bytes were there before (a delivery whose ledger update
	// was lost); different bytes under the name are an error.
	Publish(ctx context.Context, name, path string, size int64, sha256 string) (already bool, err error)
}

// ErrConflict reports a published file of the same name with other content:
// it is never overwritten.
var ErrConflict = errors.New("a different file of the same name is already published")

// SFTPChannel pushes into the endpoint's Outbox, the partner's inbox
// (sftp.Client.Push: hidden temporary name, fsync, atomic no-replace publish).
// Its ledger endpoint is "sftp:<endpoint name>".
func SFTPChannel(c *sftp.Client) Channel { return sftpChannel{c} }

type sftpChannel struct{ c *sftp.Client }

func (s sftpChannel) Endpoint() string { return "sftp:" + s.c.Config().Name }

func (s sftpChannel) Publish(ctx context.Context, name, path string, size int64, sum string) (bool, error) {
	res, err := s.c.Push(ctx, path, name, nil)
	if errors.Is(err, sftp.ErrConflict) {
		return false, fmt.Errorf("%w: %w", ErrConflict, err)
	}
	if err != nil {
		return false, err
	}
	if res.SHA256 != sum || res.Size != size {
		return false, fmt.Errorf("pushed %s has %d bytes SHA-256 %s, the manifest says %d bytes %s (local file changed?)", name, res.Size, res.SHA256, size, sum)
	}
	return res.Already, nil
}

// BucketChannel publishes into a blob store of purpose blob.Results (the
// bucket, or prefix, the partner's read-only account lists), create-only.
// Its ledger endpoint is "bucket:<name>".
func BucketChannel(name string, st blob.Store) Channel { return bucketChannel{name, st} }

type bucketChannel struct {
	name string
	st   blob.Store
}

func (b bucketChannel) Endpoint() string { return "bucket:" + b.name }

func (b bucketChannel) Publish(ctx context.Context, name, p string, size int64, sum string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = b.st.Put(ctx, name, f, size, blob.PutOptions{SHA256: sum, ContentType: contentType(name)})
	if !errors.Is(err, blob.ErrExists) {
		return false, err
	}
	info, err := b.st.Stat(ctx, name)
	if err != nil {
		return false, err
	}
	if info.Size != size || info.SHA256 != sum {
		return false, fmt.Errorf("%w: %s holds %d bytes SHA-256 %s, ours %d bytes %s", ErrConflict, name, info.Size, info.SHA256, size, sum)
	}
	return true, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".jsonl":
		return "application/x-ndjson"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".json":
		return "application/json"
	}
	return "text/plain; charset=us-ascii" // the base64 signature
}

// DeliverOptions configure Deliver.
type DeliverOptions struct {
	// Dir holds the batches Build wrote.
	Dir string
	// Ledger records every file on every channel.
	Ledger *state.Ledger
	// Channels are where batches go; each gets every batch.
	Channels []Channel
	// MaxAttempts is how many failed attempts park a file as failed, for a
	// person to look at. Default 10.
	MaxAttempts int
	// Backoff is the wait after a first failed attempt, doubled after each
	// further one up to BackoffMax. Defaults 1 minute and 1 hour.
	Backoff, BackoffMax time.Duration
	// Now is the clock the backoff is measured with; it must agree with the
	// ledger's. Default time.Now.
	Now func() time.Time
	// Log receives a line per published file; nil discards.
	Log *slog.Logger
}

func (o *DeliverOptions) defaults() error {
	switch {
	case o.Dir == "":
		return errors.New("results: DeliverOptions.Dir is empty")
	case o.Ledger == nil:
		return errors.New("results: DeliverOptions.Ledger is nil")
	case len(o.Channels) == 0:
		return errors.New("results: DeliverOptions.Channels is empty")
	case o.MaxAttempts < 0 || o.Backoff < 0 || o.BackoffMax < 0:
		return errors.New("results: DeliverOptions: MaxAttempts, Backoff and BackoffMax must not be negative")
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 10
	}
	if o.Backoff == 0 {
		o.Backoff = time.Minute
	}
	if o.BackoffMax == 0 {
		o.BackoffMax = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}

// ChannelReport says what one Deliver did on one channel.
type ChannelReport struct {
	Endpoint string
	// Published counts files sent in this run; Already files found published
	// with the same content (an earlier run died before its ledger update).
	Published, Already int
	// Delivered lists the batches completed on the channel in this run.
	Delivered []int64
	// RetryAt, when set, is when a failed file is due again.
	RetryAt time.Time
	// Err is why the channel stopped; later batches wait behind it.
	Err error
}

// DeliveryReport has one ChannelReport per channel.
type DeliveryReport []ChannelReport

// Err joins the channels' errors.
func (r DeliveryReport) Err() error {
	var errs []error
	for _, c := range r {
		if c.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.Endpoint, c.Err))
		}
	}
	return errors.Join(errs...)
}

// Deliver publishes every complete batch in opts.Dir on every channel, in
// sequence order, each batch's signature last, so that a partner who sees a
// signature sees the whole batch, and never batch n+1 before batch n. Each
// file on each channel is a ledger delivery: enqueued pending, sent once
// published. A failed file is retried on a later call once its backoff has
// passed, and blocks the later batches of its channel meanwhile; after
// MaxAttempts it is parked as failed. A file already delivered is never sent
// again, and a crash between an upload and its ledger update is harmless: the
// next call finds the same bytes published and records the delivery. The
// channels proceed independently. The error is for a failure before any
// channel started; the report holds each channel's.
func Deliver(ctx context.Context, opts DeliverOptions) (DeliveryReport, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	seqs, err := ListBatches(opts.Dir)
	if err != nil {
		return nil, err
	}
	report := make(DeliveryReport, len(opts.Channels))
	var wg sync.WaitGroup
	for i, ch := range opts.Channels {
		report[i].Endpoint = ch.Endpoint()
		wg.Go(func() { deliverChannel(ctx, &opts, ch, seqs, &report[i]) })
	}
	wg.Wait()
	return report, nil
}

func deliverChannel(ctx context.Context, o *DeliverOptions, ch Channel, seqs []int64, rep *ChannelReport) {
	ep := ch.Endpoint()
	sent, err := o.Ledger.DeliveriesInState(ctx, ep, state.DeliverySent)
	if err != nil {
		rep.Err = err
		return
	}
	done := make(map[string]bool, len(sent))
	for _, d := range sent {
		done[d.Name] = true
	}
	for _, seq := range seqs {
		if done[SignatureName(seq)] { // the signature goes last: the whole batch is there
			continue
		}
		names, err := BatchFiles(o.Dir, seq)
		if err != nil {
			rep.Err = err
			return
		}
		want, err := batchDigests(o.Dir, seq)
		if err != nil {
			rep.Err = err
			return
		}
		for _, name := range names {
			if done[name] {
				continue
			}
			if err := o.deliverFile(ctx, ch, name, want[name], rep); err != nil {
				rep.Err = err
				return
			}
		}
		rep.Delivered = append(rep.Delivered, seq)
	}
}

type digest struct {
	size   int64
	sha256 string
}

// batchDigests hashes every file of a batch, checking the data files against
// the manifest: a file changed on our side is never sent.
func batchDigests(dir string, seq int64) (map[string]digest, error) {
	mb, err := os.ReadFile(filepath.Join(dir, ManifestName(seq)))
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	m, err := ParseManifest(mb)
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", ManifestName(seq), err)
	}
	out := map[string]digest{ManifestName(seq): {int64(len(mb)), sum(mb)}}
	sig, err := os.ReadFile(filepath.Join(dir, SignatureName(seq)))
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	out[SignatureName(seq)] = digest{int64(len(sig)), sum(sig)}
	for _, f := range m.Files {
		d, err := hashFile(filepath.Join(dir, f.Name))
		if err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		if d.size != f.Size || d.sha256 != f.SHA256 {
			return nil, fmt.Errorf("results: %s: %w: %d bytes SHA-256 %s, manifest %d says %d bytes %s; not delivering it",
				f.Name, ErrChanged, d.size, d.sha256, seq, f.Size, f.SHA256)
		}
		out[f.Name] = d
	}
	return out, nil
}

func hashFile(p string) (digest, error) {
	f, err := os.Open(p)
	if err != nil {
		return digest{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return digest{n, hex.EncodeToString(h.Sum(nil))}, err
}

// deliverFile publishes one file on one channel under its ledger row.
func (o *DeliverOptions) deliverFile(ctx context.Context, ch Channel, name string, d digest, rep *ChannelReport) error {
	ep := ch.Endpoint()
	row, _, err := o.Ledger.EnqueueDelivery(ctx, ep, name, d.sha256, name)
	if err != nil {
		return err
	}
	switch {
	case row.State == state.DeliverySent || row.State == state.DeliveryConfirmed:
		return nil
	case row.State == state.DeliveryFailed:
		return fmt.Errorf("%s is parked after %d failed attempts (last: %s); a person must look", name, row.Attempts, row.LastError)
	case row.Attempts > 0:
		if due := row.UpdatedAt.Add(o.backoff(row.Attempts)); o.Now().Before(due) {
			rep.RetryAt = due
			return fmt.Errorf("%s failed %d times (last: %s); next attempt at %s", name, row.Attempts, row.LastError, due.Format(time.RFC3339))
		}
	}
	already, err := ch.Publish(ctx, name, filepath.Join(o.Dir, name), d.size, d.sha256)
	if err != nil {
		if ctx.Err() != nil {
			return err // cancelled: not the file's fault
		}
		next := state.DeliveryPending
		if row.Attempts+1 >= o.MaxAttempts || errors.Is(err, ErrConflict) {
			next = state.DeliveryFailed
		}
		msg := strings.ReplaceAll(err.Error(), "\n", " ")
		if serr := o.Ledger.SetDeliveryState(ctx, row.ID, next, msg); serr != nil {
			return errors.Join(err, serr)
		}
		return fmt.Errorf("%s: attempt %d: %w", name, row.Attempts+1, err)
	}
	if err := o.Ledger.SetDeliveryState(ctx, row.ID, state.DeliverySent, ""); err != nil {
		return err
	}
	if already {
		rep.Already++
	} else {
		rep.Published++
	}
	o.Log.Info("result file delivered", "endpoint", ep, "name", name, "sha256", d.sha256, "already_there", already)
	return nil
}

// backoff is the wait after the n-th failed attempt.
func (o *DeliverOptions) backoff(n int) time.Duration {
	d := o.Backoff
	for i := 1; i < n && d < o.BackoffMax; i++ {
		d *= 2
	}
	return min(d, o.BackoffMax)
}
