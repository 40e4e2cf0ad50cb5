package jobs

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/acks"
	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12/ack"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/normalize"
)

// ingestWorker takes one pulled file through inspection, acknowledgment,
// normalization and the ledger's record versions. Every step is idempotent: the
// acknowledgments are fixed once in a manifest (acks/<sha256>.json in the records
// store) before they are queued for delivery, so a retried ingest sends the same
// acknowledgments, never a second set with new control numbers; the batch of
// records is content-addressed (batches/<sha256>.jsonl) and the ledger keeps one
// version per distinct content.
type ingestWorker struct {
	river.WorkerDefaults[IngestArgs]
	d *Daemon
}

// ackManifest lists the acknowledgments of one file.
type ackManifest struct {
	File  string    `json:"file"`
	Valid bool      `json:"valid"`
	Issue string    `json:"issue,omitempty"` // the first error, when not valid
	Acks  []ackFile `json:"acks"`
}

type ackFile struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	SHA256 string `json:"sha256"`
	Key    string `json:"key"` // in the records store
}

func (w *ingestWorker) Work(ctx context.Context, job *river.Job[IngestArgs]) error {
	d := w.d
	f, log, err := d.pulledFile(ctx, job.ID, KindIngest, job.Args.Endpoint, job.Args.SHA256)
	if err != nil {
		return err
	}
	switch f.State {
	case state.FileQuarantined:
		log.Info("file is quarantined; not ingested", "reason", f.LastError)
		return nil
	case state.FileFetched, state.FileArchived, state.FileParsed, state.FileAcknowledged:
	default:
		return river.JobCancel(fmt.Errorf("file %d is %s: nothing to ingest", f.ID, f.State))
	}
	var manifest *ackManifest
	standard, err := w.standard(ctx, f)
	if err != nil {
		return err
	}
	if standard != "tabular" {
		if manifest, err = w.acknowledge(ctx, f, log); err != nil {
			return err
		}
	}
	records := 0
	if f.State == state.FileFetched || f.State == state.FileArchived {
		var reason string
		records, reason, err = w.normalize(ctx, f, log)
		if err != nil {
			return err
		}
		if reason == "" && manifest != nil && !manifest.Valid && records == 0 {
			reason = manifest.Issue
		}
		if reason != "" {
			// The negative acknowledgments still go out: the carrier must know.
			if err := w.queueAcks(ctx, f, manifest); err != nil {
				return err
			}
			log.Warn("file quarantined", "reason", reason)
			return d.ledger.SetFileState(ctx, f.ID, state.FileQuarantined, reason)
		}
		if err := d.ledger.SetFileState(ctx, f.ID, state.FileParsed, ""); err != nil {
			return err
		}
		log.Info("normalized", "records", records)
		d.metrics.Records(standard, records)
	} else if _, err := d.records.Stat(ctx, batchKey(f.SHA256)); err == nil {
		records = 1 // parsed before a crash: the batch is there
	}
	// The next stages are queued before the file is marked done: a crash in between
	// leaves it for the sweep to pick up again, never a file done with no score.
	if err := w.queueAcks(ctx, f, manifest); err != nil {
		return err
	}
	if records > 0 {
		if err := d.insert(ctx, ScoreArgs{Endpoint: f.Endpoint, SHA256: f.SHA256}); err != nil {
			return err
		}
	}
	if f.State != state.FileAcknowledged {
		return d.ledger.SetFileState(ctx, f.ID, state.FileAcknowledged, "")
	}
	return nil
}

// standard tells X12 and EDIFACT inputs ("x12", "edifact": acknowledged) from the
// rest ("tabular": carrier tables, and what normalize will refuse).
func (w *ingestWorker) standard(ctx context.Context, f state.File) (string, error) {
	rc, err := openBlob(ctx, w.d.raw, f.BlobKey)
	if err != nil {
		return "", fmt.Errorf("raw copy of %s: %w", f.Name, err)
	}
	defer rc.Close()
	peek := make([]byte, edi.PeekSize)
	n, _ := io.ReadFull(rc, peek)
	if err := rc.Err(); err != nil {
		return "", err
	}
	switch std, err := edi.Detect(peek[:n]); {
	case err == nil && std == edi.X12:
		return "x12", nil
	case err == nil && std == edi.EDIFACT:
		return "edifact", nil
	}
	return "tabular", nil
}

