// Package s3test starts a real S3 server for tests: versitygw (POSIX
// backend) on a free loopback port, with fresh temporary directories for the
// objects, versions and IAM accounts, stopped at cleanup (INFRA.md §2).
//
// The gateway runs with an admin port so tests can create further accounts
// (CreateUser) and check what each may do. Buckets are created per test
// (Bucket), with object lock when asked.
//
// A test that calls Start skips when the binary is missing, except under
// CI=true where it fails: scripts/test-deps.sh installs it (pinned version).
package s3test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Binary is the versitygw executable: VERSITYGW_BIN, else $GOBIN or
// $GOPATH/bin, else PATH.
var Binary = findBinary()

func findBinary() string {
	if b := os.Getenv("VERSITYGW_BIN"); b != "" {
		return b
	}
	var dirs []string
	if d := os.Getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	if d := os.Getenv("GOPATH"); d != "" {
		dirs = append(dirs, filepath.Join(filepath.SplitList(d)[0], "bin"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	return "versitygw"
}

// Available reports whether versitygw can be started here.
func Available() error {
	if _, err := exec.LookPath(Binary); err != nil {
		return fmt.Errorf("s3test: versitygw not installed (run scripts/test-deps.sh versitygw, or set VERSITYGW_BIN): %w", err)
	}
	return nil
}

// Skip ends the test when versitygw is missing: t.Skip normally, t.Fatal under CI=true.
func Skip(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v (CI=true: a missing server is a failure)", err)
	}
	t.Skip(err)
}

// Server is a running gateway.
type Server struct {
	Endpoint      string // host:port of the S3 API
	AdminEndpoint string // host:port of the admin API
	AccessKey     string // the root account
	SecretKey     string
	Region        string
	Dir           string // the POSIX backend's directory: one subdirectory per bucket
	CAFile        string // with StartTLS: the PEM of the CA that signed the server's certificate

	tls *tls.Config // with StartTLS: trusts CAFile

	base    string   // the temporary directory of data, versions and IAM
	tlsArgs []string // the certificate flags, kept for Restart

	mu      sync.Mutex // guards cmd and exited across Stop and Restart
	cmd     *exec.Cmd
	exited  chan struct{}
	logMu   sync.Mutex
	log     strings.Builder
	buckets atomic.Int64
}

// Start runs versitygw (plain HTTP) for the test and stops it at cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartTLS is Start with HTTPS on the S3 API: a certificate for 127.0.0.1
// signed by a fresh CA, whose PEM is in Server.CAFile.
func StartTLS(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, withTLS bool) *Server {
	t.Helper()
	if err := Available(); err != nil {
		Skip(t, err)
	}
	dir := t.TempDir()
	s := &Server{AccessKey: "icssroot", SecretKey: randomSecret(), Region: "us-east-1", Dir: filepath.Join(dir, "data"), base: dir}
	var tlsArgs []string
	if withTLS {
		certFile, keyFile, err := s.makeCert(dir)
		if err != nil {
			t.Fatalf("s3test: certificate: %v", err)
		}
		tlsArgs = []string{"--cert", certFile, "--key", keyFile}
	}
	s.tlsArgs = tlsArgs
	for _, d := range []string{"data", "versions", "iam"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// The gateway cannot report a port it picked itself, so pick two and retry when taken.
	var lastErr error
	for range 5 {
		p1, err1 := freePort()
		p2, err2 := freePort()
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		s.Endpoint = net.JoinHostPort("127.0.0.1", strconv.Itoa(p1))
		s.AdminEndpoint = net.JoinHostPort("127.0.0.1", strconv.Itoa(p2))
		if lastErr = s.start(dir, tlsArgs); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("s3test: %v", lastErr)
	}
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start(dir string, tlsArgs []string) error {
	args := []string{"--port", s.Endpoint, "--admin-port", s.AdminEndpoint,
		"--iam-dir", filepath.Join(dir, "iam"), "--region", s.Region, "--quiet"}
	if len(tlsArgs) > 0 {
		args = append(args, tlsArgs...)
	}
	args = append(args, "posix", "--versioning-dir", filepath.Join(dir, "versions"), s.Dir)
	cmd := exec.Command(Binary, args...)
	// Credentials go through the environment, not argv, where ps would show them.
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+s.AccessKey, "ROOT_SECRET_KEY="+s.SecretKey)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", Binary, err)
	}
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.logMu.Lock()
			s.log.WriteString(sc.Text() + "\n")
			s.logMu.Unlock()
		}
		cmd.Wait()
		close(exited)
	}()
	deadline := time.Now().Add(20 * time.Second)
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: s.tls}}
	scheme := "http://"
	if s.tls != nil {
		scheme = "https://"
	}
	for {
		select {
		case <-exited:
			return fmt.Errorf("versitygw exited before serving:\n%s", s.Logs())
		default:
		}
		// Any HTTP answer (403 without credentials) means both listeners are up.
		r1, err1 := client.Get(scheme + s.Endpoint + "/")
		r2, err2 := client.Get("http://" + s.AdminEndpoint + "/")
		if r1 != nil {
			r1.Body.Close()
		}
		if r2 != nil {
			r2.Body.Close()
		}
		if err1 == nil && err2 == nil {
			s.cmd, s.exited = cmd, exited
			return nil
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("versitygw not serving within 20s: %v %v\n%s", err1, err2, s.Logs())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Logs returns the gateway's output so far.
func (s *Server) Logs() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.log.String()
}

// Stop kills the gateway (an S3 outage, as far as clients can tell); safe to call
// twice. The objects, versions and accounts stay on disk for Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.cmd.Process.Kill()
		<-s.exited
		s.cmd, s.exited = nil, nil
	}
}

