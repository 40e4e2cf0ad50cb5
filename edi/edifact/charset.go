package edifact

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Level is the syntax level (character repertoire) an interchange declares in UNB
// S001 0001: UNOA, UNOB, UNOC ... UNOW, UNOY.
type Level uint8

// The syntax levels of ISO 9735 (data element 0001).
const (
	LevelUnknown Level = iota // before any UNB, or an identifier this package does not know
	LevelA                    // UNOA: upper-case letters, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < >
	LevelB                    // UNOB: ISO 646 graphic characters (upper and lower case)
	LevelC                    // UNOC: ISO 8859-1 (Latin-1)
	LevelD                    // UNOD: ISO 8859-2
	LevelE                    // UNOE: ISO 8859-5
	LevelF                    // UNOF: ISO 8859-7
	LevelG                    // UNOG: ISO 8859-3
	LevelH                    // UNOH: ISO 8859-4
	LevelI                    // UNOI: ISO 8859-6
	LevelJ                    // UNOJ: ISO 8859-8
	LevelK                    // UNOK: ISO 8859-9
	LevelW                    // UNOW: UTF-8 (syntax version 4)
	LevelX                    // UNOX: ISO 2022 code extension (syntax version 4)
	LevelY                    // UNOY: ISO 10646 (syntax version 4)
)

var levelNames = [...]string{"", "UNOA", "UNOB", "UNOC", "UNOD", "UNOE", "UNOF", "UNOG", "UNOH", "UNOI", "UNOJ", "UNOK", "UNOW", "UNOX", "UNOY"}

var levelCharmaps = map[Level]*charmap.Charmap{
	LevelC: charmap.ISO8859_1, LevelD: charmap.ISO8859_2, LevelE: charmap.ISO8859_5,
	LevelF: charmap.ISO8859_7, LevelG: charmap.ISO8859_3, LevelH: charmap.ISO8859_4,
	LevelI: charmap.ISO8859_6, LevelJ: charmap.ISO8859_8, LevelK: charmap.ISO8859_9,
}

// LevelOf returns the level for a syntax identifier ("UNOC"), LevelUnknown if the
// identifier is not one of ISO 9735's.
func LevelOf(id string) Level {
	for i, n := range levelNames {
		if i > 0 && n == id {
			return Level(i)
		}
	}
	return LevelUnknown
}

func (l Level) String() string {
	if int(l) < len(levelNames) && l != LevelUnknown {
		return levelNames[l]
	}
	return "unknown"
}

// minVersion is the first syntax version that defines the level. UNOC to UNOF came
// together in version 2 (ISO 9735:1990), so they share one answer.
func (l Level) minVersion() int {
	switch l {
	case LevelW, LevelX, LevelY:
		return 4
	case LevelC, LevelD, LevelE, LevelF:
		return 2
	case LevelG, LevelH, LevelI, LevelJ, LevelK:
		return 3
	}
	return 1
}

// allows reports whether byte c may appear in data at this level. Control characters
// are never data (delimiters are handled by the tokenizer before this).
func (l Level) allows(c byte) bool {
	if c < 0x20 || c == 0x7F {
		return false
	}
	switch l {
	case LevelA:
		return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(" .,-()/='+:?!\"%&*;<>", c) >= 0
	case LevelB:
		return c < 0x80
	case LevelC, LevelD, LevelE, LevelF, LevelG, LevelH, LevelI, LevelJ, LevelK:
		return c < 0x80 || c >= 0xA0
	}
	// UTF-8, ISO 2022, ISO 10646 and unknown levels: any non-control byte.
	return true
}

// Decode converts b from the level's character set to a UTF-8 string: ISO 8859 parts
// through their tables, UTF-8 as it is (invalid sequences become U+FFFD). Bytes above
// 0x7F in a UNOA or UNOB interchange (outside those levels, but common in practice) are
// read as Latin-1 so nothing is lost.
func (l Level) Decode(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	switch l {
	case LevelW, LevelY, LevelX:
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	cm := levelCharmaps[l]
	if cm == nil {
		cm = charmap.ISO8859_1
	}
	out := make([]byte, 0, len(b)+8)
	for _, c := range b {
		out = utf8.AppendRune(out, cm.DecodeByte(c))
	}
	return string(out)
}
