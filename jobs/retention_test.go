package jobs_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The retention stage deletes the raw copies of files acknowledged longer ago than
// retention.raw, and only those.
func TestRetentionDeletesOldRawCopies(t *testing.T) {
	t.Parallel()
	c := newCorridor(t, "retention: {raw: 1s}\n")
	b, _ := os.ReadFile(c.config)
	os.WriteFile(c.config, []byte(strings.Replace(string(b), "schedules:\n", "schedules:\n  - {name: retention, spec: \"CRON_TZ=UTC 30 3 * * *\", stage: retention}\n", 1)), 0o644)
	c.drop("m.x12", manifest(t, 20, 42))
	ctx := context.Background()
	raw := func() []string {
		var keys []string
		filepath.WalkDir(filepath.Join(c.dir, "data/blobs/raw/sha256"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				keys = append(keys, p)
			}
			return nil
		})
		return keys
	}
	c.runOnce(ctx)
	if n := len(raw()); n != 1 {
		t.Fatalf("%d raw copies after the first run", n)
	}
	time.Sleep(1100 * time.Millisecond)
	c.runOnce(ctx)
	if got := raw(); len(got) != 0 {
		t.Errorf("raw copies left: %v", got)
	}
}