// acknowledge returns the file's acknowledgments: the manifest of an earlier
// attempt, or new ones (control numbers from the ledger) fixed in a new manifest.
func (w *ingestWorker) acknowledge(ctx context.Context, f state.File, log *slog.Logger) (*ackManifest, error) {
	d := w.d
	key := "acks/" + f.SHA256 + ".json"
	if m, err := w.readManifest(ctx, key); err == nil {
		return m, nil
	} else if !errors.Is(err, blob.ErrNotExist) {
		return nil, err
	}
	rc, err := openBlob(ctx, d.raw, f.BlobKey)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	opts := ack.Options{
		Format:   ack.Kind(d.cfg.Acks.Format),
		Now:      time.Now,
		Controls: ack.ControlNumbersFunc(func(scope string) (int64, error) { return d.ledger.NextControlNumber(ctx, scope) }),
	}
	if q, id, ok := strings.Cut(d.cfg.Acks.Sender, ":"); ok {
		opts.SenderQualifier, opts.Sender = q, id
	}
	m := &ackManifest{File: f.Name}
	rep, err := acks.Acknowledge(rc, f.Name, opts, func(a acks.File) error {
		sum := sha256.Sum256(a.Data)
		hexSum := hex.EncodeToString(sum[:])
		k := blob.ContentKey("acks/", hexSum)
		if _, err := d.records.Put(ctx, k, bytes.NewReader(a.Data), int64(len(a.Data)), blob.PutOptions{SHA256: hexSum, ContentType: "application/edi"}); err != nil && !errors.Is(err, blob.ErrExists) {
			return err
		}
		m.Acks = append(m.Acks, ackFile{Name: a.Name, Kind: a.Kind, Status: a.Status, SHA256: hexSum, Key: k})
		return nil
	}, func(s acks.Skipped) {
		log.Info("interchange not acknowledged", "interchange", s.Interchange, "line", s.Line, "reason", s.Reason)
	})
	if err == nil {
		err = rc.Err() // a stream cut by the store: not the carrier's error, not to be answered
	}
	if err != nil {
		return nil, err
	}
	m.Valid = rep.Valid()
	for _, is := range rep.Issues {
		if is.Severity == syntax.Error {
			m.Issue = is.Message
			break
		}
	}
	b, _ := json.Marshal(m)
	_, err = d.records.Put(ctx, key, bytes.NewReader(b), int64(len(b)), blob.PutOptions{ContentType: "application/json"})
	if errors.Is(err, blob.ErrExists) {
		// Another node fixed them first: theirs go out, ours are dropped (their
		// control numbers stay unused, which EDI allows).
		return w.readManifest(ctx, key)
	}
	if err != nil {
		return nil, err
	}
	log.Info("acknowledged", "acks", len(m.Acks), "valid", m.Valid)
	return m, nil
}

func (w *ingestWorker) readManifest(ctx context.Context, key string) (*ackManifest, error) {
	rc, _, err := w.d.records.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var m ackManifest
	if err := json.NewDecoder(rc).Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return &m, nil
}

// queueAcks records the acknowledgments as deliveries to the carrier's outbox and
// enqueues them.
func (w *ingestWorker) queueAcks(ctx context.Context, f state.File, m *ackManifest) error {
	if m == nil || len(m.Acks) == 0 {
		return nil
	}
	e, err := w.d.cfg.Endpoint(f.Endpoint)
	if err != nil || e.Outbox == "" {
		w.d.log.Warn("acknowledgments kept, not sent: the endpoint has no outbox", "endpoint", f.Endpoint, "file", f.Name)
		return nil
	}
	for _, a := range m.Acks {
		if _, _, err := w.d.ledger.EnqueueDelivery(ctx, e.Name, a.Name, a.SHA256, string(blob.Records)+":"+a.Key); err != nil {
			return err
		}
		if err := w.d.insert(ctx, DeliverArgs{Endpoint: e.Name, Name: a.Name}); err != nil {
			return err
		}
	}
	return nil
}

