package smtptest

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/icss/icss/internal/testkit/tlstest"
)

// Options configure StartTLS.
type Options struct {
	// Username and Password are the only credentials AUTH accepts; default
	// "icss" and a random password (Server.Password).
	Username, Password string
	// Mechanisms are the AUTH mechanisms offered, of PLAIN and LOGIN; default PLAIN.
	Mechanisms []string
	// RejectRcpt, when set, is asked about each recipient: a non-nil error (an
	// *smtp.SMTPError to choose the code) refuses it. For fault injection.
	RejectRcpt func(addr string) error
}

// Server is a running STARTTLS + AUTH server.
type Server struct {
	Host     string // 127.0.0.1
	Port     int
	CAFile   string // the PEM of its self-signed certificate, to trust
	Username string
	Password string

	opts   Options
	tls    *tls.Config
	log    testLogger
	srv    *smtp.Server
	ln     net.Listener
	done   chan struct{}
	mu     sync.Mutex
	msgs   []Message
	logins int
}

// StartTLS runs the server on a free loopback port for the test and stops it at
// cleanup. It offers AUTH only after STARTTLS, and refuses MAIL before both.
func StartTLS(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Username == "" {
		opts.Username = "icss"
	}
	if len(opts.Mechanisms) == 0 {
		opts.Mechanisms = []string{sasl.Plain}
	}
	if opts.Password == "" {
		b := make([]byte, 12)
		rand.Read(b)
		opts.Password = hex.EncodeToString(b)
	}
	s := &Server{Host: "127.0.0.1", Username: opts.Username, Password: opts.Password, opts: opts}
	cert := tlstest.SelfSigned(t)
	s.CAFile = cert.CertFile
	s.tls = &tls.Config{Certificates: []tls.Certificate{cert.TLS}, MinVersion: tls.VersionTLS12}
	s.log = testLogger{t}
	if err := s.serve("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) serve(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	srv.Domain = "smtptest.localhost"
	srv.ErrorLog = s.log
	srv.TLSConfig = s.tls
	srv.AllowInsecureAuth = false
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.MaxMessageBytes = 64 << 20
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	s.srv, s.ln, s.done = srv, l, done
	return nil
}

// Stop closes the server and its connections (the relay goes down); the
// messages received stay readable. Stop on a stopped server does nothing.
func (s *Server) Stop() {
	if s.srv == nil {
		return
	}
	s.srv.Close()
	// Serve registers the listener only once its goroutine runs: a Stop
	// before that would close nothing and wait forever, so close it here too.
	s.ln.Close()
	<-s.done
	s.srv = nil
}

// Restart serves again after Stop, on the same port.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	if err := s.serve(s.Addr()); err != nil {
		t.Fatalf("smtptest: restart: %v", err)
	}
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages(testing.TB) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Logins is the number of successful AUTH exchanges.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

var (
	errNeedTLS  = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Must issue a STARTTLS command first"}
	errNeedAuth = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errBadAuth  = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
)

func (se *session) AuthMechanisms() []string { return se.s.opts.Mechanisms }

func (se *session) Auth(mech string) (sasl.Server, error) {
	if _, ok := se.conn.TLSConnectionState(); !ok {
		return nil, errNeedTLS
	}
	check := func(identity, username, password string) error {
		if identity != "" && identity != username || username != se.s.Username || password != se.s.Password {
			return errBadAuth
		}
		se.authed = true
		se.s.mu.Lock()
		se.s.logins++
		se.s.mu.Unlock()
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(check), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, errors.New("unsupported mechanism " + mech)
}

// loginServer is the server side of AUTH LOGIN (go-sasl has only the client):
// the user name (as the initial response or after "Username:"), then the
// password after "Password:".
type loginServer struct {
	user  *string
	check func(identity, username, password string) error
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch {
	case l.user == nil && response == nil:
		return []byte("Username:"), false, nil
	case l.user == nil:
		u := string(response)
		l.user = &u
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check("", *l.user, string(response))
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if _, ok := se.conn.TLSConnectionState(); !ok {
		return errNeedTLS
	}
	if !se.authed {
		return errNeedAuth
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if se.s.opts.RejectRcpt != nil {
		if err := se.s.opts.RejectRcpt(to); err != nil {
			return err
		}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if se.from == "" || len(se.to) == 0 {
		return errors.New("DATA without MAIL and RCPT")
	}
	se.s.mu.Lock()
	se.s.msgs = append(se.s.msgs, Message{From: se.from, To: se.to, Data: b})
	se.s.mu.Unlock()
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// testLogger sends the server's complaints (a client hanging up, say) to the
// test's log.
type testLogger struct{ t testing.TB }

func (l testLogger) Printf(format string, v ...any) { l.t.Logf("smtptest: "+format, v...) }
func (l testLogger) Println(v ...any)               { l.t.Log(append([]any{"smtptest:"}, v...)...) }
