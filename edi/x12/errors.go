package x12

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/icss/icss/edi/syntax"
)

// SyntaxError is a defect found at a position in an X12 input: by the Reader (delimiters,
// segment length), by envelope validation (control numbers, counts) or by transaction-set
// structure validation (segment order, element types). Code is the acknowledgment code
// the defect calls for, qualified by the segment that carries it: "TA1:001" (interchange
// note code), "AK9:4" (group), "AK5:4" (set), "AK3:8" (segment) or "AK4:7" (element);
// acknowledgments are built from it mechanically.
//
// Err holds one of the sentinel errors below, so callers branch with errors.Is.
type SyntaxError struct {
	Pos       syntax.Position
	Severity  syntax.Severity
	SegmentID string
	// Element and Component are 1-based; 0 means the segment (or element) as a whole.
	Element, Component int
	// ElementRef is the data element reference number of the element (AK4 02), when a
	// transaction-set spec knows it.
	ElementRef int
	// Loop is the loop ID (its trigger segment's ID) holding the segment (AK3 03); empty
	// for the set's heading and for envelope findings.
	Loop string
	// SetIndex is the segment's position in its transaction set, ST being 1 (AK3 02);
	// zero for findings outside a set. Element findings (AK4) carry the SetIndex of their
	// segment, right after that segment's "AK3:8" record, so acknowledgments group them.
	SetIndex int
	Code     string
	// Value is a copy of the bad data where the standard echoes it (AK4-04).
	Value string
	Err   error
}

func (e *SyntaxError) Error() string {
	where := fmt.Sprintf("line %d, segment %d", e.Pos.Line, e.Pos.Segment)
	if e.SegmentID != "" {
		where += " (" + e.SegmentID
		if e.Element > 0 {
			where += fmt.Sprintf("%02d", e.Element)
			if e.Component > 0 {
				where += fmt.Sprintf("-%d", e.Component)
			}
		}
		where += ")"
	}
	msg := where + ": " + e.Err.Error()
	if e.Severity == syntax.Warning {
		msg = "warning: " + msg
	}
	return msg
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Issue converts the error into the common report form.
func (e *SyntaxError) Issue() syntax.Issue {
	return syntax.Issue{
		Severity:  e.Severity,
		Pos:       e.Pos,
		SegmentID: e.SegmentID,
		Loop:      e.Loop,
		SetIndex:  e.SetIndex,
		Element:   e.Element,
		Component: e.Component,
		Code:      e.Code,
		Message:   e.Err.Error(),
	}
}

// The errors that can be returned in SyntaxError.Err. Their texts are predicates, so a
// message reads "line 3, segment 3 (SE01): segment count does not match".
var (
	// Reader errors.
	ErrNoISA            = errors.New("data before the first ISA; delimiters guessed")
	ErrISAWidth         = errors.New("ISA is not fixed-width (106 characters); delimiters taken from its elements")
	ErrBadISA           = errors.New("ISA cannot be read: its delimiters cannot be determined")
	ErrBadDelimiters    = errors.New("ISA delimiter cannot be used")
	ErrSegmentTooLong   = errors.New("segment is longer than the reader's maximum")
	ErrNoTerminator     = errors.New("last segment has no terminator")
	ErrInvalidCharacter = errors.New("contains a character outside the basic and extended X12 character sets")
	ErrBinaryLength     = errors.New("binary data does not match its length element")

	// Envelope errors.
	ErrMissingIEA         = errors.New("interchange has no IEA trailer")
	ErrMissingGE          = errors.New("group has no GE trailer")
	ErrMissingSE          = errors.New("transaction set has no SE trailer")
	ErrControlMismatch    = errors.New("control number does not match the header's")
	ErrCountMismatch      = errors.New("count does not match")
	ErrDuplicateControl   = errors.New("control number is used twice in this file")
	ErrUnexpectedSegment  = errors.New("segment is not allowed here")
	ErrBadControlNumber   = errors.New("control number is not a valid number")
	ErrBadDate            = errors.New("is not a valid date")
	ErrBadTime            = errors.New("is not a valid time")
	ErrBadISAElement      = errors.New("ISA element is invalid")
	ErrFunctionalID       = errors.New("functional identifier does not match the transaction set")
	ErrVersionUnsupported = errors.New("version is not supported")
	ErrEmptyGroup         = errors.New("functional group holds no transaction set")
	ErrEmptyInterchange   = errors.New("interchange holds no functional group")
	ErrBareSet            = errors.New("transaction set is outside any interchange and group")

	// Structure errors (transaction-set specs).
	ErrUnrecognizedSegment = errors.New("segment ID is not recognized")
	ErrSegmentOutOfOrder   = errors.New("segment is out of sequence")
	ErrSegmentNotInSet     = errors.New("segment is not defined in this transaction set")
	ErrMandatorySegment    = errors.New("mandatory segment is missing")
	ErrLoopOverMax         = errors.New("loop occurs more times than allowed")
	ErrSegmentOverMax      = errors.New("segment occurs more times than allowed")
	ErrMandatoryElement    = errors.New("mandatory element is missing")
	ErrConditionalElement  = errors.New("conditionally required element is missing")
	ErrTooManyElements     = errors.New("segment has too many elements")
	ErrElementTooShort     = errors.New("element is too short")
	ErrElementTooLong      = errors.New("element is too long")
	ErrElementCharacter    = errors.New("element has an invalid character")
	ErrElementCode         = errors.New("element has an invalid code value")
	ErrElementDate         = errors.New("element is not a valid date")
	ErrElementTime         = errors.New("element is not a valid time")
	ErrExclusion           = errors.New("elements that exclude each other are both present")
	ErrTooManyRepetitions  = errors.New("element repeats more times than allowed")
	ErrTooManyComponents   = errors.New("element has too many components")
	ErrElementErrors       = errors.New("segment has data element errors")
	ErrSegmentNotUsed      = errors.New("segment is not used by the implementation guide")
	ErrElementNotUsed      = errors.New("element is not used by the implementation guide")
	ErrElementPattern      = errors.New("element does not match its required format")
)

// detailError is a sentinel error with details, its message built by concatenation:
// fmt.Errorf costs several times more, which shows on files where every segment has an
// error.
type detailError struct {
	err error
	msg string
}

func (e *detailError) Error() string { return e.msg }
func (e *detailError) Unwrap() error { return e.err }

// detail returns err followed by ": " and the parts, as fmt.Errorf("%w: ...") would.
func detail(err error, parts ...string) error {
	head := err.Error()
	n := len(head) + 2
	for _, p := range parts {
		n += len(p)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(head)
	b.WriteString(": ")
	for _, p := range parts {
		b.WriteString(p)
	}
	return &detailError{err: err, msg: b.String()}
}

// quote is %q of a value.
func quote(v []byte) string { return strconv.Quote(string(v)) }
