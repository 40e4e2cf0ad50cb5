package sftp

import (
	"errors"
	"fmt"
	"net"
	"path"
	"time"
)

// AfterPull says what happens on the server to a file once its raw copy is durable.
type AfterPull string

const (
	// Archive renames the file into Config.Archive (the default): the carrier can see what
	// was taken, and nothing is lost if our store is later found wanting.
	Archive AfterPull = "archive"
	// Delete removes the file.
	Delete AfterPull = "delete"
)

// Config describes one SFTP endpoint: a carrier's drop box, a staff folder or the
// partner's inbox. The zero value is not usable; start from DefaultConfig. Durations in
// YAML are Go durations ("2s", "1m30s").
type Config struct {
	// Name identifies the endpoint in the ledger and logs (e.g. "cn-rail"). Required.
	Name string `yaml:"name"`
	// Addr is host:port of the server. Required.
	Addr string `yaml:"addr"`
	// User is the login name. Required.
	User string `yaml:"user"`
	// KeyFile is the client's private key in OpenSSH or PEM form (ed25519 or RSA). Required.
	KeyFile string `yaml:"key_file"`
	// KeyPassphrase decrypts KeyFile when it is encrypted. It is never read from YAML
	// directly: the config package resolves it from an environment variable or a file.
	KeyPassphrase Passphrase `yaml:"-" json:"-"`
	// KnownHostsFile pins the server's host keys (OpenSSH known_hosts format). Required:
	// there is no trust-on-first-use.
	KnownHostsFile string `yaml:"known_hosts_file"`

	// Inbox is the remote directory pull reads; empty for a push-only endpoint.
	Inbox string `yaml:"inbox"`
	// Archive is the remote directory pulled files are renamed into when AfterPull is
	// "archive"; default Inbox + "/archive".
	Archive string `yaml:"archive"`
	// AfterPull is "archive" (default) or "delete".
	AfterPull AfterPull `yaml:"after_pull"`
	// Outbox is the remote directory push writes to; empty for a pull-only endpoint.
	Outbox string `yaml:"outbox"`
	// Ignore lists path.Match globs of names pull never takes (writers' temporary names).
	// Default: *.part, *.tmp, .* (dot files, which include our own push temporaries).
	Ignore []string `yaml:"ignore"`
	// StableFor is how long a file's size and mtime must stay unchanged between two
	// listings before it is taken. Ignored when DoneSuffix is set. Default 5s.
	StableFor time.Duration `yaml:"stable_for"`
	// DoneSuffix, when set (e.g. ".done"), makes pull take a file only when a marker named
	// file+DoneSuffix exists; the marker is archived or deleted with the file.
	DoneSuffix string `yaml:"done_suffix"`
	// MaxFileSize is the largest file pull accepts, in bytes; bigger ones are left in place
	// and reported. Default 2 GiB.
	MaxFileSize int64 `yaml:"max_file_size"`
	// MaxAttempts is how many failed pulls of one file are tolerated before it is
	// quarantined in the ledger and left alone. Default 5.
	MaxAttempts int `yaml:"max_attempts"`
	// MaxConcurrent caps simultaneous transfers on this endpoint. Default 4.
	MaxConcurrent int `yaml:"max_concurrent"`
	// DialTimeout bounds the TCP connect and SSH handshake. Default 15s.
	DialTimeout time.Duration `yaml:"dial_timeout"`
	// KeepAlive is the interval of keepalive@openssh.com probes; a connection that does
	// not answer one within the interval is closed and redialled. Default 30s.
	KeepAlive time.Duration `yaml:"keep_alive"`
	// Retries is how many times an operation is retried after a lost connection. Default 5.
	Retries int `yaml:"retries"`
	// RetryBackoff is the first redial delay, doubled after each failure up to
	// RetryBackoffMax. Defaults 500ms and 30s.
	RetryBackoff    time.Duration `yaml:"retry_backoff"`
	RetryBackoffMax time.Duration `yaml:"retry_backoff_max"`
	// MaxPacket is the SFTP read/write payload size in bytes. Default 32768, which every
	// server accepts; OpenSSH (8.7 and later) accepts up to 261120, twice as fast (see the
	// package documentation). Too large a value for a server makes every download of a
	// larger file fail its size check; it never yields corrupt data.
	MaxPacket int `yaml:"max_packet"`
}

// DefaultConfig returns a Config with every optional field at its default.
func DefaultConfig() Config {
	var c Config
	c.applyDefaults()
	return c
}

