package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) Options {
	return Options{LookupEnv: func(k string) (string, bool) { v, ok := m[k]; return v, ok }}
}

func TestLoadExample(t *testing.T) {
	t.Parallel()
	c, err := LoadWith("testdata/icss.yaml", env(map[string]string{"ICSS_CN_KEY_PASSPHRASE": "s3cret-pass", "ICSS_SMTP_PASSWORD": "smtp-pass"}))
	if err != nil {
		t.Fatal(err)
	}
	cn, err := c.Endpoint("cn-rail")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("testdata/keys/cn_ed25519")
	if cn.KeyFile != abs || cn.StableFor != 5*time.Second || cn.MaxConcurrent != 4 {
		t.Fatalf("cn-rail = %+v", cn.Config)
	}
	if string(cn.SFTP().KeyPassphrase) != "s3cret-pass" {
		t.Fatal("passphrase not resolved from the environment")
	}
	partner, _ := c.Endpoint("cbp-results")
	if partner.Outbox != "incoming" || partner.MaxPacket != 261120 {
		t.Fatalf("partner = %+v", partner.Config)
	}
	if c.State.DSN != "/var/lib/icss/ledger.db" || c.State.Driver != "sqlite" {
		t.Fatalf("state = %+v", c.State)
	}
	if _, err := c.Endpoint("nope"); err == nil || !strings.Contains(err.Error(), "cn-rail") {
		t.Fatalf("unknown endpoint: %v", err)
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	t.Parallel()
	c, err := LoadWith("testdata/icss.yaml", env(map[string]string{"ICSS_CN_KEY_PASSPHRASE": "s3cret-pass", "ICSS_SMTP_PASSWORD": "smtp-pass"}))
	if err != nil {
		t.Fatal(err)
	}
	cn, _ := c.Endpoint("cn-rail")
	var sb strings.Builder
	log := slog.New(slog.NewJSONHandler(&sb, nil))
	log.Info("config", "secret", cn.KeyPassphrase, "endpoint", cn)
	j, _ := json.Marshal(c)
	sc := cn.SFTP()
	for _, out := range []string{
		fmt.Sprint(cn.KeyPassphrase), fmt.Sprintf("%v %+v %#v", sc, sc, sc), fmt.Sprintf("%v %+v %#v %s", cn, cn, cn, cn.KeyPassphrase),
		sb.String(), string(j),
	} {
		if strings.Contains(out, "s3cret-pass") {
			t.Fatalf("secret leaked: %s", out)
		}
	}
	if !strings.Contains(fmt.Sprint(cn.KeyPassphrase), Redacted) {
		t.Fatalf("secret prints %q, want %s", fmt.Sprint(cn.KeyPassphrase), Redacted)
	}
}

func TestSecretFromFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pass"), []byte("from-file\n"), 0o600)
	c, err := Parse([]byte(`
endpoints:
  - {name: a, addr: "h:22", user: u, key_file: k, known_hosts_file: kh, inbox: in, key_passphrase: {file: pass}}
`), dir, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(c.Endpoints[0].SFTP().KeyPassphrase); got != "from-file" {
		t.Fatalf("passphrase = %q", got)
	}
}

func TestErrorsNameTheField(t *testing.T) {
	t.Parallel()
	ok := `{name: a, addr: "h:22", user: u, key_file: k, known_hosts_file: kh, inbox: in}`
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"MissingKnownHosts", `endpoints: [{name: a, addr: "h:22", user: u, key_file: k, inbox: in}]`,
			[]string{"endpoints[0].known_hosts_file: is required"}},
		{"SeveralAtOnce", `endpoints: [{name: a, addr: "h", user: u, key_file: k, known_hosts_file: kh, inbox: "../x", stable_for: -1s}]`,
			[]string{"endpoints[0].addr:", "endpoints[0].inbox:", "endpoints[0].stable_for:"}},
		{"DuplicateName", "endpoints: [" + ok + ", " + ok + "]", []string{"endpoints[1] (a).name:"}},
		{"UnknownKey", "endpoints: [{name: a, stabel_for: 5s}]", []string{"field stabel_for not found"}},
		{"LiteralSecret", "endpoints: [{name: a, key_passphrase: hunter2}]", []string{"not a literal value"}},
		{"MissingEnv", `endpoints: [{name: a, addr: "h:22", user: u, key_file: k, known_hosts_file: kh, inbox: in, key_passphrase: {env: NOPE}}]`,
			[]string{"endpoints[0].key_passphrase: environment variable NOPE is not set"}},
		{"BadDriver", "state: {driver: mysql}\nendpoints: [" + ok + "]", []string{"state: state: Driver \"mysql\""}},
		{"NoEndpoints", "data_dir: x", []string{"endpoints: none configured"}},
		{"S3WithoutSecret", "blob: {s3: {endpoint: s3.example, access_key: icss}}\nendpoints: [" + ok + "]",
			[]string{"blob.s3.secret_key: is required"}},
		{"S3WithScheme", "blob: {s3: {endpoint: \"https://s3.example\", access_key: icss, secret_key: {env: S}}}\nendpoints: [" + ok + "]",
			[]string{"blob.s3: s3: Endpoint"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.yaml), t.TempDir(), env(map[string]string{"S": "secret"}))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "secret\"") {
				t.Error("the literal secret is echoed in the error")
			}
			var fe *FieldError
			if tt.name != "UnknownKey" && tt.name != "LiteralSecret" && !errors.As(err, &fe) {
				t.Errorf("%v is not a FieldError", err)
			}
		})
	}
}

func ExampleLoadWith() {
	c, err := LoadWith("testdata/icss.yaml", Options{LookupEnv: func(k string) (string, bool) {
		return "example-secret", k == "ICSS_CN_KEY_PASSPHRASE" || k == "ICSS_SMTP_PASSWORD"
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range c.Endpoints {
		fmt.Printf("%s %s inbox=%q outbox=%q passphrase=%v\n", e.Name, e.Addr, e.Inbox, e.Outbox, e.KeyPassphrase)
	}
	// Output:
	// cn-rail sftp.cn.example:22 inbox="inbox" outbox="outbox" passphrase=**redacted**
	// prr-staff sftp.prr.example:22 inbox="returns" outbox="lists" passphrase=**redacted**
	// cbp-results 203.0.113.7:2222 inbox="" outbox="incoming" passphrase=**redacted**
}

// FuzzParse feeds arbitrary YAML to Parse: errors are expected, panics are not, and an
// accepted configuration must be valid.
func FuzzParse(f *testing.F) {
	example, _ := os.ReadFile("testdata/icss.yaml")
	f.Add(example)
	f.Add([]byte("endpoints: [{name: a, key_passphrase: {env: X}}]"))
	f.Add([]byte("state: {driver: postgres, dsn_secret: {file: x}}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b, "/nonexistent/icss-fuzz", env(map[string]string{"ICSS_CN_KEY_PASSPHRASE": "p", "ICSS_SMTP_PASSWORD": "p"}))
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted a config that does not validate: %v", err)
		}
	})
}
