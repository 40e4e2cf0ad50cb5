package status

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/icss/icss/internal/loopback"
	"github.com/icss/icss/internal/redact"
)

// DefaultAddr is where the server listens unless configured: loopback only.
const DefaultAddr = "127.0.0.1:9470"

// Config is the HTTP server of `icss run` (YAML key "http" in the daemon's
// configuration). Credentials are not read from YAML here: the config package
// resolves its own Secret fields into Token and Password.
type Config struct {
	// Addr is host:port to listen on; default DefaultAddr. A host other than a
	// loopback address (or an empty host: every interface) requires auth.
	Addr string `yaml:"addr"`
	// Token, when set, admits requests with "Authorization: Bearer <Token>"
	// (at least 16 bytes).
	Token redact.Bytes `yaml:"-" json:"-"`
	// Username and Password, when set, admit HTTP basic auth (password at least
	// 12 bytes). Token and basic auth may both be set.
	Username string       `yaml:"username"`
	Password redact.Bytes `yaml:"-" json:"-"`
	// CertFile and KeyFile, when both set, serve HTTPS (PEM files).
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// Refresh reloads the status page this often (meta refresh); default 30s,
	// negative never.
	Refresh time.Duration `yaml:"refresh"`
}

// WithDefaults returns a copy of c with its unset fields at their defaults.
func (c Config) WithDefaults() Config {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Refresh == 0 {
		c.Refresh = 30 * time.Second
	}
	return c
}

// AuthConfigured reports whether any credential is set.
func (c *Config) AuthConfigured() bool { return len(c.Token) > 0 || c.Username != "" }

// FieldError is a configuration error naming the field (YAML name) at fault.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Validate checks c after WithDefaults; every error names its field.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field, format string, a ...any) {
		errs = append(errs, &FieldError{Field: field, Err: fmt.Errorf(format, a...)})
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		bad("addr", "%q is not host:port", c.Addr)
	} else if !loopback.Host(host) && !c.AuthConfigured() {
		bad("addr", "%q is not a loopback address: configure token or username/password (the page shows selection and exam data)", c.Addr)
	}
	if len(c.Token) > 0 && len(c.Token) < 16 {
		bad("token", "is %d bytes; use at least 16 (e.g. openssl rand -hex 16)", len(c.Token))
	}
	switch {
	case c.Username != "" && len(c.Password) == 0:
		bad("password", "is required with username")
	case c.Username == "" && len(c.Password) > 0:
		bad("username", "is required with password")
	case c.Username != "" && len(c.Password) < 12:
		bad("password", "is %d bytes; use at least 12", len(c.Password))
	}
	if strings.Contains(c.Username, ":") {
		bad("username", "must not contain ':' (basic auth)")
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		bad("cert_file", "cert_file and key_file go together")
	}
	return errors.Join(errs...)
}

// ReadyCheck is a readiness check: Ping returns nil when the dependency answers.
type ReadyCheck struct {
	Name string
	Ping func(context.Context) error
}

// Options are what the daemon passes to the handler.
type Options struct {
	// Status takes a fresh snapshot for the page and /status.json. Required.
	Status func(context.Context) (Status, error)
	// Ready are the checks of /readyz (database, blob store, ...), run in turn
	// with CheckTimeout each.
	Ready []ReadyCheck
	// Metrics serves /metrics (metrics.Metrics.Handler); nil: 404.
	Metrics http.Handler
	// Log receives failed checks and snapshots; default slog.Default().
	Log *slog.Logger
}

// CheckTimeout bounds one readiness check and one snapshot.
const CheckTimeout = 5 * time.Second

