package notices

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/icss/icss/edi/x12/ack"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
)

// LedgerOptions returns opts drawing control numbers from the ledger and leaving out
// the events it has recorded, as Notify and `icss notice build --state` use them.
func LedgerOptions(ctx context.Context, l *state.Ledger, opts Options) Options {
	opts.Controls = ack.ControlNumbersFunc(func(scope string) (int64, error) { return l.NextControlNumber(ctx, scope) })
	opts.Sent = func(ctx context.Context, key, recipient string) (bool, error) {
		_, err := l.NoticeEvent(ctx, key, recipient)
		if errors.Is(err, state.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	return opts
}

// Record records a built file in the ledger: its events, once per recipient, and the
// pending delivery of the file to endpoint, kept in the blob store under blobKey.
// state.ErrConflict means another run recorded one of its events first.
func Record(ctx context.Context, l *state.Ledger, f *File, endpoint, blobKey string) (state.Delivery, error) {
	nf := state.NoticeFile{Endpoint: endpoint, Name: f.Name, SHA256: f.SHA256, BlobKey: blobKey}
	for _, n := range f.Notices {
		nf.Events = append(nf.Events, state.NoticeEvent{
			Key: n.Key, Recipient: f.Recipient.Ledger(), Kind: string(n.Kind), BillKey: n.BillKey, Container: n.Container,
			ExamID: n.ExamID, Disposition: n.Disposition.Code, Standard: string(f.Recipient.Standard), Control: f.Control, Message: n.Message,
		})
	}
	return l.RecordNotices(ctx, nf)
}

// BlobPrefix is where Notify keeps notice files in its blob store:
// notices/<endpoint>/<file name>.
const BlobPrefix = "notices/"

// Notify is the daemon's notice job: Build with the ledger's control numbers, leaving
// out the events already recorded; then, for each file whose recipient has an
// endpoint, store it and record it with its pending delivery (Deliver pushes it). The
// events of a recipient without an endpoint are listed in Skipped, not recorded, so
// that they are built once one is configured. A file one of whose events another run
// recorded first is dropped whole and listed in Skipped: its other events come back on
// the next run. The returned batch holds the files recorded.
func Notify(ctx context.Context, in Inputs, opts Options, l *state.Ledger, store blob.Store) (*Batch, error) {
	opts.OnlyRouted = true
	b, err := Build(ctx, in, LedgerOptions(ctx, l, opts))
	if err != nil {
		return nil, err
	}
	recorded := b.Files[:0]
	for _, f := range b.Files {
		key := path.Join(BlobPrefix, f.Recipient.Endpoint, f.Name)
		_, err := store.Put(ctx, key, bytes.NewReader(f.Data), int64(len(f.Data)), blob.PutOptions{SHA256: f.SHA256, ContentType: contentType(f)})
		if err != nil && !errors.Is(err, blob.ErrExists) {
			return nil, fmt.Errorf("notices: store %s: %w", key, err)
		}
		if _, err := Record(ctx, l, f, f.Recipient.Endpoint, key); err != nil {
			if errors.Is(err, state.ErrConflict) {
				b.skipFile(f, "recorded by another run: "+err.Error())
				continue
			}
			return nil, err
		}
		recorded = append(recorded, f)
	}
	b.Files = recorded
	return b, nil
}

func (b *Batch) skipFile(f *File, reason string) {
	for _, n := range f.Notices {
		b.Skipped = append(b.Skipped, Skip{Key: n.Key, Recipient: f.Recipient.Ledger(), Reason: reason})
	}
}

func contentType(f *File) string {
	if f.Recipient.Standard == X12 {
		return "application/edi-x12"
	}
	return "application/edifact"
}
