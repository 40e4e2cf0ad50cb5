package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/icss/icss/internal/testkit/smtptest"
	"github.com/xuri/excelize/v2"
)

// workbook is a small real xlsx, like an exam list.
func workbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range [][]any{{"Exam ID", "Container", "Exams"}, {"CAPRR-20261204-0001", "MSCU1234565", "NII x-ray"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func examList(t *testing.T, book []byte, to ...string) ExamList {
	van, err := time.LoadLocation("America/Vancouver")
	if err != nil {
		t.Fatal(err)
	}
	return ExamList{
		ListID: "CAPRR-20261204", Port: "CAPRR", PortName: "Prince Rupert",
		Cutoff: time.Date(2026, 12, 4, 14, 0, 0, 0, van), Rows: 18,
		Filename: "CAPRR-20261204.xlsx", Workbook: bytes.NewReader(book),
		Link:        "https://s3.port.example/icss-exam-lists/CAPRR-20261204.xlsx?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604800&X-Amz-Signature=0123456789abcdef0123456789abcdef",
		LinkExpires: time.Date(2026, 12, 11, 22, 0, 0, 0, time.UTC),
		To:          to,
	}
}

// checkReceived reads one received message back: envelope, headers, body and
// the attachment byte for byte.
func checkReceived(t *testing.T, got smtptest.Message, book []byte, to []string) {
	t.Helper()
	if got.From != "icss@cbsa.example" || strings.Join(got.To, ",") != strings.Join(to, ",") {
		t.Errorf("envelope: from %q to %v", got.From, got.To)
	}
	h, parts, err := got.Parse()
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, got.Data)
	}
	wantHeaders := map[string]string{
		"Message-Id":       "<exam-list.CAPRR-20261204@cbsa.example>",
		"Subject":          "Exam list CAPRR-20261204: CAPRR, cut-off 2026-12-04 14:00 PST, 18 containers",
		"From":             `"icss" <icss@cbsa.example>`,
		"X-Icss-Exam-List": "CAPRR-20261204",
		"Auto-Submitted":   "auto-generated",
		"Mime-Version":     "1.0",
	}
	for k, want := range wantHeaders {
		if g := h.Get(k); g != want {
			t.Errorf("header %s: %q, want %q", k, g, want)
		}
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if len(parts) != 2 {
		t.Fatalf("%d parts, want text and workbook", len(parts))
	}
	body := strings.ReplaceAll(string(parts[0].Body), "\r\n", "\n") // smtp-sink stores LF
	if parts[0].ContentType != "text/plain" {
		t.Errorf("first part is %s", parts[0].ContentType)
	}
	for _, want := range []string{
		"Exam list CAPRR-20261204 for Prince Rupert (CAPRR).",
		"Cut-off:  Fri 4 Dec 2026 14:00 PST",
		"Rows:     18 containers",
		"until Fri 11 Dec 2026 14:00 PST from:\nhttps://s3.port.example/icss-exam-lists/CAPRR-20261204.xlsx?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604800&X-Amz-Signature=0123456789abcdef0123456789abcdef\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	att := parts[1]
	if att.ContentType != XLSXType || att.Disposition != "attachment" || att.Filename != "CAPRR-20261204.xlsx" {
		t.Errorf("attachment: %s %s %q", att.ContentType, att.Disposition, att.Filename)
	}
	if !bytes.Equal(att.Body, book) {
		t.Errorf("attachment differs: %d bytes received, %d sent", len(att.Body), len(book))
	}
	for i, line := range strings.Split(string(got.Data), "\n") {
		if len(strings.TrimRight(line, "\r")) > 998 {
			t.Errorf("line %d is %d characters (RFC 5322 limit 998)", i+1, len(line))
		}
	}
}

// The plain path, through Postfix's smtp-sink on loopback.
func TestSendSink(t *testing.T) {
	sink := smtptest.StartSink(t)
	s, err := NewSender(Config{Host: sink.Host, Port: sink.Port, From: "icss <icss@cbsa.example>", TLS: NoTLS, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	book := workbook(t)
	to := []string{"Port staff <prr-exams@cbsa.example>", "duty.officer@cbsa.example"}
	m, err := ExamListMessage(examList(t, book, to...), "icss <icss@cbsa.example>")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	msgs := smtptest.Wait(t, sink, 1, 5*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("%d messages for one list, want 1", len(msgs))
	}
	checkReceived(t, msgs[0], book, []string{"prr-exams@cbsa.example", "duty.officer@cbsa.example"})
}

// The production path: STARTTLS with a verified certificate, then AUTH PLAIN; a
// 3 MB attachment arrives byte for byte.
func TestSendStartTLSAuth(t *testing.T) {
	srv := smtptest.StartTLS(t, smtptest.Options{})
	cfg := Config{Host: srv.Host, Port: srv.Port, From: "icss <icss@cbsa.example>", Username: srv.Username,
		Password: []byte(srv.Password), CAFile: srv.CAFile, Timeout: 10 * time.Second}
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	book := workbook(t)
	big := make([]byte, 3<<20)
	rand.Read(big)
	for _, b := range [][]byte{book, big} {
		m, err := ExamListMessage(examList(t, b, "prr-exams@cbsa.example"), cfg.From)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.Messages(t)
	if len(msgs) != 2 || srv.Logins() != 2 {
		t.Fatalf("%d messages, %d logins; want 2 and 2", len(msgs), srv.Logins())
	}
	checkReceived(t, msgs[0], book, []string{"prr-exams@cbsa.example"})
	checkReceived(t, msgs[1], big, []string{"prr-exams@cbsa.example"})
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestSendFailures(t *testing.T) {
	srv := smtptest.StartTLS(t, smtptest.Options{RejectRcpt: func(addr string) error {
		switch addr {
		case "nobody@cbsa.example":
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		case "busy@cbsa.example":
			return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "mailbox busy"}
		}
		return nil
	}})
	sink := smtptest.StartSink(t)
	good := Config{Host: srv.Host, Port: srv.Port, From: "icss@cbsa.example", Username: srv.Username,
		Password: []byte(srv.Password), CAFile: srv.CAFile, Timeout: 10 * time.Second}
	cases := []struct {
		name      string
		cfg       func(Config) Config
		to        string
		want      string
		permanent bool
	}{
		{"wrong password", func(c Config) Config { c.Password = []byte("wrong"); return c }, "a@cbsa.example", "AUTH as icss", true},
		{"untrusted certificate", func(c Config) Config { c.CAFile = ""; return c }, "a@cbsa.example", "certificate", false},
		{"wrong server name", func(c Config) Config { c.ServerName = "smtp.cbsa.example"; return c }, "a@cbsa.example", "certificate", false},
		{"relay without STARTTLS", func(c Config) Config {
			c.Host, c.Port, c.Username, c.Password = sink.Host, sink.Port, "", nil
			return c
		}, "a@cbsa.example", "STARTTLS", false},
		{"unknown recipient", func(c Config) Config { return c }, "nobody@cbsa.example", "RCPT TO nobody@cbsa.example", true},
		{"busy mailbox", func(c Config) Config { return c }, "busy@cbsa.example", "mailbox busy", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewSender(c.cfg(good))
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(context.Background(), &Message{To: []string{c.to}, Subject: "x", Body: "x"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
			if Permanent(err) != c.permanent {
				t.Errorf("Permanent(%v) = %v", err, !c.permanent)
			}
			if strings.Contains(err.Error(), srv.Password) {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
	if n := len(srv.Messages(t)) + len(sink.Messages(t)); n != 0 {
		t.Errorf("%d messages delivered by failed sends", n)
	}
}

// A relay that accepts the connection and then says nothing does not hold a job
// longer than the timeout, nor past the caller's context.
func TestSendTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	s, err := NewSender(Config{Host: "127.0.0.1", Port: port, From: "icss@cbsa.example", TLS: NoTLS, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = s.Send(context.Background(), &Message{To: []string{"a@cbsa.example"}, Body: "x"})
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("silent relay: %v after %v", err, time.Since(start))
	}
	s, _ = NewSender(Config{Host: "127.0.0.1", Port: port, From: "icss@cbsa.example", TLS: NoTLS, Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = s.Send(ctx, &Message{To: []string{"a@cbsa.example"}, Body: "x"})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled send: %v after %v", err, time.Since(start))
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"starttls relay", Config{Host: "smtp.cbsa.example", From: "icss <icss@cbsa.example>", Username: "icss", Password: []byte("pw")}, ""},
		{"implicit tls", Config{Host: "smtp.cbsa.example", From: "icss@cbsa.example", TLS: ImplicitTLS}, ""},
		{"plain loopback", Config{Host: "127.0.0.1", Port: 2525, From: "icss@cbsa.example", TLS: NoTLS}, ""},
		{"plain remote", Config{Host: "smtp.cbsa.example", From: "icss@cbsa.example", TLS: NoTLS}, `tls: "none" is allowed only to a loopback relay`},
		{"unknown tls", Config{Host: "h", From: "icss@cbsa.example", TLS: "ssl"}, `tls: "ssl" is not one of`},
		{"no host", Config{From: "icss@cbsa.example"}, "host: is required"},
		{"no from", Config{Host: "h"}, "from: is required"},
		{"bad from", Config{Host: "h", From: "icss at cbsa"}, `from: "icss at cbsa"`},
		{"bad port", Config{Host: "h", From: "icss@cbsa.example", Port: 70000}, "port: 70000 is outside"},
		{"user without password", Config{Host: "h", From: "icss@cbsa.example", Username: "icss"}, "password: is required with username"},
		{"missing ca file", Config{Host: "h", From: "icss@cbsa.example", CAFile: "/nonexistent/ca.pem"}, "ca_file:"},
		{"negative timeout", Config{Host: "h", From: "icss@cbsa.example", Timeout: -time.Second}, "timeout: must not be negative"},
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
	if d := (Config{TLS: ImplicitTLS}).WithDefaults(); d.Port != 465 {
		t.Errorf("implicit TLS default port %d", d.Port)
	}
}

func TestExamListMessageRefuses(t *testing.T) {
	book := []byte("PK")
	cases := []struct {
		name string
		edit func(*ExamList)
		want string
	}{
		{"header injection in list ID", func(l *ExamList) { l.ListID = "CAPRR\r\nBcc: x@evil.example" }, "exam list ID"},
		{"no recipient", func(l *ExamList) { l.To = nil }, "no recipient configured for port CAPRR"},
		{"no workbook", func(l *ExamList) { l.Workbook = nil }, "workbook and file name are required"},
		{"no cut-off", func(l *ExamList) { l.Cutoff = time.Time{} }, "cut-off is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := examList(t, book, "a@cbsa.example")
			c.edit(&l)
			if _, err := ExamListMessage(l, "icss@cbsa.example"); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
	m, err := ExamListMessage(examList(t, book, "a@cbsa.example"), "icss@cbsa.example")
	if err != nil {
		t.Fatal(err)
	}
	m.Attachments[0].Filename = "../../etc/passwd"
	if _, err := m.WriteTo(&bytes.Buffer{}); err == nil {
		t.Error("attachment name with a path written")
	}
}

// The message is well formed whatever line ends the body uses, and a long
// Subject or a non-ASCII name is encoded, never able to start a new header.
func TestMessageForm(t *testing.T) {
	m := &Message{
		From: "icss <icss@cbsa.example>", To: []string{"Agent Côté <cote@cbsa.example>"},
		Subject:   "Liste d'examen — Prince Rupert\r\nBcc: evil@example.org",
		MessageID: "x@cbsa.example", Date: time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC),
		Headers: map[string]string{"X-ICSS-Exam-List": "CAPRR-20261204"},
		Body:    "one\r\ntwo\nthree",
	}
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	h, parts, err := smtptest.Message{Data: b.Bytes()}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if h.Get("Bcc") != "" || !strings.Contains(h.Get("Subject"), "=?utf-8?") {
		t.Errorf("Subject not encoded: %q, Bcc %q", h.Get("Subject"), h.Get("Bcc"))
	}
	to, err := h.AddressList("To")
	if err != nil || to[0].Name != "Agent Côté" {
		t.Errorf("To: %v %v", to, err)
	}
	if string(parts[0].Body) != "one\r\ntwo\r\nthree" {
		t.Errorf("body %q", parts[0].Body)
	}
	if bytes.Contains(bytes.ReplaceAll(b.Bytes(), []byte("\r\n"), nil), []byte("\n")) {
		t.Error("a bare LF in the message")
	}
}

// A relay that is down fails the send with an error worth retrying; once it is
// back, the same message goes through, once.
func TestRelayDownAndBack(t *testing.T) {
	srv := smtptest.StartTLS(t, smtptest.Options{})
	s, err := NewSender(Config{Host: srv.Host, Port: srv.Port, From: "icss@cbsa.example", Username: srv.Username,
		Password: []byte(srv.Password), CAFile: srv.CAFile, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	book := workbook(t)
	srv.Stop()
	m, _ := ExamListMessage(examList(t, book, "prr-exams@cbsa.example"), "icss@cbsa.example")
	if err := s.Send(context.Background(), m); err == nil || Permanent(err) {
		t.Fatalf("send to a relay that is down: %v (permanent %v)", err, Permanent(err))
	}
	srv.Restart(t)
	m, _ = ExamListMessage(examList(t, book, "prr-exams@cbsa.example"), "icss@cbsa.example")
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages(t)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

// A relay that offers only AUTH LOGIN (Exchange, for one) is logged in to all the same.
func TestAuthLogin(t *testing.T) {
	srv := smtptest.StartTLS(t, smtptest.Options{Mechanisms: []string{"LOGIN"}})
	cfg := Config{Host: srv.Host, Port: srv.Port, From: "icss@cbsa.example", Username: srv.Username,
		Password: []byte(srv.Password), CAFile: srv.CAFile, Timeout: 10 * time.Second}
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), &Message{To: []string{"a@cbsa.example"}, Subject: "x", Body: "x"}); err != nil {
		t.Fatal(err)
	}
	cfg.Password = []byte("wrong")
	s, _ = NewSender(cfg)
	if err := s.Send(context.Background(), &Message{To: []string{"a@cbsa.example"}, Body: "x"}); err == nil || !Permanent(err) {
		t.Errorf("wrong password over LOGIN: %v", err)
	}
	if len(srv.Messages(t)) != 1 || srv.Logins() != 1 {
		t.Errorf("%d messages, %d logins; want 1 and 1", len(srv.Messages(t)), srv.Logins())
	}
}

// A workbook that cannot be read to its end (the blob store failing mid-way)
// sends nothing: the relay never gets a truncated list.
func TestAttachmentReadFails(t *testing.T) {
	srv := smtptest.StartTLS(t, smtptest.Options{})
	s, err := NewSender(Config{Host: srv.Host, Port: srv.Port, From: "icss@cbsa.example", Username: srv.Username,
		Password: []byte(srv.Password), CAFile: srv.CAFile, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	broken := errors.New("blob: connection reset")
	l := examList(t, nil, "prr-exams@cbsa.example")
	l.Workbook = io.MultiReader(bytes.NewReader(make([]byte, 200<<10)), iotest.ErrReader(broken))
	m, err := ExamListMessage(l, "icss@cbsa.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), m); !errors.Is(err, broken) {
		t.Fatalf("send with a failing workbook: %v", err)
	}
	// the server sees the connection drop; give it a moment to (not) store anything
	time.Sleep(100 * time.Millisecond)
	if n := len(srv.Messages(t)); n != 0 {
		t.Errorf("%d messages stored from a failed send", n)
	}
}
