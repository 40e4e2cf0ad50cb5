package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/transforms/notices"
	"github.com/icss/icss/transforms/risk"
)

// KindNotices sends carriers their hold and release notices.
const KindNotices = "notices"

// NoticesArgs runs the notice stage; there is one such job at a time (the ledger's
// notice events say what was sent).
type NoticesArgs struct{}

func (NoticesArgs) Kind() string { return KindNotices }
func (NoticesArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: whileLive}}
}

// noticesWorker builds the hold notices of the selections not yet on an exam list
// and the release notices of the exam results in the evidence chain with
// transforms/notices.Notify (the ledger's control numbers and notice events: each
// event sent once per recipient), then pushes them with notices.Deliver. A carrier
// without a route in notices.carriers is answered through the endpoint its bills
// came from.
type noticesWorker struct {
	river.WorkerDefaults[NoticesArgs]
	d *Daemon
}

func (w *noticesWorker) Work(ctx context.Context, job *river.Job[NoticesArgs]) error {
	d := w.d
	log := d.log.With("job", job.ID, "kind", KindNotices)
	pending, err := d.ledger.PendingExams(ctx, DecisionExamine)
	if err != nil {
		return err
	}
	var refs []versionRef
	var as bytes.Buffer
	for _, s := range pending {
		var a risk.Assessment
		if err := json.Unmarshal([]byte(s.Findings), &a); err != nil {
			return fmt.Errorf("score %d: findings: %w", s.ID, err)
		}
		a.Index = int64(len(refs))
		refs = append(refs, versionRef{key: a.Key, shipment: s.ShipmentID, version: s.Version})
		b, _ := json.Marshal(a)
		as.Write(append(b, '\n'))
	}
	var rs bytes.Buffer
	if d.cfg.SigningKey.IsSet() {
		ev, err := d.evidenceStore()
		if err != nil {
			return river.JobCancel(err)
		}
		enc := json.NewEncoder(&rs)
		if err := ev.Chain(ctx, func(s evidence.Sealed) error {
			r := s.Result()
			for _, b := range r.Bills {
				refs = append(refs, versionRef{key: b.Key, version: b.Version})
			}
			return enc.Encode(r)
		}); err != nil {
			return err
		}
	}
	if len(refs) == 0 {
		return nil
	}
	recs, err := d.recordLines(ctx, refs)
	if err != nil {
		return err
	}
	cfg := d.noticeConfig(recs, refs)
	var records bytes.Buffer
	for _, r := range recs {
		records.Write(append(r, '\n'))
	}
	b, err := notices.Notify(ctx, notices.Inputs{Assessments: &as, AssessmentsName: "selections", Records: &records, RecordsName: "records",
		Results: &rs, ResultsName: "evidence"}, notices.Options{Config: cfg, Codes: d.cfg.Notices.Codes}, d.ledger, d.records)
	if err != nil {
		return err
	}
	for _, s := range b.Skipped {
		log.Info("notice not sent", "event", s.Key, "recipient", s.Recipient, "reason", s.Reason)
	}
	pushers := map[string]notices.Pusher{}
	for _, f := range b.Files {
		log.Info("notice file built", "file", f.Name, "recipient", f.Recipient.Name, "endpoint", f.Recipient.Endpoint, "notices", len(f.Notices))
		pushers[f.Recipient.Endpoint] = nil
	}
	// Every routed endpoint, so that files left pending by an earlier run go too.
	for _, r := range cfg.Carriers {
		if r.Endpoint != "" {
			pushers[r.Endpoint] = nil
		}
	}
	for name := range pushers {
		e, err := d.cfg.Endpoint(name)
		if err != nil {
			return river.JobCancel(err)
		}
		c, err := sftp.Dial(ctx, e.SFTP(), log)
		if err != nil {
			return err
		}
		defer c.Close()
		pushers[name] = c
	}
	if len(pushers) == 0 {
		return nil
	}
	sent, err := notices.Deliver(ctx, d.ledger, d.records, pushers, notices.DeliverOptions{MaxAttempts: d.cfg.Jobs.MaxAttempts, SpoolDir: d.cfg.SpoolDir})
	for _, s := range sent {
		if s.Err == nil {
			d.metrics.Delivery("sftp", "sent")
			log.Info("notice delivered", "endpoint", s.Endpoint, "file", s.Name, "already", s.Already)
		}
	}
	return err
}

// noticeConfig is the configured notice routes, completed with a route for every
// filer of the records whose carrier endpoint (role carrier, with an outbox) brought
// its bills.
func (d *Daemon) noticeConfig(recs [][]byte, refs []versionRef) notices.Config {
	cfg := d.cfg.Notices.Config
	routes := map[string]notices.Route{}
	for k, v := range cfg.Carriers {
		routes[k] = v
	}
	for i, line := range recs {
		var r struct {
			Filing struct {
				Filer string `json:"filer"`
			} `json:"filing"`
		}
		if json.Unmarshal(line, &r) != nil || r.Filing.Filer == "" {
			continue
		}
		if _, ok := routes[r.Filing.Filer]; ok {
			continue
		}
		if ep := d.endpointOf(refs[i]); ep != "" {
			routes[r.Filing.Filer] = notices.Route{Endpoint: ep}
		}
	}
	cfg.Carriers = routes
	return cfg
}

// endpointOf is the carrier endpoint (with an outbox) whose file brought a version.
func (d *Daemon) endpointOf(r versionRef) string {
	vs, err := d.ledger.RecordVersions(context.Background(), r.key)
	if err != nil {
		return ""
	}
	for _, v := range vs {
		if v.Version != r.version || v.FileID == 0 {
			continue
		}
		f, err := d.ledger.GetFile(context.Background(), v.FileID)
		if err != nil {
			return ""
		}
		if e, err := d.cfg.Endpoint(f.Endpoint); err == nil && e.Outbox != "" {
			return e.Name
		}
	}
	return ""
}
