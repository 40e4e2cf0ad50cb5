package results

import (
	"strings"
	"testing"
	"time"
)

func TestDeliveryConfigValidate(t *testing.T) {
	no := false
	for _, tc := range []struct {
		cfg  DeliveryConfig
		want string
	}{
		{DeliveryConfig{BatchDir: "data/results"}, ""},
		{DeliveryConfig{BatchDir: "d", SFTPEndpoint: "cbp", Bucket: &no}, ""},
		{DeliveryConfig{}, "batch_dir"},
		{DeliveryConfig{BatchDir: "d", Bucket: &no}, "no channel"},
		{DeliveryConfig{BatchDir: "d", MaxAttempts: -1}, "max_attempts"},
		{DeliveryConfig{BatchDir: "d", Backoff: time.Hour, BackoffMax: time.Minute}, "backoff_max"},
	} {
		err := tc.cfg.Validate()
		if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
}
