// Package sftpfault is an in-process SFTP server (pkg/sftp RequestServer over
// x/crypto/ssh) serving a local directory, with switches that inject the faults a real
// server produces only by accident: the connection dropped in the middle of a download
// or an upload, permission denied, a failing rename, a file that grows between listings.
//
// It exists for deterministic fault tests only; the happy paths are tested against
// OpenSSH (package sshdtest). Paths are confined to Root: ".." cannot climb out.
package sftpfault

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// Faults are the injected failures; change them at any time (they are read per request).
type Faults struct {
	// DropReadAfter, when > 0, closes the connection once that many file bytes have been
	// read through it, and then resets to 0 (one drop per setting).
	DropReadAfter atomic.Int64
	// DropWriteAfter is the same for bytes written to files.
	DropWriteAfter atomic.Int64
	// ShortReads, when > 0, answers every read with at most that many bytes, as servers
	// with a small read limit do.
	ShortReads atomic.Int64
	// ReadDelay, when > 0, is slept (nanoseconds) before each read is answered: a slow link.
	ReadDelay atomic.Int64

	mu       sync.Mutex
	deny     func(method, name string) bool
	failCmd  func(method, name string) error
	beforeLs func(dir string)
}

// Deny makes requests for which fn(method, name) is true fail with permission denied.
// Methods are pkg/sftp's: Get, Put, Open, List, Stat, Rename, PosixRename, Remove, Link, ...
// name is relative to Root, without a leading slash.
func (f *Faults) Deny(fn func(method, name string) bool) {
	f.mu.Lock()
	f.deny = fn
	f.mu.Unlock()
}

// FailCmd makes commands (Rename, PosixRename, Remove, Link, Mkdir, Setstat) fail with
// the error fn returns, when not nil.
func (f *Faults) FailCmd(fn func(method, name string) error) {
	f.mu.Lock()
	f.failCmd = fn
	f.mu.Unlock()
}

// BeforeList runs fn before each directory listing or stat is answered, e.g. to append to
// a file so that it is seen growing.
func (f *Faults) BeforeList(fn func(name string)) {
	f.mu.Lock()
	f.beforeLs = fn
	f.mu.Unlock()
}

func (f *Faults) denied(method, name string) bool {
	f.mu.Lock()
	fn := f.deny
	f.mu.Unlock()
	return fn != nil && fn(method, name)
}

// Server is a running in-process SFTP server.
type Server struct {
	Addr           string
	User           string
	Root           string
	ClientKeyFile  string
	KnownHostsFile string
	HostKey        ssh.PublicKey
	Faults         *Faults
	// Conns counts the SSH connections accepted so far (redials show up here).
	Conns atomic.Int64
	// OpenReads is the number of files open for reading now; MaxOpenReads the most
	// there ever were at once (a client's concurrency limit shows up here).
	OpenReads, MaxOpenReads atomic.Int64

	ln net.Listener
	wg sync.WaitGroup
}

// Start serves a fresh temporary directory (with dirs created in it) until the test ends.
func Start(t testing.TB, dirs ...string) *Server {
	t.Helper()
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	for _, d := range append([]string{""}, dirs...) {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	hostSigner, _ := keyPEM(t)
	hostPub := hostSigner.PublicKey()
	clientSigner, clientPEM := keyPEM(t)
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
			if string(k.Marshal()) == string(clientSigner.PublicKey().Marshal()) {
				return nil, nil
			}
			return nil, errors.New("unknown key")
		},
	}
	cfg.AddHostKey(hostSigner)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), User: "carrier", Root: root, HostKey: hostPub, Faults: &Faults{}, ln: ln}
	s.ClientKeyFile = filepath.Join(tmp, "client_ed25519")
	if err := os.WriteFile(s.ClientKeyFile, clientPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(s.Addr)
	s.KnownHostsFile = filepath.Join(tmp, "known_hosts")
	kh := fmt.Sprintf("[127.0.0.1]:%s %s", port, ssh.MarshalAuthorizedKey(hostPub))
	if err := os.WriteFile(s.KnownHostsFile, []byte(kh), 0o644); err != nil {
		t.Fatal(err)
	}
	s.wg.Add(1)
	go s.accept(cfg)
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// Path returns the local path of a name relative to Root.
func (s *Server) Path(name string) string { return filepath.Join(s.Root, filepath.FromSlash(name)) }

func (s *Server) accept(cfg *ssh.ServerConfig) {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.Conns.Add(1)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(nc, cfg)
		}()
	}
}

func (s *Server) serve(nc net.Conn, cfg *ssh.ServerConfig) {
	defer nc.Close()
	_, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			return
		}
		go func() {
			for req := range creqs {
				ok := req.Type == "subsystem" && len(req.Payload) > 4 && string(req.Payload[4:]) == "sftp"
				_ = req.Reply(ok, nil)
				if ok {
					h := &handlers{s: s, conn: nc}
					hs := sftp.Handlers{FileGet: h, FilePut: h, FileCmd: h, FileList: h}
					rs := sftp.NewRequestServer(ch, hs, sftp.WithStartDirectory("/"))
					_ = rs.Serve()
					rs.Close()
					ch.Close()
				}
			}
		}()
	}
}

type handlers struct {
	s    *Server
	conn net.Conn
}

