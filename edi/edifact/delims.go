package edifact

import "fmt"

// Delimiters are the service characters of an interchange (ISO 9735 §7, the UNA
// service string advice). A zero Release or Repetition means the interchange has none.
type Delimiters struct {
	Component  byte // component data element separator, default ':'
	Element    byte // data element separator, default '+'
	Decimal    byte // decimal mark, default '.'; informational, never a delimiter
	Release    byte // release character, default '?'; 0 when not used
	Repetition byte // repetition separator (syntax version 4, default '*'); 0 when not used
	Terminator byte // segment terminator, default '\''
}

// DefaultDelimiters are the service characters an interchange without UNA uses at
// syntax levels A and B (ISO 9735 §7.1): UNA:+.? '. Syntax version 4 adds '*' as the
// repetition separator; the Reader switches it on when a UNB without UNA declares
// version 4.
var DefaultDelimiters = Delimiters{Component: ':', Element: '+', Decimal: '.', Release: '?', Repetition: 0, Terminator: '\''}

// levelBDelimiters are the information separators ISO 9735 prescribes when level B
// is used without UNA: IS1 (US) between components, IS3 (GS) between elements, IS4
// (FS) ending a segment. They are rarely used; the reader recognises them when UNB is
// followed by GS.
var levelBDelimiters = Delimiters{Component: 0x1F, Element: 0x1D, Decimal: '.', Terminator: 0x1C}

// UNA renders the delimiters as the 9-byte service string advice, with a space for
// an unused release or repetition character.
func (d Delimiters) UNA() []byte {
	sp := func(b byte) byte {
		if b == 0 {
			return ' '
		}
		return b
	}
	return []byte{'U', 'N', 'A', d.Component, d.Element, sp(d.Decimal), sp(d.Release), sp(d.Repetition), d.Terminator}
}

// Validate reports whether the delimiters can be told apart: the component and
// element separators, the terminator and the release and repetition characters (when
// used) must all differ, and none may be a letter, a digit or a space, which would make
// segment tags ambiguous.
func (d Delimiters) Validate() error {
	set := []struct {
		name string
		c    byte
	}{{"component separator", d.Component}, {"element separator", d.Element}, {"segment terminator", d.Terminator}, {"release character", d.Release}, {"repetition separator", d.Repetition}}
	for i, a := range set {
		if a.c == 0 && i >= 3 {
			continue
		}
		if a.c == ' ' || a.c >= 'A' && a.c <= 'Z' || a.c >= 'a' && a.c <= 'z' || a.c >= '0' && a.c <= '9' || a.c == 0 {
			return fmt.Errorf("%s %q cannot be a delimiter", a.name, a.c)
		}
		for _, b := range set[:i] {
			if b.c == a.c {
				return fmt.Errorf("%s and %s are both %q", b.name, a.name, a.c)
			}
		}
	}
	return nil
}

// parseUNA reads the delimiters from the 9-byte service string advice "UNA:+.? '".
// A space in the decimal, release or repetition position means "not used" (ISO 9735
// §7.2; version 3 reserves the repetition position and writes a space there).
func parseUNA(b []byte) (Delimiters, error) {
	opt := func(c byte) byte {
		if c == ' ' {
			return 0
		}
		return c
	}
	d := Delimiters{Component: b[3], Element: b[4], Decimal: b[5], Release: opt(b[6]), Repetition: opt(b[7]), Terminator: b[8]}
	return d, d.Validate()
}
