package sftp

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/sshdtest"
)

// blackhole is a TCP proxy whose current connections can be silenced at once, as a
// NAT or firewall silently dropping a flow does: no reset, no FIN, just nothing.
type blackhole struct {
	ln    net.Listener
	mu    sync.Mutex
	flows []*atomic.Bool
}

func newBlackhole(t *testing.T, target string) *blackhole {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackhole{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			dead := new(atomic.Bool)
			b.mu.Lock()
			b.flows = append(b.flows, dead)
			b.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				buf := make([]byte, 32<<10)
				for {
					n, err := src.Read(buf)
					if n > 0 && !dead.Load() {
						dst.Write(buf[:n])
					}
					if err != nil {
						dst.Close()
						return
					}
				}
			}
			go pipe(s, c)
			go pipe(c, s)
		}
	}()
	return b
}

// silence drops everything on the existing connections from now on.
func (b *blackhole) silence() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.flows {
		f.Store(true)
	}
}

// TestKeepAliveDetectsSilentLink checks that an operation stuck on a link that went
// silent is freed by the keepalive and retried on a new connection.
func TestKeepAliveDetectsSilentLink(t *testing.T) {
	t.Parallel()
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox"}})
	bh := newBlackhole(t, srv.Addr)
	cfg := testConfig(srv)
	cfg.Addr = bh.ln.Addr().String()
	// known_hosts pins 127.0.0.1:<sshd port>; the proxy listens on another port.
	cfg.KnownHostsFile = pinFor(t, cfg.Addr, srv)
	cfg.KeepAlive = 200 * time.Millisecond
	c, err := Dial(context.Background(), cfg.WithDefaults(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ReadDir(context.Background(), "inbox"); err != nil {
		t.Fatal(err)
	}
	bh.silence()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.ReadDir(ctx, "inbox"); err != nil {
		t.Fatalf("after the link went silent: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("recovery took %v; the keepalive should notice within about 2 intervals", d)
	}
}