// WithDefaults returns a copy of c whose unset optional fields have their defaults.
func (c Config) WithDefaults() Config {
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.AfterPull == "" {
		c.AfterPull = Archive
	}
	if c.Archive == "" && c.Inbox != "" {
		c.Archive = path.Join(c.Inbox, "archive")
	}
	if c.Ignore == nil {
		c.Ignore = []string{"*.part", "*.tmp", ".*"}
	}
	if c.StableFor == 0 {
		c.StableFor = 5 * time.Second
	}
	if c.MaxFileSize == 0 {
		c.MaxFileSize = 2 << 30
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 5
	}
	if c.MaxConcurrent == 0 {
		c.MaxConcurrent = 4
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = 15 * time.Second
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = 30 * time.Second
	}
	if c.Retries == 0 {
		c.Retries = 5
	}
	if c.RetryBackoff == 0 {
		c.RetryBackoff = 500 * time.Millisecond
	}
	if c.RetryBackoffMax == 0 {
		c.RetryBackoffMax = 30 * time.Second
	}
	if c.MaxPacket == 0 {
		c.MaxPacket = 32768
	}
}

// FieldError is a configuration error naming the field (YAML name) at fault.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Validate checks a Config after WithDefaults; every error names the field, and all of
// them are returned (errors.Join) so an operator fixes a file in one pass.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field string, format string, a ...any) {
		errs = append(errs, &FieldError{Field: field, Err: fmt.Errorf(format, a...)})
	}
	if c.Name == "" {
		bad("name", "is required")
	} else if err := ValidateName(c.Name); err != nil {
		bad("name", "%w", err)
	}
	if c.Addr == "" {
		bad("addr", "is required (host:port)")
	} else if h, p, err := net.SplitHostPort(c.Addr); err != nil || h == "" || p == "" {
		bad("addr", "%q is not host:port", c.Addr)
	}
	if c.User == "" {
		bad("user", "is required")
	}
	if c.KeyFile == "" {
		bad("key_file", "is required (key authentication only)")
	}
	if c.KnownHostsFile == "" {
		bad("known_hosts_file", "is required: host keys are pinned, never trusted on first use")
	}
	if c.Inbox == "" && c.Outbox == "" {
		bad("inbox", "is required unless outbox is set (the endpoint would do nothing)")
	}
	for _, d := range []struct{ field, dir string }{{"inbox", c.Inbox}, {"archive", c.Archive}, {"outbox", c.Outbox}} {
		if d.dir != "" {
			if err := validateDir(d.dir); err != nil {
				bad(d.field, "%w", err)
			}
		}
	}
	if c.Inbox != "" && path.Clean(c.Archive) == path.Clean(c.Inbox) && c.AfterPull == Archive {
		bad("archive", "must differ from inbox")
	}
	switch c.AfterPull {
	case Archive, Delete:
	default:
		bad("after_pull", "%q is neither %q nor %q", c.AfterPull, Archive, Delete)
	}
	for i, g := range c.Ignore {
		if _, err := path.Match(g, ""); err != nil {
			bad(fmt.Sprintf("ignore[%d]", i), "%q: %w", g, err)
		}
	}
	if c.DoneSuffix != "" {
		if err := ValidateName("x" + c.DoneSuffix); err != nil {
			bad("done_suffix", "%w", err)
		}
	}
	positive := []struct {
		field string
		v     int64
	}{
		{"stable_for", int64(c.StableFor)}, {"max_file_size", c.MaxFileSize},
		{"max_concurrent", int64(c.MaxConcurrent)}, {"max_attempts", int64(c.MaxAttempts)}, {"dial_timeout", int64(c.DialTimeout)},
		{"keep_alive", int64(c.KeepAlive)}, {"retries", int64(c.Retries)},
		{"retry_backoff", int64(c.RetryBackoff)}, {"retry_backoff_max", int64(c.RetryBackoffMax)},
	}
	for _, p := range positive {
		if p.v < 0 {
			bad(p.field, "must not be negative")
		}
	}
	if c.MaxConcurrent > 64 {
		bad("max_concurrent", "%d is over 64", c.MaxConcurrent)
	}
	if c.MaxPacket < 512 || c.MaxPacket > 261120 {
		bad("max_packet", "%d is outside 512..261120", c.MaxPacket)
	}
	if c.RetryBackoffMax < c.RetryBackoff {
		bad("retry_backoff_max", "%v is less than retry_backoff %v", c.RetryBackoffMax, c.RetryBackoff)
	}
	return errors.Join(errs...)
}

// Passphrase is a key passphrase; it prints as **redacted** so that a logged Config
// never shows it.
type Passphrase []byte

func (Passphrase) String() string   { return "**redacted**" }
func (Passphrase) GoString() string { return "**redacted**" }
