// Package sshdtest starts a real OpenSSH sshd on a free loopback port for tests: key-only
// authentication, the internal-sftp subsystem forced into a per-test drop-box directory,
// and a known_hosts file pinning its freshly generated host key.
//
// A test that calls Start skips when /usr/sbin/sshd is missing, except under CI=true where
// it fails: CI must prove the real server path (scripts/test-deps.sh installs it).
//
// Without Chroot, the server's start directory is Root but absolute paths reach the whole
// filesystem (internal-sftp -d only sets the working directory); clients should use paths
// relative to it. With Chroot (root only), the session is locked into Root by the kernel.
package sshdtest

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Binary is the sshd executable; SSHD_BIN overrides it.
var Binary = "/usr/sbin/sshd"

func init() {
	if b := os.Getenv("SSHD_BIN"); b != "" {
		Binary = b
	}
}

// Options tune Start; the zero value is a plain drop box served to the current user.
type Options struct {
	// Dirs are created (0755) under Root before the server starts, e.g. "inbox", "archive".
	Dirs []string
	// Passphrase, when set, encrypts the client key file written to ClientKeyFile.
	Passphrase string
	// RSAClientKey makes the client key RSA (3072 bits) instead of ed25519.
	RSAClientKey bool
	// Root, when set, is the directory served (it must exist); default a fresh temp directory.
	// With Chroot it must be root-owned and not group/world writable all the way up.
	Root string
	// ChrootUser, when set (root only), logs that dedicated user in chrooted into Root,
	// as carriers' drop boxes are; Dirs are then owned by that user. The user must exist.
	ChrootUser string
	// Extra are more sshd -o options ("Key=value").
	Extra []string
}

// Server is a running sshd.
type Server struct {
	Addr           string // host:port
	User           string // the login name
	Root           string // the local directory the SFTP session starts in
	ClientKeyFile  string // OpenSSH private key of the client (encrypted when Options.Passphrase)
	ClientSigner   ssh.Signer
	KnownHostsFile string // "[127.0.0.1]:port ssh-ed25519 ..." for HostKey
	HostKey        ssh.PublicKey
	Log            *strings.Builder // sshd's stderr so far (for failure messages)

	cmd     *exec.Cmd
	logMu   sync.Mutex
	stopped chan struct{}
}

// Available reports whether sshd can be started here.
func Available() error {
	if _, err := os.Stat(Binary); err != nil {
		return fmt.Errorf("sshdtest: %s not installed (run scripts/test-deps.sh sshd): %w", Binary, err)
	}
	return nil
}

// Skip ends the test when sshd is missing: t.Skip normally, t.Fatal under CI=true.
func Skip(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v (CI=true: a missing server is a failure)", err)
	}
	t.Skip(err)
}

// Start runs sshd for the test and stops it at cleanup.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if err := Available(); err != nil {
		Skip(t, err)
	}
	dir := t.TempDir()
	root := opts.Root
	if root == "" {
		root = filepath.Join(dir, "drop")
		if err := os.Mkdir(root, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	login, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	name := login.Username
	if opts.ChrootUser != "" {
		if os.Geteuid() != 0 {
			Skip(t, errors.New("sshdtest: a chrooted drop box needs root"))
		}
		name = opts.ChrootUser
	}
	for _, d := range opts.Dirs {
		p := filepath.Join(root, d)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if opts.ChrootUser != "" {
			if err := chownTo(p, opts.ChrootUser); err != nil {
				t.Fatal(err)
			}
		}
	}

	if opts.ChrootUser != "" {
		// sshd reads authorized_keys as the user; t.TempDir's directories are 0700.
		for _, d := range []string{dir, filepath.Dir(dir)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	hostPub, hostPEM := newKey(t, "", false)
	clientPub, clientPEM := newKey(t, opts.Passphrase, opts.RSAClientKey)
	hostKeyFile := filepath.Join(dir, "host_ed25519")
	clientKeyFile := filepath.Join(dir, "client_ed25519")
	authKeys := filepath.Join(dir, "authorized_keys")
	writeFile(t, hostKeyFile, hostPEM, 0o600)
	writeFile(t, clientKeyFile, clientPEM, 0o600)
	writeFile(t, authKeys, ssh.MarshalAuthorizedKey(clientPub), 0o644)
	signer, err := ssh.ParsePrivateKeyWithPassphrase(clientPEM, []byte(opts.Passphrase))
	if opts.Passphrase == "" {
		signer, err = ssh.ParsePrivateKey(clientPEM)
	}
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatal(err)
		}
	}

	s := &Server{
		User: name, Root: root, ClientKeyFile: clientKeyFile, ClientSigner: signer,
		HostKey: hostPub, Log: &strings.Builder{}, stopped: make(chan struct{}),
	}
	// sshd cannot bind port 0, so pick a free port and retry when someone takes it first.
	var lastErr error
	for range 5 {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		args := []string{"-D", "-e", "-f", "/dev/null",
			"-o", "ListenAddress=" + s.Addr,
			"-o", "HostKey=" + hostKeyFile,
			"-o", "PidFile=none",
			"-o", "AuthorizedKeysFile=" + authKeys,
			"-o", "PasswordAuthentication=no",
			"-o", "KbdInteractiveAuthentication=no",
			"-o", "PermitRootLogin=prohibit-password",
			"-o", "StrictModes=no",
			"-o", "UsePAM=no",
			"-o", "Subsystem=sftp internal-sftp",
			"-o", "AllowTcpForwarding=no",
			"-o", "X11Forwarding=no",
			"-o", "MaxStartups=100:30:200",
			"-o", "MaxSessions=50",
		}
		if opts.ChrootUser != "" {
			args = append(args, "-o", "ChrootDirectory="+root, "-o", "ForceCommand=internal-sftp -d /",
				"-o", "AllowUsers="+opts.ChrootUser)
		} else {
			args = append(args, "-o", "ForceCommand=internal-sftp -d "+root)
		}
		for _, o := range opts.Extra {
			args = append(args, "-o", o)
		}
		if lastErr = s.start(args); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("sshdtest: %v", lastErr)
	}
	t.Cleanup(s.Stop)
	kh := fmt.Sprintf("[127.0.0.1]:%s %s", portOf(s.Addr), ssh.MarshalAuthorizedKey(hostPub))
	s.KnownHostsFile = filepath.Join(dir, "known_hosts")
	writeFile(t, s.KnownHostsFile, []byte(kh), 0o644)
	return s
}

// start execs sshd and waits for "Server listening".
func (s *Server) start(args []string) error {
	cmd := exec.Command(Binary, args...)
	ready := make(chan struct{})
	cmd.Stderr = &logWriter{s: s, ready: ready}
	// Per-connection sshd children inherit stderr and may outlive the listener (a client
	// still connected); do not let them hold Wait, and so Stop, forever.
	cmd.WaitDelay = time.Second
	// Its own process group, so that Stop kills the session children with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", Binary, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case <-ready:
		s.cmd = cmd
		go func() { <-exited; close(s.stopped) }()
		return nil
	case <-exited:
		return fmt.Errorf("sshd exited before listening:\n%s", s.Logs())
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("sshd did not listen within 10s:\n%s", s.Logs())
	}
}

