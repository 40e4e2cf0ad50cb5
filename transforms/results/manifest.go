package results

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/icss/icss/internal/lazyre"
	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/storage/blob"
)

// ManifestSchema is the value of Manifest.Schema; manifest.schema.json describes it.
const ManifestSchema = "icss.results-manifest/1"

// Manifest lists the files of one batch. Its exact bytes are what the .sig
// signs and what the next batch's Previous hashes.
type Manifest struct {
	Schema    string `json:"schema"`
	Seq       int64  `json:"seq"`
	CreatedAt string `json:"created_at"` // RFC 3339, UTC
	// KeyID names the key that signs the manifest (signing.KeyID).
	KeyID string `json:"key_id"`
	// Previous is the SHA-256 of manifest seq-1's bytes; empty for seq 1.
	Previous string `json:"previous_sha256"`
	Counts   Counts `json:"counts"`
	Files    []File `json:"files"`
}

// Counts summarise a batch's rows.
type Counts struct {
	Rows        int            `json:"rows"`
	RiskNegated int            `json:"risk_negated"`
	Referrals   int            `json:"referrals"` // rows answering a partner referral
	Corrections int            `json:"corrections"`
	ByOutcome   map[string]int `json:"by_outcome"`
	ByPort      map[string]int `json:"by_port"`
}

// File is one data file of a batch.
type File struct {
	Name   string `json:"name"`
	Port   string `json:"port"`
	Format string `json:"format"` // "jsonl" or "csv"
	Rows   int    `json:"rows"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// File formats.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
)

// ManifestName is "manifest-<seq>.json", the sequence zero-padded to six
// digits so that names sort in sequence order.
func ManifestName(seq int64) string { return fmt.Sprintf("manifest-%06d.json", seq) }

// SignatureName is the name of the manifest's detached signature.
func SignatureName(seq int64) string { return ManifestName(seq) + ".sig" }

// DataName is "results-<port>-<seq>.<format>".
func DataName(port string, seq int64, format string) string {
	return fmt.Sprintf("results-%s-%06d.%s", port, seq, format)
}

var (
	manifestNamePattern = lazyre.New(`^manifest-([0-9]{6,})\.json(\.sig)?$`)
	dataNamePattern     = lazyre.New(`^results-([A-Z]{2}[A-Z2-9]{3})-([0-9]{6,})\.(jsonl|csv)$`)
)

// ParseName reports the sequence number a batch file name carries and whether
// it is a signature; ok is false for a name that is not a batch file.
func ParseName(name string) (seq int64, sig, ok bool) {
	if m := manifestNamePattern.FindStringSubmatch(name); m != nil {
		seq, err := strconv.ParseInt(m[1], 10, 64)
		return seq, m[2] != "", err == nil && seq > 0
	}
	if m := dataNamePattern.FindStringSubmatch(name); m != nil {
		seq, err := strconv.ParseInt(m[2], 10, 64)
		return seq, false, err == nil && seq > 0
	}
	return 0, false, false
}

// Verification failures a partner must tell apart.
var (
	// ErrSignature: the manifest's signature does not verify with the key.
	ErrSignature = errors.New("manifest signature does not verify")
	// ErrChain: the manifest does not follow the previous one (wrong seq or
	// previous_sha256): a replayed, reordered or forged batch.
	ErrChain = errors.New("manifest does not follow the previous one")
	// ErrChanged: a file's size or SHA-256 is not what the manifest says.
	ErrChanged = errors.New("file does not match the manifest")
	// ErrGap: a batch is missing before a later one.
	ErrGap = errors.New("batch missing")
)

// VerifyManifest checks sig over the manifest bytes with pub, then that the
// manifest is batch seq following the manifest whose SHA-256 is previous
// ("" before seq 1), and returns it parsed with its own SHA-256.
func VerifyManifest(pub ed25519.PublicKey, seq int64, previous string, manifest, sig []byte) (Manifest, string, error) {
	if err := signing.Verify(pub, manifest, sig); err != nil {
		var m Manifest
		if json.Unmarshal(manifest, &m) == nil && m.KeyID != "" && m.KeyID != signing.KeyID(pub) {
			return Manifest{}, "", fmt.Errorf("%s: %w: signed by key %s, expected %s", ManifestName(seq), ErrSignature, m.KeyID, signing.KeyID(pub))
		}
		return Manifest{}, "", fmt.Errorf("%s: %w (key %s)", ManifestName(seq), ErrSignature, signing.KeyID(pub))
	}
	m, err := ParseManifest(manifest)
	if err != nil {
		return Manifest{}, "", fmt.Errorf("%s: %w", ManifestName(seq), err)
	}
	switch {
	case m.Seq != seq:
		return Manifest{}, "", fmt.Errorf("%s: %w: it says it is batch %d (a replayed batch?)", ManifestName(seq), ErrChain, m.Seq)
	case m.Previous != previous:
		return Manifest{}, "", fmt.Errorf("%s: %w: previous_sha256 %q, but manifest %d has SHA-256 %q", ManifestName(seq), ErrChain, m.Previous, seq-1, previous)
	}
	return m, sum(manifest), nil
}

// ParseManifest reads a manifest strictly: unknown fields, a wrong schema or a
// file name that does not belong to the batch are errors.
func ParseManifest(b []byte) (Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("manifest: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Manifest{}, errors.New("manifest: data after the JSON object")
	}
	if m.Schema != ManifestSchema {
		return Manifest{}, fmt.Errorf("manifest: schema %q is not %q", m.Schema, ManifestSchema)
	}
	if m.Previous != "" && !blob.ValidSHA256(m.Previous) {
		return Manifest{}, fmt.Errorf("manifest %d: previous_sha256 %q is not a SHA-256", m.Seq, m.Previous)
	}
	for _, f := range m.Files {
		if f.Name != DataName(f.Port, m.Seq, f.Format) || !dataNamePattern.MatchString(f.Name) {
			return Manifest{}, fmt.Errorf("manifest %d: file %q is not a data file of this batch", m.Seq, f.Name)
		}
		if !blob.ValidSHA256(f.SHA256) || f.Size < 0 {
			return Manifest{}, fmt.Errorf("manifest %d: file %s: bad size or SHA-256", m.Seq, f.Name)
		}
	}
	return m, nil
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
