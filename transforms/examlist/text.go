package examlist

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CutMarker ends a text that was cut to fit its column.
const CutMarker = "…[cut]"

// Longest texts kept in a cell, in characters. Carrier text can be arbitrarily long;
// a list is read on a tablet at the quay.
const (
	maxName   = 120
	maxGoods  = 300
	maxReason = 600
	maxField  = 60
)

// cleanText makes carrier text safe and readable in one cell: invalid UTF-8 replaced,
// control characters (C0, DEL, C1), bidirectional overrides, zero-width and
// byte-order marks and non-characters removed (line breaks and tabs become spaces),
// runs of blanks collapsed, and text longer than max characters cut with CutMarker.
// It does not neutralise a leading "=" or "+": cells are written as strings, which
// no spreadsheet evaluates, and the text is kept as the carrier filed it.
func cleanText(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case dropRune(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return cut(b.String(), max)
}

// dropRune reports the characters no cell should carry: controls, bidirectional
// embeddings and overrides (which can make a name read backwards), zero-width and
// byte-order marks, and non-characters.
func dropRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0xfeff:
		return true
	case r >= 0xfdd0 && r <= 0xfdef, r&0xfffe == 0xfffe:
		return true
	}
	return false
}

// joinClean cleans each value, drops empty ones and repeats, and joins the rest.
func joinClean(values []string, sep string, maxEach, maxAll int) string {
	return cut(strings.Join(distinct(values, maxEach), sep), maxAll)
}

// cut shortens s to max characters, CutMarker included, at a character boundary;
// max <= 0 keeps s whole.
func cut(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	keep, i := max-utf8.RuneCountInString(CutMarker), 0
	for j := range s {
		if i == keep {
			return strings.TrimRight(s[:j], " ;,\n") + CutMarker
		}
		i++
	}
	return s
}
