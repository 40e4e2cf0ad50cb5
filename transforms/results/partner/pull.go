package partner

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"

	json "github.com/goccy/go-json"

	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/results"
)

// Limits on what a source may make Pull read.
const (
	maxManifest = 4 << 20
	maxLine     = 1 << 20
)

// PullReport says what Pull indexed.
type PullReport struct {
	Batches []int64 // indexed in this run, in order
	Rows    int
	// Last is the last batch in the index after the run.
	Last int64
	// Waiting, when set, says the next batch has started to arrive but is not
	// complete (no signature yet): a later pull takes it.
	Waiting string
}

// Pull indexes every batch of src after the index's last one, in sequence
// order, each verified completely first (see the package documentation). It
// stops at the first batch that fails verification: the error says why
// (errors.Is with results.ErrGap, results.ErrChain, results.ErrChanged,
// results.ErrSignature, ErrReplayed or ErrMalformed); the batches before it
// stay indexed, nothing of it is. now stamps the index (nil: time.Now).
func Pull(ctx context.Context, src Source, pub ed25519.PublicKey, ix *Index, now func() time.Time) (PullReport, error) {
	if now == nil {
		now = time.Now
	}
	var rep PullReport
	last, prev, err := ix.Last(ctx)
	if err != nil {
		return rep, err
	}
	rep.Last = last
	names, err := src.List(ctx)
	if err != nil {
		return rep, fmt.Errorf("partner: list %s: %w", src, err)
	}
	present := map[string]bool{}
	signed := map[int64]bool{}
	var highest int64
	for _, n := range names {
		present[n] = true
		if seq, sig, _ := results.ParseName(n); sig {
			signed[seq] = true
			highest = max(highest, seq)
		}
	}
	for seq := last + 1; ; seq++ {
		if !signed[seq] {
			if highest > seq {
				return rep, fmt.Errorf("partner: %s: %w: batch %d is not there but batch %d is; report it to icss operations", src, results.ErrGap, seq, highest)
			}
			for n := range present {
				if s, _, _ := results.ParseName(n); s == seq {
					rep.Waiting = fmt.Sprintf("batch %d is arriving (no signature yet)", seq)
				}
			}
			return rep, nil
		}
		n, sha, err := pullBatch(ctx, src, pub, ix, seq, prev, present, now())
		if err != nil {
			return rep, fmt.Errorf("partner: %s: batch %d refused: %w", src, seq, err)
		}
		rep.Batches = append(rep.Batches, seq)
		rep.Rows += n
		rep.Last, prev = seq, sha
	}
}

func readAll(ctx context.Context, src Source, name string, limit int64) ([]byte, error) {
	rc, err := src.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return b, err
}

