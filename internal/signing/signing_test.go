package signing

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteKeyPairSignVerify(t *testing.T) {
	dir := t.TempDir()
	privPath, pubPath, err := WriteKeyPair(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(privPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %v, %v", fi.Mode(), err)
	}
	priv, err := LoadPrivateKey(privPath)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := LoadPublicKey(pubPath)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(priv.Public()) {
		t.Fatal("public key does not match the private key")
	}
	if id := KeyID(pub); !strings.HasPrefix(id, "ed25519:") || len(id) != len("ed25519:")+16 {
		t.Errorf("KeyID = %q", id)
	}

	msg := []byte(`{"seq":1}`)
	sig := Sign(priv, msg)
	if err := Verify(pub, msg, sig); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if err := Verify(pub, []byte(`{"seq":2}`), sig); !errors.Is(err, ErrBadSignature) {
		t.Errorf("changed message: %v", err)
	}
	other, _ := Generate()
	if err := Verify(other.Public().(ed25519.PublicKey), msg, sig); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other key: %v", err)
	}
	if err := Verify(pub, msg, []byte("not base64!")); !errors.Is(err, ErrBadSignature) {
		t.Errorf("garbage signature: %v", err)
	}

	if _, _, err := WriteKeyPair(dir); err == nil {
		t.Error("WriteKeyPair replaced an existing key")
	}
}

func TestLoadPrivateKeyRefusesOpenMode(t *testing.T) {
	dir := t.TempDir()
	privPath, _, err := WriteKeyPair(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(privPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPrivateKey(privPath); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("mode 0644 accepted: %v", err)
	}
}

func TestParseErrorsDoNotQuoteKey(t *testing.T) {
	secret := "-----BEGIN PRIVATE KEY-----\nU0VDUkVUU0VDUkVU\n-----END PRIVATE KEY-----\n"
	_, err := ParsePrivateKey([]byte(secret))
	if err == nil || strings.Contains(err.Error(), "U0VDUkVU") {
		t.Errorf("error %v", err)
	}
	if _, err := ParsePublicKey([]byte(secret)); err == nil {
		t.Error("private block read as public")
	}
	if _, err := LoadPublicKey(filepath.Join(t.TempDir(), "missing.pub")); err == nil {
		t.Error("missing file accepted")
	}
}
