package sftp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pkg/sftp"
	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
)

// Client is a connection to one endpoint that survives connection loss: every operation
// runs on the current SSH session and, when that session dies (keepalive timeout, reset,
// server restart), is retried on a new one after a backoff, up to Config.Retries times.
// Transfers are limited to Config.MaxConcurrent at a time. A Client is safe for concurrent
// use; Close it when done.
type Client struct {
	cfg    Config
	ssh    *ssh.ClientConfig
	log    *slog.Logger
	sleep  func(context.Context, time.Duration) error
	sem    chan struct{}
	mu     sync.Mutex
	cur    *session
	closed bool
}

// session is one SSH connection with its SFTP subsystem.
type session struct {
	conn *ssh.Client
	sftp *sftp.Client
	done chan struct{} // closed when the connection has ended
}

// HostKeyError is a server whose host key is not the one pinned in known_hosts: either
// the host has no entry (Known is empty) or its key changed. It is never retried.
type HostKeyError struct {
	Addr        string   // host:port dialled
	Fingerprint string   // SHA256 fingerprint of the key the server presented
	KeyType     string   // its algorithm, e.g. ssh-ed25519
	Known       []string // SHA256 fingerprints pinned for this host
	File        string   // the known_hosts file
}

func (e *HostKeyError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("host key of %s is not pinned in %s: server presented %s %s (add it to known_hosts after checking it with the server's operator)",
			e.Addr, e.File, e.KeyType, e.Fingerprint)
	}
	return fmt.Sprintf("host key of %s CHANGED: server presented %s %s, %s pins %s (possible man-in-the-middle; do not proceed until the operator confirms a key rotation)",
		e.Addr, e.KeyType, e.Fingerprint, e.File, strings.Join(e.Known, ", "))
}

// ErrTooLarge is returned when a remote file exceeds Config.MaxFileSize.
var ErrTooLarge = errors.New("file exceeds max_file_size")

// New prepares a client for cfg (after WithDefaults) without connecting: the key and the
// known_hosts file are read and checked now so that configuration errors surface at
// start-up. logger may be nil.
func New(cfg Config, logger *slog.Logger) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sftp endpoint %s: %w", cfg.Name, err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	signer, err := loadKey(cfg.KeyFile, cfg.KeyPassphrase)
	if err != nil {
		return nil, &FieldError{Field: "key_file", Err: err}
	}
	db, err := knownhosts.NewDB(cfg.KnownHostsFile)
	if err != nil {
		return nil, &FieldError{Field: "known_hosts_file", Err: err}
	}
	algos := db.HostKeyAlgorithms(cfg.Addr)
	if len(algos) == 0 {
		return nil, &FieldError{Field: "known_hosts_file", Err: fmt.Errorf("%s has no key for %s (looked up as %s)", cfg.KnownHostsFile, cfg.Addr, knownhosts.Normalize(cfg.Addr))}
	}
	check := db.HostKeyCallback()
	sc := &ssh.ClientConfig{
		User: cfg.User,
		Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		// Offer only the algorithms of the pinned keys: otherwise the server may pick
		// another of its keys and a correct pin would read as "key mismatch".
		HostKeyAlgorithms: algos,
		HostKeyCallback: func(host string, remote net.Addr, key ssh.PublicKey) error {
			err := check(host, remote, key)
			if err == nil {
				return nil
			}
			hk := &HostKeyError{Addr: cfg.Addr, Fingerprint: ssh.FingerprintSHA256(key), KeyType: key.Type(), File: cfg.KnownHostsFile}
			if knownhosts.IsHostKeyChanged(err) {
				for _, k := range db.HostKeys(host) {
					hk.Known = append(hk.Known, ssh.FingerprintSHA256(k))
				}
				if len(hk.Known) == 0 {
					hk.Known = []string{"a different key"}
				}
				return hk
			}
			if knownhosts.IsHostUnknown(err) {
				return hk
			}
			return err
		},
		Timeout:       cfg.DialTimeout,
		ClientVersion: "SSH-2.0-icss",
	}
	return &Client{cfg: cfg, ssh: sc, log: logger.With("endpoint", cfg.Name), sleep: sleepCtx,
		sem: make(chan struct{}, cfg.MaxConcurrent)}, nil
}

// Dial is New followed by a first connection, so that an unreachable server, a refused
// key or an unpinned host key is reported at once.
func Dial(ctx context.Context, cfg Config, logger *slog.Logger) (*Client, error) {
	c, err := New(cfg, logger)
	if err != nil {
		return nil, err
	}
	if _, err := c.session(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Config returns the endpoint's configuration.
func (c *Client) Config() Config { return c.cfg }

func loadKey(file string, passphrase []byte) (ssh.Signer, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s, err := ssh.ParsePrivateKey(pem)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		if len(passphrase) == 0 {
			return nil, fmt.Errorf("%s is encrypted and no passphrase is configured", file)
		}
		s, err = ssh.ParsePrivateKeyWithPassphrase(pem, passphrase)
	}
	if err != nil {
		// x509.IncorrectPasswordError and friends never contain the passphrase.
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

// Close ends the current session; later calls fail.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.cur != nil {
		c.cur.close()
		c.cur = nil
	}
	return nil
}

var errClosed = errors.New("sftp client closed")

// session returns the live session, dialling one if there is none.
func (c *Client) session(ctx context.Context) (*session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errClosed
	}
	if c.cur != nil {
		select {
		case <-c.cur.done:
			c.cur = nil
		default:
			return c.cur, nil
		}
	}
	s, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	c.cur = s
	return s, nil
}

func (c *Client) dial(ctx context.Context) (*session, error) {
	d := net.Dialer{Timeout: c.cfg.DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", c.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", c.cfg.Addr, err)
	}
	// Bound the handshake: x/crypto/ssh only applies Timeout to the TCP connect.
	_ = nc.SetDeadline(time.Now().Add(c.cfg.DialTimeout))
	sc, chans, reqs, err := ssh.NewClientConn(nc, c.cfg.Addr, c.ssh)
	if err != nil {
		nc.Close()
		var hk *HostKeyError
		if errors.As(err, &hk) {
			return nil, hk
		}
		return nil, fmt.Errorf("ssh handshake with %s as %s: %w", c.cfg.Addr, c.cfg.User, err)
	}
	_ = nc.SetDeadline(time.Time{})
	conn := ssh.NewClient(sc, chans, reqs)
	fc, err := sftp.NewClient(conn,
		sftp.MaxPacketUnchecked(c.cfg.MaxPacket),
		sftp.UseConcurrentReads(true),
		sftp.UseConcurrentWrites(true),
		sftp.MaxConcurrentRequestsPerFile(64),
		sftp.UseFstat(true),
	)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("sftp subsystem on %s: %w", c.cfg.Addr, err)
	}
	s := &session{conn: conn, sftp: fc, done: make(chan struct{})}
	go func() { _ = conn.Wait(); close(s.done) }()
	go c.keepAlive(s)
	c.log.Debug("sftp connected", "addr", c.cfg.Addr)
	return s, nil
}

// keepAlive probes the server every KeepAlive and closes a connection that stops
// answering, so that blocked operations fail fast and are retried on a new one.
func (c *Client) keepAlive(s *session) {
	t := time.NewTicker(c.cfg.KeepAlive)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		answered := make(chan error, 1)
		go func() {
			_, _, err := s.conn.SendRequest("keepalive@openssh.com", true, nil)
			answered <- err
		}()
		select {
		case <-s.done:
			return
		case err := <-answered:
			if err != nil {
				c.log.Warn("sftp keepalive failed; closing the connection", "err", err)
				s.close()
				return
			}
		case <-time.After(c.cfg.KeepAlive):
			c.log.Warn("sftp keepalive unanswered; closing the connection", "after", c.cfg.KeepAlive)
			s.close()
			return
		}
	}
}

// close tears the session down. The TCP connection goes first: sftp.Client.Close waits
// for its reader, which on a silent link would wait forever.
func (s *session) close() {
	s.conn.Close()
	s.sftp.Close()
}

// drop forgets s if it is still the current session, closing it.
func (c *Client) drop(s *session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == s {
		c.cur = nil
	}
	s.close()
}

// transient reports whether err is a lost or failed connection, worth a redial.
func transient(err error) bool {
	var hk *HostKeyError
	switch {
	case err == nil, errors.As(err, &hk), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, errClosed):
		return false
	case errors.Is(err, sftp.ErrSSHFxConnectionLost), errors.Is(err, sftp.ErrSSHFxNoConnection),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE):
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var se *ssh.ExitMissingError
	if errors.As(err, &se) {
		return true
	}
	// The ssh package reports a dead channel as a bare io.EOF from session operations;
	// for operations other than reads (which handle EOF themselves) that is a lost link.
	return errors.Is(err, io.EOF) || strings.Contains(err.Error(), "connection lost")
}

