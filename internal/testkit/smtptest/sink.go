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

	cmd  *exec.Cmd
	mu   sync.Mutex
	log  strings.Builder
	stop sync.Once
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
		s = &Sink{Host: "127.0.0.1", Port: port, Dir: dir}
		if err = s.start(append(args, "-d", filepath.Join(dir, "%Y%m%d%H%M%S."), net.JoinHostPort(s.Host, strconv.Itoa(port)), "16")); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("smtptest: start smtp-sink: %v\n%s", err, s.Logs())
	}
	t.Cleanup(s.Stop)
	return s
}

func (s *Sink) start(args []string) error {
	s.cmd = exec.Command(SinkBinary, args...)
	s.cmd.Stdout, s.cmd.Stderr = (*logWriter)(s), (*logWriter)(s)
	if err := s.cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { s.cmd.Wait(); close(exited) }()
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
	s.cmd.Process.Kill()
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

// Stop kills smtp-sink (it holds nothing worth a graceful stop); the messages
// stay in Dir. Safe to call twice: a test can stop it to see a relay go down.
func (s *Sink) Stop() {
	s.stop.Do(func() {
		if s.cmd != nil && s.cmd.Process != nil {
			s.cmd.Process.Kill()
		}
	})
}

// Messages reads every message dumped so far, oldest first.
func (s *Sink) Messages(t testing.TB) []Message {
	t.Helper()
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	type dumped struct {
		mod  time.Time
		name string
	}
	var files []dumped
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
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
