package sftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
)

// Blobs is the part of blob.Store that pull uses.
type Blobs interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, opts blob.PutOptions) (blob.Info, error)
}

// Ledger is the part of *state.Ledger that pull uses.
type Ledger interface {
	FileSeen(ctx context.Context, endpoint, name string, size int64, mtime time.Time) (f state.File, created bool, err error)
	FileFetched(ctx context.Context, id int64, sha256, blobKey string) (dup *state.File, err error)
	SetFileState(ctx context.Context, id int64, s state.FileState, lastErr string) error
	RecordFileFailure(ctx context.Context, id int64, errMsg string, maxAttempts int) (state.File, error)
	FilesInState(ctx context.Context, endpoint string, s state.FileState) ([]state.File, error)
}

var _ Ledger = (*state.Ledger)(nil)
var _ Blobs = (blob.Store)(nil)

// ErrStorage marks a failure of icss's own storage during a pull: the blob store, the
// ledger or the local spool. It is not the remote file's fault, so it is never counted
// against the file's max_attempts nor quarantines it; Run stops taking files and
// returns it, for the caller to retry the whole pull later (with backoff).
var ErrStorage = errors.New("own storage failed")

// storageError is an ErrStorage that keeps the underlying error for errors.Is/As.
type storageError struct {
	op  string
	err error
}

func (e *storageError) Error() string   { return e.op + ": " + e.err.Error() }
func (e *storageError) Unwrap() []error { return []error{ErrStorage, e.err} }

// ownStorage wraps an error of the blob store, the ledger or the spool as ErrStorage.
func ownStorage(op string, err error) error { return &storageError{op: op, err: err} }

// Puller takes the files of one endpoint's inbox into the blob store and the ledger,
// exactly once, and archives (or deletes) them on the server afterwards.
//
// One Run:
//  1. lists the inbox, dropping directories, ignored names (Config.Ignore), names that
//     fail ValidateName and files over Config.MaxFileSize (these are reported, not taken);
//  2. keeps the files that are ready: with Config.DoneSuffix, those whose marker exists;
//     otherwise those whose size and mtime are the same in a second listing
//     Config.StableFor later (a writer still appending changes the size);
//  3. for each ready file (Config.MaxConcurrent at a time): records its identity
//     (endpoint, name, size, mtime) with Ledger.FileSeen, downloads it into a spool file
//     while hashing, checks that the size matches the listing and that the file did not
//     change meanwhile, stores it under blob.ContentKey (create-only, verified against
//     the hash; an existing key holds the same bytes), records FileFetched, and only
//     then archives or deletes it remotely.
//
// Crash safety follows from that order: a kill before FileFetched leaves the file in the
// inbox and a "seen" row, so the next run fetches it again (a blob already stored is
// found by its key); a kill after FileFetched leaves a fetched row and the file in the
// inbox, so the next run re-reads it, finds the same hash, and only archives it; a kill
// after the remote archive leaves a fetched row whose file is gone from the inbox, which
// the next run marks archived. A file whose identity is known with a different hash is
// left in place and reported: it is never silently dropped.
//
// Ledger states written: seen, fetched or duplicate (by FileFetched), then archived for
// a fetched file once it has left the inbox. A duplicate stays a duplicate (never to be
// processed), and a row the processing stages have already moved on is not touched.
type Puller struct {
	Client *Client
	Blobs  Blobs
	Ledger Ledger
	// KeyPrefix is put before blob.ContentKey's "sha256/..." (e.g. "raw/"); may be empty.
	KeyPrefix string
	// SpoolDir holds downloads until they are stored; default os.TempDir(). Spool files
	// a killed run left behind are removed by a later run once a day old.
	SpoolDir string
	// Sleep waits between the two listings (default: a timer honouring ctx); tests and
	// schedulers may replace it. Pull reads no clock itself: the ledger stamps its rows.
	Sleep func(context.Context, time.Duration) error
	Log   *slog.Logger
	// OnPlan, OnBytes and OnFile report progress (for a progress bar); all optional and
	// called from several goroutines.
	OnPlan  func(files int, bytes int64)
	OnBytes func(n int64)
	OnFile  func(FileResult)
}

