package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/icss/icss/internal/lazyre"
	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/jobs/schedule"
	"github.com/icss/icss/jobs/status"
	"github.com/icss/icss/storage/mail"
	"github.com/icss/icss/transforms/notices"
	"github.com/icss/icss/transforms/results"
)

// Roles an endpoint plays in the corridor (Endpoint.Role).
const (
	// RoleCarrier is a carrier's drop box: its inbox holds the advance cargo data
	// icss pulls, its outbox receives acknowledgments and notices.
	RoleCarrier = "carrier"
	// RolePort is the port staff's folder: exam lists go to its outbox, returned
	// (filled-in) lists and photos come from its inbox.
	RolePort = "port"
	// RolePartner is the partner agency's inbox: result batches go to its outbox.
	RolePartner = "partner"
)

// Roles lists the endpoint roles.
func Roles() []string { return []string{RoleCarrier, RolePort, RolePartner} }

// Port is a port of examination.
type Port struct {
	// Code is the port's UN/LOCODE (e.g. CAPRR), as the records' port of discharge.
	Code string `yaml:"code"`
	Name string `yaml:"name"`
	// Endpoint names the port staff's SFTP endpoint (role port): exam lists into its
	// outbox, returns from its inbox.
	Endpoint string `yaml:"endpoint"`
	// Cutoffs is the cron spec of the exam-list cut-offs, with CRON_TZ (e.g.
	// "CRON_TZ=America/Vancouver 0 6,14 * * *"): at each, the list of what was
	// selected since the previous one is built and delivered.
	Cutoffs string `yaml:"cutoffs"`
	// Email lists the staff addresses the exam list is mailed to.
	Email []string `yaml:"email"`
}

// Schedule runs a stage on a cron spec.
type Schedule struct {
	// Name identifies the schedule in the ledger (its last run) and the status.
	Name string `yaml:"name"`
	// Spec is a five-field cron spec (or @daily, @hourly, ...) prefixed with
	// CRON_TZ=<IANA zone>, which is required: a cut-off means a local time.
	Spec string `yaml:"spec"`
	// Stage is what runs: "pull" (every carrier and port inbox), "learn" (refresh
	// the history from exam outcomes) or "retention".
	Stage string `yaml:"stage"`
}

// Scheduled stages (Schedule.Stage).
const (
	StagePull      = "pull"
	StageLearn     = "learn"
	StageRetention = "retention"
)

// Jobs tunes the durable job queue (River).
type Jobs struct {
	// Workers is how many jobs run at once on this node. Default 4.
	Workers int `yaml:"workers"`
	// MaxAttempts is how many times a job is tried before it is parked (shown by
	// `icss status` and `icss jobs list`, never dropped). Default 12.
	MaxAttempts int `yaml:"max_attempts"`
	// RetryBackoff is the wait after the first failure, doubled after each next one
	// up to RetryBackoffMax. Defaults 2s and 5m.
	RetryBackoff    time.Duration `yaml:"retry_backoff"`
	RetryBackoffMax time.Duration `yaml:"retry_backoff_max"`
	// Timeout bounds one job's run. Default 30m.
	Timeout time.Duration `yaml:"timeout"`
	// ShutdownTimeout is how long `icss run` lets running jobs finish after SIGTERM
	// before cancelling them (they are retried later, on this node or another). Default 30s.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// PollInterval is how often an idle node looks for new jobs. Default 1s.
	PollInterval time.Duration `yaml:"poll_interval"`
}

// Risk is what the score stage runs with.
type Risk struct {
	// Rules is a rule-set YAML file; default the shipped rule set.
	Rules string `yaml:"rules"`
	// History is a history learned from exam outcomes (icss risk learn).
	History string `yaml:"history"`
	// Referrals is a CSV of partner and officer referrals.
	Referrals string `yaml:"referrals"`
	// Capacity, when positive, keeps at most this many selections per port and day.
	Capacity int `yaml:"capacity"`
}

// ExamLists configures how exam lists reach port staff.
type ExamLists struct {
	// LinkValidFor is how long the presigned link to a list in the exam-lists bucket
	// (S3 only) stays valid. Default 72h, at most 7 days (S3's limit).
	LinkValidFor time.Duration `yaml:"link_valid_for"`
}

