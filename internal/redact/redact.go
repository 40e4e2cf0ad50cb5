package redact

// Text is what a redacted value prints.
const Text = "**redacted**"

// Bytes is a credential's value, resolved by the config package from an
// environment variable or a file. Use it as []byte where it is needed.
type Bytes []byte

func (Bytes) String() string               { return Text }
func (Bytes) GoString() string             { return Text }
func (Bytes) MarshalText() ([]byte, error) { return []byte(Text), nil }