// Outcome is what a run did with one remote file.
type Outcome string

const (
	Taken     Outcome = "taken"     // fetched, stored, recorded and archived
	Duplicate Outcome = "duplicate" // same bytes as a file taken before; recorded and archived, not to be processed
	Recovered Outcome = "recovered" // taken by an earlier, interrupted run; now archived
	Skipped   Outcome = "skipped"   // left in the inbox on purpose (bad name, too large, quarantined)
	Gone      Outcome = "gone"      // vanished while being taken: a concurrent run took it, or the carrier withdrew it
	Failed    Outcome = "failed"    // left in the inbox after an error; the next run retries
)

// FileResult reports one file of a run.
type FileResult struct {
	Name    string
	Size    int64
	SHA256  string
	BlobKey string
	ID      int64 // ledger id, 0 when not recorded
	Outcome Outcome
	DupOf   int64  // for Duplicate: the ledger id of the first copy
	Reason  string // for Skipped and Failed
	Err     error  // for Failed
}

// Report summarises a run.
type Report struct {
	Endpoint string
	Files    []FileResult // sorted by name
	Bytes    int64        // downloaded
}

// Count returns how many files had outcome o.
func (r *Report) Count(o Outcome) int {
	n := 0
	for _, f := range r.Files {
		if f.Outcome == o {
			n++
		}
	}
	return n
}

// Err joins the errors of the failed files (nil when none failed).
func (r *Report) Err() error {
	var errs []error
	for _, f := range r.Files {
		if f.Outcome == Failed {
			errs = append(errs, f.Err)
		}
	}
	return errors.Join(errs...)
}