// Results is the results stage (transforms/results.DeliveryConfig: batch_dir,
// sftp_endpoint, bucket, partner_accounts, max_attempts, backoff, backoff_max).
type Results = results.DeliveryConfig

// Notices configures hold and release notices (transforms/notices.Config: x12_sender,
// edifact_sender, receiver_qualifier, test, carriers, terminals) and, optionally,
// the disposition table (codes: a YAML file, default the shipped one). A carrier
// without a route is answered through the endpoint its bills came from.
type Notices struct {
	notices.Config `yaml:",inline"`
	CodesFile      string         `yaml:"codes"`
	Codes          *notices.Codes `yaml:"-"`
}

// Acks configures the acknowledgments answered to carriers.
type Acks struct {
	// Sender is our interchange ID as QUALIFIER:ID; default the receiver of each
	// interchange acknowledged.
	Sender string `yaml:"sender"`
	// Format forces "997" or "999" for X12 groups; default by version.
	Format string `yaml:"format"`
}

// Retention says how long what is kept stays.
type Retention struct {
	// Raw is how long a carrier file's raw copy is kept once it is acknowledged; 0
	// keeps it forever.
	Raw time.Duration `yaml:"raw"`
}

// HTTP is the status server of `icss run` (jobs/status.Config: addr, username,
// cert_file, key_file, refresh) with its credentials as secrets. addr "off"
// disables the server.
type HTTP struct {
	status.Config `yaml:",inline"`
	// TokenSecret admits "Authorization: Bearer <token>".
	TokenSecret Secret `yaml:"token"`
	// PasswordSecret is the basic-auth password of username.
	PasswordSecret Secret `yaml:"password"`
}

// Off reports whether the server is disabled.
func (h HTTP) Off() bool { return h.Addr == "off" }

// Server returns the status server's configuration with its credentials.
func (h HTTP) Server() status.Config {
	c := h.Config
	c.Token, c.Password = h.TokenSecret.Value(), h.PasswordSecret.Value()
	return c.WithDefaults()
}

// SMTP is the relay exam lists are mailed through (storage/mail.Config: host, port,
// from, username, tls, ca_file, server_name, hello_name, timeout), its password a secret.
type SMTP struct {
	mail.Config    `yaml:",inline"`
	PasswordSecret Secret `yaml:"password"`
}

// Mail returns the relay's configuration with its password.
func (s SMTP) Mail() mail.Config {
	c := s.Config
	c.Password = s.PasswordSecret.Value()
	return c.WithDefaults()
}

var scheduleName = lazyre.New(`^[a-z0-9][a-z0-9._-]{0,62}$`)

func (c *Config) completeDaemon(baseDir string) {
	if c.Node == "" {
		c.Node, _ = os.Hostname()
	}
	if c.HTTP.Addr == "" {
		c.HTTP.Addr = status.DefaultAddr
	}
	j := &c.Jobs
	if c.Notices.X12Sender == (notices.Party{}) && c.Notices.EDIFACTSender == (notices.Party{}) {
		def := notices.DefaultConfig()
		c.Notices.X12Sender, c.Notices.EDIFACTSender = def.X12Sender, def.EDIFACTSender
		if c.Notices.ReceiverQualifier == "" {
			c.Notices.ReceiverQualifier = def.ReceiverQualifier
		}
	}
	c.Notices.CodesFile = absPath(baseDir, c.Notices.CodesFile)
	if c.ExamLists.LinkValidFor == 0 {
		c.ExamLists.LinkValidFor = 72 * time.Hour
	}
	if j.Workers == 0 {
		j.Workers = 4
	}
	if j.MaxAttempts == 0 {
		j.MaxAttempts = 12
	}
	if j.RetryBackoff == 0 {
		j.RetryBackoff = 2 * time.Second
	}
	if j.RetryBackoffMax == 0 {
		j.RetryBackoffMax = 5 * time.Minute
	}
	if j.Timeout == 0 {
		j.Timeout = 30 * time.Minute
	}
	if j.ShutdownTimeout == 0 {
		j.ShutdownTimeout = 30 * time.Second
	}
	if j.PollInterval == 0 {
		j.PollInterval = time.Second
	}
	for _, p := range []*string{&c.Risk.Rules, &c.Risk.History, &c.Risk.Referrals} {
		*p = absPath(baseDir, *p)
	}
}

