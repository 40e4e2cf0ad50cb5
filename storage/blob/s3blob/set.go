package s3blob

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/icss/icss/storage/blob"
)

// SetConfig lays the purposes out on one S3 server.
type SetConfig struct {
	Connection Connection `json:"connection" yaml:"connection"`
	// Stores gives each purpose its bucket (or prefix); every purpose in
	// blob.Purposes must be present.
	Stores map[blob.Purpose]Config `json:"stores" yaml:"stores"`
}

// EvidenceRetention is the default retention of exam evidence: governance
// mode, so an administrator can correct a mistaken upload, for six years,
// the retention CBSA asks of commercial records.
var EvidenceRetention = Retention{Mode: "GOVERNANCE", Period: 6 * 365 * 24 * time.Hour}

// DefaultSetConfig gives each purpose its own bucket named bucketPrefix +
// purpose ("icss-raw", "icss-evidence", ...), with EvidenceRetention on
// evidence. A bucket per purpose is what lets a bucket policy grant the
// partner agency the results and nothing else.
func DefaultSetConfig(conn Connection, bucketPrefix string) SetConfig {
	cfg := SetConfig{Connection: conn, Stores: map[blob.Purpose]Config{}}
	for _, p := range blob.Purposes() {
		c := Config{Bucket: bucketPrefix + string(p)}
		if p == blob.Evidence {
			r := EvidenceRetention
			c.Retention = &r
		}
		cfg.Stores[p] = c
	}
	return cfg
}

// SharedBucketSetConfig puts every purpose in one bucket under its own
// prefix ("raw/", "evidence/", ...), for servers where buckets are scarce.
// The bucket is created with object lock so that evidence can be retained;
// the other purposes' objects carry no retention. A bucket per purpose
// (DefaultSetConfig) is still the better layout: listing can then be
// granted per purpose without relying on policy conditions.
func SharedBucketSetConfig(conn Connection, bucket string) SetConfig {
	cfg := DefaultSetConfig(conn, "")
	for p, c := range cfg.Stores {
		c.Bucket, c.Prefix = bucket, string(p)+"/"
		cfg.Stores[p] = c
	}
	return cfg
}

// Validate reports a missing purpose or a bad field, naming it.
func (c SetConfig) Validate() error {
	if err := c.Connection.Validate(); err != nil {
		return err
	}
	for p := range c.Stores {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("s3: Stores: %w", err)
		}
	}
	for _, p := range blob.Purposes() {
		sc, ok := c.Stores[p]
		if !ok {
			return fmt.Errorf("s3: Stores[%s] is missing", p)
		}
		if err := sc.Validate(); err != nil {
			return fmt.Errorf("s3: Stores[%s]: %w", p, err)
		}
	}
	return nil
}

// OpenSet connects, makes sure every bucket exists (with object lock where
// retention is configured) and returns one Store per purpose.
func OpenSet(ctx context.Context, cfg SetConfig) (blob.Set, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cl, err := NewClient(cfg.Connection)
	if err != nil {
		return nil, err
	}
	set := blob.Set{}
	// Stores with retention first: when purposes share a bucket, the one
	// that needs object lock must be the one that creates it.
	order := blob.Purposes()
	sort.SliceStable(order, func(i, j int) bool {
		return cfg.Stores[order[i]].Retention != nil && cfg.Stores[order[j]].Retention == nil
	})
	for _, p := range order {
		st, err := New(cl, cfg.Stores[p])
		if err != nil {
			return nil, fmt.Errorf("s3: Stores[%s]: %w", p, err)
		}
		if err := st.EnsureBucket(ctx); err != nil {
			return nil, fmt.Errorf("s3: Stores[%s]: %w", p, err)
		}
		set[p] = st
	}
	return set, nil
}
