package jobs

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/riverqueue/river"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/examimport"
	"github.com/icss/icss/transforms/results"
)

// Job kinds of the stages after the exam list.
const (
	KindImport  = "import"
	KindResults = "results"
)

// ImportArgs imports what a port's returns inbox brought (filled-in lists, photos,
// ZIPs), named by the port's endpoint.
type ImportArgs struct {
	Endpoint string `json:"endpoint" river:"unique"`
}

func (ImportArgs) Kind() string { return KindImport }
func (ImportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: whileLive}}
}

// ResultsArgs builds the next signed result batch and delivers every batch not yet
// delivered. There is one such job at a time.
type ResultsArgs struct{}

func (ResultsArgs) Kind() string { return KindResults }
func (ResultsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: whileLive}}
}

// signingKey is the configured signing key (config signing_key).
func (d *Daemon) signingKey() (ed25519.PrivateKey, error) {
	if !d.cfg.SigningKey.IsSet() {
		return nil, errors.New("signing_key is not configured: returns and results cannot be signed")
	}
	return signing.ParsePrivateKey(d.cfg.SigningKey.Value())
}

// evidenceStore is the evidence store, signing with the configured key and indexed
// in the ledger.
func (d *Daemon) evidenceStore() (*evidence.Store, error) {
	key, err := d.signingKey()
	if err != nil {
		return nil, err
	}
	st, err := d.blobs.Get(blob.Evidence)
	if err != nil {
		return nil, err
	}
	return evidence.New(st, evidence.Options{Key: key, Ledger: d.ledger}), nil
}

// importWorker hands the files of a port's returns inbox not yet imported to
// transforms/examimport (the code of `icss exam import`): every filled-in row
// checked against the list as issued, photos and workbooks kept as evidence, one
// signed manifest per accepted row. Importing again records nothing new, so files
// whose import had rejected rows are offered again with the next files (photos
// that come after their workbook complete it); the rest are marked done.
type importWorker struct {
	river.WorkerDefaults[ImportArgs]
	d *Daemon
}

func (w *importWorker) Work(ctx context.Context, job *river.Job[ImportArgs]) error {
	d := w.d
	log := d.log.With("job", job.ID, "kind", KindImport, "endpoint", job.Args.Endpoint)
	var files []state.File
	for _, s := range []state.FileState{state.FileFetched, state.FileArchived, state.FileParsed} {
		fs, err := d.ledger.FilesInState(ctx, job.Args.Endpoint, s)
		if err != nil {
			return err
		}
		files = append(files, fs...)
	}
	if len(files) == 0 {
		return nil
	}
	ev, err := d.evidenceStore()
	if err != nil {
		return river.JobCancel(err)
	}
	dir, err := os.MkdirTemp(d.cfg.SpoolDir, "icss-import-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, f := range files {
		// One folder per file: names from the port are kept (photos are named after
		// exam IDs), and two returns of one name cannot collide.
		sub := filepath.Join(dir, strconv.FormatInt(f.ID, 10))
		if err := os.Mkdir(sub, 0o700); err != nil {
			return err
		}
		if err := sftp.ValidateName(f.Name); err != nil {
			return river.JobCancel(fmt.Errorf("file %d: %w", f.ID, err))
		}
		if err := w.copyRaw(ctx, f, filepath.Join(sub, f.Name)); err != nil {
			return err
		}
	}
	rep, err := examimport.Import(ctx, examimport.Options{Returned: []string{dir}, Evidence: ev})
	if err != nil {
		return err
	}
	for _, r := range rep.Recorded {
		d.metrics.Result(string(r.Outcome))
		log.Info("exam result recorded", "exam", r.ExamID, "container", r.Container, "outcome", r.Outcome, "version", r.Version)
	}
	for _, e := range rep.Rejected {
		log.Warn("row rejected; offered again with the next files", "err", e)
	}
	// The next stages are queued before the files are marked done (see ingest).
	if len(rep.Recorded) > 0 {
		if err := d.insert(ctx, NoticesArgs{}); err != nil {
			return err
		}
		if d.cfg.Results != nil {
			if err := d.insert(ctx, ResultsArgs{}); err != nil {
				return err
			}
		}
	}
	done, lastErr := state.FileAcknowledged, ""
	if !rep.OK() {
		done, lastErr = state.FileParsed, fmt.Sprintf("%d row(s) rejected, first: %v", len(rep.Rejected), rep.Rejected[0])
	}
	for _, f := range files {
		if f.State != state.FileParsed {
			if err := d.ledger.SetFileState(ctx, f.ID, state.FileParsed, ""); err != nil {
				return err
			}
		}
		if err := d.ledger.SetFileState(ctx, f.ID, done, lastErr); err != nil {
			return err
		}
	}
	log.Info("returns imported", "files", len(files), "recorded", len(rep.Recorded), "unchanged", len(rep.Unchanged), "rejected", len(rep.Rejected))
	return nil
}

