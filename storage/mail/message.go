package mail

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/icss/icss/internal/lazyre"
)

// XLSXType is the media type of an Excel workbook.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Message is one e-mail: a plain-text body and attachments, streamed by WriteTo.
type Message struct {
	// From is the sender; empty: the Sender's Config.From.
	From string
	// To are the recipients' addresses (each "Name <addr>" or "addr").
	To      []string
	Subject string
	// MessageID is the Message-ID without angle brackets; empty: a random one.
	MessageID string
	// Date; zero: the time of sending.
	Date time.Time
	// Headers are extra headers (X-ICSS-Exam-List, ...).
	Headers map[string]string
	// Body is the plain-text body (UTF-8), sent quoted-printable.
	Body        string
	Attachments []Attachment
}

// Attachment is a file attached to a Message. Content is read once, when the
// message is written, and base64-encoded as it is read, so a large attachment
// never sits in memory.
type Attachment struct {
	Filename    string
	ContentType string
	Content     io.Reader
}

// Recipients returns the bare addresses of To (the SMTP envelope).
func (m *Message) Recipients() ([]string, error) {
	if len(m.To) == 0 {
		return nil, errors.New("mail: no recipient")
	}
	out := make([]string, len(m.To))
	for i, to := range m.To {
		a, err := parseAddress(to)
		if err != nil {
			return nil, fmt.Errorf("mail: recipient %q: %w", to, err)
		}
		out[i] = a
	}
	return out, nil
}

// parseAddress returns the bare address of "Name <addr>" or "addr".
func parseAddress(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

// WriteTo writes the message in RFC 5322 / MIME form with CRLF line ends:
// multipart/mixed with the text part first, each attachment base64 in lines of
// 76 characters.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: bufio.NewWriter(w)}
	err := m.write(cw)
	if err == nil {
		err = cw.w.(*bufio.Writer).Flush()
	}
	return cw.n, err
}

func (m *Message) write(w io.Writer) error {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return fmt.Errorf("mail: from %q: %w", m.From, err)
	}
	if _, err := m.Recipients(); err != nil {
		return err
	}
	to := make([]string, len(m.To))
	for i, t := range m.To {
		a, _ := mail.ParseAddress(t)
		to[i] = a.String()
	}
	id := m.MessageID
	if id == "" {
		id = randomID(from.Address)
	}
	if !messageIDPattern.MatchString(id) {
		return fmt.Errorf("mail: Message-ID %q is not id-left@id-right", id)
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	mw := multipart.NewWriter(w)
	h := []struct{ k, v string }{
		{"From", from.String()},
		{"To", strings.Join(to, ", ")},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Date", date.Format(time.RFC1123Z)},
		{"Message-ID", "<" + id + ">"},
		{"MIME-Version", "1.0"},
		// RFC 3834: out-of-office robots must not answer a list mailing.
		{"Auto-Submitted", "auto-generated"},
	}
	for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
		h = append(h, struct{ k, v string }{textproto.CanonicalMIMEHeaderKey(k), mime.QEncoding.Encode("utf-8", m.Headers[k])})
	}
	h = append(h, struct{ k, v string }{"Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()})})
	for _, kv := range h {
		if strings.ContainsAny(kv.k+kv.v, "\r\n") || !headerName.MatchString(kv.k) {
			return fmt.Errorf("mail: header %q: line breaks or bad name", kv.k)
		}
		if _, err := fmt.Fprintf(w, "%s: %s\r\n", kv.k, kv.v); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(w, "\r\n"); err != nil {
		return err
	}

	part, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(part)
	if _, err := io.WriteString(qp, strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")); err != nil {
		return err
	}
	if err := qp.Close(); err != nil {
		return err
	}
	for _, a := range m.Attachments {
		if err := writeAttachment(mw, a); err != nil {
			return fmt.Errorf("mail: attachment %q: %w", a.Filename, err)
		}
	}
	return mw.Close()
}

func writeAttachment(mw *multipart.Writer, a Attachment) error {
	if a.Filename == "" || strings.ContainsAny(a.Filename, "/\\\x00\r\n") {
		return errors.New("file name is empty or has a path separator or line break")
	}
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	part, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType(ct, map[string]string{"name": a.Filename})},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return err
	}
	lw := &lineWriter{w: part}
	enc := base64.NewEncoder(base64.StdEncoding, lw)
	if _, err := io.Copy(enc, a.Content); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return lw.end()
}

var (
	messageIDPattern = lazyre.New(`^[A-Za-z0-9!#$%&'*+/=?^_{|}~.-]+@[A-Za-z0-9.-]+$`)
	headerName       = lazyre.New(`^[A-Za-z0-9-]+$`)
)

func randomID(from string) string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("%x@%s", b, domainOf(from))
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i+1 < len(addr) {
		return addr[i+1:]
	}
	return "localhost"
}

var crlf = []byte("\r\n")

// lineWriter breaks base64 output into lines of 76 characters (RFC 2045).
type lineWriter struct {
	w   io.Writer
	col int
}

func (l *lineWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(76-l.col, len(p))
		if _, err := l.w.Write(p[:k]); err != nil {
			return n, err
		}
		n, l.col, p = n+k, l.col+k, p[k:]
		if l.col == 76 {
			if _, err := l.w.Write(crlf); err != nil {
				return n, err
			}
			l.col = 0
		}
	}
	return n, nil
}

func (l *lineWriter) end() error {
	if l.col > 0 {
		_, err := l.w.Write(crlf)
		return err
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
