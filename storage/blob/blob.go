package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Store is a flat namespace of immutable objects. Keys are slash-separated
// paths (see ValidateKey). Every method is safe for concurrent use.
type Store interface {
	// Put stores the bytes of r (size bytes, or -1 if unknown) under key. Create-only: when key exists
	// it returns an error matching ErrExists and leaves the object untouched (S3: If-None-Match: *).
	// When opts.SHA256 is set the content is verified against it; a mismatch is an error and nothing is stored.
	Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (Info, error)
	// Get opens the object for reading; the caller closes it. A missing key is ErrNotExist.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat describes the object; a missing key is ErrNotExist.
	Stat(ctx context.Context, key string) (Info, error)
	// List calls fn for every object whose key starts with prefix, in lexical key order.
	// An error from fn stops the listing and is returned as is.
	List(ctx context.Context, prefix string, fn func(Info) error) error
	// Delete removes the object. Deleting a missing key is not an error, so that
	// a retried delete succeeds; an object under retention is an error.
	Delete(ctx context.Context, key string) error
}

// Presigner is the optional capability of stores that hand out time-limited
// URLs a third party can GET without credentials (S3). The local store has none.
type Presigner interface {
	PresignGet(ctx context.Context, key string, expiry time.Duration) (string, error)
}

// PutOptions describe an object being stored.
type PutOptions struct {
	// ContentType is the MIME type recorded with the object; empty means
	// application/octet-stream.
	ContentType string
	// SHA256 is the expected lower-case hex SHA-256 of the content. When set,
	// Put fails with ErrDigestMismatch and stores nothing if the bytes differ.
	SHA256 string
	// Metadata is user metadata kept with the object. Keys are case-insensitive
	// ASCII tokens (S3 lower-cases them, so both stores do); values printable text.
	Metadata map[string]string
}

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	SHA256      string // lower-case hex; always set by Put
	ContentType string
	ModTime     time.Time
	Metadata    map[string]string // keys lower-case
}

var (
	// ErrNotExist reports a key with no object.
	ErrNotExist = errors.New("object does not exist")
	// ErrExists reports a Put onto a key that already holds an object.
	ErrExists = errors.New("object already exists")
	// ErrDigestMismatch reports content whose SHA-256 is not PutOptions.SHA256.
	ErrDigestMismatch = errors.New("content does not match its SHA-256")
	// ErrSizeMismatch reports content whose length is not the size given to Put.
	ErrSizeMismatch = errors.New("content does not match its size")
	// ErrInvalidKey reports a key that ValidateKey rejects.
	ErrInvalidKey = errors.New("invalid object key")
)

// MaxKeyLen is the longest key accepted, in bytes (the S3 limit).
const MaxKeyLen = 1024

// reservedPrefix is kept for the local store's own bookkeeping.
const reservedPrefix = ".icss"

// ValidateKey rejects keys that could escape a directory, collide across
// stores or be mangled by S3: empty, longer than MaxKeyLen, not UTF-8,
// control characters or backslashes, a leading or doubled slash, trailing
// slash, "." or ".." segments, or the reserved first segment ".icss".
func ValidateKey(key string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrInvalidKey, key, why) }
	switch {
	case key == "":
		return bad("empty")
	case len(key) > MaxKeyLen:
		return bad(fmt.Sprintf("longer than %d bytes", MaxKeyLen))
	case !utf8.ValidString(key):
		return bad("not UTF-8")
	}
	for i, r := range key {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return bad(fmt.Sprintf("character %q at byte %d", r, i))
		}
	}
	for i, seg := range strings.Split(key, "/") {
		switch {
		case seg == "":
			return bad("empty path segment")
		case seg == "." || seg == "..":
			return bad("dot segment")
		case i == 0 && seg == reservedPrefix:
			return bad("reserved prefix " + reservedPrefix)
		}
	}
	return nil
}

