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
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/icss/icss/config"
	"github.com/icss/icss/jobs/schedule"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/mail"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/examlist"
	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/risk"
)

// KindExamList builds one port's exam list at one cut-off.
const KindExamList = "exam-list"

// ExamListArgs names an exam list by port and cut-off.
type ExamListArgs struct {
	Port   string    `json:"port" river:"unique"`
	Cutoff time.Time `json:"cutoff" river:"unique"`
}

func (ExamListArgs) Kind() string { return KindExamList }
func (ExamListArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: onceEver}}
}

// emailEndpoint is the deliveries' endpoint of a port's e-mail: the ledger keeps
// e-mails and SFTP pushes alike, one row per list and channel.
func emailEndpoint(port string) string { return "email:" + port }

// examListWorker builds the list of what was selected for a port and not yet listed
// (transforms/examlist: the workbook with its hidden issued entries), keeps it in the
// exam-lists store (<port>/<list ID>.xlsx), registers it in the ledger with the
// record versions it names, and queues its deliveries: the port's SFTP outbox and
// the port's e-mail recipients (with a presigned link when the store is S3).
//
// A retry after a crash finds the stored workbook and registers that one: the list
// officers may already hold is never replaced by another of the same ID.
type examListWorker struct {
	river.WorkerDefaults[ExamListArgs]
	d *Daemon
}