// NewHandler returns the server's routes (see the package documentation). cfg is
// used after WithDefaults and must be valid.
func NewHandler(cfg Config, opts Options) (http.Handler, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Status == nil {
		return nil, errors.New("status: Options.Status is required")
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	h := &handler{cfg: cfg, opts: opts, auth: newAuth(cfg, opts.Log)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		plain(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("GET /readyz", h.readyz)
	if opts.Metrics != nil {
		mux.Handle("GET /metrics", h.auth.require(opts.Metrics))
	}
	mux.Handle("GET /status.json", h.auth.require(http.HandlerFunc(h.json)))
	mux.Handle("GET /{$}", h.auth.require(http.HandlerFunc(h.page)))
	return mux, nil
}

type handler struct {
	cfg  Config
	opts Options
	auth auth
}

// readyz answers 503 naming the failed checks, without their errors (the route is
// open; the errors go to the log and to the authenticated page).
func (h *handler) readyz(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	code := http.StatusOK
	for _, c := range RunChecks(r.Context(), h.opts.Ready) {
		if c.OK {
			fmt.Fprintf(&b, "%s ok\n", c.Name)
			continue
		}
		code = http.StatusServiceUnavailable
		fmt.Fprintf(&b, "%s failed\n", c.Name)
		h.opts.Log.Warn("readiness check failed", "check", c.Name, "err", c.Error)
	}
	plain(w, code, b.String())
}

// RunChecks runs each check with CheckTimeout and reports them in order, for
// /readyz and for Status.Node.Checks.
func RunChecks(ctx context.Context, checks []ReadyCheck) []Check {
	out := make([]Check, 0, len(checks))
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, CheckTimeout)
		err := c.Ping(cctx)
		cancel()
		one := Check{Name: c.Name, OK: err == nil}
		if err != nil {
			one.Error = err.Error()
		}
		out = append(out, one)
	}
	return out
}

func (h *handler) snapshot(w http.ResponseWriter, r *http.Request) (Status, bool) {
	ctx, cancel := context.WithTimeout(r.Context(), CheckTimeout)
	defer cancel()
	s, err := h.opts.Status(ctx)
	if err != nil {
		h.opts.Log.Error("status snapshot failed", "err", err)
		plain(w, http.StatusServiceUnavailable, "status unavailable: see the node's log\n")
		return Status{}, false
	}
	return s, true
}

func (h *handler) page(w http.ResponseWriter, r *http.Request) {
	s, ok := h.snapshot(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	refresh := max(h.cfg.Refresh, 0)
	if err := WriteHTML(&buf, s, HTMLOptions{Refresh: refresh}); err != nil {
		h.opts.Log.Error("status page failed", "err", err)
		plain(w, http.StatusInternalServerError, "status page failed\n")
		return
	}
	private(w, "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	w.Write(buf.Bytes())
}

func (h *handler) json(w http.ResponseWriter, r *http.Request) {
	s, ok := h.snapshot(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, s); err != nil {
		h.opts.Log.Error("status JSON failed", "err", err)
		plain(w, http.StatusInternalServerError, "status JSON failed\n")
		return
	}
	private(w, "application/json")
	w.Write(buf.Bytes())
}

// private sets the headers of a response carrying selection data: never cached,
// never framed, never sniffed.
func private(w http.ResponseWriter, contentType string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
}

func plain(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write([]byte(body))
}

// auth admits a request bearing the configured token or basic-auth credentials.
// Secrets are compared as SHA-256 digests with subtle.ConstantTimeCompare, so
// neither their content nor their length shows in the timing.
type auth struct {
	log                *slog.Logger
	enabled            bool
	token              [32]byte
	hasToken, hasBasic bool
	user, password     [32]byte
}

func newAuth(c Config, log *slog.Logger) auth {
	a := auth{log: log, enabled: c.AuthConfigured(), hasToken: len(c.Token) > 0, hasBasic: c.Username != ""}
	a.token = sha256.Sum256(c.Token)
	a.user = sha256.Sum256([]byte(c.Username))
	a.password = sha256.Sum256(c.Password)
	return a
}

func (a auth) allows(r *http.Request) bool {
	if !a.enabled {
		return true
	}
	h := r.Header.Get("Authorization")
	if a.hasToken {
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
			d := sha256.Sum256([]byte(tok))
			if subtle.ConstantTimeCompare(d[:], a.token[:]) == 1 {
				return true
			}
		}
	}
	if a.hasBasic {
		if u, p, ok := r.BasicAuth(); ok {
			du, dp := sha256.Sum256([]byte(u)), sha256.Sum256([]byte(p))
			// both compared, always: no early exit on a wrong user name
			userOK := subtle.ConstantTimeCompare(du[:], a.user[:])
			passOK := subtle.ConstantTimeCompare(dp[:], a.password[:])
			if userOK&passOK == 1 {
				return true
			}
		}
	}
	return false
}

func (a auth) require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.allows(r) {
			next.ServeHTTP(w, r)
			return
		}
		if r.Header.Get("Authorization") != "" { // wrong credentials, not a browser's first try
			a.log.Warn("status: refused credentials", "path", r.URL.Path, "remote", r.RemoteAddr)
		}
		if a.hasBasic {
			w.Header().Set("WWW-Authenticate", `Basic realm="icss", charset="UTF-8"`)
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer realm="icss"`)
		}
		plain(w, http.StatusUnauthorized, "unauthorized\n")
	})
}

// Server is the HTTP server of `icss run`.
type Server struct {
	cfg Config
	srv *http.Server
	ln  net.Listener
}

// Listen validates cfg, binds its address and prepares the server; Serve runs it.
// Binding first lets the daemon fail at start-up on a taken port.
func Listen(cfg Config, opts Options) (*Server, error) {
	cfg = cfg.WithDefaults()
	h, err := NewHandler(cfg, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("status: listen: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(opts.logHandler(), slog.LevelWarn),
	}
	if cfg.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			ln.Close()
			return nil, &FieldError{Field: "cert_file", Err: err}
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return &Server{cfg: cfg, srv: srv, ln: ln}, nil
}

func (o Options) logHandler() slog.Handler {
	if o.Log != nil {
		return o.Log.Handler()
	}
	return slog.Default().Handler()
}

// Addr is the address bound (useful with port 0).
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve answers requests until ctx is done, then shuts down, giving requests in
// flight up to five seconds. It returns nil after a shutdown.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() {
		if s.srv.TLSConfig != nil {
			errc <- s.srv.ServeTLS(s.ln, "", "")
		} else {
			errc <- s.srv.Serve(s.ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