// pullBatch verifies batch seq and indexes its rows in one transaction.
func pullBatch(ctx context.Context, src Source, pub ed25519.PublicKey, ix *Index, seq int64, prev string, present map[string]bool, now time.Time) (int, string, error) {
	sig, err := readAll(ctx, src, results.SignatureName(seq), 1024)
	if err != nil {
		return 0, "", err
	}
	mb, err := readAll(ctx, src, results.ManifestName(seq), maxManifest)
	if err != nil {
		return 0, "", err
	}
	m, sha, err := results.VerifyManifest(pub, seq, prev, mb, sig)
	if err != nil {
		return 0, "", err
	}
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, "", err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO batches (seq, manifest_sha256, key_id, created_at, rows, pulled_at) VALUES (?, ?, ?, ?, ?, ?)`,
		seq, sha, m.KeyID, m.CreatedAt, m.Counts.Rows, now.UTC().Format(time.RFC3339)); err != nil {
		return 0, "", err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO results (exam_id, version, seq, container, port, outcome, reason, findings,
		examined_at, recorded_at, bolt_seal, risk_negated, evidence_sha256, supersedes, referral) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, "", err
	}
	defer ins.Close()
	rows := 0
	for _, f := range m.Files {
		if !present[f.Name] {
			return 0, "", fmt.Errorf("%w: %s is listed in the manifest but not there", results.ErrChanged, f.Name)
		}
		n, err := pullFile(ctx, src, f, seq, ins)
		if err != nil {
			return 0, "", err
		}
		if f.Format == results.FormatJSONL {
			rows += n
		}
	}
	if rows != m.Counts.Rows {
		return 0, "", fmt.Errorf("%w: %d rows, the manifest counts %d", results.ErrChanged, rows, m.Counts.Rows)
	}
	return rows, sha, tx.Commit()
}

// pullFile reads one data file, hashing it; JSON lines are indexed as read
// (the transaction is dropped if the hash then fails).
func pullFile(ctx context.Context, src Source, f results.File, seq int64, ins *sql.Stmt) (int, error) {
	rc, err := src.Open(ctx, f.Name)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	h := &countingHash{h: sha256.New()}
	r := io.TeeReader(io.LimitReader(rc, f.Size+1), h)
	rows := 0
	// A row that does not parse is reported after the hash: a changed file
	// is the likelier cause, and the one to name.
	var rowErr error
	if f.Format == results.FormatJSONL {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), maxLine)
		for line := 1; rowErr == nil && sc.Scan(); line++ {
			if err := indexRow(ctx, ins, sc.Bytes(), f, seq); err != nil {
				rowErr = fmt.Errorf("%s:%d: %w", f.Name, line, err)
			}
			rows++
		}
		if err := sc.Err(); err != nil && rowErr == nil {
			rowErr = fmt.Errorf("%s: %w", f.Name, err)
		}
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return 0, fmt.Errorf("%s: %w", f.Name, err)
	}
	if got := hex.EncodeToString(h.h.Sum(nil)); h.n != f.Size || got != f.SHA256 {
		return 0, fmt.Errorf("%w: %s has %d bytes SHA-256 %s, the signed manifest says %d bytes %s", results.ErrChanged, f.Name, h.n, got, f.Size, f.SHA256)
	}
	if rowErr != nil {
		if errors.Is(rowErr, ErrReplayed) {
			return 0, rowErr
		}
		return 0, fmt.Errorf("%w: %w", ErrMalformed, rowErr)
	}
	if rows != f.Rows && f.Format == results.FormatJSONL {
		return 0, fmt.Errorf("%w: %s has %d rows, the manifest says %d", results.ErrChanged, f.Name, rows, f.Rows)
	}
	return rows, nil
}

type countingHash struct {
	h hash.Hash
	n int64
}

func (c *countingHash) Write(p []byte) (int, error) { c.n += int64(len(p)); return c.h.Write(p) }

func indexRow(ctx context.Context, ins *sql.Stmt, line []byte, f results.File, seq int64) error {
	var r results.Row
	if err := json.Unmarshal(line, &r); err != nil {
		return err
	}
	switch {
	case r.Schema != results.RowSchema:
		return fmt.Errorf("schema %q is not %q", r.Schema, results.RowSchema)
	case r.Port != f.Port:
		return fmt.Errorf("port %s in the file of port %s", r.Port, f.Port)
	case !exam.ValidExamID(r.ExamID) || r.Version < 1:
		return fmt.Errorf("exam ID %q version %d", r.ExamID, r.Version)
	}
	examined := ""
	if r.ExaminedAt != nil {
		examined = r.ExaminedAt.UTC().Format(time.RFC3339)
	}
	_, err := ins.ExecContext(ctx, r.ExamID, r.Version, seq, NormalizeContainer(r.Container), r.Port, string(r.Outcome), r.NotExaminedReason, r.Findings, examined,
		r.RecordedAt.UTC().Format(time.RFC3339Nano), r.BoltSeal, r.RiskNegated, r.EvidenceManifestSHA256, r.Supersedes, r.Referral)
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return fmt.Errorf("%w: exam %s version %d was received in an earlier batch", ErrReplayed, r.ExamID, r.Version)
	}
	return err
}

// Refusals of a batch that matches its signed manifest.
var (
	// ErrReplayed reports a row received before, sent again in a new batch.
	ErrReplayed = errors.New("replayed result")
	// ErrMalformed reports a row that is not a partner result row.
	ErrMalformed = errors.New("malformed result row")
)

// NormalizeContainer upper-cases a container or seal number and drops
// blanks and hyphens, as officers type them in several ways.
func NormalizeContainer(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '\t':
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}
