package blob_test

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/icss/icss/storage/blob"
)

func TestValidateKey(t *testing.T) {
	tests := []struct {
		key  string
		want string // "" = valid; else a fragment of the reason
	}{
		{"a", ""},
		{"raw/sha256/ab/abcdef", ""},
		{"name with spaces (1).edi", ""},
		{"é/漢字", ""},
		{".hidden/x", ""},
		{"a/.icss", ""}, // reserved only as the first segment
		{strings.Repeat("k", blob.MaxKeyLen), ""},
		{"", "empty"},
		{strings.Repeat("k", blob.MaxKeyLen+1), "longer than"},
		{"\xff\xfe", "not UTF-8"},
		{"a\x00b", "character"},
		{"a\nb", "character"},
		{"a\x7fb", "character"},
		{`a\b`, "character"},
		{"/abs", "empty path segment"},
		{"a//b", "empty path segment"},
		{"a/", "empty path segment"},
		{"..", "dot segment"},
		{"a/../b", "dot segment"},
		{"./a", "dot segment"},
		{".icss", "reserved"},
		{".icss/meta/x", "reserved"},
	}
	for _, tt := range tests {
		err := blob.ValidateKey(tt.key)
		if tt.want == "" && err != nil {
			t.Errorf("ValidateKey(%q) = %v, want valid", tt.key, err)
		}
		if tt.want != "" && (!errors.Is(err, blob.ErrInvalidKey) || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("ValidateKey(%q) = %v, want ErrInvalidKey saying %q", tt.key, err, tt.want)
		}
	}
}

// A key ValidateKey accepts never leads outside the store's directory.
func FuzzValidateKey(f *testing.F) {
	for _, s := range []string{"a", "a/b", "../x", "a/../../b", ".icss/lock", "a//b", "/etc/passwd", "é", "a\\..\\b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if blob.ValidateKey(key) != nil {
			return
		}
		root := "/srv/blobs"
		p := filepath.Join(root, filepath.FromSlash(key))
		if !strings.HasPrefix(p, root+"/") {
			t.Fatalf("valid key %q resolves to %q, outside %s", key, p, root)
		}
		if filepath.Clean(p) != p || strings.HasPrefix(key, ".icss/") || key == ".icss" {
			t.Fatalf("valid key %q is not canonical or is reserved (%q)", key, p)
		}
	})
}

func TestContentKey(t *testing.T) {
	h := "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
	if got, want := blob.ContentKey("raw/", h), "raw/sha256/9f/"+strings.ToLower(h); got != want {
		t.Fatalf("ContentKey = %q, want %q", got, want)
	}
	if err := blob.ValidateKey(blob.ContentKey("", h)); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyReader(t *testing.T) {
	data := []byte("test")
	const sum = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	tests := []struct {
		name string
		size int64
		sha  string
		want error
	}{
		{"Unchecked", -1, "", nil},
		{"Right", 4, strings.ToUpper(sum), nil},
		{"Short", 5, "", blob.ErrSizeMismatch},
		{"Long", 3, "", blob.ErrSizeMismatch},
		{"WrongDigest", 4, strings.Repeat("0", 64), blob.ErrDigestMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := blob.NewVerifyReader(bytes.NewReader(data), "k", tt.size, tt.sha)
			_, err := io.Copy(io.Discard, v)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("copy error = %v, want %v", err, tt.want)
			}
			if tt.want == nil && (v.Sum() != sum || v.N() != 4) {
				t.Fatalf("Sum %s N %d", v.Sum(), v.N())
			}
		})
	}
}

func TestCheckMetadata(t *testing.T) {
	if err := blob.CheckMetadata(map[string]string{"Remote-Name": "IN 1.edi", "x_y": ""}); err != nil {
		t.Fatal(err)
	}
	for _, md := range []map[string]string{{"": "v"}, {"a b": "v"}, {"k:": "v"}, {"k": "\r"}, {"k": "ü"}} {
		if err := blob.CheckMetadata(md); err == nil {
			t.Errorf("CheckMetadata(%q) accepted", md)
		}
	}
}

func TestPurposes(t *testing.T) {
	for _, p := range blob.Purposes() {
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	if err := blob.Purpose("images").Validate(); err == nil {
		t.Fatal("unknown purpose accepted")
	}
	if !blob.Raw.ContentAddressed() || !blob.Evidence.ContentAddressed() || blob.Results.ContentAddressed() {
		t.Fatal("ContentAddressed: raw and evidence only")
	}
}