// local maps a request path into Root; the path is cleaned as an absolute path first so
// ".." cannot escape.
func (h *handlers) local(p string) (string, string) {
	clean := strings.TrimPrefix(path.Clean("/"+p), "/")
	return filepath.Join(h.s.Root, filepath.FromSlash(clean)), clean
}

func (h *handlers) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	lp, name := h.local(r.Filepath)
	if h.s.Faults.denied("Get", name) {
		return nil, os.ErrPermission
	}
	f, err := os.Open(lp)
	if err != nil {
		return nil, err
	}
	n := h.s.OpenReads.Add(1)
	for {
		m := h.s.MaxOpenReads.Load()
		if n <= m || h.s.MaxOpenReads.CompareAndSwap(m, n) {
			break
		}
	}
	return &dropFile{File: f, counter: &h.s.Faults.DropReadAfter, conn: h.conn, short: &h.s.Faults.ShortReads,
		delay: &h.s.Faults.ReadDelay, open: &h.s.OpenReads}, nil
}

func (h *handlers) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	lp, name := h.local(r.Filepath)
	if h.s.Faults.denied("Put", name) {
		return nil, os.ErrPermission
	}
	fl := r.Pflags()
	flag := os.O_WRONLY
	if fl.Creat {
		flag |= os.O_CREATE
	}
	if fl.Trunc {
		flag |= os.O_TRUNC
	}
	if fl.Excl {
		flag |= os.O_EXCL
	}
	f, err := os.OpenFile(lp, flag, 0o644)
	if err != nil {
		return nil, err
	}
	return &dropFile{File: f, counter: &h.s.Faults.DropWriteAfter, conn: h.conn}, nil
}

func (h *handlers) Filecmd(r *sftp.Request) error {
	lp, name := h.local(r.Filepath)
	if h.s.Faults.denied(r.Method, name) {
		return os.ErrPermission
	}
	h.s.Faults.mu.Lock()
	fail := h.s.Faults.failCmd
	h.s.Faults.mu.Unlock()
	if fail != nil {
		if err := fail(r.Method, name); err != nil {
			return err
		}
	}
	target, _ := h.local(r.Target)
	switch r.Method {
	case "Rename":
		// SFTPv3 rename never replaces, as OpenSSH behaves.
		if _, err := os.Lstat(target); err == nil {
			return os.ErrExist
		}
		return os.Rename(lp, target)
	case "PosixRename":
		return os.Rename(lp, target)
	case "Link":
		return os.Link(lp, target)
	case "Remove":
		return os.Remove(lp)
	case "Rmdir":
		return os.Remove(lp)
	case "Mkdir":
		return os.Mkdir(lp, 0o755)
	case "Setstat":
		if r.AttrFlags().Acmodtime {
			a := r.Attributes()
			return os.Chtimes(lp, a.AccessTime(), a.ModTime())
		}
		return nil
	}
	return sftp.ErrSSHFxOpUnsupported
}

func (h *handlers) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	lp, name := h.local(r.Filepath)
	if h.s.Faults.denied(r.Method, name) {
		return nil, os.ErrPermission
	}
	h.s.Faults.mu.Lock()
	before := h.s.Faults.beforeLs
	h.s.Faults.mu.Unlock()
	if before != nil {
		before(name)
	}
	switch r.Method {
	case "List":
		ents, err := os.ReadDir(lp)
		if err != nil {
			return nil, err
		}
		var out listerAt
		for _, e := range ents {
			fi, err := e.Info()
			if err == nil {
				out = append(out, fi)
			}
		}
		return out, nil
	case "Stat", "Lstat":
		fi, err := os.Stat(lp)
		if err != nil {
			return nil, err
		}
		return listerAt{fi}, nil
	}
	return nil, sftp.ErrSSHFxOpUnsupported
}

type listerAt []os.FileInfo

func (l listerAt) ListAt(out []os.FileInfo, off int64) (int, error) {
	if off >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(out, l[off:])
	if off+int64(n) >= int64(len(l)) {
		return n, io.EOF
	}
	return n, nil
}

// dropFile counts the bytes through it and closes the whole SSH connection when the
// shared counter is exhausted.
type dropFile struct {
	*os.File
	counter *atomic.Int64
	conn    net.Conn
	short   *atomic.Int64 // the rest are nil for writes
	delay   *atomic.Int64
	open    *atomic.Int64
}

func (d *dropFile) Close() error {
	if d.open != nil {
		d.open.Add(-1)
	}
	return d.File.Close()
}

func (d *dropFile) tick(n int) error {
	if left := d.counter.Load(); left > 0 {
		if d.counter.Add(-int64(n)) <= 0 {
			d.counter.Store(0)
			d.conn.Close()
			return errors.New("sftpfault: connection dropped")
		}
	}
	return nil
}

func (d *dropFile) ReadAt(p []byte, off int64) (int, error) {
	if ns := d.delay.Load(); ns > 0 {
		time.Sleep(time.Duration(ns))
	}
	if max := d.short.Load(); max > 0 && int64(len(p)) > max {
		p = p[:max]
	}
	n, err := d.File.ReadAt(p, off)
	if terr := d.tick(n); terr != nil {
		return 0, terr
	}
	return n, err
}

func (d *dropFile) WriteAt(p []byte, off int64) (int, error) {
	if terr := d.tick(len(p)); terr != nil {
		return 0, terr
	}
	return d.File.WriteAt(p, off)
}

func keyPEM(t testing.TB) (ssh.Signer, []byte) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	blk, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, pem.EncodeToMemory(blk)
}
