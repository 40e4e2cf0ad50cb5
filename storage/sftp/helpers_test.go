package sftp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/sshdtest"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
	"github.com/skeema/knownhosts"
)

// rig is one endpoint on a real sshd with a local blob store and a SQLite ledger.
type rig struct {
	srv    *sshdtest.Server
	cfg    Config
	client *Client
	blobs  *blob.Dir
	ledger *state.Ledger
	dir    string
	// srvPath maps a served name to its local path.
	srvPath func(string) string
}

func newRig(t *testing.T, edit func(*Config)) *rig {
	t.Helper()
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox", "outbox"}})
	cfg := testConfig(srv)
	if edit != nil {
		edit(&cfg)
	}
	return newRigFor(t, srv, cfg)
}

func newRigFor(t testing.TB, srv *sshdtest.Server, cfg Config) *rig {
	t.Helper()
	cfg = cfg.WithDefaults()
	var c *Client
	var srvPath func(string) string
	if srv != nil {
		var err error
		c, err = Dial(context.Background(), cfg, nil)
		if err != nil {
			t.Fatalf("dial: %v\nsshd log:\n%s", err, srv.Logs())
		}
		t.Cleanup(func() { c.Close() })
		srvPath = srv.Path
	}
	dir := t.TempDir()
	blobs, err := blob.OpenDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	ledger, err := state.Open(context.Background(), state.Config{Driver: "sqlite", DSN: filepath.Join(dir, "ledger.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ledger.Close() })
	return &rig{srv: srv, cfg: cfg, client: c, blobs: blobs, ledger: ledger, dir: dir, srvPath: srvPath}
}

func testConfig(srv *sshdtest.Server) Config {
	return Config{
		Name: "carrier1", Addr: srv.Addr, User: srv.User, KeyFile: srv.ClientKeyFile,
		KnownHostsFile: srv.KnownHostsFile, Inbox: "inbox", Outbox: "outbox",
		StableFor: 1100 * time.Millisecond, RetryBackoff: 20 * time.Millisecond,
	}
}

func (r *rig) puller() *Puller {
	return &Puller{Client: r.client, Blobs: r.blobs, Ledger: r.ledger, KeyPrefix: "raw/", SpoolDir: r.dir}
}

// put writes a file into the served inbox, as a carrier would, with an mtime in the past
// so the stability check sees a settled file.
func (r *rig) put(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := r.srvPath("inbox/" + name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	return sha(data)
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := n - n%8; i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

// files lists the regular files of a served directory.
func (r *rig) files(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(r.srvPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	return out
}

// pinFor writes a known_hosts pinning srv's host key for addr.
func pinFor(t *testing.T, addr string, srv *sshdtest.Server) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "known_hosts")
	line := knownhosts.Line([]string{addr}, srv.HostKey) + "\n"
	if err := os.WriteFile(p, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
