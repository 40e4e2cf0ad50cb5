// Package pgtest starts a real PostgreSQL server for tests: a fresh cluster
// (initdb) in a temporary directory, listening on a free loopback port, with
// one new database per test (NewDatabase), stopped and removed at cleanup.
//
// PostgreSQL refuses to run as root, so under root the server runs as the
// "postgres" system user (Debian's postgresql package creates it), as
// INFRA.md §3 measured. Durability settings are off (fsync, full pages):
// the tests check behaviour, not crash recovery of PostgreSQL itself.
//
// A test that calls Start skips when the binaries are missing, except under
// CI=true where it fails: scripts/test-deps.sh installs them.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// BinDir holds initdb and postgres: PG_BIN_DIR, else the newest
// /usr/lib/postgresql/*/bin.
var BinDir = findBinDir()

func findBinDir() string {
	if d := os.Getenv("PG_BIN_DIR"); d != "" {
		return d
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) < versionOf(dirs[j]) })
	if len(dirs) == 0 {
		return "/usr/lib/postgresql/bin"
	}
	return dirs[len(dirs)-1]
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// Available reports whether a server can be started here.
func Available() error {
	for _, b := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(BinDir, b)); err != nil {
			return fmt.Errorf("pgtest: PostgreSQL not installed (run scripts/test-deps.sh postgres, or set PG_BIN_DIR): %w", err)
		}
	}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return fmt.Errorf("pgtest: running as root needs the postgres system user: %w", err)
		}
	}
	return nil
}

// Skip ends the test when PostgreSQL is missing: t.Skip normally, t.Fatal under CI=true.
func Skip(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v (CI=true: a missing server is a failure)", err)
	}
	t.Skip(err)
}

// Server is a running PostgreSQL cluster.
type Server struct {
	Host string // 127.0.0.1
	Port int
	User string // the superuser, trusted without password on loopback
	Dir  string // cluster directory (data, socket, log)

	cmd     *exec.Cmd
	exited  chan struct{}
	dbSeq   atomic.Int64
	logFile string
	stop    sync.Once
}

// Start runs a fresh cluster for the test and stops it at cleanup. Tests that
// need isolation share it through NewDatabase.
func Start(t testing.TB) *Server {
	t.Helper()
	if err := Available(); err != nil {
		Skip(t, err)
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cred, err := credential()
	if err != nil {
		t.Fatal(err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	s := &Server{Host: "127.0.0.1", User: "icss", Dir: dir, logFile: filepath.Join(dir, "postgres.log")}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(BinDir, "initdb"), "-D", data, "-U", s.User, "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	// The postgres user may not be allowed into the test's working directory
	// (a clone under /root); initdb and postgres refuse to run without one.
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	// postgres cannot bind port 0 and report it, so pick one and retry when taken.
	var lastErr error
	for range 5 {
		if s.Port, err = freePort(); err != nil {
			t.Fatal(err)
		}
		if lastErr = s.start(data, cred); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("pgtest: %v", lastErr)
	}
	t.Cleanup(s.Stop)
	return s
}

// credential is the postgres user when running as root, nil otherwise.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (s *Server) start(data string, cred *syscall.Credential) error {
	log, err := os.OpenFile(s.logFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(filepath.Join(BinDir, "postgres"), "-D", data,
		"-c", "listen_addresses="+s.Host, "-p", strconv.Itoa(s.Port), "-k", s.Dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "log_min_messages=warning")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Dir = s.Dir
	// Pdeathsig: a test binary killed by its timeout takes the server with it
	// instead of leaving it listening.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			return fmt.Errorf("postgres exited before accepting connections:\n%s", s.Logs())
		default:
		}
		if err := s.ping("postgres"); err == nil {
			s.cmd, s.exited = cmd, exited
			return nil
		} else if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("postgres not ready within 30s: %v\n%s", err, s.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *Server) ping(db string) error {
	conn, err := sql.Open("pgx", s.DSN(db))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return conn.PingContext(ctx)
}

// DSN is the connection URL of database db.
func (s *Server) DSN(db string) string {
	return fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", s.User, net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), db)
}

// NewDatabase creates an empty database for the test and returns its DSN.
// It is dropped at the test's cleanup (open connections are terminated).
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%s", s.dbSeq.Add(1), sanitize(t.Name()))
	admin, err := sql.Open("pgx", s.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE "` + name + `"`); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", s.DSN("postgres"))
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`)
	})
	return s.DSN(name)
}

// sanitize makes a test name usable in an identifier of at most 63 bytes.
func sanitize(name string) string {
	b := []byte(strings.ToLower(name))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	if len(b) > 50 {
		b = b[len(b)-50:]
	}
	return string(b)
}

// Logs returns the server log so far.
func (s *Server) Logs() string {
	b, _ := os.ReadFile(s.logFile)
	return string(b)
}

// Stop shuts the server down (fast mode, then kill after 10 s); safe to call twice.
func (s *Server) Stop() {
	s.stop.Do(func() {
		if s.cmd == nil {
			return
		}
		s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
	})
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
