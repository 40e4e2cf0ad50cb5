package sftp

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength is the longest remote file name accepted, in bytes (the common NAME_MAX).
const MaxNameLength = 255

// NameError reports a remote name that icss refuses to read or write.
type NameError struct {
	Name   string // the name as the server sent it (quoted with %q when printed)
	Reason string // predicate: "contains a path separator", ...
}

func (e *NameError) Error() string { return fmt.Sprintf("remote name %q %s", e.Name, e.Reason) }

// ErrBadName matches every *NameError with errors.Is.
var ErrBadName = errors.New("bad remote name")

// Is makes errors.Is(err, ErrBadName) true for name errors.
func (e *NameError) Is(target error) bool { return target == ErrBadName }

// ValidateName checks a remote file name (one path element, as listed in a directory)
// before it is used locally or remotely: a name from a carrier's server is untrusted input,
// so it must not escape the directory ("..", separators), smuggle control characters into
// logs and terminals, or exceed MaxNameLength.
func ValidateName(name string) error {
	bad := func(reason string) error { return &NameError{Name: name, Reason: reason} }
	switch {
	case name == "":
		return bad("is empty")
	case name == "." || name == "..":
		return bad("is a directory reference")
	case len(name) > MaxNameLength:
		return bad(fmt.Sprintf("is %d bytes long, over the limit of %d", len(name), MaxNameLength))
	case !utf8.ValidString(name):
		return bad("is not valid UTF-8")
	case strings.ContainsAny(name, `/\`):
		return bad("contains a path separator")
	case strings.TrimSpace(name) != name:
		return bad("has leading or trailing white space")
	}
	for i, r := range name {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) {
			return bad(fmt.Sprintf("has control or format character %U at byte %d", r, i))
		}
	}
	return nil
}

// validateDir checks a configured remote directory: relative to the session's start
// directory or absolute, with no "..", so that config typos cannot walk out of a drop box.
func validateDir(dir string) error {
	if dir == "" {
		return errors.New("is empty")
	}
	if path.Clean(dir) != strings.TrimSuffix(dir, "/") && dir != "/" {
		return fmt.Errorf("%q is not a clean path (want %q)", dir, path.Clean(dir))
	}
	for _, el := range strings.Split(dir, "/") {
		if el == ".." {
			return fmt.Errorf("%q has a \"..\" element", dir)
		}
		if el != "" && el != "." {
			if err := ValidateName(el); err != nil {
				return err
			}
		}
	}
	return nil
}
