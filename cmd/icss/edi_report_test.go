package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"SE":              "SE",
		"\x01\nX":         `\x01\nX`,
		"JOE’S":           "JOE’S",
		"\xe2\x80":        `\xe2\x80`,
		"A\tB\x7f":        `A\tB\x7f`,
		"LINE\u2028BREAK": `LINE\u2028BREAK`,
		"\x80\x80GS*SO\r": `\x80\x80GS*SO\r`,
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInspectOneLinePerFinding: whatever bytes a file holds, each finding is one
// printable line, and a delimiter the standard does not allow is named.
func TestInspectOneLinePerFinding(t *testing.T) {
	dir := t.TempDir()
	isa := "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261127*1200*U*00401*000000001*0*P*>"
	files := map[string]string{
		// A multi-byte (UTF-8 "…") segment terminator.
		"multibyte.x12": isa + "\xe2\x80\xa6GS*SO*S*R*20261127*1200*1*X*004010\xe2\x80\xa6IEA*1*000000001\xe2\x80\xa6",
		// ISA16 a letter.
		"letter.x12": strings.Replace(isa, "*>", "*Q", 1) + "~GS*SO~",
		// Control characters and raw bytes inside a set.
		"control.x12": isa + "~GS*SO*S*R*20261127*1200*1*X*004010~ST*309*0001~\x01\n\x80X*1~SE*3*0001~GE*1*1~IEA*1*000000001~",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	wants := map[string]string{
		"multibyte.x12": "[TA1:004]: ISA delimiter cannot be used: the segment terminator (the character after ISA16) is byte 0xE2",
		"letter.x12":    "[TA1:027]: ISA delimiter cannot be used: the component separator (ISA16) is 'Q', a letter or digit",
		"control.x12":   `\x01\n\x80X [AK3:1]`,
	}
	for name, want := range wants {
		out, code := run(t, "edi", "inspect", filepath.Join(dir, name))
		if code != 1 {
			t.Errorf("%s: exit status %d, want 1", name, code)
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s: output lacks %q:\n%s", name, want, out)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if printable(line) != line || !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, dir) {
				t.Errorf("%s: line %q is not one printable line of the report", name, line)
			}
		}
	}
}
