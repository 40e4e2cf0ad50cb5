package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EvidenceManifest indexes one manifest of the evidence chain
// (storage/evidence): one recorded version of an exam result. The chain in
// the evidence blob store is the truth; these rows let the daemon find an
// exam's latest version and answer "which exams concern this record version"
// without reading the chain.
type EvidenceManifest struct {
	Seq           int64  // position in the chain
	SHA256        string // the manifest's SHA-256
	Previous      string // the SHA-256 of the manifest at Seq-1 ("" at 1)
	BlobKey       string // where the manifest is in the evidence store
	ExamID        string
	Version       int    // 1, 2, ... per exam ID
	Supersedes    string // manifest SHA-256 of the version this corrects
	ContentSHA256 string // digest of what the result says, to recognise a return imported twice
	ListID        string
	Container     string
	Outcome       string
	RecordedAt    time.Time
	Links         []EvidenceLink
}

// EvidenceLink ties a manifest to one bill of its container: the record
// version assessed and the assessment that selected it.
type EvidenceLink struct {
	BillKey       string
	RecordVersion int
	Assessment    string // "<bill key>#<index>", "" when none was named
	ShipmentID    int64  // the ledger's shipment with this key; 0 when it has none
}

const evidenceCols = "seq, sha256, previous, blob_key, exam_id, version, supersedes, content_sha256, exam_list, container, outcome, recorded_at"

func scanEvidence(r scanner) (EvidenceManifest, error) {
	var m EvidenceManifest
	var at int64
	err := r.Scan(&m.Seq, &m.SHA256, &m.Previous, &m.BlobKey, &m.ExamID, &m.Version, &m.Supersedes, &m.ContentSHA256, &m.ListID, &m.Container, &m.Outcome, &at)
	m.RecordedAt = fromDB(at)
	return m, err
}

func (m EvidenceManifest) validate() error {
	switch {
	case m.Seq <= 0:
		return fmt.Errorf("field Seq %d is not positive", m.Seq)
	case !validSHA256(m.SHA256):
		return fmt.Errorf("field SHA256 %q is not 64 hex digits", m.SHA256)
	case m.Seq == 1 && m.Previous != "":
		return errors.New("field Previous is set on the first manifest")
	case m.Seq > 1 && !validSHA256(m.Previous):
		return fmt.Errorf("field Previous %q is not 64 hex digits", m.Previous)
	case m.ExamID == "":
		return errors.New("field ExamID is empty")
	case m.Version <= 0:
		return fmt.Errorf("field Version %d is not positive", m.Version)
	case m.Version > 1 && !validSHA256(m.Supersedes):
		return fmt.Errorf("field Supersedes %q is not 64 hex digits (version %d)", m.Supersedes, m.Version)
	case m.BlobKey == "":
		return errors.New("field BlobKey is empty")
	}
	for _, ln := range m.Links {
		if ln.BillKey == "" {
			return errors.New("a link has no BillKey")
		}
	}
	return nil
}

// RecordEvidence indexes a manifest. Recording the same manifest again
// changes nothing (created=false); another manifest at the same position,
// or another manifest for the same exam version, is ErrConflict: the chain
// is linear and versions are never overwritten. The link to the ledger's
// shipment is made when the bill's key is known here.
func (l *Ledger) RecordEvidence(ctx context.Context, m EvidenceManifest) (created bool, err error) {
	m.SHA256, m.Previous, m.Supersedes = strings.ToLower(m.SHA256), strings.ToLower(m.Previous), strings.ToLower(m.Supersedes)
	if err := m.validate(); err != nil {
		return false, fmt.Errorf("state: evidence manifest %d: %w", m.Seq, err)
	}
	for attempt := 0; ; attempt++ {
		created, err = l.recordEvidence(ctx, m)
		// Two nodes indexed the same manifest at once (PostgreSQL): the loser
		// reads again and finds the winner's row.
		if err == nil || !uniqueViolation(err) || attempt == 2 {
			break
		}
	}
	if err != nil && uniqueViolation(err) {
		err = fmt.Errorf("%w: %v", ErrConflict, err)
	}
	if err != nil {
		return false, fmt.Errorf("state: evidence manifest %d: %w", m.Seq, err)
	}
	return created, nil
}

