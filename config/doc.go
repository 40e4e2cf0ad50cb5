// Package config is icss's configuration: one YAML file composing the components'
// own Config types (storage/sftp endpoints, the storage/state ledger, the blob store),
// loaded once at start-up, with secrets taken from the environment or from files and
// validated as a whole with errors that name the field.
//
// # Format
//
// See testdata/icss.yaml for a complete, commented example. Unknown keys are errors
// (a misspelt "stable_for" must not silently fall back to the default). Relative paths
// are relative to the directory of the configuration file. Durations are Go durations
// ("5s", "1m30s").
//
// # Secrets
//
// A secret is never written in the file itself; it names where to find it:
//
//	key_passphrase: {env: ICSS_CN_KEY_PASSPHRASE}
//	key_passphrase: {file: /run/secrets/cn-key-passphrase}
//
// The value is read by Load (a file's trailing newline is dropped) and kept in a Secret,
// whose String, GoString, MarshalText and MarshalYAML all print **redacted**, so that a
// logged or dumped configuration never leaks it.
package config
