package mail

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"time"

	"github.com/icss/icss/internal/loopback"
	"github.com/icss/icss/internal/redact"
)

// TLSMode says how the connection to the relay is protected.
type TLSMode string

const (
	// StartTLS connects in plain text and upgrades with STARTTLS before anything
	// else; a relay that does not offer it is refused (the default, port 587).
	StartTLS TLSMode = "starttls"
	// ImplicitTLS speaks TLS from the first byte (SMTPS, port 465).
	ImplicitTLS TLSMode = "tls"
	// NoTLS sends in plain text: allowed only to a loopback relay (tests, or a
	// local MTA that relays onwards itself).
	NoTLS TLSMode = "none"
)

// Config is the SMTP relay (YAML key "smtp" in the daemon's configuration).
type Config struct {
	// Host and Port of the relay. Port defaults to 587 (465 with tls: tls).
	Host string `yaml:"host"`
	Port int    `yaml:"port"`
	// From is the sender, "icss <icss@port.example>" or a bare address. Required.
	From string `yaml:"from"`
	// Username, when set, authenticates with AUTH PLAIN or LOGIN (inside TLS only).
	Username string `yaml:"username"`
	// Password is resolved by the config package from its own Secret field; never
	// read from YAML here.
	Password redact.Bytes `yaml:"-" json:"-"`
	// TLS is "starttls" (default), "tls" or "none" (loopback only).
	TLS TLSMode `yaml:"tls"`
	// CAFile, when set, is a PEM bundle trusted instead of the system roots (a
	// relay with a private CA).
	CAFile string `yaml:"ca_file"`
	// ServerName is the name the relay's certificate must carry; default Host.
	ServerName string `yaml:"server_name"`
	// HelloName is the name sent in EHLO; default the machine's host name.
	HelloName string `yaml:"hello_name"`
	// Timeout bounds one whole session (connect, TLS, auth, message); default 60s.
	Timeout time.Duration `yaml:"timeout"`
}

// WithDefaults returns a copy of c with its unset optional fields at their defaults.
func (c Config) WithDefaults() Config {
	if c.TLS == "" {
		c.TLS = StartTLS
	}
	if c.Port == 0 {
		c.Port = 587
		if c.TLS == ImplicitTLS {
			c.Port = 465
		}
	}
	if c.Timeout == 0 {
		c.Timeout = 60 * time.Second
	}
	if c.HelloName == "" {
		if h, err := os.Hostname(); err == nil {
			c.HelloName = h
		} else {
			c.HelloName = "localhost"
		}
	}
	return c
}

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
	if c.Host == "" {
		bad("host", "is required")
	}
	if c.Port < 1 || c.Port > 65535 {
		bad("port", "%d is outside 1..65535", c.Port)
	}
	if c.From == "" {
		bad("from", "is required")
	} else if _, err := mail.ParseAddress(c.From); err != nil {
		bad("from", "%q: %w", c.From, err)
	}
	switch c.TLS {
	case StartTLS, ImplicitTLS:
	case NoTLS:
		if !loopback.Host(c.Host) {
			bad("tls", "%q is allowed only to a loopback relay, not %q: use starttls or tls", NoTLS, c.Host)
		}
	default:
		bad("tls", "%q is not one of starttls, tls, none", c.TLS)
	}
	switch {
	case c.Username != "" && len(c.Password) == 0:
		bad("password", "is required with username")
	case c.Username == "" && len(c.Password) > 0:
		bad("username", "is required with password")
	}
	if c.CAFile != "" {
		if _, err := c.rootCAs(); err != nil {
			bad("ca_file", "%w", err)
		}
	}
	if c.Timeout < 0 {
		bad("timeout", "must not be negative")
	}
	return errors.Join(errs...)
}

func (c *Config) rootCAs() (*x509.CertPool, error) {
	if c.CAFile == "" {
		return nil, nil // the system roots
	}
	pem, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", c.CAFile)
	}
	return pool, nil
}

func (c *Config) tlsConfig() (*tls.Config, error) {
	roots, err := c.rootCAs()
	if err != nil {
		return nil, &FieldError{Field: "ca_file", Err: err}
	}
	name := c.ServerName
	if name == "" {
		name = c.Host
	}
	return &tls.Config{ServerName: name, RootCAs: roots, MinVersion: tls.VersionTLS12}, nil
}
