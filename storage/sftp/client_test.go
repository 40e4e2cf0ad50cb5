package sftp

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/sshdtest"
	"golang.org/x/crypto/ssh"
)

func TestHostKeyPinning(t *testing.T) {
	t.Parallel()
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox"}})
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	otherSigner, _ := ssh.NewSignerFromKey(other)
	otherFP := ssh.FingerprintSHA256(otherSigner.PublicKey())
	serverFP := ssh.FingerprintSHA256(srv.HostKey)
	_, port, _ := strings.Cut(srv.Addr, ":")

	tests := []struct {
		name       string
		knownHosts string
		wantInErr  []string
	}{
		{"ChangedKeyNamesBothFingerprints",
			fmt.Sprintf("[127.0.0.1]:%s %s", port, ssh.MarshalAuthorizedKey(otherSigner.PublicKey())),
			[]string{"CHANGED", serverFP, otherFP}},
		{"UnknownHostNamesServerFingerprint",
			fmt.Sprintf("[127.0.0.9]:%s %s", port, ssh.MarshalAuthorizedKey(otherSigner.PublicKey())),
			[]string{"has no key for"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kh := filepath.Join(t.TempDir(), "known_hosts")
			os.WriteFile(kh, []byte(tt.knownHosts), 0o644)
			cfg := testConfig(srv)
			cfg.KnownHostsFile = kh
			_, err := Dial(context.Background(), cfg.WithDefaults(), nil)
			if err == nil {
				t.Fatal("connected to a server whose key is not pinned")
			}
			for _, w := range tt.wantInErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	t.Run("RightKeyPinnedOnlyForAnotherName", func(t *testing.T) {
		// The known_hosts has a line for another host and the right port; the dial to
		// 127.0.0.1 must not fall back to trusting the key offered.
		kh := filepath.Join(t.TempDir(), "known_hosts")
		os.WriteFile(kh, fmt.Appendf(nil, "[127.0.0.1]:%s %s[localhost]:%s %s", port, ssh.MarshalAuthorizedKey(otherSigner.PublicKey()), port, ssh.MarshalAuthorizedKey(srv.HostKey)), 0o644)
		cfg := testConfig(srv)
		cfg.KnownHostsFile = kh
		_, err := Dial(context.Background(), cfg.WithDefaults(), nil)
		var hk *HostKeyError
		if !errors.As(err, &hk) || hk.Fingerprint != serverFP {
			t.Fatalf("err = %v, want a HostKeyError naming %s", err, serverFP)
		}
	})
}

func TestRSAKey(t *testing.T) {
	t.Parallel()
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox"}, RSAClientKey: true})
	c, err := Dial(context.Background(), testConfig(srv).WithDefaults(), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

func TestEncryptedKey(t *testing.T) {
	t.Parallel()
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox"}, Passphrase: "correct horse"})
	cfg := testConfig(srv).WithDefaults()
	if _, err := New(cfg, nil); err == nil || !strings.Contains(err.Error(), "encrypted and no passphrase") {
		t.Fatalf("no passphrase: err = %v", err)
	}
	cfg.KeyPassphrase = []byte("wrong")
	if _, err := New(cfg, nil); err == nil || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("wrong passphrase: err = %v (must fail without echoing it)", err)
	}
	cfg.KeyPassphrase = []byte("correct horse")
	c, err := Dial(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

func TestPush(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "997.x12")
	os.WriteFile(src, []byte("ISA*997"), 0o644)

	res, err := r.client.Push(ctx, src, "997.x12", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Synced || res.Already {
		t.Fatalf("OpenSSH offers fsync@openssh.com: %+v", res)
	}
	got, _ := os.ReadFile(r.srvPath("outbox/997.x12"))
	if string(got) != "ISA*997" {
		t.Fatalf("remote = %q", got)
	}
	// Pushing the same bytes again is a no-op.
	res, err = r.client.Push(ctx, src, "997.x12", nil)
	if err != nil || !res.Already {
		t.Fatalf("repeat push: %+v %v", res, err)
	}
	// Different bytes under the same name are refused, and the remote file is kept.
	os.WriteFile(src, []byte("ISA*different"), 0o644)
	_, err = r.client.Push(ctx, src, "997.x12", nil)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("conflicting push: err = %v, want ErrConflict", err)
	}
	got, _ = os.ReadFile(r.srvPath("outbox/997.x12"))
	if string(got) != "ISA*997" {
		t.Fatalf("remote overwritten: %q", got)
	}
	if _, err := r.client.Push(ctx, src, "../escape.x12", nil); !errors.Is(err, ErrBadName) {
		t.Fatalf("traversal: err = %v", err)
	}
	// A temporary left by a killed push is cleaned up by the next push of that name.
	stale := r.srvPath("outbox/.next.x12.deadbeef.part")
	os.WriteFile(stale, []byte("half"), 0o644)
	if _, err := r.client.Push(ctx, src, "next.x12", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale temporary still there: %v", err)
	}
	if got := r.files(t, "outbox"); strings.Join(got, ",") != "997.x12,next.x12" {
		t.Fatalf("outbox = %v", got)
	}
}

func TestServerRestartRedials(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	ctx := context.Background()
	if _, err := r.client.ReadDir(ctx, "inbox"); err != nil {
		t.Fatal(err)
	}
	// Killing the session's connection (the server side of it) must be survived.
	r.client.mu.Lock()
	r.client.cur.conn.Close()
	r.client.mu.Unlock()
	if _, err := r.client.ReadDir(ctx, "inbox"); err != nil {
		t.Fatalf("after connection loss: %v", err)
	}
}
