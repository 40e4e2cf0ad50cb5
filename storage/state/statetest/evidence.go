package statetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/icss/icss/storage/state"
)

func evidenceRow(seq int64, prev, examID string, version int, supersedes string) state.EvidenceManifest {
	return state.EvidenceManifest{
		Seq: seq, SHA256: Sum(fmt.Sprint("manifest", seq, examID, version)), Previous: prev,
		BlobKey: fmt.Sprintf("manifests/%012d.json", seq), ExamID: examID, Version: version, Supersedes: supersedes,
		ContentSHA256: Sum(fmt.Sprint("content", examID, version)), ListID: "CAPRR-20261127", Container: "MSCU1234566",
		Outcome: "no_finding", RecordedAt: time.Date(2026, 11, 27, 15, 4, 5, 0, time.UTC),
		Links: []state.EvidenceLink{{BillKey: "MAEU000111", RecordVersion: 2, Assessment: "MAEU000111#7"}, {BillKey: "MAEU000222", RecordVersion: 1}},
	}
}

// Manifests index the evidence chain: idempotent per manifest, never two
// manifests at one position or for one exam version, versions in order,
// linked to the ledger's shipment when it knows the bill.
func (s Suite) evidence(t *testing.T, e *env) {
	if _, err := e.l.EvidenceHead(ctx); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("EvidenceHead of an empty ledger: %v, want ErrNotFound", err)
	}
	ship, _, err := e.l.PutRecordVersion(ctx, "MAEU000111", Sum("rec"), "records/x", 0)
	if err != nil {
		t.Fatal(err)
	}
	m1 := evidenceRow(1, "", "CAPRR-20261127-0001", 1, "")
	for i := range 2 {
		created, err := e.l.RecordEvidence(ctx, m1)
		if err != nil || created != (i == 0) {
			t.Fatalf("RecordEvidence #%d = %v, %v; want created only the first time", i+1, created, err)
		}
	}
	m2 := evidenceRow(2, m1.SHA256, "CAPRR-20261127-0002", 1, "")
	m3 := evidenceRow(3, m2.SHA256, "CAPRR-20261127-0001", 2, m1.SHA256)
	for _, m := range []state.EvidenceManifest{m2, m3} {
		if _, err := e.l.RecordEvidence(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	conflicts := map[string]state.EvidenceManifest{
		"SamePosition":    evidenceRow(3, m2.SHA256, "CAPRR-20261127-0003", 1, ""),
		"SameExamVersion": evidenceRow(4, m3.SHA256, "CAPRR-20261127-0001", 2, m1.SHA256),
	}
	for name, m := range conflicts {
		if _, err := e.l.RecordEvidence(ctx, m); !errors.Is(err, state.ErrConflict) {
			t.Errorf("%s: RecordEvidence = %v, want ErrConflict", name, err)
		}
	}
	invalid := map[string]state.EvidenceManifest{
		"NoSeq":           func() state.EvidenceManifest { m := m2; m.Seq = 0; return m }(),
		"BadSHA":          func() state.EvidenceManifest { m := m2; m.SHA256 = "x"; return m }(),
		"NoPrevious":      func() state.EvidenceManifest { m := m2; m.Previous = ""; return m }(),
		"NoExam":          func() state.EvidenceManifest { m := m2; m.ExamID = ""; return m }(),
		"V2NoSupersedes":  func() state.EvidenceManifest { m := m3; m.Supersedes = ""; return m }(),
		"FirstWithParent": func() state.EvidenceManifest { m := m1; m.Previous = m2.SHA256; return m }(),
	}
	for name, m := range invalid {
		if _, err := e.l.RecordEvidence(ctx, m); err == nil {
			t.Errorf("%s: RecordEvidence accepted it", name)
		}
	}
	head, err := e.l.EvidenceHead(ctx)
	if err != nil || head.Seq != 3 || head.SHA256 != m3.SHA256 {
		t.Fatalf("EvidenceHead = %d %s, %v; want 3 %s", head.Seq, head.SHA256, err, m3.SHA256)
	}
	latest, err := e.l.LatestEvidence(ctx, "CAPRR-20261127-0001")
	if err != nil || latest.Version != 2 || latest.Supersedes != m1.SHA256 || latest.ContentSHA256 != m3.ContentSHA256 || !latest.RecordedAt.Equal(m3.RecordedAt) {
		t.Fatalf("LatestEvidence = %+v, %v; want version 2 superseding manifest 1", latest, err)
	}
	if len(latest.Links) != 2 || latest.Links[0].ShipmentID != ship.ShipmentID || latest.Links[0].Assessment != "MAEU000111#7" || latest.Links[1].ShipmentID != 0 {
		t.Errorf("links = %+v; want MAEU000111 linked to shipment %d with its assessment, MAEU000222 unlinked", latest.Links, ship.ShipmentID)
	}
	if _, err := e.l.LatestEvidence(ctx, "CAPRR-20261127-0099"); !errors.Is(err, state.ErrNotFound) {
		t.Errorf("LatestEvidence of an unknown exam: %v, want ErrNotFound", err)
	}
	versions, err := e.l.ExamEvidence(ctx, "CAPRR-20261127-0001")
	if err != nil || len(versions) != 2 || versions[0].Version != 1 || versions[1].Version != 2 {
		t.Fatalf("ExamEvidence = %+v, %v", versions, err)
	}
	list, err := e.l.ListEvidence(ctx, "CAPRR-20261127")
	if err != nil || len(list) != 2 || list[0].Seq != 3 || list[1].Seq != 2 {
		t.Fatalf("ListEvidence = %+v, %v; want the latest of each exam (3, 2)", list, err)
	}
	forRecord, err := e.l.RecordEvidenceFor(ctx, "MAEU000111", 2)
	if err != nil || len(forRecord) != 3 {
		t.Fatalf("RecordEvidenceFor = %d manifests, %v; want 3", len(forRecord), err)
	}
	if none, err := e.l.RecordEvidenceFor(ctx, "MAEU000111", 1); err != nil || len(none) != 0 {
		t.Errorf("RecordEvidenceFor another record version = %d, %v; want none", len(none), err)
	}
}

// Two nodes indexing the chain at once (each catching up with the other's
// manifests) leave exactly one row per position.
func (s Suite) evidenceConcurrent(t *testing.T, e *env) {
	const n = 30
	rows := make([]state.EvidenceManifest, n)
	prev := ""
	for i := range rows {
		rows[i] = evidenceRow(int64(i+1), prev, fmt.Sprintf("CAPRR-20261127-%04d", i+1), 1, "")
		prev = rows[i].SHA256
	}
	nodes := []*state.Ledger{e.l, e.open(t)}
	var wg sync.WaitGroup
	created := make([]int, len(nodes))
	errs := make(chan error, 2*n)
	for k, l := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, m := range rows {
				c, err := l.RecordEvidence(ctx, m)
				if err != nil {
					errs <- err
				}
				if c {
					created[k]++
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if created[0]+created[1] != n {
		t.Errorf("created %v rows, want %d in all", created, n)
	}
	head, err := e.l.EvidenceHead(ctx)
	if err != nil || head.Seq != n {
		t.Errorf("EvidenceHead = %d, %v; want %d", head.Seq, err, n)
	}
}