// batchKey is where the records of the file with this SHA-256 are kept.
func batchKey(sha string) string { return "batches/" + sha[:2] + "/" + sha + ".jsonl" }

// normalize writes the file's records (JSON lines, one per bill version) to the
// records store as one batch and records each version in the ledger. reason is set
// when the file must be quarantined (nothing could be read from it).
func (w *ingestWorker) normalize(ctx context.Context, f state.File, log *slog.Logger) (records int, reason string, err error) {
	d := w.d
	rc, err := openBlob(ctx, d.raw, f.BlobKey)
	if err != nil {
		return 0, "", err
	}
	defer rc.Close()
	out, err := os.CreateTemp(d.cfg.SpoolDir, "icss-batch-*")
	if err != nil {
		return 0, "", err
	}
	defer removeSpool(out)
	bw := bufio.NewWriterSize(out, 256<<10)
	whole := sha256.New()
	var inputs []state.RecordInput
	var line []byte
	bk := batchKey(f.SHA256)
	received := &harmonized.DateTime{Time: f.SeenAt, Precision: harmonized.PrecisionSecond, Zone: "UTC", Raw: f.SeenAt.Format(time.RFC3339)}
	var keyless, events int
	res, err := normalize.RunReader(normalize.Options{ReceivedAt: func(string) *harmonized.DateTime { return received }}, f.Name, rc, func(l normalize.Line) error {
		if l.Record == nil {
			events++ // an event naming no bill of this file
			return nil
		}
		if l.Record.Key == "" {
			keyless++
			return nil
		}
		line = append(l.Record.AppendJSON(line[:0]), '\n')
		sum := sha256.Sum256(line[:len(line)-1])
		inputs = append(inputs, state.RecordInput{Key: l.Record.Key, SHA256: hex.EncodeToString(sum[:]), BlobKey: bk + "#" + strconv.Itoa(len(inputs))})
		whole.Write(line)
		_, err := bw.Write(line)
		return err
	})
	if err == nil {
		err = rc.Err() // a stream cut by the store is retried, never quarantined
	}
	if err != nil {
		return 0, "", err
	}
	for _, e := range res.Errors {
		log.Warn("input error", "err", e)
	}
	if keyless > 0 || events > 0 {
		log.Warn("lines not recorded", "records_without_key", keyless, "events_without_bill", events)
	}
	if len(inputs) == 0 {
		if len(res.Errors) > 0 {
			return 0, res.Errors[0].Error(), nil
		}
		if keyless > 0 {
			return 0, fmt.Sprintf("%d bill(s) without a key (carrier code and bill number)", keyless), nil
		}
		return 0, "no bill of lading in the file", nil
	}
	if err := bw.Flush(); err != nil {
		return 0, "", err
	}
	size, err := out.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, "", err
	}
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		return 0, "", err
	}
	_, err = d.records.Put(ctx, bk, out, size, blob.PutOptions{SHA256: hex.EncodeToString(whole.Sum(nil)), ContentType: "application/x-ndjson"})
	if err != nil && !errors.Is(err, blob.ErrExists) {
		return 0, "", err
	}
	if _, _, err := d.ledger.PutRecordVersions(ctx, f.ID, inputs); err != nil {
		return 0, "", err
	}
	return len(inputs), "", nil
}

// pulledFile finds the file a job names by endpoint and content, and a logger
// that says so in every line. A file the ledger does not know cancels the job:
// retrying cannot make it appear.
func (d *Daemon) pulledFile(ctx context.Context, jobID int64, kind, endpoint, sha256 string) (state.File, *slog.Logger, error) {
	f, err := d.ledger.FileBySHA256(ctx, endpoint, sha256)
	if errors.Is(err, state.ErrNotFound) {
		return f, nil, river.JobCancel(err)
	}
	if err != nil {
		return f, nil, err
	}
	return f, d.log.With("job", jobID, "kind", kind, "endpoint", f.Endpoint, "file", f.Name, "file_id", f.ID, "sha256", f.SHA256), nil
}