// Restart starts a stopped gateway again on the same ports, serving the same
// objects and accounts; a running one is left alone.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	var err error
	// The ports were ours a moment ago; another process may have taken one meanwhile,
	// which no retry cures, but a listener still closing does.
	for range 10 {
		if err = s.start(s.base, s.tlsArgs); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("s3test: restart: %v", err)
}

// Client returns a minio-go client of the root account.
func (s *Server) Client(t testing.TB) *minio.Client {
	t.Helper()
	return s.ClientAs(t, s.AccessKey, s.SecretKey)
}

// ClientAs returns a minio-go client of another account.
func (s *Server) ClientAs(t testing.TB, access, secret string) *minio.Client {
	t.Helper()
	opts := &minio.Options{Creds: credentials.NewStaticV4(access, secret, ""), Region: s.Region}
	if s.tls != nil {
		tr, err := minio.DefaultTransport(true)
		if err != nil {
			t.Fatal(err)
		}
		tr.TLSClientConfig = s.tls
		opts.Secure, opts.Transport = true, tr
	}
	c, err := minio.New(s.Endpoint, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Bucket creates a new bucket for the test, with object lock (and so
// versioning) when asked, and returns its name.
func (s *Server) Bucket(t testing.TB, objectLock bool) string {
	t.Helper()
	name := fmt.Sprintf("t%d-%s", s.buckets.Add(1), bucketSafe(t.Name()))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Client(t).MakeBucket(ctx, name, minio.MakeBucketOptions{Region: s.Region, ObjectLocking: objectLock}); err != nil {
		t.Fatalf("s3test: make bucket %s: %v", name, err)
	}
	return name
}

// bucketSafe makes a test name fit S3's bucket naming rules (3-63 lower-case
// letters, digits and hyphens).
func bucketSafe(name string) string {
	b := []byte(strings.ToLower(name))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	if len(b) > 40 {
		b = b[len(b)-40:]
	}
	return strings.Trim(string(b), "-")
}

// CreateUser adds an account with the role ("user", "userplus" or "admin")
// through the gateway's admin API, with a random secret it returns.
func (s *Server) CreateUser(t testing.TB, access, role string) (secret string) {
	t.Helper()
	secret = randomSecret()
	cmd := exec.Command(Binary, "admin", "--endpoint-url", "http://"+s.AdminEndpoint,
		"create-user", "--access", access, "--role", role, "--secret", secret)
	cmd.Env = append(os.Environ(), "ADMIN_ACCESS_KEY="+s.AccessKey, "ADMIN_SECRET_KEY="+s.SecretKey)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("s3test: create user %s: %v\n%s", access, err, out)
	}
	return secret
}

// makeCert writes a CA and a server certificate for 127.0.0.1 signed by it.
func (s *Server) makeCert(dir string) (certFile, keyFile string, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "s3test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return "", "", err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return "", "", err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", "", err
	}
	s.CAFile = filepath.Join(dir, "ca.pem")
	certFile, keyFile = filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
	for _, f := range []struct {
		path, typ string
		der       []byte
	}{{s.CAFile, "CERTIFICATE", caDER}, {certFile, "CERTIFICATE", der}, {keyFile, "EC PRIVATE KEY", keyDER}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			return "", "", err
		}
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	s.tls = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return certFile, keyFile, nil
}

func randomSecret() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
