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
	"log/slog"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/risk"
)

// historyPrefix keeps the histories the learn stage writes in the records store,
// one per run, "history/<run key>.json": keys sort in time order, so the latest is
// the last listed, and every node scores with the same one.
const historyPrefix = "history/"

// learn refreshes the history the score stage uses (RISK.md: history learned from
// exam outcomes): the configured history (risk.history, learned offline) plus every
// record the ledger's batches hold, each with the outcome of its latest exam result
// in the evidence chain (examined, and a hit unless nothing was found), or as seen
// and not examined. The result is a new history object; the score stage takes the
// latest from its next batch on.
func (d *Daemon) learn(ctx context.Context, runKey string, log *slog.Logger) error {
	outcomes := map[string]risk.Outcome{}
	if d.cfg.SigningKey.IsSet() {
		ev, err := d.evidenceStore()
		if err != nil {
			return err
		}
		if err := ev.Chain(ctx, func(s evidence.Sealed) error {
			r := s.Result()
			o := risk.Outcome{Examined: r.Outcome != exam.OutcomeNotExamined}
			o.Hit = o.Examined && r.Outcome != exam.OutcomeNoFinding
			for _, b := range r.Bills {
				outcomes[b.Key] = o // chain order: a later version replaces an earlier one
			}
			return nil
		}); err != nil {
			return err
		}
	}
	h := risk.NewHistory()
	if p := d.cfg.Risk.History; p != "" {
		var err error
		if h, err = risk.LoadHistory(p); err != nil {
			return err
		}
	}
	files, err := d.ledger.FilesInState(ctx, "", state.FileAcknowledged)
	if err != nil {
		return err
	}
	records, examined := 0, 0
	for _, f := range files {
		rc, _, err := d.records.Get(ctx, batchKey(f.SHA256))
		if errors.Is(err, blob.ErrNotExist) {
			continue // a port's return, or a file with no bill
		}
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(rc)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var rec harmonized.Record
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				rc.Close()
				return fmt.Errorf("%s: %w", batchKey(f.SHA256), err)
			}
			o := outcomes[rec.Key]
			h.Learn(&rec, o)
			records++
			if o.Examined {
				examined++
			}
		}
		rc.Close()
		if err := sc.Err(); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if _, err := h.WriteTo(&buf); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	key := historyPrefix + runKey + ".json"
	_, err = d.records.Put(ctx, key, bytes.NewReader(buf.Bytes()), int64(buf.Len()), blob.PutOptions{SHA256: hex.EncodeToString(sum[:]), ContentType: "application/json"})
	if err != nil && !errors.Is(err, blob.ErrExists) {
		return err
	}
	log.Info("history learned", "records", records, "examined", examined, "key", key)
	return nil
}

// latestHistory is the key of the newest learned history, "" when none.
func (d *Daemon) latestHistory(ctx context.Context) (string, error) {
	latest := ""
	err := d.records.List(ctx, historyPrefix, func(i blob.Info) error { latest = i.Key; return nil })
	return latest, err
}

// loadLearned reads a learned history from the records store.
func (d *Daemon) loadLearned(ctx context.Context, key string) (*risk.History, error) {
	rc, _, err := d.records.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return risk.ReadHistory(rc)
}