func (l *Ledger) recordEvidence(ctx context.Context, m EvidenceManifest) (created bool, err error) {
	err = l.tx(ctx, func(tx *sql.Tx) error {
		created = false
		stored, err := scanEvidence(tx.QueryRowContext(ctx, l.q(`SELECT `+evidenceCols+` FROM evidence_manifests WHERE seq = ? OR sha256 = ? OR (exam_id = ? AND version = ?)`),
			m.Seq, m.SHA256, m.ExamID, m.Version))
		if err == nil {
			if stored.Seq == m.Seq && stored.SHA256 == m.SHA256 {
				return nil
			}
			return fmt.Errorf("%w: manifest %d (exam %s version %d, %s) is recorded", ErrConflict, stored.Seq, stored.ExamID, stored.Version, stored.SHA256)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, l.q(`INSERT INTO evidence_manifests (`+evidenceCols+`, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			m.Seq, m.SHA256, m.Previous, m.BlobKey, m.ExamID, m.Version, m.Supersedes, m.ContentSHA256, m.ListID, m.Container, m.Outcome, toDB(m.RecordedAt), l.stamp()); err != nil {
			return err
		}
		for _, ln := range m.Links {
			if _, err := tx.ExecContext(ctx, l.q(`INSERT INTO evidence_links (manifest_seq, bill_key, record_version, assessment, shipment_id)
				VALUES (?, ?, ?, ?, (SELECT id FROM shipments WHERE key = ?))`),
				m.Seq, ln.BillKey, ln.RecordVersion, ln.Assessment, ln.BillKey); err != nil {
				return fmt.Errorf("link to bill %s: %w", ln.BillKey, err)
			}
		}
		created = true
		return nil
	})
	return created, err
}

// EvidenceHead is the manifest at the highest position indexed; ErrNotFound
// when none is.
func (l *Ledger) EvidenceHead(ctx context.Context) (EvidenceManifest, error) {
	return l.oneEvidence(ctx, `SELECT `+evidenceCols+` FROM evidence_manifests ORDER BY seq DESC LIMIT 1`, "evidence head")
}

// LatestEvidence is the exam's latest recorded version; ErrNotFound when it
// has none.
func (l *Ledger) LatestEvidence(ctx context.Context, examID string) (EvidenceManifest, error) {
	return l.oneEvidence(ctx, `SELECT `+evidenceCols+` FROM evidence_manifests WHERE exam_id = ? ORDER BY version DESC LIMIT 1`, "evidence of exam "+examID, examID)
}

func (l *Ledger) oneEvidence(ctx context.Context, query, what string, args ...any) (EvidenceManifest, error) {
	m, err := scanEvidence(l.db.QueryRowContext(ctx, l.q(query), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("state: %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("state: %s: %w", what, err)
	}
	m.Links, err = l.evidenceLinks(ctx, m.Seq)
	return m, err
}

// ExamEvidence lists every recorded version of the exam, oldest first.
func (l *Ledger) ExamEvidence(ctx context.Context, examID string) ([]EvidenceManifest, error) {
	return l.evidenceWhere(ctx, `WHERE exam_id = ? ORDER BY version`, "evidence of exam "+examID, examID)
}

// ListEvidence lists the latest version of every exam of the list that has
// a result, by exam ID.
func (l *Ledger) ListEvidence(ctx context.Context, listID string) ([]EvidenceManifest, error) {
	return l.evidenceWhere(ctx, `WHERE exam_list = ? AND version = (SELECT MAX(version) FROM evidence_manifests m2 WHERE m2.exam_id = evidence_manifests.exam_id)
		ORDER BY exam_id`, "evidence of exam list "+listID, listID)
}

// RecordEvidenceFor lists the manifests (every version) of exams that
// concern this version of a bill's record, in chain order: what was found
// when the container carrying it was examined.
func (l *Ledger) RecordEvidenceFor(ctx context.Context, billKey string, recordVersion int) ([]EvidenceManifest, error) {
	return l.evidenceWhere(ctx, `WHERE seq IN (SELECT manifest_seq FROM evidence_links WHERE bill_key = ? AND record_version = ?) ORDER BY seq`,
		fmt.Sprintf("evidence of record %s version %d", billKey, recordVersion), billKey, recordVersion)
}

func (l *Ledger) evidenceWhere(ctx context.Context, where, what string, args ...any) ([]EvidenceManifest, error) {
	rows, err := l.db.QueryContext(ctx, l.q(`SELECT `+evidenceCols+` FROM evidence_manifests `+where), args...)
	if err != nil {
		return nil, fmt.Errorf("state: %s: %w", what, err)
	}
	ms, err := collect(rows, scanEvidence, what)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if ms[i].Links, err = l.evidenceLinks(ctx, ms[i].Seq); err != nil {
			return nil, err
		}
	}
	return ms, nil
}

func (l *Ledger) evidenceLinks(ctx context.Context, seq int64) ([]EvidenceLink, error) {
	rows, err := l.db.QueryContext(ctx, l.q(`SELECT bill_key, record_version, assessment, COALESCE(shipment_id, 0) FROM evidence_links WHERE manifest_seq = ? ORDER BY bill_key`), seq)
	if err != nil {
		return nil, fmt.Errorf("state: links of evidence manifest %d: %w", seq, err)
	}
	return collect(rows, func(r scanner) (EvidenceLink, error) {
		var ln EvidenceLink
		return ln, r.Scan(&ln.BillKey, &ln.RecordVersion, &ln.Assessment, &ln.ShipmentID)
	}, fmt.Sprintf("links of evidence manifest %d", seq))
}
