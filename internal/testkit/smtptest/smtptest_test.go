package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const sample = "From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n" +
	"--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n" +
	"--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n/w==\r\n" +
	"--XX--\r\n"

func send(t *testing.T, c *smtp.Client) {
	t.Helper()
	if err := c.SendMail("a@example.org", []string{"b@example.org", "c@example.org"}, strings.NewReader(sample)); err != nil {
		t.Fatal(err)
	}
	c.Quit()
}

func check(t *testing.T, msgs []Message) {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "a@example.org" || strings.Join(m.To, " ") != "b@example.org c@example.org" {
		t.Errorf("envelope %q %v", m.From, m.To)
	}
	h, parts, err := m.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if h.Get("Subject") != "hi" || len(parts) != 2 || string(parts[0].Body) != "café" ||
		parts[1].Filename != "a.bin" || string(parts[1].Body) != "\x00\x01\x02\xff" {
		t.Errorf("parsed: %q %+v", h.Get("Subject"), parts)
	}
}

func TestSink(t *testing.T) {
	s := StartSink(t)
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	send(t, c)
	check(t, Wait(t, s, 1, 5*time.Second))
}

func TestTLSServer(t *testing.T) {
	s := StartTLS(t, Options{})
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)

	// plain: no AUTH offered, MAIL refused
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Hello("test"); err != nil {
		t.Fatal(err)
	}
	if c.SupportsAuth(sasl.Plain) {
		t.Error("AUTH offered before STARTTLS")
	}
	var se *smtp.SMTPError
	if err := c.Mail("a@example.org", nil); !errors.As(err, &se) || se.Code != 530 {
		t.Errorf("MAIL before STARTTLS: %v", err)
	}
	c.Close()

	c, err = smtp.DialStartTLS(s.Addr(), &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("a@example.org", nil); !errors.As(err, &se) || se.Code != 530 {
		t.Errorf("MAIL before AUTH: %v", err)
	}
	if err := c.Auth(sasl.NewPlainClient("", s.Username, "wrong")); err == nil {
		t.Error("wrong password accepted")
	}
	if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
		t.Fatal(err)
	}
	send(t, c)
	check(t, s.Messages(t))
	if s.Logins() != 1 {
		t.Errorf("%d logins", s.Logins())
	}
}

// Both servers can go down and come back on the same port, keeping what they
// received.
func TestStopRestart(t *testing.T) {
	sink := StartSink(t)
	srv := StartTLS(t, Options{})
	for _, s := range []interface {
		Addr() string
		Stop()
		Restart(testing.TB)
	}{sink, srv} {
		s.Stop()
		if c, err := smtp.Dial(s.Addr()); err == nil {
			c.Close()
			t.Errorf("%s answers after Stop", s.Addr())
		}
		s.Stop() // twice is harmless
		s.Restart(t)
		c, err := smtp.Dial(s.Addr())
		if err != nil {
			t.Fatalf("after Restart: %v", err)
		}
		if err := c.Noop(); err != nil {
			t.Errorf("after Restart: %v", err)
		}
		c.Close()
	}
}

// A transaction in progress is not a message: Messages leaves it out, and Stop
// (the relay dying before the final dot) discards it.
func TestSinkInProgress(t *testing.T) {
	s := StartSink(t)
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("a@example.org", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("b@example.org", nil); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("Subject: half\r\n\r\n" + strings.Repeat("x", 100000))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let smtp-sink write part of it
	if entries, _ := os.ReadDir(s.Dir); len(entries) != 1 {
		t.Fatalf("%d dumps in progress, want 1", len(entries))
	}
	if msgs := s.Messages(t); len(msgs) != 0 {
		t.Errorf("%d messages while the only one is in progress", len(msgs))
	}
	s.Stop()
	if entries, _ := os.ReadDir(s.Dir); len(entries) != 0 {
		t.Errorf("%d dumps left after a transaction cut off by Stop", len(entries))
	}
}
