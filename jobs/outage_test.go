package jobs_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/icss/icss/jobs"
)

// proxy forwards a loopback port to the sshd, and can be taken down and up again
// on the same port: an SFTP server that goes away for a while.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func (p *proxy) up(t *testing.T) {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *proxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// SFTP down for a while: the pull is retried with backoff, the status shows it
// failing meanwhile, and once the server is back everything is taken and answered.
func TestSFTPOutageRetriesAndCatchesUp(t *testing.T) {
	t.Parallel()
	c := newCorridor(t, "")
	p := &proxy{addr: "127.0.0.1:0", target: c.srv.Addr}
	p.up(t)
	kh := filepath.Join(c.dir, "proxy_known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%s %s", p.addr[strings.LastIndex(p.addr, ":")+1:], ssh.MarshalAuthorizedKey(c.srv.HostKey))
	if err := os.WriteFile(kh, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(c.config)
	s := strings.Replace(string(b), fmt.Sprintf("addr: %q", c.srv.Addr), fmt.Sprintf("addr: %q", p.addr), 1)
	s = strings.Replace(s, fmt.Sprintf("known_hosts_file: %q", c.srv.KnownHostsFile), fmt.Sprintf("known_hosts_file: %q", kh), 1)
	s = strings.Replace(s, "max_attempts: 4", "max_attempts: 40", 1)
	os.WriteFile(c.config, []byte(s), 0o644)
	for i := range 3 {
		c.drop(fmt.Sprintf("m%d.x12", i), manifest(t, 50, 900+i))
	}
	p.down()

	ctx, cancel := context.WithCancel(context.Background())
	d, err := jobs.Open(ctx, c.load(), testLogger(t), true)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, "test") }()
	time.Sleep(300 * time.Millisecond)
	if err := d.Trigger(ctx, "pull"); err != nil {
		t.Fatal(err)
	}
	// While down: the pull fails and is retried, and the status says so.
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, err := d.Status(ctx, "test")
		if err != nil {
			t.Fatal(err)
		}
		if st.Stages[1].Name != jobs.KindPull {
			t.Fatalf("stages %+v", st.Stages)
		}
		if st.Stages[1].Failed > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pull never showed as failing: %+v", st.Stages[1])
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	p.up(t)
	// Back: everything is taken, answered and delivered.
	deadline = time.Now().Add(60 * time.Second)
	for len(c.outbox()) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("after the outage: outbox %v", c.outbox())
		}
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	db := d.Ledger().DB()
	var n int
	db.QueryRow(`SELECT COUNT(*) FROM files WHERE state = 'acknowledged'`).Scan(&n)
	if n != 3 {
		t.Errorf("%d files acknowledged", n)
	}
}
