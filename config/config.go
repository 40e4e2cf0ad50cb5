package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/blob/s3blob"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/storage/state"
	"go.yaml.in/yaml/v3"
)

// Config is the whole configuration of an icss node.
type Config struct {
	// DataDir holds the embedded defaults: the SQLite ledger and the local blob store.
	// Default "icss-data" next to the configuration file.
	DataDir string `yaml:"data_dir"`
	// State is the ledger database; default SQLite at DataDir/ledger.db.
	State State `yaml:"state"`
	// Blob is the blob store; default a local directory at DataDir/blobs.
	Blob Blob `yaml:"blob"`
	// SpoolDir holds downloads until they are stored; default DataDir/spool.
	SpoolDir string `yaml:"spool_dir"`
	// Endpoints are the SFTP servers icss pulls from and pushes to.
	Endpoints []Endpoint `yaml:"endpoints"`

	// What `icss run` adds (config/daemon.go).

	// Node names this node in logs, the status and River; default the host name.
	Node string `yaml:"node"`
	// Ports are the ports of examination, with their exam-list cut-offs.
	Ports []Port `yaml:"ports"`
	// Schedules run the scheduled stages (pull, retention) on cron specs.
	Schedules []Schedule `yaml:"schedules"`
	Jobs      Jobs       `yaml:"jobs"`
	Risk      Risk       `yaml:"risk"`
	Acks      Acks       `yaml:"acks"`
	ExamLists ExamLists  `yaml:"exam_lists"`
	Notices   Notices    `yaml:"notices"`
	// Results, when set, builds and delivers signed result batches to the partner.
	Results   *Results  `yaml:"results"`
	Retention Retention `yaml:"retention"`
	HTTP      HTTP      `yaml:"http"`
	// SMTP is the relay exam lists are mailed through; none: no e-mail.
	SMTP *SMTP `yaml:"smtp"`
	// SigningKey is icss's ed25519 private key (PEM, icss keys generate), which signs
	// result batches and evidence manifests: {file: PATH} or {env: NAME}.
	SigningKey Secret `yaml:"signing_key"`
}

// State configures the ledger (storage/state).
type State struct {
	Driver string `yaml:"driver"` // "sqlite" (default) or "postgres"
	DSN    string `yaml:"dsn"`    // sqlite: a path; postgres: a URL without password
	// DSNSecret, when set, replaces DSN (a PostgreSQL URL with its password).
	DSNSecret    Secret        `yaml:"dsn_secret"`
	MaxOpenConns int           `yaml:"max_open_conns"`
	BusyTimeout  time.Duration `yaml:"busy_timeout"`
}

// Ledger returns the storage/state configuration; now may be nil (time.Now).
func (s State) Ledger(now func() time.Time) state.Config {
	dsn := s.DSN
	if s.DSNSecret.set {
		dsn = string(s.DSNSecret.Value())
	}
	return state.Config{Driver: s.Driver, DSN: dsn, MaxOpenConns: s.MaxOpenConns, BusyTimeout: s.BusyTimeout, Now: now}
}

// Blob configures the blob store: a local directory (the embedded default), or S3
// when S3 is set.
type Blob struct {
	// Dir is the root of the local store (one subdirectory per purpose).
	Dir string `yaml:"dir"`
	// S3, when set, keeps every purpose in its own bucket on an S3 server instead.
	S3 *S3 `yaml:"s3"`
}

// S3 is an S3-compatible server with a bucket per purpose (BucketPrefix + purpose:
// icss-raw, icss-records, icss-exam-lists, icss-evidence, icss-results).
type S3 struct {
	Endpoint     string `yaml:"endpoint"` // host[:port], no scheme
	Region       string `yaml:"region"`
	AccessKey    string `yaml:"access_key"`
	SecretKey    Secret `yaml:"secret_key"`
	Insecure     bool   `yaml:"insecure"`      // plain HTTP; loopback test servers only
	BucketPrefix string `yaml:"bucket_prefix"` // default "icss-"
}

// SetConfig returns the s3blob configuration (evidence under retention).
func (s S3) SetConfig() s3blob.SetConfig {
	return s3blob.DefaultSetConfig(s3blob.Connection{
		Endpoint: s.Endpoint, Region: s.Region, AccessKey: s.AccessKey,
		SecretKey: string(s.SecretKey.Value()), Insecure: s.Insecure,
	}, s.BucketPrefix)
}

// Open opens the configured blob stores, one per purpose; close them with Set.Close.
func (b Blob) Open(ctx context.Context) (blob.Set, error) {
	if b.S3 != nil {
		return s3blob.OpenSet(ctx, b.S3.SetConfig())
	}
	return blob.OpenDirSet(b.Dir)
}

// Endpoint is an SFTP endpoint: sftp.Config plus its key passphrase secret.
type Endpoint struct {
	sftp.Config `yaml:",inline"`
	// Role is what the endpoint is to the corridor: carrier, port or partner
	// (config.Role*). An endpoint without a role is for icss pull and push by hand
	// only; icss run leaves it alone.
	Role string `yaml:"role"`
	// KeyPassphrase decrypts key_file when it is encrypted.
	KeyPassphrase Secret `yaml:"key_passphrase"`
}

// SFTP returns the endpoint's sftp.Config with the passphrase filled in.
func (e Endpoint) SFTP() sftp.Config {
	c := e.Config
	if e.KeyPassphrase.set {
		c.KeyPassphrase = e.KeyPassphrase.Value()
	}
	return c
}

// Endpoint returns the endpoint called name.
func (c *Config) Endpoint(name string) (Endpoint, error) {
	for _, e := range c.Endpoints {
		if e.Name == name {
			return e, nil
		}
	}
	names := make([]string, len(c.Endpoints))
	for i, e := range c.Endpoints {
		names[i] = e.Name
	}
	return Endpoint{}, fmt.Errorf("no endpoint named %q (configured: %v)", name, names)
}