// do runs fn on a live session, redialling with backoff when the connection is lost.
// fn must be safe to repeat.
func (c *Client) do(ctx context.Context, op string, fn func(*sftp.Client) error) error {
	delay := c.cfg.RetryBackoff
	for attempt := 0; ; attempt++ {
		s, err := c.session(ctx)
		if err == nil {
			err = fn(s.sftp)
			if err == nil || !transient(err) {
				return err
			}
			c.drop(s)
		} else if !transient(err) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w (after %v)", op, ctx.Err(), err)
		}
		if attempt >= c.cfg.Retries {
			return fmt.Errorf("%s: giving up after %d attempts: %w", op, attempt+1, err)
		}
		c.log.Warn("sftp connection lost; redialling", "op", op, "attempt", attempt+1, "in", delay, "err", err)
		if err := c.sleep(ctx, delay); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		delay = min(2*delay, c.cfg.RetryBackoffMax)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// acquire takes a transfer slot (Config.MaxConcurrent per endpoint).
func (c *Client) acquire(ctx context.Context) (release func(), err error) {
	select {
	case c.sem <- struct{}{}:
		return func() { <-c.sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ReadDir lists dir (regular files and everything else; the caller filters).
func (c *Client) ReadDir(ctx context.Context, dir string) ([]os.FileInfo, error) {
	var out []os.FileInfo
	err := c.do(ctx, "list "+dir, func(fc *sftp.Client) (err error) {
		out, err = fc.ReadDirContext(ctx, dir)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sftp %s: list %s: %w", c.cfg.Name, dir, err)
	}
	return out, nil
}

// Stat returns the attributes of p; a missing file matches os.ErrNotExist.
func (c *Client) Stat(ctx context.Context, p string) (os.FileInfo, error) {
	var fi os.FileInfo
	err := c.do(ctx, "stat "+p, func(fc *sftp.Client) (err error) {
		fi, err = fc.Stat(p)
		return err
	})
	return fi, err
}

// Remove deletes the file p; a file already gone is not an error (a retry after a lost
// reply must not fail).
func (c *Client) Remove(ctx context.Context, p string) error {
	err := c.do(ctx, "remove "+p, func(fc *sftp.Client) error { return fc.Remove(p) })
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Rename moves oldpath to newpath with posix-rename@openssh.com when the server offers
// it (atomic, replaces newpath) and plain SFTP rename otherwise (fails if newpath exists).
func (c *Client) Rename(ctx context.Context, oldpath, newpath string) error {
	return c.do(ctx, "rename "+oldpath, func(fc *sftp.Client) error {
		if _, ok := fc.HasExtension("posix-rename@openssh.com"); ok {
			return fc.PosixRename(oldpath, newpath)
		}
		return fc.Rename(oldpath, newpath)
	})
}

// Mkdir creates dir and its parents when missing.
func (c *Client) Mkdir(ctx context.Context, dir string) error {
	return c.do(ctx, "mkdir "+dir, func(fc *sftp.Client) error { return fc.MkdirAll(dir) })
}

// HasExtension reports whether the server advertises an SFTP extension.
func (c *Client) HasExtension(ctx context.Context, name string) (bool, error) {
	s, err := c.session(ctx)
	if err != nil {
		return false, err
	}
	_, ok := s.sftp.HasExtension(name)
	return ok, nil
}

// Download copies the remote file p into dst while computing its SHA-256, and returns
// the byte count and the hash (hex). dst is truncated first and again before each retry,
// so a download cut by a lost connection restarts cleanly. More than limit bytes is
// ErrTooLarge. Memory use does not depend on the file size.
func (c *Client) Download(ctx context.Context, p string, dst *os.File, limit int64) (n int64, sum string, err error) {
	return c.download(ctx, p, dst, limit, nil)
}

// download is Download reporting each chunk written to onBytes (when not nil).
func (c *Client) download(ctx context.Context, p string, dst *os.File, limit int64, onBytes func(int64)) (n int64, sum string, err error) {
	release, err := c.acquire(ctx)
	if err != nil {
		return 0, "", err
	}
	defer release()
	err = c.do(ctx, "download "+p, func(fc *sftp.Client) error {
		if err := rewind(dst); err != nil {
			return err
		}
		f, err := fc.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		lw := &limitWriter{w: io.MultiWriter(dst, h), left: limit, onBytes: onBytes}
		stop := context.AfterFunc(ctx, func() { f.Close() })
		defer stop()
		n, err = f.WriteTo(lw)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		sum = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		return 0, "", fmt.Errorf("sftp %s: download %s: %w", c.cfg.Name, p, err)
	}
	return n, sum, nil
}

func rewind(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.Seek(0, io.SeekStart)
	return err
}

// limitWriter fails with ErrTooLarge instead of writing past left bytes: a file that
// grows beyond max_file_size while read must not fill the spool disk.
type limitWriter struct {
	w       io.Writer
	left    int64
	onBytes func(int64)
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, ErrTooLarge
	}
	l.left -= int64(len(p))
	n, err := l.w.Write(p)
	if l.onBytes != nil {
		l.onBytes(int64(n))
	}
	return n, err
}
