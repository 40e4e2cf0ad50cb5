package evidence

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
)

// ProblemKind names what Verify found wrong.
type ProblemKind string

// The kinds of problem, as reported.
const (
	MissingObject   ProblemKind = "missing object"
	ChangedObject   ProblemKind = "changed object"
	MissingManifest ProblemKind = "missing manifest"
	BrokenLink      ProblemKind = "broken chain link"
	BadSignature    ProblemKind = "bad signature"
	BadManifest     ProblemKind = "unreadable manifest"
)

// Problem is one thing wrong, at its place.
type Problem struct {
	Kind   ProblemKind
	Key    string // the blob key concerned
	Seq    int64  // chain position concerned; 0 for an object no manifest names
	ExamID string // the exam of the manifest concerned, when known
	Detail string
}

func (p Problem) String() string {
	var at []string
	if p.Seq > 0 {
		at = append(at, fmt.Sprintf("manifest %d", p.Seq))
	}
	if p.ExamID != "" {
		at = append(at, "exam "+p.ExamID)
	}
	where := p.Key
	if len(at) > 0 {
		where += " (" + strings.Join(at, ", ") + ")"
	}
	return fmt.Sprintf("%s: %s: %s", where, p.Kind, p.Detail)
}

// Report is what Verify checked and found.
type Report struct {
	Manifests    int    // manifests read
	Objects      int    // objects read and hashed
	Bytes        int64  // bytes of objects read
	Head         int64  // highest chain position found
	HeadSHA256   string // its manifest's SHA-256
	Unreferenced int    // objects no manifest names (kept, e.g. from a rejected row)
	Problems     []Problem
}

// OK reports whether nothing was found wrong.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// reference is the first manifest naming an object, for reports.
type reference struct {
	seq    int64
	examID string
	name   string
	size   int64
	count  int
}

// Verify re-reads every manifest and object in blobs and reports every
// problem at its place. keys are the public keys manifests may be signed
// with (more than one across a key rotation), matched by key ID. The error
// is for a store that cannot be read at all; damage is in the Report.
func Verify(ctx context.Context, blobs blob.Store, keys ...ed25519.PublicKey) (Report, error) {
	var rep Report
	byID := map[string]ed25519.PublicKey{}
	for _, k := range keys {
		byID[signing.KeyID(k)] = k
	}
	refs := map[string]*reference{} // object SHA-256 -> first manifest naming it
	var prev Sealed
	err := blobs.List(ctx, ManifestPrefix, func(info blob.Info) error {
		seq, ok := manifestSeq(info.Key)
		if !ok {
			rep.Problems = append(rep.Problems, Problem{Kind: BadManifest, Key: info.Key, Detail: "not a manifest key (want manifests/NNNNNNNNNNNN.json)"})
			return nil
		}
		rep.Manifests++
		want := prev.Manifest.Seq + 1
		if seq > want {
			detail := fmt.Sprintf("manifest %d is missing", want)
			if seq > want+1 {
				detail = fmt.Sprintf("manifests %d to %d are missing", want, seq-1)
			}
			rep.Problems = append(rep.Problems, Problem{Kind: MissingManifest, Key: ManifestKey(want), Seq: want, Detail: detail + fmt.Sprintf(" (the chain goes on at %d)", seq)})
		}
		sealed, err := readManifest(ctx, blobs, info.Key)
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{Kind: BadManifest, Key: info.Key, Seq: seq, Detail: err.Error()})
			prev = Sealed{Manifest: Manifest{Seq: seq}} // the next link cannot be checked
			return nil
		}
		m := sealed.Manifest
		examID := m.Result.ExamID
		problem := func(kind ProblemKind, format string, args ...any) {
			rep.Problems = append(rep.Problems, Problem{Kind: kind, Key: info.Key, Seq: seq, ExamID: examID, Detail: fmt.Sprintf(format, args...)})
		}
		switch {
		case m.Seq != seq:
			problem(BrokenLink, "the manifest says it is number %d", m.Seq)
		case seq == want && prev.SHA256 != "" && m.Previous != prev.SHA256:
			problem(BrokenLink, "previous is %s, but manifest %d is %s", short(m.Previous), want-1, short(prev.SHA256))
		case seq == 1 && m.Previous != "":
			problem(BrokenLink, "the first manifest names a previous one (%s)", short(m.Previous))
		}
		if pub, ok := byID[m.KeyID]; !ok {
			problem(BadSignature, "signed with key %s, not one of the keys given", m.KeyID)
		} else if err := signing.Verify(pub, sealed.Raw, sealed.Signature); err != nil {
			problem(BadSignature, "%v (key %s)", err, m.KeyID)
		}
		objs := append([]objectRef{{m.Result.Workbook.Name, m.Result.Workbook.SHA256, m.Result.Workbook.Size}}, photoRefs(m)...)
		for _, o := range objs {
			if o.sha256 == "" {
				continue
			}
			if !blob.ValidSHA256(o.sha256) {
				problem(BadManifest, "object %s has SHA-256 %q", o.name, o.sha256)
				continue
			}
			if r, ok := refs[o.sha256]; ok {
				r.count++
			} else {
				refs[o.sha256] = &reference{seq: seq, examID: examID, name: o.name, size: o.size, count: 1}
			}
		}
		prev = sealed
		rep.Head, rep.HeadSHA256 = seq, sealed.SHA256
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("evidence: verify: list manifests: %w", err)
	}
	seen := map[string]bool{}
	buf := make([]byte, 256<<10)
	err = blobs.List(ctx, ObjectPrefix, func(info blob.Info) error {
		want := info.Key[strings.LastIndexByte(info.Key, '/')+1:]
		if info.Key != ObjectKey(want) || !blob.ValidSHA256(want) {
			rep.Problems = append(rep.Problems, Problem{Kind: ChangedObject, Key: info.Key, Detail: "not a content-addressed key"})
			return nil
		}
		got, n, err := hashObject(ctx, blobs, info.Key, buf)
		if err != nil {
			return err
		}
		rep.Objects++
		rep.Bytes += n
		seen[want] = true
		ref := refs[want]
		p := Problem{Kind: ChangedObject, Key: info.Key}
		if ref != nil {
			p.Seq, p.ExamID = ref.seq, ref.examID
		} else {
			rep.Unreferenced++
		}
		switch {
		case got != want:
			p.Detail = fmt.Sprintf("bytes hash to %s%s", short(got), refNote(ref))
		case ref != nil && ref.size != n:
			p.Detail = fmt.Sprintf("%d bytes, the manifest says %d%s", n, ref.size, refNote(ref))
		default:
			return nil
		}
		rep.Problems = append(rep.Problems, p)
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("evidence: verify: list objects: %w", err)
	}
	var missing []string
	for sha := range refs {
		if !seen[sha] {
			missing = append(missing, sha)
		}
	}
	sort.Slice(missing, func(i, j int) bool { return refs[missing[i]].seq < refs[missing[j]].seq })
	for _, sha := range missing {
		ref := refs[sha]
		rep.Problems = append(rep.Problems, Problem{Kind: MissingObject, Key: ObjectKey(sha), Seq: ref.seq, ExamID: ref.examID,
			Detail: "not in the store" + refNote(ref)})
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool {
		a, b := rep.Problems[i], rep.Problems[j]
		if (a.Seq == 0) != (b.Seq == 0) {
			return b.Seq == 0
		}
		return a.Seq < b.Seq
	})
	return rep, nil
}