func (w *importWorker) copyRaw(ctx context.Context, f state.File, dst string) error {
	rc, _, err := w.d.raw.Get(ctx, f.BlobKey)
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, rc); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// resultsWorker builds the next signed batch of the exam results the evidence
// chain holds (transforms/results.Build skips those already in a batch) and
// delivers every batch on every channel (results.Deliver: the partner's SFTP
// inbox and the results bucket, each file a ledger delivery, exactly once).
type resultsWorker struct {
	river.WorkerDefaults[ResultsArgs]
	d *Daemon
}

func (w *resultsWorker) Work(ctx context.Context, job *river.Job[ResultsArgs]) error {
	d := w.d
	rc := d.cfg.Results
	if rc == nil {
		return nil
	}
	log := d.log.With("job", job.ID, "kind", KindResults)
	key, err := d.signingKey()
	if err != nil {
		return river.JobCancel(err)
	}
	ev, err := d.evidenceStore()
	if err != nil {
		return river.JobCancel(err)
	}
	spool, err := os.CreateTemp(d.cfg.SpoolDir, "icss-results-*")
	if err != nil {
		return err
	}
	defer removeSpool(spool)
	bw := bufio.NewWriter(spool)
	enc := json.NewEncoder(bw)
	n := 0
	if err := ev.Chain(ctx, func(s evidence.Sealed) error { n++; return enc.Encode(s.Result()) }); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := os.MkdirAll(rc.BatchDir, 0o750); err != nil {
		return err
	}
	b, err := results.Build(ctx, spool, results.BuildOptions{Dir: rc.BatchDir, Key: key, Source: "evidence"})
	if err != nil {
		return err
	}
	if b != nil {
		log.Info("result batch built", "batch", b.Seq, "rows", b.Manifest.Counts.Rows, "manifest_sha256", b.ManifestSHA256)
	}
	var chans []results.Channel
	if rc.SFTPEndpoint != "" {
		e, err := d.cfg.Endpoint(rc.SFTPEndpoint)
		if err != nil {
			return river.JobCancel(err)
		}
		client, err := sftp.Dial(ctx, e.SFTP(), log)
		if err != nil {
			log.Warn("partner endpoint unreachable; retrying", "attempt", job.Attempt, "err", err)
			return err
		}
		defer client.Close()
		chans = append(chans, results.SFTPChannel(client))
	}
	if rc.UseBucket() {
		st, err := d.blobs.Get(blob.Results)
		if err != nil {
			return err
		}
		chans = append(chans, results.BucketChannel(string(blob.Results), st))
	}
	opts := rc.Options(d.ledger, chans...)
	opts.Log = log
	rep, err := results.Deliver(ctx, opts)
	if err != nil {
		return err
	}
	for _, c := range rep {
		for _, seq := range c.Delivered {
			d.metrics.Delivery(channel(c.Endpoint), "sent")
			log.Info("result batch delivered", "channel", c.Endpoint, "batch", seq)
		}
	}
	return rep.Err()
}
