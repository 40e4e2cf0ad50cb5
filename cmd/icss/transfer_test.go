package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/s3test"
	"github.com/icss/icss/internal/testkit/sshdtest"
	"github.com/icss/icss/storage/blob"
	"github.com/minio/minio-go/v7"
)

// writeConfig writes an icss config for one endpoint on srv and returns its path.
func writeConfig(t *testing.T, srv *sshdtest.Server) string {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`data_dir: data
endpoints:
  - name: carrier1
    addr: %q
    user: %q
    key_file: %q
    key_passphrase: {env: ICSS_TEST_PASSPHRASE}
    known_hosts_file: %q
    inbox: inbox
    outbox: outbox
    stable_for: 1100ms
    max_file_size: 1000
`, srv.Addr, srv.User, srv.ClientKeyFile, srv.KnownHostsFile)
	p := filepath.Join(dir, "icss.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPullAndPushCommands(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox", "outbox"}, Passphrase: "pw"})
	t.Setenv("ICSS_TEST_PASSPHRASE", "pw")
	cfg := writeConfig(t, srv)
	old := time.Now().Add(-time.Hour)
	for name, data := range map[string]string{"a.x12": "ISA*a", "b.x12": "ISA*b", "huge.x12": strings.Repeat("x", 1001)} {
		p := srv.Path("inbox/" + name)
		os.WriteFile(p, []byte(data), 0o644)
		os.Chtimes(p, old, old)
	}
	ctx := context.Background()

	var out, errOut bytes.Buffer
	err := runPull(ctx, &out, &errOut, pullOptions{Config: cfg})
	if !errors.Is(err, errInvalidInput) {
		t.Fatalf("pull with an oversize file: err = %v, want errInvalidInput (exit 1)\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "carrier1: 2 taken, 0 duplicate, 0 recovered, 0 gone, 1 skipped, 0 failed, 10 bytes") ||
		!strings.Contains(errOut.String(), `"huge.x12" skipped: 1001 bytes is over max_file_size 1000`) {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
	if strings.Contains(out.String()+errOut.String(), "pw") {
		t.Fatal("passphrase printed")
	}

	src := filepath.Join(t.TempDir(), "result.x12")
	os.WriteFile(src, []byte("ISA*result"), 0o644)
	out.Reset()
	if err := runPush(ctx, &out, &errOut, pushOptions{Config: cfg, Endpoint: "carrier1"}, []string{src}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "pushed "+src+" as outbox/result.x12 (10 bytes") {
		t.Fatalf("push output: %s", out.String())
	}
	err = runPush(ctx, &out, &errOut, pushOptions{Config: cfg, Endpoint: "nope"}, []string{src})
	var ue *usageError
	if !errors.As(err, &ue) {
		t.Fatalf("unknown endpoint: err = %v, want a usage error", err)
	}
}

// TestPullIntoS3 pulls into a real versitygw instead of the local store: the raw file
// lands in the icss-raw bucket under its SHA-256.
func TestPullIntoS3(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox", "outbox"}, Passphrase: "pw"})
	s3 := s3test.Start(t)
	t.Setenv("ICSS_TEST_PASSPHRASE", "pw")
	t.Setenv("ICSS_TEST_S3_SECRET", s3.SecretKey)
	cfg := writeConfig(t, srv)
	b, _ := os.ReadFile(cfg)
	b = append(fmt.Appendf(nil, "blob:\n  s3: {endpoint: %q, region: %q, access_key: %q, secret_key: {env: ICSS_TEST_S3_SECRET}, insecure: true, bucket_prefix: icss-test-}\n",
		s3.Endpoint, s3.Region, s3.AccessKey), b...)
	os.WriteFile(cfg, b, 0o644)
	p := srv.Path("inbox/a.x12")
	os.WriteFile(p, []byte("ISA*s3"), 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p, old, old)
	var out, errOut bytes.Buffer
	if err := runPull(context.Background(), &out, &errOut, pullOptions{Config: cfg}); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
	}
	sum := sha256.Sum256([]byte("ISA*s3"))
	key := blob.ContentKey("", hex.EncodeToString(sum[:]))
	if _, err := s3.Client(t).StatObject(context.Background(), "icss-test-raw", key, minio.StatObjectOptions{}); err != nil {
		t.Fatalf("raw object %s not in bucket icss-test-raw: %v\n%s", key, err, out.String())
	}
}