// logWriter keeps sshd's stderr and signals the "Server listening" line.
type logWriter struct {
	s     *Server
	ready chan struct{}
	line  []byte
	once  bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.s.logMu.Lock()
	defer w.s.logMu.Unlock()
	w.s.Log.Write(p)
	if !w.once {
		w.line = append(w.line, p...)
		if strings.Contains(string(w.line), "Server listening on") {
			w.once = true
			w.line = nil
			close(w.ready)
		} else if i := strings.LastIndexByte(string(w.line), '\n'); i >= 0 {
			w.line = w.line[i+1:]
		}
	}
	return len(p), nil
}

// Logs returns sshd's stderr so far.
func (s *Server) Logs() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.Log.String()
}

// Stop kills sshd and its session children; it is safe to call twice.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	_ = s.cmd.Process.Kill()
	<-s.stopped
}

// Path returns the local path of a name relative to Root.
func (s *Server) Path(name string) string { return filepath.Join(s.Root, filepath.FromSlash(name)) }

// newKey makes an ed25519 (or RSA) key pair; the private half is an OpenSSH PEM,
// encrypted when passphrase is set.
func newKey(t testing.TB, passphrase string, rsaKey bool) (ssh.PublicKey, []byte) {
	t.Helper()
	var priv crypto.Signer
	var err error
	if rsaKey {
		priv, err = rsa.GenerateKey(rand.Reader, 3072)
	} else {
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	var blk *pem.Block
	if passphrase == "" {
		blk, err = ssh.MarshalPrivateKey(priv, "")
	} else {
		blk, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return sp, pem.EncodeToMemory(blk)
}

func writeFile(t testing.TB, name string, b []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(name, b, mode); err != nil {
		t.Fatal(err)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func chownTo(path, name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// ChrootBox prepares a realistic carrier drop box for Options.ChrootUser (root only;
// otherwise the test skips, or fails under CI=true): it creates the system user when
// missing (no shell, no password, not locked) and a root-owned, 0755 directory under
// /srv/icss-sftp-test, as sshd's ChrootDirectory demands, removed at cleanup. Pass the
// result as Options.Root with Options.ChrootUser = user.
func ChrootBox(t testing.TB, user string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		Skip(t, errors.New("sshdtest: a chrooted drop box needs root"))
	}
	if _, err := lookupUser(user); err != nil {
		for _, args := range [][]string{
			{"useradd", "-M", "-d", "/", "-s", "/usr/sbin/nologin", user},
			{"usermod", "-p", "*", user}, // with UsePAM no, "!" would mean locked
		} {
			if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
				t.Fatalf("sshdtest: %v: %v\n%s", args, err, out)
			}
		}
	}
	base := "/srv/icss-sftp-test"
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := os.MkdirTemp(base, "box-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	return root
}

func lookupUser(name string) (*user.User, error) { return user.Lookup(name) }
