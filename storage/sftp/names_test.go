package sftp

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		wantErr  string // substring; "" = valid
	}{
		{"Plain", "CN_309_20261127.x12", ""},
		{"UnicodeLetters", "Prince-Rupert_é.edi", ""},
		{"Max", strings.Repeat("a", MaxNameLength), ""},
		{"Empty", "", "is empty"},
		{"Dot", ".", "directory reference"},
		{"DotDot", "..", "directory reference"},
		{"TooLong", strings.Repeat("a", MaxNameLength+1), "over the limit"},
		{"Slash", "a/b", "path separator"},
		{"Traversal", "../../etc/passwd", "path separator"},
		{"Backslash", `..\x`, "path separator"},
		{"NUL", "a\x00b", "control"},
		{"Escape", "a\x1b[2Jb", "control"},
		{"Newline", "a\nb", "control"},
		{"C1", "a\u0085b", "control"},
		{"BidiOverride", "invoice\u202Efdp.x12", "format character"},
		{"BadUTF8", "a\xffb", "UTF-8"},
		{"LeadingSpace", " a", "white space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateName(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateName(%q) = %v", tt.in, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrBadName) {
				t.Fatalf("ValidateName(%q) = %v, want an ErrBadName saying %q", tt.in, err, tt.wantErr)
			}
		})
	}
}

// FuzzValidateName checks that no accepted name can leave its directory or carry bytes
// that terminals or logs interpret.
func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"a.x12", "..", "a/b", "a\x00", "\u202e", strings.Repeat("x", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateName(s) != nil {
			return
		}
		if s == "." || s == ".." || strings.ContainsAny(s, "/\\\x00\n\r\x1b") || len(s) > MaxNameLength || s == "" {
			t.Fatalf("accepted %q", s)
		}
	})
}
