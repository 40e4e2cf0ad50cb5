package sftp

import (
	"errors"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	valid := func() Config {
		return Config{Name: "cn", Addr: "sftp.example:22", User: "icss", KeyFile: "/k", KnownHostsFile: "/kh", Inbox: "inbox"}.WithDefaults()
	}
	tests := []struct {
		name      string
		edit      func(*Config)
		wantField string
	}{
		{"Valid", func(*Config) {}, ""},
		{"NoName", func(c *Config) { c.Name = "" }, "name"},
		{"NoPort", func(c *Config) { c.Addr = "sftp.example" }, "addr"},
		{"NoKnownHosts", func(c *Config) { c.KnownHostsFile = "" }, "known_hosts_file"},
		{"NoKey", func(c *Config) { c.KeyFile = "" }, "key_file"},
		{"InboxTraversal", func(c *Config) { c.Inbox = "../other" }, "inbox"},
		{"ArchiveIsInbox", func(c *Config) { c.Archive = "inbox" }, "archive"},
		{"BadAfterPull", func(c *Config) { c.AfterPull = "keep" }, "after_pull"},
		{"BadGlob", func(c *Config) { c.Ignore = []string{"["} }, "ignore[0]"},
		{"NegativeStable", func(c *Config) { c.StableFor = -1 }, "stable_for"},
		{"PacketTooBig", func(c *Config) { c.MaxPacket = 1 << 20 }, "max_packet"},
		{"NothingToDo", func(c *Config) { c.Inbox, c.Archive = "", "" }, "inbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := valid()
			tt.edit(&c)
			err := c.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.wantField+": ") {
				t.Fatalf("err = %v, want a FieldError for %s", err, tt.wantField)
			}
		})
	}
}