func (w *examListWorker) Work(ctx context.Context, job *river.Job[ExamListArgs]) error {
	d := w.d
	port, ok := d.port(job.Args.Port)
	if !ok {
		return river.JobCancel(fmt.Errorf("port %s is not configured", job.Args.Port))
	}
	sc, err := schedule.Parse(port.Cutoffs)
	if err != nil {
		return river.JobCancel(err)
	}
	loc := sc.Location()
	cutoff := job.Args.Cutoff.In(loc)
	listID := exam.ListID(port.Code, cutoff, false)
	log := d.log.With("job", job.ID, "kind", KindExamList, "port", port.Code, "list", listID)
	store, err := d.blobs.Get(blob.ExamLists)
	if err != nil {
		return err
	}
	key := port.Code + "/" + listID + ".xlsx"
	data, picked, err := w.build(ctx, port, cutoff, listID, key, store)
	if err != nil {
		return err
	}
	if data == nil {
		log.Info("nothing selected for the port since the last list: no list")
		return nil
	}
	_, issued, err := examlist.ReadIssued(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	entries, err := w.entries(ctx, issued, picked)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	list, created, err := d.ledger.CreateExamList(ctx, listID, key, sha, entries)
	if err != nil {
		return err
	}
	if created {
		d.metrics.ExamList(port.Code, len(issued))
		log.Info("exam list built", "containers", len(issued), "bills", len(entries))
	}
	ref := string(blob.ExamLists) + ":" + key
	name := listID + ".xlsx"
	if port.Endpoint != "" {
		if _, _, err := d.ledger.EnqueueDelivery(ctx, port.Endpoint, name, list.SHA256, ref); err != nil {
			return err
		}
		if err := d.insert(ctx, DeliverArgs{Endpoint: port.Endpoint, Name: name}); err != nil {
			return err
		}
	}
	if len(port.Email) > 0 && d.cfg.SMTP != nil {
		if _, _, err := d.ledger.EnqueueDelivery(ctx, emailEndpoint(port.Code), name, list.SHA256, ref); err != nil {
			return err
		}
		if err := d.insert(ctx, DeliverArgs{Endpoint: emailEndpoint(port.Code), Name: name}); err != nil {
			return err
		}
	}
	return nil
}

func (d *Daemon) port(code string) (config.Port, bool) {
	for _, p := range d.cfg.Ports {
		if p.Code == code {
			return p, true
		}
	}
	return config.Port{}, false
}

// build returns the workbook of the list: the stored one when an earlier attempt
// stored it, else a new one from the ledger's pending selections (nil when there
// are none). picked maps bill keys to the record versions the selections were made on.
func (w *examListWorker) build(ctx context.Context, port config.Port, cutoff time.Time, listID, key string, store blob.Store) ([]byte, map[string]state.ExamEntry, error) {
	d := w.d
	picked := map[string]state.ExamEntry{}
	if rc, _, err := store.Get(ctx, key); err == nil {
		defer rc.Close()
		b, err := io.ReadAll(rc)
		return b, picked, err
	} else if !errors.Is(err, blob.ErrNotExist) {
		return nil, nil, err
	}
	pending, err := d.ledger.PendingExams(ctx, DecisionExamine)
	if err != nil {
		return nil, nil, err
	}
	// The assessments of this port (or of none configured: the first port takes
	// those, e.g. a 309 naming the US port of arrival of cargo landed here).
	type sel struct {
		score state.Score
		a     risk.Assessment
	}
	var sels []sel
	for _, s := range pending {
		var a risk.Assessment
		if err := json.Unmarshal([]byte(s.Findings), &a); err != nil {
			return nil, nil, fmt.Errorf("score %d: findings: %w", s.ID, err)
		}
		if _, known := d.port(a.Port); a.Port == port.Code || (!known && d.cfg.Ports[0].Code == port.Code) {
			sels = append(sels, sel{s, a})
		}
	}
	if len(sels) == 0 {
		return nil, picked, nil
	}
	refs := make([]versionRef, len(sels))
	for i, s := range sels {
		refs[i] = versionRef{key: s.a.Key, shipment: s.score.ShipmentID, version: s.score.Version}
		picked[s.a.Key] = state.ExamEntry{ShipmentID: s.score.ShipmentID, Version: s.score.Version}
	}
	recs, err := d.recordLines(ctx, refs)
	if err != nil {
		return nil, nil, err
	}
	var as, rs bytes.Buffer
	for i, s := range sels {
		s.a.Index = int64(i)
		b, err := json.Marshal(s.a)
		if err != nil {
			return nil, nil, err
		}
		as.Write(append(b, '\n'))
		rs.Write(append(recs[i], '\n'))
	}
	lists, err := examlist.Build(ctx, &as, &rs, examlist.BuildOptions{Port: port.Code, Cutoff: cutoff, Location: cutoff.Location(), IssuedAt: time.Now()})
	if err != nil {
		return nil, nil, err
	}
	var list *examlist.List
	for i := range lists {
		if lists[i].Meta.ListID == listID {
			list = &lists[i]
		}
	}
	if list == nil {
		return nil, picked, nil
	}
	var out bytes.Buffer
	if err := examlist.Write(&out, *list); err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(out.Bytes())
	_, err = store.Put(ctx, key, bytes.NewReader(out.Bytes()), int64(out.Len()), blob.PutOptions{SHA256: hex.EncodeToString(sum[:]),
		ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
	if errors.Is(err, blob.ErrExists) {
		return w.build(ctx, port, cutoff, listID, key, store) // another node stored it first: that one counts
	}
	return out.Bytes(), picked, err
}

// versionRef names a record version.
type versionRef struct {
	key      string
	shipment int64
	version  int
}

// recordLines returns the JSON line of each record version, read from the batches
// ingest stored (the ledger's blob references are "<batch key>#<line>"), each batch
// read once, with filing.version set to the ledger's version (a batch holds the
// records as filed, version 0), so that what is built from them names the version.
// A ref without a version (0) names the latest.
func (d *Daemon) recordLines(ctx context.Context, refs []versionRef) ([][]byte, error) {
	recs := make([][]byte, len(refs))
	byBatch := map[string]map[int][]int{}
	for i, r := range refs {
		vs, err := d.ledger.RecordVersions(ctx, r.key)
		if err != nil {
			return nil, err
		}
		var ref string
		for _, x := range vs {
			if (x.Version == r.version || r.version == 0) && (r.shipment == 0 || x.ShipmentID == r.shipment) {
				ref, refs[i].version = x.BlobKey, x.Version
			}
		}
		batch, line, ok := strings.Cut(ref, "#")
		n, err := strconv.Atoi(line)
		if !ok || err != nil {
			return nil, fmt.Errorf("record %s version %d: blob reference %q is not <batch>#<line>", r.key, r.version, ref)
		}
		if byBatch[batch] == nil {
			byBatch[batch] = map[int][]int{}
		}
		byBatch[batch][n] = append(byBatch[batch][n], i)
	}
	for batch, lines := range byBatch {
		rc, _, err := d.records.Get(ctx, batch)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(rc)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for n := 0; sc.Scan(); n++ {
			for _, i := range lines[n] {
				var rec harmonized.Record
				if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
					rc.Close()
					return nil, fmt.Errorf("%s line %d: %w", batch, n+1, err)
				}
				rec.Filing.Version = refs[i].version
				recs[i] = rec.AppendJSON(nil)
			}
		}
		err = sc.Err()
		rc.Close()
		if err != nil {
			return nil, err
		}
		for n, is := range lines {
			if recs[is[0]] == nil {
				return nil, fmt.Errorf("%s has no line %d", batch, n)
			}
		}
	}
	return recs, nil
}

// entries are the ledger's record versions of the bills on the list, once each.
func (w *examListWorker) entries(ctx context.Context, issued []exam.Entry, picked map[string]state.ExamEntry) ([]state.ExamEntry, error) {
	seen := map[int64]bool{}
	var out []state.ExamEntry
	for _, e := range issued {
		for _, b := range e.Bills {
			pe, ok := picked[b.Key]
			if !ok { // a workbook stored by an earlier attempt: its bills' latest versions
				v, err := w.d.ledger.LatestRecord(ctx, b.Key)
				if err != nil {
					return nil, err
				}
				pe = state.ExamEntry{ShipmentID: v.ShipmentID, Version: v.Version}
			}
			if !seen[pe.ShipmentID] {
				seen[pe.ShipmentID] = true
				out = append(out, pe)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ShipmentID < out[j].ShipmentID })
	return out, nil
}

// sendExamList mails a list's workbook to the port's recipients. The Message-ID is
// the list's, so a resend after a crash between the relay's acceptance and the
// ledger's update is recognisable as the same message.
func (d *Daemon) sendExamList(ctx context.Context, dl state.Delivery, data []byte) error {
	if d.cfg.SMTP == nil {
		return errors.New("no smtp relay configured")
	}
	meta, issued, err := examlist.ReadIssued(bytes.NewReader(data))
	if err != nil {
		return err
	}
	port, ok := d.port(meta.Port)
	if !ok {
		return fmt.Errorf("port %s is not configured", meta.Port)
	}
	l := mail.ExamList{ListID: meta.ListID, Port: port.Code, PortName: port.Name, Cutoff: meta.Cutoff, Rows: len(issued),
		Filename: dl.Name, Workbook: bytes.NewReader(data), To: port.Email}
	st, key, err := d.storeOf(dl.BlobKey)
	if err != nil {
		return err
	}
	if p, ok := st.(blob.Presigner); ok {
		valid := d.cfg.ExamLists.LinkValidFor
		if l.Link, err = p.PresignGet(ctx, key, valid); err != nil {
			return err
		}
		l.LinkExpires = time.Now().Add(valid)
	}
	msg, err := mail.ExamListMessage(l, d.cfg.SMTP.From)
	if err != nil {
		return err
	}
	sender, err := mail.NewSender(d.cfg.SMTP.Mail())
	if err != nil {
		return err
	}
	return sender.Send(ctx, msg)
}

// readBlob reads a small object whole (workbooks, acknowledgments).
func readBlob(ctx context.Context, st blob.Store, key string) ([]byte, error) {
	rc, _, err := st.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