// validateDaemon checks what `icss run` adds to the configuration.
func (c *Config) validateDaemon(bad func(string, error)) {
	roles := map[string]string{}
	for i, e := range c.Endpoints {
		field := fmt.Sprintf("endpoints[%d].role", i)
		switch e.Role {
		case RoleCarrier:
			if e.Inbox == "" {
				bad(field, errors.New("a carrier endpoint needs an inbox (its advance cargo data)"))
			}
		case RolePort:
			if e.Outbox == "" {
				bad(field, errors.New("a port endpoint needs an outbox (exam lists)"))
			}
		case RolePartner:
			if e.Outbox == "" {
				bad(field, errors.New("a partner endpoint needs an outbox (result batches)"))
			}
		case "": // used by hand only (icss pull, icss push)
		default:
			bad(field, fmt.Errorf("%q is not one of %s", e.Role, strings.Join(Roles(), ", ")))
		}
		roles[e.Name] = e.Role
	}
	seenPort := map[string]bool{}
	for i, p := range c.Ports {
		f := fmt.Sprintf("ports[%d]", i)
		if len(p.Code) != 5 || strings.ToUpper(p.Code) != p.Code {
			bad(f+".code", fmt.Errorf("%q is not a UN/LOCODE (5 upper-case characters)", p.Code))
		} else if seenPort[p.Code] {
			bad(f+".code", fmt.Errorf("%s is configured twice", p.Code))
		}
		seenPort[p.Code] = true
		if r, ok := roles[p.Endpoint]; !ok {
			bad(f+".endpoint", fmt.Errorf("%q names no endpoint", p.Endpoint))
		} else if r != RolePort {
			bad(f+".endpoint", fmt.Errorf("%q has role %q, not %q", p.Endpoint, r, RolePort))
		}
		if _, err := schedule.Parse(p.Cutoffs); err != nil {
			bad(f+".cutoffs", err)
		}
		for j, a := range p.Email {
			if !strings.Contains(a, "@") || strings.ContainsAny(a, " <>\r\n") {
				bad(fmt.Sprintf("%s.email[%d]", f, j), fmt.Errorf("%q is not an e-mail address", a))
			}
		}
	}
	seen := map[string]bool{}
	for i, s := range c.Schedules {
		f := fmt.Sprintf("schedules[%d]", i)
		if !scheduleName.MatchString(s.Name) {
			bad(f+".name", fmt.Errorf("%q is not a name (lower-case letters, digits, . _ -)", s.Name))
		} else if seen[s.Name] {
			bad(f+".name", fmt.Errorf("%q is used twice", s.Name))
		}
		seen[s.Name] = true
		if _, err := schedule.Parse(s.Spec); err != nil {
			bad(f+".spec", err)
		}
		switch s.Stage {
		case StagePull, StageLearn, StageRetention:
		default:
			bad(f+".stage", fmt.Errorf("%q is not a scheduled stage (%s, %s, %s; exam lists follow ports[].cutoffs)", s.Stage, StagePull, StageLearn, StageRetention))
		}
	}
	j := c.Jobs
	for _, p := range []struct {
		field string
		v     int64
	}{{"jobs.workers", int64(j.Workers)}, {"jobs.max_attempts", int64(j.MaxAttempts)}, {"jobs.retry_backoff", int64(j.RetryBackoff)},
		{"jobs.retry_backoff_max", int64(j.RetryBackoffMax)}, {"jobs.timeout", int64(j.Timeout)},
		{"jobs.shutdown_timeout", int64(j.ShutdownTimeout)}, {"jobs.poll_interval", int64(j.PollInterval)}} {
		if p.v <= 0 {
			bad(p.field, errors.New("must be positive"))
		}
	}
	if j.RetryBackoffMax < j.RetryBackoff {
		bad("jobs.retry_backoff_max", fmt.Errorf("%v is less than retry_backoff %v", j.RetryBackoffMax, j.RetryBackoff))
	}
	if j.Workers > 256 {
		bad("jobs.workers", fmt.Errorf("%d is over 256", j.Workers))
	}
	for _, f := range []struct{ field, path string }{{"risk.rules", c.Risk.Rules}, {"risk.history", c.Risk.History}, {"risk.referrals", c.Risk.Referrals}} {
		if f.path != "" {
			if _, err := os.Stat(f.path); err != nil {
				bad(f.field, err)
			}
		}
	}
	if c.Risk.Capacity < 0 {
		bad("risk.capacity", errors.New("must not be negative"))
	}
	if c.Acks.Sender != "" {
		if q, id, ok := strings.Cut(c.Acks.Sender, ":"); !ok || q == "" || id == "" {
			bad("acks.sender", fmt.Errorf("%q is not QUALIFIER:ID", c.Acks.Sender))
		}
	}
	switch c.Acks.Format {
	case "", "997", "999":
	default:
		bad("acks.format", fmt.Errorf("%q is neither 997 nor 999", c.Acks.Format))
	}
	if v := c.ExamLists.LinkValidFor; v < time.Second || v > 7*24*time.Hour {
		bad("exam_lists.link_valid_for", fmt.Errorf("%v is outside 1s..168h", v))
	}
	if r := c.Results; r != nil {
		if err := r.Validate(); err != nil {
			bad("results", err)
		}
		if r.SFTPEndpoint != "" {
			if role, ok := roles[r.SFTPEndpoint]; !ok {
				bad("results.sftp_endpoint", fmt.Errorf("%q names no endpoint", r.SFTPEndpoint))
			} else if role != RolePartner {
				bad("results.sftp_endpoint", fmt.Errorf("%q has role %q, not %q", r.SFTPEndpoint, role, RolePartner))
			}
		}
		if !c.SigningKey.IsSet() {
			bad("signing_key", errors.New("is required with results (batches are signed)"))
		}
	}
	for i, e := range c.Endpoints {
		if e.Role == RolePort && e.Inbox != "" && !c.SigningKey.IsSet() {
			bad(fmt.Sprintf("endpoints[%d].inbox", i), errors.New("returns are imported as signed evidence: signing_key is required"))
		}
	}
	if err := c.Notices.Config.Validate(); err != nil {
		bad("notices", err)
	}
	if c.Notices.CodesFile != "" {
		codes, err := notices.LoadCodes(c.Notices.CodesFile)
		if err != nil {
			bad("notices.codes", err)
		}
		c.Notices.Codes = codes
	}
	if c.Retention.Raw < 0 {
		bad("retention.raw", errors.New("must not be negative"))
	}
	if !c.HTTP.Off() && secretsReady(c.HTTP.TokenSecret, c.HTTP.PasswordSecret) {
		srv := c.HTTP.Server()
		prefixed(bad, "http", srv.Validate())
	}
	if c.SMTP != nil && secretsReady(c.SMTP.PasswordSecret) {
		m := c.SMTP.Mail()
		prefixed(bad, "smtp", m.Validate())
	}
	for i, p := range c.Ports {
		if len(p.Email) > 0 && c.SMTP == nil {
			bad(fmt.Sprintf("ports[%d].email", i), errors.New("needs smtp (the relay to send through)"))
		}
	}
	if c.SigningKey.set {
		if _, err := signing.ParsePrivateKey(c.SigningKey.Value()); err != nil {
			bad("signing_key", err)
		}
	}
}

// secretsReady reports whether every configured secret was resolved (a secret that
// failed to resolve has been reported already; validating without it would add
// a second, misleading error).
func secretsReady(secrets ...Secret) bool {
	for _, s := range secrets {
		if s.IsSet() && !s.set {
			return false
		}
	}
	return true
}

// prefixed reports a component's joined errors under prefix, keeping the
// component's own field names ("smtp.from: is required").
func prefixed(bad func(string, error), prefix string, err error) {
	if err == nil {
		return
	}
	for _, one := range unjoin(err) {
		var field string
		var inner error
		var sf *status.FieldError
		var mf *mail.FieldError
		switch {
		case errors.As(one, &sf):
			field, inner = sf.Field, sf.Err
		case errors.As(one, &mf):
			field, inner = mf.Field, mf.Err
		}
		if field == "" {
			bad(prefix, one)
		} else {
			bad(prefix+"."+field, inner)
		}
	}
}
