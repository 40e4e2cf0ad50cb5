package config

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Redacted is what a Secret prints instead of its value.
const Redacted = "**redacted**"

// Secret is a value read from the environment or a file, never from the config file.
// The zero value is "not configured".
type Secret struct {
	Env  string `yaml:"env,omitempty"`  // environment variable holding the value
	File string `yaml:"file,omitempty"` // file holding the value (trailing newline dropped)

	value []byte
	set   bool
}

// Value returns the secret; only the code that uses it should call this.
func (s Secret) Value() []byte { return s.value }

// IsSet reports whether a source was configured.
func (s Secret) IsSet() bool { return s.Env != "" || s.File != "" }

// String prints Redacted, so fmt and slog never show the value.
func (s Secret) String() string { return Redacted }

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return Redacted }

// MarshalText prints Redacted in JSON and text encodings.
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// MarshalYAML prints where the secret comes from, never the value.
func (s Secret) MarshalYAML() (any, error) {
	switch {
	case s.Env != "":
		return map[string]string{"env": s.Env}, nil
	case s.File != "":
		return map[string]string{"file": s.File}, nil
	}
	return nil, nil
}

// UnmarshalYAML accepts {env: NAME} or {file: PATH}; a literal is refused so that
// secrets do not end up in configuration files and their backups.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			*s = Secret{}
			return nil
		}
		return fmt.Errorf("line %d: a secret must be {env: NAME} or {file: PATH}, not a literal value", n.Line)
	}
	type plain struct {
		Env  string `yaml:"env"`
		File string `yaml:"file"`
	}
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	if (p.Env == "") == (p.File == "") {
		return fmt.Errorf("line %d: a secret needs exactly one of env or file", n.Line)
	}
	*s = Secret{Env: p.Env, File: p.File}
	return nil
}

// resolve reads the value from its source.
func (s *Secret) resolve(lookup func(string) (string, bool), baseDir string) error {
	switch {
	case s.Env != "":
		v, ok := lookup(s.Env)
		if !ok || v == "" {
			return fmt.Errorf("environment variable %s is not set", s.Env)
		}
		s.value = []byte(v)
	case s.File != "":
		b, err := os.ReadFile(absPath(baseDir, s.File))
		if err != nil {
			return err
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return fmt.Errorf("%s is empty", s.File)
		}
		s.value = []byte(v)
	default:
		return errors.New("no source")
	}
	s.set = true
	return nil
}
