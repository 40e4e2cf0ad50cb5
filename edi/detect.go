package edi

import (
	"bytes"
	"errors"
)

// Standard is the EDI syntax of an interchange.
type Standard uint8

const (
	// Unknown is neither X12 nor EDIFACT.
	Unknown Standard = iota
	// X12 is ASC X12 (ISA ... IEA, or a bare ST ... SE set).
	X12
	// EDIFACT is UN/EDIFACT, ISO 9735 (optional UNA, then UNB ... UNZ, or a bare UNH ... UNT).
	EDIFACT
)

func (s Standard) String() string {
	switch s {
	case X12:
		return "X12"
	case EDIFACT:
		return "EDIFACT"
	}
	return "unknown"
}

// MarshalText makes a Standard read as its name in JSON.
func (s Standard) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ErrUnknownStandard is returned by Detect for data that starts like neither standard.
var ErrUnknownStandard = errors.New("edi: input starts with neither an X12 (ISA, ST) nor an EDIFACT (UNA, UNB, UNH) segment")

// PeekSize is how many leading bytes Detect needs at most.
const PeekSize = 64

var bom = []byte{0xEF, 0xBB, 0xBF}

// Detect tells the standard from the first bytes of an input, after an optional UTF-8
// byte order mark and any blank lines. It needs at most PeekSize bytes.
func Detect(peek []byte) (Standard, error) {
	peek = bytes.TrimPrefix(peek, bom)
	peek = bytes.TrimLeft(peek, " \t\r\n")
	switch {
	case hasTag(peek, "ISA"), hasTag(peek, "ST"):
		return X12, nil
	case bytes.HasPrefix(peek, []byte("UNA")), hasTag(peek, "UNB"), hasTag(peek, "UNH"):
		return EDIFACT, nil
	}
	return Unknown, ErrUnknownStandard
}

// hasTag reports whether b starts with the segment tag followed by a delimiter (any
// byte that cannot continue a tag).
func hasTag(b []byte, tag string) bool {
	if len(b) <= len(tag) || string(b[:len(tag)]) != tag {
		return false
	}
	c := b[len(tag)]
	return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z')
}
