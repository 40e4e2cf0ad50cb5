package examlist

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{`=HYPERLINK("http://x","click")`, 0, `=HYPERLINK("http://x","click")`},
		{"  two\t\tspaces\r\nand lines  ", 0, "two spaces and lines"},
		{"bell\x07 esc\x1b del\x7f c1\u0085x", 0, "bell esc del c1 x"},
		{"bidi \u202eTXT.EXE\u202c zero\u200bwidth \ufeffbom", 0, "bidi TXT.EXE zerowidth bom"},
		{"bad \xff utf8", 0, "bad \uFFFD utf8"},
		{"nonchar \ufffe\U0001fffe", 0, "nonchar"},
		{strings.Repeat("a", 20), 10, "aaaa" + CutMarker},
		{"short", 10, "short"},
		{strings.Repeat("é", 20), 10, "éééé" + CutMarker},
	}
	for _, tt := range tests {
		got := cleanText(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("cleanText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if tt.max > 0 && utf8.RuneCountInString(got) > tt.max {
			t.Errorf("cleanText(%q, %d) is %d characters", tt.in, tt.max, utf8.RuneCountInString(got))
		}
	}
}

func TestTopReasons(t *testing.T) {
	got := topReasons([]string{"a", "b", "a", "c", "d", "e"})
	if want := "a\nb\nc\n(+2 more)"; got != want {
		t.Errorf("topReasons = %q, want %q", got, want)
	}
}
