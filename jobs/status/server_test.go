package status

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/tlstest"
	"github.com/icss/icss/jobs/metrics"
)

func TestConfigValidate(t *testing.T) {
	token := []byte("0123456789abcdef")
	cases := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" valid
	}{
		{"default loopback", Config{}, ""},
		{"ipv6 loopback", Config{Addr: "[::1]:9470"}, ""},
		{"localhost", Config{Addr: "localhost:0"}, ""},
		{"all interfaces without auth", Config{Addr: ":9470"}, "addr: \":9470\" is not a loopback address"},
		{"public without auth", Config{Addr: "10.0.0.5:9470"}, "configure token or username/password"},
		{"public with token", Config{Addr: "0.0.0.0:9470", Token: token}, ""},
		{"public with basic", Config{Addr: "0.0.0.0:9470", Username: "ops", Password: []byte("long enough pw")}, ""},
		{"short token", Config{Token: []byte("abc")}, "token: is 3 bytes"},
		{"user without password", Config{Username: "ops"}, "password: is required with username"},
		{"password without user", Config{Password: []byte("long enough pw")}, "username: is required with password"},
		{"short password", Config{Username: "ops", Password: []byte("short")}, "password: is 5 bytes"},
		{"colon in user", Config{Username: "o:ps", Password: []byte("long enough pw")}, "username: must not contain ':'"},
		{"cert without key", Config{CertFile: "c.pem"}, "cert_file: cert_file and key_file go together"},
		{"bad addr", Config{Addr: "9470"}, "addr: \"9470\" is not host:port"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg.WithDefaults()
			err := cfg.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// A logged Config never shows its credentials.
func TestConfigRedacted(t *testing.T) {
	cfg := Config{Token: []byte("0123456789abcdef"), Username: "ops", Password: []byte("hunter2hunter2")}
	for _, s := range []string{fmtV(cfg), fmtSharpV(cfg)} {
		if strings.Contains(s, "0123456789abcdef") || strings.Contains(s, "hunter2") {
			t.Errorf("secret printed: %s", s)
		}
	}
}

func newTestHandler(t *testing.T, cfg Config, ready []ReadyCheck) (http.Handler, *metrics.Metrics) {
	t.Helper()
	h, m, _ := newLoggedHandler(t, cfg, ready)
	return h, m
}

// newLoggedHandler is newTestHandler with the handler's log kept.
func newLoggedHandler(t *testing.T, cfg Config, ready []ReadyCheck) (http.Handler, *metrics.Metrics, *bytes.Buffer) {
	t.Helper()
	m := metrics.New()
	var log bytes.Buffer
	h, err := NewHandler(cfg, Options{
		Status:  func(context.Context) (Status, error) { return sample(), nil },
		Ready:   ready,
		Metrics: m.Handler(),
		Log:     slog.New(slog.NewJSONHandler(&log, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, m, &log
}

func get(t *testing.T, h http.Handler, path string, hdr map[string]string) (int, http.Header, string) {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	body, _ := io.ReadAll(w.Result().Body)
	return w.Code, w.Result().Header, string(body)
}

func TestAuth(t *testing.T) {
	cfg := Config{Addr: "0.0.0.0:9470", Token: []byte("0123456789abcdef"), Username: "ops", Password: []byte("correct horse")}
	h, _, log := newLoggedHandler(t, cfg, nil)
	basic := func(u, p string) map[string]string {
		r := httptest.NewRequest("GET", "/", nil)
		r.SetBasicAuth(u, p)
		return map[string]string{"Authorization": r.Header.Get("Authorization")}
	}
	cases := []struct {
		name, path string
		hdr        map[string]string
		want       int
	}{
		{"healthz open", "/healthz", nil, 200},
		{"readyz open", "/readyz", nil, 200},
		{"page needs auth", "/", nil, 401},
		{"json needs auth", "/status.json", nil, 401},
		{"metrics needs auth", "/metrics", nil, 401},
		{"bearer", "/", map[string]string{"Authorization": "Bearer 0123456789abcdef"}, 200},
		{"bearer json", "/status.json", map[string]string{"Authorization": "Bearer 0123456789abcdef"}, 200},
		{"bearer metrics", "/metrics", map[string]string{"Authorization": "Bearer 0123456789abcdef"}, 200},
		{"wrong bearer", "/", map[string]string{"Authorization": "Bearer 0123456789abcdeX"}, 401},
		{"bearer prefix of token", "/", map[string]string{"Authorization": "Bearer 0123"}, 401},
		{"basic", "/", basic("ops", "correct horse"), 200},
		{"basic wrong password", "/", basic("ops", "correct horsE"), 401},
		{"basic wrong user", "/", basic("root", "correct horse"), 401},
		{"token as basic password", "/", basic("ops", "0123456789abcdef"), 401},
		{"unknown path", "/nope", map[string]string{"Authorization": "Bearer 0123456789abcdef"}, 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, hdr, _ := get(t, h, c.path, c.hdr)
			if code != c.want {
				t.Errorf("GET %s: %d, want %d", c.path, code, c.want)
			}
			if code == 401 && !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("401 without a basic challenge: %q", hdr.Get("WWW-Authenticate"))
			}
		})
	}
	// wrong credentials are logged, never the credentials themselves
	if n := strings.Count(log.String(), "refused credentials"); n != 5 {
		t.Errorf("%d refusals logged, want 5:\n%s", n, log.String())
	}
	for _, secret := range []string{"0123", "correct", "b3BzOmNvcnJlY3Q"} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("log shows %q:\n%s", secret, log.String())
		}
	}
}

// On loopback without auth configured, everything is open.
func TestLoopbackOpen(t *testing.T) {
	h, m := newTestHandler(t, Config{}, nil)
	m.Scored(40, map[string]int64{"rule": 3})
	code, hdr, body := get(t, h, "/", nil)
	if code != 200 || !strings.Contains(body, `data-path="rule" data-count="12"`) {
		t.Fatalf("page: %d\n%s", code, body)
	}
	if hdr.Get("Cache-Control") != "no-store" || !strings.Contains(hdr.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("page headers: %v", hdr)
	}
	if !strings.Contains(body, `<meta http-equiv="refresh" content="30">`) {
		t.Errorf("no default 30 s refresh")
	}
	code, _, body = get(t, h, "/status.json", nil)
	var s Status
	if err := json.Unmarshal([]byte(body), &s); code != 200 || err != nil || s.ExamLists[0].Containers != 18 {
		t.Errorf("status.json: %d %v %s", code, err, body)
	}
	code, _, body = get(t, h, "/metrics", nil)
	if code != 200 || !strings.Contains(body, `icss_selected_total{path="rule"} 3`) || !strings.Contains(body, "icss_scored_total 40") {
		t.Errorf("metrics: %d\n%s", code, body)
	}
}

func TestReadyz(t *testing.T) {
	dbDown := errors.New("dial tcp 10.1.2.3:5432: connection refused")
	h, _ := newTestHandler(t, Config{}, []ReadyCheck{
		{Name: "database", Ping: func(context.Context) error { return dbDown }},
		{Name: "blob store", Ping: func(context.Context) error { return nil }},
	})
	code, _, body := get(t, h, "/readyz", nil)
	if code != http.StatusServiceUnavailable || body != "database failed\nblob store ok\n" {
		t.Errorf("readyz: %d %q", code, body)
	}
	if strings.Contains(body, "10.1.2.3") {
		t.Errorf("readyz (open) shows the error: %q", body)
	}
	// A check that hangs is cut off (by CheckTimeout, or sooner by the request).
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	got := RunChecks(ctx, []ReadyCheck{{Name: "hangs", Ping: func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}}})
	if got[0].OK || !strings.Contains(got[0].Error, "deadline exceeded") {
		t.Errorf("hanging check: %+v", got)
	}
}

func TestSnapshotFailure(t *testing.T) {
	h, err := NewHandler(Config{}, Options{Status: func(context.Context) (Status, error) {
		return Status{}, errors.New("river: relation river_job does not exist")
	}})
	if err != nil {
		t.Fatal(err)
	}
	code, _, body := get(t, h, "/", nil)
	if code != http.StatusServiceUnavailable || strings.Contains(body, "river_job") {
		t.Errorf("failed snapshot: %d %q", code, body)
	}
}

// The server binds, answers, and shuts down when its context ends.
func TestServe(t *testing.T) {
	srv, err := Listen(Config{Addr: "127.0.0.1:0"}, Options{Status: func(context.Context) (Status, error) { return sample(), nil }})
	if err != nil {
		t.Fatal(err)
	}
	if srv.srv.ReadHeaderTimeout == 0 || srv.srv.WriteTimeout == 0 || srv.srv.IdleTimeout == 0 {
		t.Errorf("timeouts unset: %+v", srv.srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	resp, err := http.Get("http://" + srv.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if _, err := Listen(Config{Addr: ":0"}, Options{Status: func(context.Context) (Status, error) { return sample(), nil }}); err == nil {
		t.Error("Listen on every interface without auth succeeded")
	}
}

// With cert_file and key_file the server speaks HTTPS only.
func TestServeTLS(t *testing.T) {
	cert := tlstest.SelfSigned(t)
	srv, err := Listen(Config{Addr: "127.0.0.1:0", CertFile: cert.CertFile, KeyFile: cert.KeyFile},
		Options{Status: func(context.Context) (Status, error) { return sample(), nil }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: cert.Pool}}}
	resp, err := client.Get("https://" + srv.Addr().String() + "/status.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("https: %d", resp.StatusCode)
	}
	if resp, err := http.Get("http://" + srv.Addr().String() + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("plain HTTP answered on the HTTPS port")
		}
	}
	if _, err := Listen(Config{Addr: "127.0.0.1:0", CertFile: cert.KeyFile, KeyFile: cert.KeyFile}, Options{Status: func(context.Context) (Status, error) { return sample(), nil }}); err == nil || !strings.Contains(err.Error(), "cert_file") {
		t.Errorf("bad certificate: %v", err)
	}
}