// ContentKey returns the content-addressed key of a SHA-256 (hex) under prefix: prefix + "sha256/ab/abcdef…".
// The two-character fan-out keeps local directories small. The hex is lower-cased
// so the same content always maps to the same key.
func ContentKey(prefix, sha256hex string) string {
	h := strings.ToLower(sha256hex)
	fan := h
	if len(fan) > 2 {
		fan = fan[:2]
	}
	return prefix + "sha256/" + fan + "/" + h
}

// ValidSHA256 reports whether s is 64 hex digits.
func ValidSHA256(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// checkPut validates the arguments common to every Put.
func checkPut(key string, size int64, opts PutOptions) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if size < -1 {
		return fmt.Errorf("put %s: size %d is negative", key, size)
	}
	if opts.SHA256 != "" && !ValidSHA256(opts.SHA256) {
		return fmt.Errorf("put %s: PutOptions.SHA256 %q is not 64 hex digits", key, opts.SHA256)
	}
	return CheckMetadata(opts.Metadata)
}

// CheckMetadata rejects metadata that S3 cannot carry as x-amz-meta-* headers,
// and the key "sha256" the stores use themselves, so that both stores accept
// exactly the same set.
func CheckMetadata(md map[string]string) error {
	for k, v := range md {
		if k == "" {
			return fmt.Errorf("PutOptions.Metadata: empty key")
		}
		if strings.EqualFold(k, "sha256") {
			return fmt.Errorf("PutOptions.Metadata key %q is reserved: the store keeps the content's digest there (use PutOptions.SHA256)", k)
		}
		for _, r := range k {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return fmt.Errorf("PutOptions.Metadata key %q: character %q is not a letter, digit, '-' or '_'", k, r)
			}
		}
		for _, r := range v {
			if r < 0x20 || r > 0x7e {
				return fmt.Errorf("PutOptions.Metadata[%q]: character %q is not printable ASCII", k, r)
			}
		}
	}
	return nil
}

// NormalizeMetadata returns md with lower-case keys (nil when empty).
func NormalizeMetadata(md map[string]string) map[string]string {
	if len(md) == 0 {
		return nil
	}
	out := make(map[string]string, len(md))
	for k, v := range md {
		out[strings.ToLower(k)] = v
	}
	return out
}

// VerifyReader counts and hashes what passes through it and, at EOF, turns a
// wrong length or digest into an error instead of io.EOF. Stores hand it to
// the transport so that a bad upload is aborted before it is committed.
type VerifyReader struct {
	r      io.Reader
	h      hash.Hash
	n      int64
	size   int64  // -1: unchecked
	sha256 string // "": unchecked
	key    string
}

// NewVerifyReader wraps r for the object key; size -1 and sha256 "" disable those checks.
func NewVerifyReader(r io.Reader, key string, size int64, sha256hex string) *VerifyReader {
	return &VerifyReader{r: r, h: sha256.New(), size: size, sha256: strings.ToLower(sha256hex), key: key}
}

// Read implements io.Reader.
func (v *VerifyReader) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.size >= 0 && v.n > v.size {
		return n, fmt.Errorf("put %s: %w: more than %d bytes", v.key, ErrSizeMismatch, v.size)
	}
	if err == io.EOF {
		if cerr := v.check(); cerr != nil {
			return n, cerr
		}
	}
	return n, err
}

func (v *VerifyReader) check() error {
	if v.size >= 0 && v.n != v.size {
		return fmt.Errorf("put %s: %w: got %d bytes, want %d", v.key, ErrSizeMismatch, v.n, v.size)
	}
	if v.sha256 != "" && v.Sum() != v.sha256 {
		return fmt.Errorf("put %s: %w: got %s, want %s", v.key, ErrDigestMismatch, v.Sum(), v.sha256)
	}
	return nil
}

// N is the number of bytes read so far.
func (v *VerifyReader) N() int64 { return v.n }

// Sum is the hex SHA-256 of the bytes read so far.
func (v *VerifyReader) Sum() string { return hex.EncodeToString(v.h.Sum(nil)) }
