package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Sender sends messages through the configured relay, one SMTP session per
// message. It is safe for concurrent use.
type Sender struct {
	cfg Config
	tls *tls.Config
}

// NewSender validates cfg (after WithDefaults) and prepares a Sender; it does not
// connect.
func NewSender(cfg Config) (*Sender, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tc, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	return &Sender{cfg: cfg, tls: tc}, nil
}

// Send delivers m to its recipients in one SMTP transaction. The relay accepted
// the message when Send returns nil. An error for which Permanent reports true
// (5xx: a recipient refused, the message too large) will not succeed by retrying.
func (s *Sender) Send(ctx context.Context, m *Message) error {
	msg := *m
	if msg.From == "" {
		msg.From = s.cfg.From
	}
	rcpts, err := msg.Recipients()
	if err != nil {
		return err
	}
	from, err := parseAddress(msg.From)
	if err != nil {
		return fmt.Errorf("mail: from %q: %w", msg.From, err)
	}
	return s.session(ctx, func(c *smtp.Client) error {
		if err := c.Mail(from, nil); err != nil {
			return fmt.Errorf("MAIL FROM %s: %w", from, err)
		}
		for _, r := range rcpts {
			if err := c.Rcpt(r, nil); err != nil {
				return fmt.Errorf("RCPT TO %s: %w", r, err)
			}
		}
		wc, err := c.Data()
		if err != nil {
			return fmt.Errorf("DATA: %w", err)
		}
		if _, err := msg.WriteTo(wc); err != nil {
			// No wc.Close: it would end DATA and the relay would accept a truncated
			// message. Returning drops the connection, and the relay discards it.
			return fmt.Errorf("writing message %s: %w", msg.MessageID, err)
		}
		if err := wc.Close(); err != nil {
			return fmt.Errorf("message %s not accepted: %w", msg.MessageID, err)
		}
		return nil
	})
}

// Ping opens a session (connect, TLS, EHLO, AUTH) and quits: a readiness check
// that the relay is reachable and the credentials work.
func (s *Sender) Ping(ctx context.Context) error {
	return s.session(ctx, func(*smtp.Client) error { return nil })
}

// session connects, secures, authenticates, runs fn and quits, within
// cfg.Timeout and ctx.
func (s *Sender) session(ctx context.Context, fn func(*smtp.Client) error) (err error) {
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	defer func() {
		if err != nil {
			err = fmt.Errorf("mail: relay %s: %w", addr, err)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	// One deadline for the whole session, and the context can cut it short.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	var c *smtp.Client
	switch s.cfg.TLS {
	case ImplicitTLS:
		c = smtp.NewClient(tls.Client(conn, s.tls))
	case StartTLS:
		// Fails when the relay does not offer STARTTLS: never falls back to plain.
		c, err = smtp.NewClientStartTLS(conn, s.tls)
		if err != nil {
			conn.Close()
			return fmt.Errorf("STARTTLS: %w", err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HelloName); err != nil {
		return ctxErr(ctx, fmt.Errorf("EHLO: %w", err))
	}
	if s.cfg.Username != "" {
		if _, secure := c.TLSConnectionState(); !secure && s.cfg.TLS != NoTLS {
			return errors.New("refusing AUTH outside TLS")
		}
		var mech sasl.Client
		switch {
		case c.SupportsAuth(sasl.Plain):
			mech = sasl.NewPlainClient("", s.cfg.Username, string(s.cfg.Password))
		case c.SupportsAuth(sasl.Login): // Exchange and others offer only this
			mech = sasl.NewLoginClient(s.cfg.Username, string(s.cfg.Password))
		default:
			return errors.New("relay offers neither AUTH PLAIN nor AUTH LOGIN")
		}
		if err := c.Auth(mech); err != nil {
			return ctxErr(ctx, fmt.Errorf("AUTH as %s: %w", s.cfg.Username, err))
		}
	}
	if err := fn(c); err != nil {
		return ctxErr(ctx, err)
	}
	return ctxErr(ctx, c.Quit())
}

// ctxErr names the context's end as the cause when it cut the session short.
func ctxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", err, context.Cause(ctx))
	}
	return err
}

// Permanent reports whether err is a permanent SMTP failure (a 5xx reply): the
// daemon parks such a delivery instead of retrying it.
func Permanent(err error) bool {
	var se *smtp.SMTPError
	return errors.As(err, &se) && se.Code >= 500 && se.Code < 600
}