type objectRef struct {
	name, sha256 string
	size         int64
}

func photoRefs(m Manifest) []objectRef {
	out := make([]objectRef, len(m.Result.Photos))
	for i, p := range m.Result.Photos {
		out[i] = objectRef{p.Name, p.SHA256, p.Size}
	}
	return out
}

func refNote(r *reference) string {
	if r == nil {
		return ""
	}
	if r.count > 1 {
		return fmt.Sprintf(" (%s, named by %d manifests)", r.name, r.count)
	}
	return fmt.Sprintf(" (%s)", r.name)
}

func short(sha string) string {
	if len(sha) > 16 {
		return sha[:16] + "…"
	}
	if sha == "" {
		return "(none)"
	}
	return sha
}

func readManifest(ctx context.Context, blobs blob.Store, key string) (Sealed, error) {
	rc, _, err := blobs.Get(ctx, key)
	if err != nil {
		return Sealed{}, err
	}
	defer rc.Close()
	data, err := readAtMost(rc, MaxManifestSize)
	if err != nil {
		return Sealed{}, err
	}
	return parseManifest(key, data)
}

// hashObject re-reads an object and returns the SHA-256 of its bytes.
func hashObject(ctx context.Context, blobs blob.Store, key string, buf []byte) (string, int64, error) {
	rc, _, err := blobs.Get(ctx, key)
	if errors.Is(err, blob.ErrNotExist) {
		return "", 0, nil // deleted between list and read: reported as missing
	}
	if err != nil {
		return "", 0, fmt.Errorf("evidence: verify: %w", err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, rc, buf)
	if err != nil {
		return "", n, fmt.Errorf("evidence: verify: read %s: %w", key, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// CheckLedger compares a Verify report with the ledger's index of the
// chain: the chain alone cannot show that its newest manifests were
// deleted, the ledger can. Manifests the ledger indexed beyond the store's
// head are reported missing, and a head whose SHA-256 differs from the
// ledger's as a broken link.
func CheckLedger(ctx context.Context, rep *Report, l *state.Ledger) error {
	h, err := l.EvidenceHead(ctx)
	if errors.Is(err, state.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("evidence: verify: %w", err)
	}
	switch {
	case h.Seq > rep.Head:
		detail := fmt.Sprintf("the ledger indexes manifests up to %d, the store ends at %d", h.Seq, rep.Head)
		rep.Problems = append(rep.Problems, Problem{Kind: MissingManifest, Key: ManifestKey(rep.Head + 1), Seq: rep.Head + 1, Detail: detail})
	case h.Seq == rep.Head && h.SHA256 != rep.HeadSHA256:
		rep.Problems = append(rep.Problems, Problem{Kind: BrokenLink, Key: h.BlobKey, Seq: h.Seq, ExamID: h.ExamID,
			Detail: fmt.Sprintf("the ledger indexed %s at this position, the store holds %s", short(h.SHA256), short(rep.HeadSHA256))})
	}
	return nil
}
