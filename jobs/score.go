package jobs

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/risk"
)

// Score decisions in the ledger.
const (
	DecisionExamine = "examine"
	DecisionRelease = "release"
)

// scoreWorker scores the batch one file brought with the rule set, history,
// referrals and capacity in force, keeps the assessments (JSON lines, one per record,
// assessments/<sha256>/<rule set>.jsonl in the records store) and records a score per
// record version in the ledger: "examine" for the selected, "release" for the rest.
type scoreWorker struct {
	river.WorkerDefaults[ScoreArgs]
	d *Daemon
}

func (w *scoreWorker) Work(ctx context.Context, job *river.Job[ScoreArgs]) error {
	d := w.d
	f, log, err := d.pulledFile(ctx, job.ID, KindScore, job.Args.Endpoint, job.Args.SHA256)
	if err != nil {
		return err
	}
	eng, err := d.engines.get(ctx, d)
	if err != nil {
		return err // a rule set that does not compile is fixed by a person; retries show it
	}
	rs := eng.RuleSet().Name + "@" + eng.RuleSet().Version
	// The batch, spooled: it is read twice (scoring, then the versions).
	rc, _, err := d.records.Get(ctx, batchKey(f.SHA256))
	if err != nil {
		return err
	}
	batch, err := d.spool(rc, "icss-score-in-*")
	rc.Close()
	if err != nil {
		return err
	}
	defer removeSpool(batch)
	out, err := os.CreateTemp(d.cfg.SpoolDir, "icss-score-out-*")
	if err != nil {
		return err
	}
	defer removeSpool(out)
	bw := bufio.NewWriterSize(out, 256<<10)
	h := sha256.New()
	stats, err := eng.Score(ctx, batch, io.MultiWriter(bw, h), risk.StreamOptions{Capacity: d.cfg.Risk.Capacity, Name: batchKey(f.SHA256)})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	size, _ := out.Seek(0, io.SeekCurrent)
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		return err
	}
	akey := "assessments/" + f.SHA256 + "/" + rs + ".jsonl"
	if _, err := d.records.Put(ctx, akey, out, size, blob.PutOptions{SHA256: hex.EncodeToString(h.Sum(nil)), ContentType: "application/x-ndjson"}); err != nil && !errors.Is(err, blob.ErrExists) {
		return err
	}
	versions, err := w.versions(ctx, f, batch)
	if err != nil {
		return err
	}
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		return err
	}
	scores := make([]state.Score, 0, len(versions))
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var a struct {
			Index    int64   `json:"index"`
			Score    float64 `json:"score"`
			Selected bool    `json:"selected"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return fmt.Errorf("%s: %w", akey, err)
		}
		if a.Index < 0 || a.Index >= int64(len(versions)) {
			return fmt.Errorf("%s: assessment of record %d, the batch has %d", akey, a.Index, len(versions))
		}
		v := versions[a.Index]
		dec := DecisionRelease
		if a.Selected {
			dec = DecisionExamine
		}
		scores = append(scores, state.Score{ShipmentID: v.ShipmentID, Version: v.Version, RulesVersion: rs, Score: a.Score, Decision: dec, Findings: sc.Text()})
	}
	if err := sc.Err(); err != nil {
		return err
	}
	added, err := d.ledger.PutScores(ctx, scores)
	if err != nil {
		return err
	}
	d.metrics.Scored(int(stats.Records), stats.ByPath)
	if stats.Selected > 0 {
		if err := d.insert(ctx, NoticesArgs{}); err != nil {
			return err
		}
	}
	log.Info("scored", "records", stats.Records, "selected", stats.Selected, "by_path", stats.ByPath, "rule_set", rs, "new_scores", added)
	return nil
}

// versions returns the ledger's record version of each line of the batch (recorded
// by ingest; recording them again adds nothing and answers the same).
func (w *scoreWorker) versions(ctx context.Context, f state.File, batch *os.File) ([]state.RecordVersion, error) {
	if _, err := batch.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	bk := batchKey(f.SHA256)
	var inputs []state.RecordInput
	sc := bufio.NewScanner(batch)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var r struct {
			Key string `json:"key"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", bk, len(inputs)+1, err)
		}
		sum := sha256.Sum256(sc.Bytes())
		inputs = append(inputs, state.RecordInput{Key: r.Key, SHA256: hex.EncodeToString(sum[:]), BlobKey: bk + "#" + strconv.Itoa(len(inputs))})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	v, _, err := w.d.ledger.PutRecordVersions(ctx, f.ID, inputs)
	return v, err
}

// engineCache compiles the configured rule set, history and referrals once, and
// again when one of their files changes or the learn stage writes a new history
// (which then replaces the configured one).
type engineCache struct {
	mu     sync.Mutex
	eng    *risk.Engine
	stamps string
}

func (c *engineCache) get(ctx context.Context, d *Daemon) (*risk.Engine, error) {
	r := d.cfg.Risk
	learned, err := d.latestHistory(ctx)
	if err != nil {
		return nil, err
	}
	stamps := learned + ";"
	for _, p := range []string{r.Rules, r.History, r.Referrals} {
		if p != "" {
			fi, err := os.Stat(p)
			if err != nil {
				return nil, err
			}
			stamps += p + fi.ModTime().Format(time.RFC3339Nano) + strconv.FormatInt(fi.Size(), 10) + ";"
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.eng != nil && c.stamps == stamps {
		return c.eng, nil
	}
	rs := risk.DefaultRuleSet()
	if r.Rules != "" {
		var err error
		if rs, err = risk.LoadRuleSet(r.Rules); err != nil {
			return nil, err
		}
	}
	eng, err := risk.Compile(rs)
	if err != nil {
		return nil, err
	}
	switch {
	case learned != "":
		h, err := d.loadLearned(ctx, learned)
		if err != nil {
			return nil, err
		}
		eng = eng.WithHistory(h)
	case r.History != "":
		h, err := risk.LoadHistory(r.History)
		if err != nil {
			return nil, err
		}
		eng = eng.WithHistory(h)
	}
	if r.Referrals != "" {
		fh, err := os.Open(r.Referrals)
		if err != nil {
			return nil, err
		}
		refs, err := risk.ReadReferrals(fh)
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Referrals, err)
		}
		eng = eng.WithReferrals(risk.NewReferrals(refs))
	}
	c.eng, c.stamps = eng, stamps
	return eng, nil
}
