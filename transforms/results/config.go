package results

import (
	"errors"
	"fmt"
	"time"

	"github.com/icss/icss/storage/state"
)

// DeliveryConfig is the results stage's part of icss's configuration (the
// daemon embeds it): where batches are kept and how they are delivered.
// Durations in YAML are Go durations ("1m", "2h").
type DeliveryConfig struct {
	// BatchDir holds the batches Build writes and Deliver sends. Required.
	BatchDir string `yaml:"batch_dir" json:"batch_dir"`
	// SFTPEndpoint names the SFTP endpoint (of the configuration's
	// endpoints) whose outbox is the partner's inbox; empty for none.
	SFTPEndpoint string `yaml:"sftp_endpoint" json:"sftp_endpoint"`
	// Bucket publishes batches in the results blob store (blob.Results),
	// which the partner's read-only account polls. Default true.
	Bucket *bool `yaml:"bucket" json:"bucket"`
	// PartnerAccounts are the S3 principals GrantRead gives list and read
	// access to the results bucket.
	PartnerAccounts []string `yaml:"partner_accounts" json:"partner_accounts"`
	// MaxAttempts, Backoff and BackoffMax: see DeliverOptions.
	MaxAttempts int           `yaml:"max_attempts" json:"max_attempts"`
	Backoff     time.Duration `yaml:"backoff" json:"backoff"`
	BackoffMax  time.Duration `yaml:"backoff_max" json:"backoff_max"`
}

// Validate reports a field that cannot work, naming it.
func (c DeliveryConfig) Validate() error {
	switch {
	case c.BatchDir == "":
		return errors.New("results: batch_dir is required")
	case c.SFTPEndpoint == "" && !c.UseBucket():
		return errors.New("results: no channel: set sftp_endpoint, or leave bucket true")
	case c.MaxAttempts < 0:
		return fmt.Errorf("results: max_attempts %d is negative", c.MaxAttempts)
	case c.Backoff < 0 || c.BackoffMax < 0:
		return errors.New("results: backoff and backoff_max must not be negative")
	case c.BackoffMax != 0 && c.BackoffMax < c.Backoff:
		return fmt.Errorf("results: backoff_max %s is shorter than backoff %s", c.BackoffMax, c.Backoff)
	}
	return nil
}

// UseBucket reports whether batches go to the results bucket.
func (c DeliveryConfig) UseBucket() bool { return c.Bucket == nil || *c.Bucket }

// Options returns the DeliverOptions of this configuration.
func (c DeliveryConfig) Options(ledger *state.Ledger, channels ...Channel) DeliverOptions {
	return DeliverOptions{Dir: c.BatchDir, Ledger: ledger, Channels: channels,
		MaxAttempts: c.MaxAttempts, Backoff: c.Backoff, BackoffMax: c.BackoffMax}
}