// Options adjust Load; the zero value reads the process environment.
type Options struct {
	// LookupEnv reads environment variables; default os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// Load reads, completes and validates the configuration file at path.
func Load(path string) (*Config, error) { return LoadWith(path, Options{}) }

// LoadWith is Load with options.
func LoadWith(path string, opts Options) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(b, filepath.Dir(abs), opts)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes YAML; relative paths are made absolute against baseDir, defaults
// applied, secrets resolved, and the result validated.
func Parse(data []byte, baseDir string, opts Options) (*Config, error) {
	if opts.LookupEnv == nil {
		opts.LookupEnv = os.LookupEnv
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	c.complete(baseDir)
	var errs []error
	resolve := func(field string, s *Secret) {
		if s.IsSet() {
			if err := s.resolve(opts.LookupEnv, baseDir); err != nil {
				errs = append(errs, &FieldError{Field: field, Err: err})
			}
		}
	}
	resolve("state.dsn_secret", &c.State.DSNSecret)
	if c.Blob.S3 != nil {
		resolve("blob.s3.secret_key", &c.Blob.S3.SecretKey)
	}
	for i := range c.Endpoints {
		resolve(fmt.Sprintf("endpoints[%d].key_passphrase", i), &c.Endpoints[i].KeyPassphrase)
	}
	resolve("signing_key", &c.SigningKey)
	resolve("http.token", &c.HTTP.TokenSecret)
	resolve("http.password", &c.HTTP.PasswordSecret)
	if c.SMTP != nil {
		resolve("smtp.password", &c.SMTP.PasswordSecret)
	}
	if err := errors.Join(append(errs, c.Validate())...); err != nil {
		return nil, err
	}
	return &c, nil
}

// complete fills defaults and makes paths absolute.
func (c *Config) complete(baseDir string) {
	if c.DataDir == "" {
		c.DataDir = "icss-data"
	}
	c.DataDir = absPath(baseDir, c.DataDir)
	if c.State.Driver == "" {
		c.State.Driver = state.DriverSQLite
	}
	if c.State.Driver == state.DriverSQLite {
		if c.State.DSN == "" {
			c.State.DSN = filepath.Join(c.DataDir, "ledger.db")
		}
		c.State.DSN = absPath(baseDir, c.State.DSN)
	}
	if c.Blob.S3 != nil && c.Blob.S3.BucketPrefix == "" {
		c.Blob.S3.BucketPrefix = "icss-"
	}
	if c.Blob.Dir == "" {
		c.Blob.Dir = filepath.Join(c.DataDir, "blobs")
	}
	c.Blob.Dir = absPath(baseDir, c.Blob.Dir)
	if c.SpoolDir == "" {
		c.SpoolDir = filepath.Join(c.DataDir, "spool")
	}
	c.SpoolDir = absPath(baseDir, c.SpoolDir)
	c.completeDaemon(baseDir)
	if c.Results != nil && c.Results.BatchDir != "" {
		c.Results.BatchDir = absPath(baseDir, c.Results.BatchDir)
	}
	for i := range c.Endpoints {
		e := &c.Endpoints[i]
		e.Config = e.Config.WithDefaults()
		if e.KeyFile != "" {
			e.KeyFile = absPath(baseDir, e.KeyFile)
		}
		if e.KnownHostsFile != "" {
			e.KnownHostsFile = absPath(baseDir, e.KnownHostsFile)
		}
	}
}

// Validate checks the whole configuration; each error names its field by YAML path
// (e.g. "endpoints[1].known_hosts_file: is required ...").
func (c *Config) Validate() error {
	var errs []error
	bad := func(field string, err error) { errs = append(errs, &FieldError{Field: field, Err: err}) }
	ledger := c.State.Ledger(nil)
	if c.State.DSNSecret.IsSet() && c.State.DSN != "" && c.State.Driver == state.DriverPostgres {
		bad("state.dsn_secret", errors.New("set either dsn or dsn_secret, not both"))
	}
	if !c.State.DSNSecret.IsSet() || c.State.DSNSecret.set {
		if err := ledger.Validate(); err != nil {
			bad("state", err)
		}
	}
	if s3 := c.Blob.S3; s3 != nil {
		if !s3.SecretKey.IsSet() {
			bad("blob.s3.secret_key", errors.New("is required ({env: NAME} or {file: PATH})"))
		} else if s3.SecretKey.set {
			if err := s3.SetConfig().Validate(); err != nil {
				bad("blob.s3", err)
			}
		}
	}
	if len(c.Endpoints) == 0 {
		bad("endpoints", errors.New("none configured"))
	}
	seen := map[string]int{}
	for i, e := range c.Endpoints {
		prefix := fmt.Sprintf("endpoints[%d]", i)
		if e.Name != "" {
			prefix = fmt.Sprintf("endpoints[%d] (%s)", i, e.Name)
			if j, dup := seen[e.Name]; dup {
				bad(prefix+".name", fmt.Errorf("%q is also the name of endpoints[%d]", e.Name, j))
			}
			seen[e.Name] = i
		}
		if err := e.Config.Validate(); err != nil {
			for _, one := range unjoin(err) {
				var fe *sftp.FieldError
				if errors.As(one, &fe) {
					bad(fmt.Sprintf("endpoints[%d].%s", i, fe.Field), fe.Err)
				} else {
					bad(prefix, one)
				}
			}
		}
	}
	c.validateDaemon(bad)
	return errors.Join(errs...)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func absPath(base, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}

// FieldError is a configuration error naming the field by its YAML path.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }
