package evidence

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/exam"
)

// ManifestSchema is the value of Manifest.Schema.
const ManifestSchema = "icss.evidence-manifest/1"

// Key prefixes in the evidence blob store.
const (
	ObjectPrefix   = "objects/"
	ManifestPrefix = "manifests/"
)

// MaxManifestSize bounds what is read as one manifest: a manifest names a
// result and its photos, a few kilobytes; anything far larger is not one.
const MaxManifestSize = 4 << 20

// Manifest is one link of the chain: one recorded version of an exam result.
type Manifest struct {
	Schema string `json:"schema"`
	// Seq is the 1-based position in the chain, also the manifest's key.
	Seq int64 `json:"seq"`
	// Previous is the SHA-256 of the manifest at Seq-1; empty at Seq 1.
	Previous string `json:"previous"`
	// KeyID names the key that signed it (signing.KeyID).
	KeyID string `json:"key_id"`
	// Result is what was recorded. Its ManifestSHA256 is empty: a manifest
	// cannot hold its own digest; Sealed.Result fills it in.
	Result exam.Result `json:"result"`
}

// Sealed is a manifest as stored: the signed bytes, their digest and the signature.
type Sealed struct {
	Manifest  Manifest
	Key       string // blob key
	Raw       []byte // the manifest bytes that were signed and hashed
	SHA256    string // of Raw: the manifest's identity
	Signature []byte // signing.Sign's output
}

// Result is the recorded result with its ManifestSHA256.
func (s Sealed) Result() exam.Result {
	r := s.Manifest.Result
	r.ManifestSHA256 = s.SHA256
	return r
}

// envelope is the content of a manifest object.
type envelope struct {
	Manifest  json.RawMessage `json:"manifest"`
	Signature string          `json:"signature"`
}

// ManifestKey is the blob key of the manifest at position seq.
func ManifestKey(seq int64) string { return fmt.Sprintf("%s%012d.json", ManifestPrefix, seq) }

// manifestSeq parses a key ManifestKey wrote.
func manifestSeq(key string) (int64, bool) {
	name, ok := strings.CutPrefix(key, ManifestPrefix)
	if !ok || !strings.HasSuffix(name, ".json") || len(name) != 12+len(".json") {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(name, ".json"), 10, 64)
	return n, err == nil && n > 0
}

// ObjectKey is the blob key of an object with this SHA-256.
func ObjectKey(sha256hex string) string { return blob.ContentKey(ObjectPrefix, sha256hex) }

// Options configure a Store.
type Options struct {
	// Key signs new manifests; nil makes a read-only store (Verify needs none).
	Key ed25519.PrivateKey
	// Ledger, when set, is kept as an index of the chain (and spares a scan
	// of the whole chain at start).
	Ledger *state.Ledger
	// Now is the clock for RecordedAt; nil means time.Now.
	Now func() time.Time
}

// Store keeps evidence in a blob store of purpose blob.Evidence. Safe for
// concurrent use, also by several processes or nodes on one blob store.
type Store struct {
	blobs  blob.Store
	key    ed25519.PrivateKey
	keyID  string
	ledger *state.Ledger
	now    func() time.Time

	mu     sync.Mutex // one append at a time in this process; create-only keys across processes
	loaded bool
	head   link
	latest map[string]link // exam ID -> its latest version
}

// link is what the store remembers of a manifest.
type link struct {
	seq     int64
	sha256  string
	version int
	content string // contentDigest of the result
}

