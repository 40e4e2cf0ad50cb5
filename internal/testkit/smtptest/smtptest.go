// Package smtptest starts real SMTP servers for tests and reads back what they
// received (INFRA.md §7):
//
//   - StartSink runs Postfix's smtp-sink on a free loopback port: plain SMTP (it
//     offers AUTH but no STARTTLS), each message dumped to a file as received;
//   - StartTLS runs a go-smtp server that requires STARTTLS and AUTH (PLAIN, or
//     LOGIN when asked) before it takes mail, with a fresh self-signed
//     certificate whose PEM is CAFile.
//
// Both are stopped at cleanup. A test that calls StartSink skips when smtp-sink is
// missing, except under CI=true, where it fails: scripts/test-deps.sh installs it.
package smtptest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"
)

// Message is one message as a server received it.
type Message struct {
	// From and To are the SMTP envelope (MAIL FROM, RCPT TO).
	From string
	To   []string
	// Data is the message (headers and body) as the server stored it.
	Data []byte
}

// Part is one leaf MIME part of a message, its body decoded
// (Content-Transfer-Encoding undone).
type Part struct {
	ContentType string
	Params      map[string]string // of Content-Type
	Disposition string
	Filename    string
	Body        []byte
}

// Parse splits m into its header and leaf parts (multiparts walked depth first).
func (m Message) Parse() (mail.Header, []Part, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return nil, nil, err
	}
	parts, err := walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Header.Get("Content-Disposition"), msg.Body)
	return msg.Header, parts, err
}

func walk(contentType, encoding, disposition string, body io.Reader) ([]Part, error) {
	if contentType == "" {
		contentType = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("Content-Type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		var out []Part
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return nil, err
			}
			sub, err := walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
	}
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &noNewlines{r: body})
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("%s part: %w", mt, err)
	}
	p := Part{ContentType: mt, Params: params, Body: b}
	if disposition != "" {
		d, dp, err := mime.ParseMediaType(disposition)
		if err != nil {
			return nil, fmt.Errorf("Content-Disposition %q: %w", disposition, err)
		}
		p.Disposition, p.Filename = d, dp["filename"]
	}
	return []Part{p}, nil
}

// noNewlines drops CR and LF, which base64 bodies carry every 76 characters.
type noNewlines struct{ r io.Reader }

func (n *noNewlines) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		j := 0
		for _, c := range p[:k] {
			if c != '\r' && c != '\n' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// Mailbox is what both servers offer: the messages received so far.
type Mailbox interface {
	Messages(t testing.TB) []Message
}

// Wait returns the messages of mb once there are at least n, failing the test
// after timeout.
func Wait(t testing.TB, mb Mailbox, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := mb.Messages(t)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtptest: %d messages after %v, want %d", len(msgs), timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Skip ends the test when a server is missing: t.Skip normally, t.Fatal under
// CI=true.
func Skip(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v (CI=true: a missing server is a failure)", err)
	}
	t.Skip(err)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// readDump parses one smtp-sink dump file: its X-Mail-Args and X-Rcpt-Args
// lines give the envelope; the lines it adds (X-*, then its own Received
// header) are dropped, leaving the message as the client sent it.
func readDump(b []byte) (Message, error) {
	var m Message
	r := bufio.NewReader(bytes.NewReader(b))
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return m, fmt.Errorf("dump ends inside smtp-sink's header: %w", err)
		}
		trimmed := strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(trimmed, "X-Mail-Args: "):
			m.From = envelopeAddr(strings.TrimPrefix(trimmed, "X-Mail-Args: "))
		case strings.HasPrefix(trimmed, "X-Rcpt-Args: "):
			m.To = append(m.To, envelopeAddr(strings.TrimPrefix(trimmed, "X-Rcpt-Args: ")))
		case strings.HasPrefix(trimmed, "X-"):
		case strings.HasPrefix(trimmed, "Received: "):
			// the Received header and its continuation lines
			for {
				next, err := r.Peek(1)
				if err != nil || (next[0] != ' ' && next[0] != '\t') {
					break
				}
				if _, err := r.ReadString('\n'); err != nil {
					return m, err
				}
			}
			rest, err := io.ReadAll(r)
			m.Data = rest
			return m, err
		default:
			return m, fmt.Errorf("unexpected line in smtp-sink's header: %q", trimmed)
		}
	}
}

// envelopeAddr takes "<a@b> SIZE=123" to "a@b".
func envelopeAddr(args string) string {
	f := strings.Fields(args)
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[0], "<>")
}
