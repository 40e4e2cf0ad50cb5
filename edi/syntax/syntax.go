// Package syntax holds the vocabulary shared by the X12 and EDIFACT readers: where a
// segment sits in its input, and how a finding about it is graded. It imports nothing
// from the project so that both dialects, and everything above them, can speak it.
package syntax

import "fmt"

// Position locates a segment in its input. The zero value means "unknown".
type Position struct {
	// Offset is the byte offset of the segment's first byte (its tag), counted from the
	// start of the input, a byte order mark included.
	Offset int64 `json:"offset"`
	// Line is the 1-based line on which the segment starts.
	Line int `json:"line"`
	// Segment is the 1-based index of the segment in the input, envelopes included.
	Segment int `json:"segment"`
}

// String formats the position as "line L, segment S, offset O".
func (p Position) String() string {
	return fmt.Sprintf("line %d, segment %d, offset %d", p.Line, p.Segment, p.Offset)
}

// Severity grades a finding.
type Severity uint8

const (
	// Error is a defect the standard rejects, or one that makes the data unusable.
	Error Severity = iota
	// Warning is a departure from the standard that the reader worked around; the data is
	// still accepted (for example a variable-width ISA).
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText makes a Severity read as a word in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
