package smtptest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// SinkBinary is Postfix's smtp-sink: SMTP_SINK_BIN, else /usr/sbin/smtp-sink,
// else PATH.
var SinkBinary = findSink()

func findSink() string {
	if b := os.Getenv("SMTP_SINK_BIN"); b != "" {
		return b
	}
	if _, err := os.Stat("/usr/sbin/smtp-sink"); err == nil {
		return "/usr/sbin/smtp-sink"
	}
	if p, err := exec.LookPath("smtp-sink"); err == nil {
		return p
	}
	return "smtp-sink"
}

// SinkAvailable reports whether smtp-sink can be started here.
func SinkAvailable() error {
	if _, err := exec.LookPath(SinkBinary); err != nil {
		return fmt.Errorf("smtptest: smtp-sink not installed (run scripts/test-deps.sh smtp, or set SMTP_SINK_BIN): %w", err)
	}
	return nil
}

// Sink is a running smtp-sink.
type Sink struct {
	Host string // 127.0.0.1
	Port int
	Dir  string // one file per message received

	realDir string // Dir with symbolic links resolved, as /proc shows it
	args    []string
	run     sync.Mutex // guards cmd and exited
	cmd     *exec.Cmd
	exited  chan struct{}
	mu      sync.Mutex // guards log
	log     strings.Builder
}

// StartSink runs smtp-sink for the test on a free loopback port and stops it at
// cleanup.
func StartSink(t testing.TB) *Sink {
	t.Helper()
	if err := SinkAvailable(); err != nil {
		Skip(t, err)
	}
	// Not t.TempDir: its parent is private to us, and as root smtp-sink drops to
	// nobody, who must reach and write the dump directory.
	dir, err := os.MkdirTemp("", "smtptest-sink-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	if os.Geteuid() == 0 {
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-u", "nobody")
	}
	var s *Sink
	for attempt := 0; attempt < 5; attempt++ { // a free port can be taken between probe and bind
		var port int
		if port, err = freePort(); err != nil {
			t.Fatal(err)
		}
		s = &Sink{Host: "127.0.0.1", Port: port, Dir: dir, realDir: realDir,
			args: append(args, "-d", filepath.Join(dir, "%Y%m%d%H%M%S."), net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), "16")}
		s.run.Lock()
		err = s.start()
		s.run.Unlock()
		if err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("smtptest: start smtp-sink: %v\n%s", err, s.Logs())
	}
	t.Cleanup(s.Stop)
	return s
}

func (s *Sink) start() error {
	s.cmd = exec.Command(SinkBinary, s.args...)
	s.cmd.Stdout, s.cmd.Stderr = (*logWriter)(s), (*logWriter)(s)
	if err := s.cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	s.exited = exited
	cmd := s.cmd
	go func() { cmd.Wait(); close(exited) }()
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("smtp-sink exited: %s", s.Logs())
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	return fmt.Errorf("smtp-sink not listening on %s after 10s", addr)
}

type logWriter Sink

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.log.Write(p)
}

// Logs is what smtp-sink printed.
func (s *Sink) Logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// Addr is host:port.
func (s *Sink) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Stop kills smtp-sink (it holds nothing worth a graceful stop) and waits for it:
// the relay goes down. Transactions in progress were never accepted, so their
// partial dumps are removed; the messages received stay in Dir. Stop on a stopped
// sink does nothing, and Restart brings it back.
func (s *Sink) Stop() {
	s.run.Lock()
	defer s.run.Unlock()
	s.stop()
}

func (s *Sink) stop() {
	if s.cmd == nil {
		return
	}
	inProgress := s.openDumps()
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
	for name := range inProgress {
		os.Remove(filepath.Join(s.Dir, name))
	}
}

// Restart starts smtp-sink again after Stop, on the same port and directory.
func (s *Sink) Restart(t testing.TB) {
	t.Helper()
	s.run.Lock()
	defer s.run.Unlock()
	s.stop()
	if err := s.start(); err != nil {
		t.Fatalf("smtptest: restart smtp-sink: %v", err)
	}
}

// openDumps names the dump files smtp-sink holds open: the transactions in
// progress (it creates a dump at RCPT and writes to it until the final dot), read
// from /proc. Elsewhere than Linux none is found and every dump counts.
func (s *Sink) openDumps() map[string]bool {
	open := map[string]bool{}
	if s.cmd == nil {
		return open
	}
	fdDir := filepath.Join("/proc", strconv.Itoa(s.cmd.Process.Pid), "fd")
	fds, err := os.ReadDir(fdDir)
	if err != nil {
		return open
	}
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join(fdDir, fd.Name())); err == nil && filepath.Dir(target) == s.realDir {
			open[filepath.Base(target)] = true
		}
	}
	return open
}

// Messages reads every message accepted so far, oldest first; transactions still
// in progress are left out.
func (s *Sink) Messages(t testing.TB) []Message {
	t.Helper()
	s.run.Lock()
	defer s.run.Unlock()
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	inProgress := s.openDumps() // after the listing: a dump listed and not open is complete
	type dumped struct {
		mod  time.Time
		name string
	}
	var files []dumped
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || inProgress[e.Name()] {
			continue
		}
		files = append(files, dumped{info.ModTime(), e.Name()})
	}
	sort.Slice(files, func(i, j int) bool {
		return files[i].mod.Before(files[j].mod) || files[i].mod.Equal(files[j].mod) && files[i].name < files[j].name
	})
	var out []Message
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(s.Dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		m, err := readDump(b)
		if err != nil {
			t.Fatalf("smtptest: %s: %v", f.name, err)
		}
		out = append(out, m)
	}
	return out
}