// New returns the store over blobs.
func New(blobs blob.Store, opts Options) *Store {
	s := &Store{blobs: blobs, key: opts.Key, ledger: opts.Ledger, now: opts.Now, latest: map[string]link{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.key != nil {
		s.keyID = signing.KeyID(s.key.Public().(ed25519.PublicKey))
	}
	return s
}

// Blobs is the underlying blob store.
func (s *Store) Blobs() blob.Store { return s.blobs }

// PutObject stores content (a photo or a workbook) byte for byte under the
// SHA-256 of its bytes. Storing bytes already kept is not an error. name is
// recorded in the returned Object (base name only), not in the key.
func (s *Store) PutObject(ctx context.Context, name string, content []byte, contentType string) (exam.Object, error) {
	objs, err := s.PutObjects(ctx, []Content{{Name: name, Bytes: content, ContentType: contentType}})
	if err != nil {
		return exam.Object{}, err
	}
	return objs[0], nil
}

// Content is one file for PutObjects.
type Content struct {
	Name        string
	Bytes       []byte
	ContentType string
}

// PutObjects stores each content as PutObject does, in one go where the
// blob store can (blob.PutAll): every object is durable when it returns.
// The objects are returned in the order given.
func (s *Store) PutObjects(ctx context.Context, cs []Content) ([]exam.Object, error) {
	out := make([]exam.Object, len(cs))
	var objs []blob.BatchObject
	var names []string
	// A batch stops at an object already kept; leave those out first. One
	// by one, a create-only Put is itself the cheapest test.
	_, batched := s.blobs.(blob.BatchPutter)
	for i, c := range cs {
		sum := sha256.Sum256(c.Bytes)
		out[i] = exam.Object{Name: path.Base(strings.ReplaceAll(c.Name, `\`, "/")), SHA256: hex.EncodeToString(sum[:]), Size: int64(len(c.Bytes)), ContentType: c.ContentType}
		key := ObjectKey(out[i].SHA256)
		if batched {
			if _, err := s.blobs.Stat(ctx, key); err == nil {
				continue // kept already
			} else if !errors.Is(err, blob.ErrNotExist) {
				return nil, fmt.Errorf("evidence: store %s: %w", c.Name, err)
			}
		}
		objs = append(objs, blob.BatchObject{Key: key, Body: bytes.NewReader(c.Bytes), Size: out[i].Size,
			Options: blob.PutOptions{ContentType: c.ContentType, SHA256: out[i].SHA256}})
		names = append(names, c.Name)
	}
	for len(objs) > 0 {
		n, err := blob.PutAll(ctx, s.blobs, objs, false)
		if err != nil && !errors.Is(err, blob.ErrExists) {
			return nil, fmt.Errorf("evidence: store %s: %w", names[n], err)
		}
		if err != nil {
			n++ // the same bytes twice, or stored meanwhile by another writer
		}
		objs, names = objs[n:], names[n:]
	}
	return out, nil
}

// contentDigest identifies what a result says, leaving out what recording
// it adds (version, supersedes, times of recording, manifest) and the
// workbook it was read from: a corrected return that leaves a row as it was
// records nothing new for that row.
func contentDigest(r exam.Result) string {
	r.Version, r.Supersedes, r.ManifestSHA256, r.RecordedAt, r.Workbook = 0, "", "", time.Time{}, exam.Object{}
	b, _ := json.Marshal(r)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ErrReadOnly reports an append to a store opened without a signing key.
var ErrReadOnly = errors.New("evidence: store has no signing key")

// maxAppendAttempts bounds how often an append loses the race for the next
// position to other writers before giving up.
const maxAppendAttempts = 1000

// Record appends a signed manifest for r, as the next version of r.ExamID:
// Version and Supersedes are set here, RecordedAt when zero. When the
// exam's latest version already says the same (contentDigest), nothing is
// appended: the stored manifest is returned with created=false.
func (s *Store) Record(ctx context.Context, r exam.Result) (Sealed, bool, error) {
	out, err := s.RecordAll(ctx, []exam.Result{r})
	if err != nil {
		return Sealed{}, false, err
	}
	return out[0].Sealed, out[0].Created, nil
}

// Recorded is what RecordAll did with one result.
type Recorded struct {
	Sealed
	// Created is false when the exam's latest version already said the same.
	Created bool
}

// appendBatch is the most manifests written in one go: enough to share the
// blob store's syncs, few enough that losing a race for the chain's next
// positions to another writer wastes little.
const appendBatch = 256

// RecordAll records each result as Record does, in order, appending runs of
// manifests in one go (blob.PutAll, ordered: a crash keeps a prefix of a
// run, never a gap in the chain). Each manifest keeps its own create-only
// key, so a writer that loses a position to another catches up and seals
// the rest again. On error, the results before the one that failed are
// returned, recorded and durable.
func (s *Store) RecordAll(ctx context.Context, rs []exam.Result) ([]Recorded, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	if s.key == nil {
		return nil, ErrReadOnly
	}
	for _, r := range rs {
		if !exam.ValidExamID(r.ExamID) {
			return nil, fmt.Errorf("evidence: record: exam ID %q is not valid", r.ExamID)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC().Truncate(time.Millisecond)
	out := make([]Recorded, 0, len(rs))
	lost := 0
	for len(out) < len(rs) {
		if err := s.catchUp(ctx); err != nil {
			return out, err
		}
		// Plan the next run against the head: an exam seen twice in a run
		// ends it, so that each row is judged against what is stored.
		var (
			plan   []Recorded
			objs   []blob.BatchObject
			rowOf  []int // plan index of each object
			inPlan = map[string]bool{}
			head   = s.head
		)
		for _, r := range rs[len(out):] {
			if len(objs) == appendBatch || inPlan[r.ExamID] {
				break
			}
			inPlan[r.ExamID] = true
			r.Schema, r.ManifestSHA256 = exam.ResultSchema, ""
			digest := contentDigest(r)
			if r.RecordedAt.IsZero() {
				r.RecordedAt = now
			}
			prev, ok, err := s.latestOf(ctx, r.ExamID)
			if err != nil {
				return out, err
			}
			if ok && prev.content == digest {
				sealed, err := s.Manifest(ctx, prev.seq)
				if err != nil {
					return out, err
				}
				plan = append(plan, Recorded{Sealed: sealed})
				continue
			}
			r.Version, r.Supersedes = 1, ""
			if ok {
				r.Version, r.Supersedes = prev.version+1, prev.sha256
			}
			sealed, err := s.seal(Manifest{Schema: ManifestSchema, Seq: head.seq + 1, Previous: head.sha256, KeyID: s.keyID, Result: r})
			if err != nil {
				return out, err
			}
			head = link{seq: sealed.Manifest.Seq, sha256: sealed.SHA256}
			data, _ := json.Marshal(envelope{Manifest: sealed.Raw, Signature: strings.TrimSpace(string(sealed.Signature))})
			sum := sha256.Sum256(data)
			objs = append(objs, blob.BatchObject{Key: sealed.Key, Body: bytes.NewReader(data), Size: int64(len(data)),
				Options: blob.PutOptions{ContentType: "application/json", SHA256: hex.EncodeToString(sum[:])}})
			rowOf = append(rowOf, len(plan))
			plan = append(plan, Recorded{Sealed: sealed, Created: true})
		}
		n, err := blob.PutAll(ctx, s.blobs, objs, true)
		for i := range n {
			if aerr := s.apply(ctx, plan[rowOf[i]].Sealed); aerr != nil {
				return out, aerr
			}
		}
		done := len(plan) // rows settled: all, or up to the first manifest not written
		if n < len(objs) {
			done = rowOf[n]
		}
		out = append(out, plan[:done]...)
		switch {
		case err == nil:
		case errors.Is(err, blob.ErrExists):
			// Another writer took the position: catch up and seal the rest again.
			if lost++; lost >= maxAppendAttempts {
				return out, fmt.Errorf("evidence: append: lost the race for the next chain position %d times", maxAppendAttempts)
			}
		default:
			return out, fmt.Errorf("evidence: append manifest %d: %w", plan[rowOf[n]].Manifest.Seq, err)
		}
	}
	return out, nil
}

// seal encodes and signs m.
func (s *Store) seal(m Manifest) (Sealed, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return Sealed{}, fmt.Errorf("evidence: manifest %d: %w", m.Seq, err)
	}
	sum := sha256.Sum256(raw)
	return Sealed{Manifest: m, Key: ManifestKey(m.Seq), Raw: raw, SHA256: hex.EncodeToString(sum[:]), Signature: signing.Sign(s.key, raw)}, nil
}

// Latest returns the latest recorded version of the exam, if any.
func (s *Store) Latest(ctx context.Context, examID string) (Sealed, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.catchUp(ctx); err != nil {
		return Sealed{}, false, err
	}
	l, ok, err := s.latestOf(ctx, examID)
	if err != nil || !ok {
		return Sealed{}, false, err
	}
	sealed, err := s.Manifest(ctx, l.seq)
	return sealed, err == nil, err
}

// latestOf looks the exam up in memory, then in the ledger.
func (s *Store) latestOf(ctx context.Context, examID string) (link, bool, error) {
	if l, ok := s.latest[examID]; ok {
		return l, true, nil
	}
	if s.ledger == nil {
		return link{}, false, nil
	}
	m, err := s.ledger.LatestEvidence(ctx, examID)
	if errors.Is(err, state.ErrNotFound) {
		return link{}, false, nil
	}
	if err != nil {
		return link{}, false, fmt.Errorf("evidence: %w", err)
	}
	l := link{seq: m.Seq, sha256: m.SHA256, version: m.Version, content: m.ContentSHA256}
	s.latest[examID] = l
	return l, true, nil
}

// catchUp brings the head up to the end of the chain: on first use from
// the ledger's head (or a scan of the whole chain without a ledger), then by
// reading forward whatever other writers appended since.
func (s *Store) catchUp(ctx context.Context) error {
	if !s.loaded {
		if err := s.load(ctx); err != nil {
			return err
		}
		s.loaded = true
	}
	for {
		sealed, err := s.Manifest(ctx, s.head.seq+1)
		if errors.Is(err, blob.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.apply(ctx, sealed); err != nil {
			return err
		}
	}
}

func (s *Store) load(ctx context.Context) error {
	if s.ledger != nil {
		h, err := s.ledger.EvidenceHead(ctx)
		switch {
		case errors.Is(err, state.ErrNotFound):
			return nil
		case err != nil:
			return fmt.Errorf("evidence: %w", err)
		}
		s.head = link{seq: h.Seq, sha256: h.SHA256}
		return nil
	}
	return s.Chain(ctx, func(sealed Sealed) error {
		if sealed.Manifest.Seq != s.head.seq+1 {
			return fmt.Errorf("evidence: the chain has a gap before manifest %d (run icss evidence verify)", sealed.Manifest.Seq)
		}
		s.remember(sealed)
		return nil
	})
}

// apply makes sealed the head and records it in the ledger.
func (s *Store) apply(ctx context.Context, sealed Sealed) error {
	s.remember(sealed)
	if s.ledger == nil {
		return nil
	}
	if _, err := s.ledger.RecordEvidence(ctx, ledgerRow(sealed)); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	return nil
}

func (s *Store) remember(sealed Sealed) {
	r := sealed.Manifest.Result
	l := link{seq: sealed.Manifest.Seq, sha256: sealed.SHA256, version: r.Version, content: contentDigest(r)}
	s.head = l
	if cur, ok := s.latest[r.ExamID]; !ok || cur.version < l.version {
		s.latest[r.ExamID] = l
	}
}

// ledgerRow is the ledger's index row of a manifest: what links the result
// to its manifest, exam list, assessments and record versions.
func ledgerRow(sealed Sealed) state.EvidenceManifest {
	r := sealed.Manifest.Result
	m := state.EvidenceManifest{
		Seq: sealed.Manifest.Seq, SHA256: sealed.SHA256, Previous: sealed.Manifest.Previous, BlobKey: sealed.Key,
		ExamID: r.ExamID, Version: r.Version, Supersedes: r.Supersedes, ContentSHA256: contentDigest(r),
		ListID: r.ListID, Container: r.Container, Outcome: string(r.Outcome), RecordedAt: r.RecordedAt,
	}
	for _, b := range r.Bills {
		ln := state.EvidenceLink{BillKey: b.Key, RecordVersion: b.Version}
		for _, a := range r.Selection.Assessments {
			if strings.HasPrefix(a, b.Key+"#") {
				ln.Assessment = a
				break
			}
		}
		m.Links = append(m.Links, ln)
	}
	return m
}

// Manifest reads and parses the manifest at position seq; a missing one is
// blob.ErrNotExist. It does not check the signature (Verify does).
func (s *Store) Manifest(ctx context.Context, seq int64) (Sealed, error) {
	sealed, err := readManifest(ctx, s.blobs, ManifestKey(seq))
	if err != nil {
		return Sealed{}, fmt.Errorf("evidence: %w", err)
	}
	return sealed, nil
}

// Chain calls fn for every manifest in chain order. A manifest that does
// not parse stops it with an error; Verify reports such damage instead.
func (s *Store) Chain(ctx context.Context, fn func(Sealed) error) error {
	return s.blobs.List(ctx, ManifestPrefix, func(info blob.Info) error {
		seq, ok := manifestSeq(info.Key)
		if !ok {
			return fmt.Errorf("evidence: %s is not a manifest key", info.Key)
		}
		sealed, err := s.Manifest(ctx, seq)
		if err != nil {
			return err
		}
		return fn(sealed)
	})
}

func parseManifest(key string, data []byte) (Sealed, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return Sealed{}, fmt.Errorf("evidence: %s: %w", key, err)
	}
	if len(env.Manifest) == 0 {
		return Sealed{}, fmt.Errorf("evidence: %s: no manifest", key)
	}
	var m Manifest
	if err := json.Unmarshal(env.Manifest, &m); err != nil {
		return Sealed{}, fmt.Errorf("evidence: %s: manifest: %w", key, err)
	}
	if m.Schema != ManifestSchema {
		return Sealed{}, fmt.Errorf("evidence: %s: schema %q, want %q", key, m.Schema, ManifestSchema)
	}
	sum := sha256.Sum256(env.Manifest)
	return Sealed{Manifest: m, Key: key, Raw: []byte(env.Manifest), SHA256: hex.EncodeToString(sum[:]), Signature: []byte(env.Signature)}, nil
}

// readAtMost reads all of r, failing when it holds more than limit bytes.
func readAtMost(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("more than %d bytes", limit)
	}
	return b, err
}