// Run pulls once. Its error is for the run as a whole (the inbox cannot be listed, the
// context ends, our own storage fails); per-file failures of the files themselves or
// their transfer are in the report (Report.Err) and the others proceed. When our own
// storage fails (ErrStorage: blob store, ledger, spool) no further file is started, the
// files in flight finish, and Run returns the report so far with that error: the files
// not taken stay in the inbox, uncharged, for a later run.
func (p *Puller) Run(ctx context.Context) (*Report, error) {
	cfg := p.Client.Config()
	if cfg.Inbox == "" {
		return nil, &FieldError{Field: "inbox", Err: errors.New("is not set for this endpoint")}
	}
	log := p.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("endpoint", cfg.Name)
	sleep := p.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	rep := &Report{Endpoint: cfg.Name}
	var mu sync.Mutex
	var storeErr error // the first ErrStorage of a file; stops the dispatch
	add := func(r FileResult) {
		mu.Lock()
		rep.Files = append(rep.Files, r)
		if storeErr == nil && errors.Is(r.Err, ErrStorage) {
			storeErr = r.Err
		}
		mu.Unlock()
		if p.OnFile != nil {
			p.OnFile(r)
		}
	}

	p.removeStaleSpool(log)
	first, markers, present, err := p.list(ctx, add)
	if err != nil {
		return nil, err
	}
	if err := p.reconcile(ctx, log, present); err != nil {
		return rep, err
	}
	ready := map[string]os.FileInfo{}
	if cfg.DoneSuffix != "" {
		for name, fi := range first {
			if markers[name] {
				ready[name] = fi
			}
		}
	} else if len(first) > 0 {
		if err := sleep(ctx, cfg.StableFor); err != nil {
			return nil, err
		}
		second, _, _, err := p.list(ctx, func(FileResult) {})
		if err != nil {
			return nil, err
		}
		for name, a := range first {
			if b, ok := second[name]; ok && b.Size() == a.Size() && b.ModTime().Equal(a.ModTime()) {
				ready[name] = b
			} else {
				log.Debug("not yet stable", "name", name)
			}
		}
	}
	names := make([]string, 0, len(ready))
	var total int64
	for n, fi := range ready {
		names = append(names, n)
		total += fi.Size()
	}
	sort.Strings(names)
	if p.OnPlan != nil {
		p.OnPlan(len(names), total)
	}
	if cfg.AfterPull == Archive && len(names) > 0 {
		if err := p.Client.Mkdir(ctx, cfg.Archive); err != nil {
			return nil, fmt.Errorf("sftp %s: create archive %s: %w", cfg.Name, cfg.Archive, err)
		}
	}

	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return storeErr != nil
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(cfg.MaxConcurrent, max(len(names), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				if stopped() {
					continue // handed over before the store failed; left for a later run
				}
				r := p.take(ctx, log, name, ready[name])
				mu.Lock()
				if r.Outcome == Taken || r.Outcome == Duplicate || r.Outcome == Recovered {
					rep.Bytes += r.Size
				}
				mu.Unlock()
				add(r)
			}
		}()
	}
	for _, n := range names {
		if ctx.Err() != nil || stopped() {
			break
		}
		select {
		case work <- n:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	sort.Slice(rep.Files, func(i, j int) bool { return rep.Files[i].Name < rep.Files[j].Name })
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	if storeErr != nil {
		log.Warn("own storage failing; the pull stops and the rest stays in the inbox", "err", storeErr)
		return rep, storeErr
	}
	return rep, nil
}

// list returns the candidate files of the inbox, the set of names that have a done
// marker, and every name present; rejected entries are passed to skip.
func (p *Puller) list(ctx context.Context, skip func(FileResult)) (files map[string]os.FileInfo, markers, present map[string]bool, err error) {
	cfg := p.Client.Config()
	infos, err := p.Client.ReadDir(ctx, cfg.Inbox)
	if err != nil {
		return nil, nil, nil, err
	}
	files, markers, present = map[string]os.FileInfo{}, map[string]bool{}, map[string]bool{}
	for _, fi := range infos {
		name := fi.Name()
		present[name] = true
		if !fi.Mode().IsRegular() {
			continue
		}
		if err := ValidateName(name); err != nil {
			skip(FileResult{Name: name, Size: fi.Size(), Outcome: Skipped, Reason: err.Error()})
			continue
		}
		if ignored(cfg.Ignore, name) {
			continue
		}
		if cfg.DoneSuffix != "" && len(name) > len(cfg.DoneSuffix) && name[len(name)-len(cfg.DoneSuffix):] == cfg.DoneSuffix {
			markers[name[:len(name)-len(cfg.DoneSuffix)]] = true
			continue
		}
		if fi.Size() > cfg.MaxFileSize {
			skip(FileResult{Name: name, Size: fi.Size(), Outcome: Skipped,
				Reason: fmt.Sprintf("%d bytes is over max_file_size %d", fi.Size(), cfg.MaxFileSize)})
			continue
		}
		files[name] = fi
	}
	return files, markers, present, nil
}

func ignored(globs []string, name string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

// take fetches, stores, records and archives one ready file.
func (p *Puller) take(ctx context.Context, log *slog.Logger, name string, fi os.FileInfo) FileResult {
	cfg := p.Client.Config()
	res := FileResult{Name: name, Size: fi.Size()}
	fail := func(err error) FileResult {
		res.Outcome, res.Reason = Failed, err.Error()
		res.Err = err
		if !strings.HasPrefix(err.Error(), "sftp "+cfg.Name+": ") { // client errors carry it already
			res.Err = fmt.Errorf("sftp %s: %s: %w", cfg.Name, name, err)
		}
		log.Warn("pull failed; the file stays in the inbox", "name", name, "err", err)
		// Our own storage failing is not the file's fault: it is not charged.
		if res.ID != 0 && ctx.Err() == nil && !errors.Is(err, ErrStorage) {
			// The row keeps the last error for operators; after MaxAttempts failures the
			// file is quarantined instead of being retried on every run forever.
			if f, rerr := p.Ledger.RecordFileFailure(ctx, res.ID, err.Error(), cfg.MaxAttempts); rerr == nil && f.State == state.FileQuarantined {
				log.Error("file quarantined after repeated failures", "name", name, "attempts", f.Attempts)
			}
		}
		return res
	}
	// Second-granularity mtimes are what SFTP v3 carries; the ledger stores them as UTC.
	f, _, err := p.Ledger.FileSeen(ctx, cfg.Name, name, fi.Size(), fi.ModTime().UTC())
	if err != nil {
		return fail(ownStorage("record seen", err))
	}
	res.ID = f.ID
	gone := func() FileResult {
		res.Outcome, res.Reason = Gone, "no longer in the inbox (taken by a concurrent run, or withdrawn)"
		log.Info("file vanished while being taken", "name", name)
		return res
	}
	if f.State == state.FileQuarantined && f.SHA256 == "" {
		res.Outcome, res.Reason = Skipped, fmt.Sprintf("quarantined after %d failures (last: %s)", f.Attempts, f.LastError)
		return res
	}

	remote := path.Join(cfg.Inbox, name)
	spool, err := os.CreateTemp(p.SpoolDir, spoolPattern)
	if err != nil {
		return fail(ownStorage("spool", err))
	}
	defer func() { spool.Close(); os.Remove(spool.Name()) }()
	n, sum, err := p.Client.download(ctx, remote, spool, cfg.MaxFileSize, p.OnBytes)
	if errors.Is(err, os.ErrNotExist) {
		return gone()
	}
	if err != nil {
		return fail(err)
	}
	if n != fi.Size() {
		// pkg/sftp's pipelined reads leave a gap where a server answers short, so a
		// max_packet above the server's read limit shows up here, never as corrupt data.
		return fail(fmt.Errorf("read %d bytes, listed %d: the file changed while it was read, or the server reads less than max_packet %d at a time", n, fi.Size(), cfg.MaxPacket))
	}
	// A writer that paused longer than StableFor and resumed is caught here.
	if now, err := p.Client.Stat(ctx, remote); errors.Is(err, os.ErrNotExist) {
		return gone()
	} else if err != nil {
		return fail(fmt.Errorf("stat after download: %w", err))
	} else if now.Size() != fi.Size() || !now.ModTime().Equal(fi.ModTime()) {
		return fail(fmt.Errorf("changed during download (size %d→%d, mtime %v→%v)", fi.Size(), now.Size(), fi.ModTime(), now.ModTime()))
	}
	res.SHA256 = sum

	if f.SHA256 != "" {
		// An earlier run took this identity; archive only if it is the same content.
		if f.SHA256 != sum {
			return fail(fmt.Errorf("%w: ledger file %d has this name, size and mtime but sha256 %s, the server now has %s", ErrConflict, f.ID, f.SHA256, sum))
		}
		res.BlobKey, res.Outcome = f.BlobKey, Recovered
	} else {
		key := blob.ContentKey(p.KeyPrefix, sum)
		if _, err := spool.Seek(0, 0); err != nil {
			return fail(ownStorage("spool", err))
		}
		_, err := p.Blobs.Put(ctx, key, spool, n, blob.PutOptions{
			SHA256:      sum,
			ContentType: "application/octet-stream",
			Metadata:    map[string]string{"endpoint": cfg.Name, "name": url.PathEscape(name)},
		})
		if err != nil && !errors.Is(err, blob.ErrExists) {
			return fail(ownStorage("store", err))
		}
		dup, err := p.Ledger.FileFetched(ctx, f.ID, sum, key)
		if err != nil {
			return fail(ownStorage("record fetched", err))
		}
		res.BlobKey, res.Outcome = key, Taken
		if dup != nil {
			res.Outcome, res.DupOf = Duplicate, dup.ID
		}
	}
	if err := p.archive(ctx, name, f.ID); err != nil {
		// The raw copy is safe and recorded; the next run archives it (Recovered).
		return fail(fmt.Errorf("archive: %w", err))
	}
	// Only a fetched row advances to archived: a duplicate stays a duplicate (it is never
	// processed), and a row the processing stages have moved on keeps its state.
	if res.Outcome == Taken || res.Outcome == Recovered && f.State == state.FileFetched {
		if err := p.markArchived(ctx, f.ID); err != nil {
			// Remote is archived; reconcile marks the row on the next run.
			return fail(err)
		}
	}
	log.Info("pulled", "name", name, "size", n, "sha256", sum, "outcome", res.Outcome)
	return res
}

// archive moves name (and its done marker) out of the inbox, or deletes it.
func (p *Puller) archive(ctx context.Context, name string, id int64) error {
	cfg := p.Client.Config()
	names := []string{name}
	if cfg.DoneSuffix != "" {
		names = append(names, name+cfg.DoneSuffix)
	}
	for _, n := range names {
		src := path.Join(cfg.Inbox, n)
		if cfg.AfterPull == Delete {
			if err := p.Client.Remove(ctx, src); err != nil {
				return err
			}
			continue
		}
		dst := path.Join(cfg.Archive, n)
		// Never replace an archived file: a resend of the same name gets the ledger id.
		if _, err := p.Client.Stat(ctx, dst); err == nil {
			dst = path.Join(cfg.Archive, archiveName(n, id))
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := p.Client.Rename(ctx, src, dst); err != nil {
			if _, serr := p.Client.Stat(ctx, src); errors.Is(serr, os.ErrNotExist) {
				continue // a retried rename whose first attempt had succeeded
			}
			return err
		}
	}
	return nil
}

// archiveName is name with ".<id>" before the extension-less end, within MaxNameLength.
func archiveName(name string, id int64) string {
	suffix := fmt.Sprintf(".%d", id)
	return truncTo(name, MaxNameLength-len(suffix)) + suffix
}

// spoolPattern names spool files; removeStaleSpool relies on it.
const spoolPattern = "icss-pull-*"

// removeStaleSpool deletes spool files of runs killed at least a day ago (a live run's
// files are younger: a download that takes a day is not a live run).
func (p *Puller) removeStaleSpool(log *slog.Logger) {
	dir := p.SpoolDir
	if dir == "" {
		dir = os.TempDir()
	}
	old, _ := filepath.Glob(filepath.Join(dir, spoolPattern))
	for _, f := range old {
		if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > 24*time.Hour {
			if os.Remove(f) == nil {
				log.Info("removed a stale spool file", "file", f)
			}
		}
	}
}

// markArchived records that a fetched file left the inbox (state.FileArchived: next
// come parsed and acknowledged).
func (p *Puller) markArchived(ctx context.Context, id int64) error {
	if err := p.Ledger.SetFileState(ctx, id, state.FileArchived, ""); err != nil {
		return ownStorage("record archived", err)
	}
	return nil
}

// reconcile finishes what a run killed between the remote archive and the ledger update
// left: files recorded as fetched that are no longer in the inbox were archived (or
// deleted) by that run.
func (p *Puller) reconcile(ctx context.Context, log *slog.Logger, present map[string]bool) error {
	cfg := p.Client.Config()
	pending, err := p.Ledger.FilesInState(ctx, cfg.Name, state.FileFetched)
	if err != nil {
		return fmt.Errorf("sftp %s: reconcile: %w", cfg.Name, err)
	}
	for _, f := range pending {
		if present[f.Name] {
			continue // still in the inbox: this run's listing takes it (Recovered)
		}
		if err := p.markArchived(ctx, f.ID); err != nil {
			return fmt.Errorf("sftp %s: reconcile %s: %w", cfg.Name, f.Name, err)
		}
		log.Info("recorded an earlier run's archive", "name", f.Name, "id", f.ID)
	}
	return nil
}
