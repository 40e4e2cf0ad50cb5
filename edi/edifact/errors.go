package edifact

import (
	"errors"
	"fmt"
	"strings"

	"github.com/icss/icss/edi/syntax"
)

// Syntax error codes (UN/EDIFACT data element 0085, "syntax error, coded"), the values
// a CONTRL message carries in UCI, UCM, UCS and UCD. Only the codes this package
// raises are named.
const (
	CodeSyntaxNotSupported  = "2"  // syntax version or level not supported
	CodeInvalidValue        = "12" // invalid value
	CodeMissing             = "13" // missing
	CodeValueNotSupported   = "14" // value not supported in this position
	CodeNotSupported        = "15" // not supported in this position
	CodeTooManyConstituents = "16" // too many constituents
	CodeUnspecified         = "18" // unspecified error
	CodeInvalidCharacter    = "21" // invalid character(s)
	CodeInvalidServiceChar  = "22" // invalid service character(s)
	CodeReferencesMismatch  = "28" // references do not match
	CodeControlCount        = "29" // control count does not match number of instances received
	CodeGroupsAndMessages   = "30" // functional groups and messages mixed
	CodeLowerLevelEmpty     = "32" // lower level empty
	CodeInvalidOccurrence   = "33" // invalid occurrence outside message, package or group
	CodeTooManyRepetitions  = "35" // too many repetitions
	CodeTooManyGroupRepeats = "36" // too many segment group repetitions
	CodeInvalidTypeOfChars  = "37" // invalid type of characters
	CodeTooLong             = "39" // data element too long
	CodeTooShort            = "40" // data element too short
	CodeTrailingSeparator   = "45" // trailing separator
	CodeCharsetNotSupported = "46" // character set not supported
)

// Sentinel errors a *SyntaxError may wrap in Err; test for them with errors.Is.
var (
	// ErrSegmentTooLong: a segment longer than Reader.MaxSegmentSize; it was skipped.
	ErrSegmentTooLong = errors.New("segment longer than the reader's limit")
	// ErrUnterminated: the input ends inside a segment (no segment terminator).
	ErrUnterminated = errors.New("segment has no terminator before the end of the input")
	// ErrBadTag: a segment that does not start with a three-character upper-case tag.
	ErrBadTag = errors.New("segment tag is not three upper-case letters or digits")
	// ErrBadUNA: a service string advice that is truncated or names clashing delimiters.
	ErrBadUNA = errors.New("invalid service string advice (UNA)")
	// ErrNewlineInSegment: a raw line break inside a segment, kept as data.
	ErrNewlineInSegment = errors.New("raw line break inside a segment")
	// ErrInvalidCharacter: a byte outside the repertoire of the declared syntax level.
	ErrInvalidCharacter = errors.New("character outside the declared syntax level")
	// ErrTrailingSeparator: a segment or composite ending with an empty element or component.
	ErrTrailingSeparator = errors.New("trailing separator")
	// ErrSegmentCount: UNT 0074 differs from the number of segments in the message.
	ErrSegmentCount = errors.New("segment count does not match")
	// ErrMessageCount: UNE 0060 or UNZ 0036 differs from the messages or groups received.
	ErrMessageCount = errors.New("message or group count does not match")
	// ErrControlMismatch: a trailer's reference differs from its header's (UNT/UNH 0062,
	// UNE/UNG 0048, UNZ/UNB 0020).
	ErrControlMismatch = errors.New("trailer reference does not match the header")
	// ErrMissingTrailer: a UNT, UNE or UNZ that never came.
	ErrMissingTrailer = errors.New("trailer missing")
	// ErrMissingHeader: a trailer or message content without its header.
	ErrMissingHeader = errors.New("header missing")
	// ErrUnsupportedSyntax: a syntax identifier or version this reader does not know.
	ErrUnsupportedSyntax = errors.New("syntax identifier or version not supported")
	// ErrBadDate: an envelope date or time that is not a valid calendar value.
	ErrBadDate = errors.New("invalid date or time")
	// ErrMissingElement: a mandatory data element or component is empty.
	ErrMissingElement = errors.New("mandatory data element missing")
	// ErrInvalidCode: a value not in the code list the message specification gives.
	ErrInvalidCode = errors.New("value not in the code list")
	// ErrTooLong / ErrTooShort: a value outside its data element's length.
	ErrTooLong  = errors.New("value too long")
	ErrTooShort = errors.New("value too short")
	// ErrInvalidFormat: a numeric element that holds other characters.
	ErrInvalidFormat = errors.New("value has invalid characters for its format")
	// ErrTooManyElements: more data elements or components than the segment defines.
	ErrTooManyElements = errors.New("too many data elements or components")
	// ErrUnexpectedSegment: a segment the message specification does not allow here.
	ErrUnexpectedSegment = errors.New("segment not allowed at this position")
	// ErrMissingSegment: a mandatory segment or segment group that is absent.
	ErrMissingSegment = errors.New("mandatory segment missing")
	// ErrTooManyRepeats: a segment or segment group repeated beyond its maximum use.
	ErrTooManyRepeats = errors.New("too many repetitions")
	// ErrEmpty: an interchange, group or message with nothing in it.
	ErrEmpty = errors.New("lower level empty")
	// ErrOutsideEnvelope: data outside any interchange or message.
	ErrOutsideEnvelope = errors.New("segment outside its envelope")
)

// SyntaxError is a defect found at a position in the input. The reader returns it for a
// segment it could not tokenize (and then carries on with the next segment) or, with
// Severity Warning, together with a segment it accepted after a workaround; the
// validator returns it for envelope and message structure defects.
//
// Err is one of the sentinels above (ErrSegmentCount, ErrControlMismatch, ...). Code is
// the CONTRL syntax error code (data element 0085) without the "0085:" prefix used in
// reports.
type SyntaxError struct {
	Pos       syntax.Position
	Severity  syntax.Severity
	SegmentID string
	Element   int // 1-based data element position, 0 for the segment as a whole
	Component int // 1-based component position, 0 for the element as a whole
	Code      string
	Err       error
	// Detail adds the values involved ("UNT says 313, counted 30").
	Detail string
}

func (e *SyntaxError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d, segment %d", e.Pos.Line, e.Pos.Segment)
	if e.SegmentID != "" {
		fmt.Fprintf(&b, " (%s)", e.SegmentID)
	}
	if e.Element > 0 {
		fmt.Fprintf(&b, ", element %d", e.Element)
		if e.Component > 0 {
			fmt.Fprintf(&b, ", component %d", e.Component)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Unwrap returns the sentinel in Err.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Issue converts the error to the common report form, with Code as "0085:NN".
func (e *SyntaxError) Issue() syntax.Issue {
	msg := e.Err.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	code := ""
	if e.Code != "" {
		code = "0085:" + e.Code
	}
	return syntax.Issue{Severity: e.Severity, Pos: e.Pos, SegmentID: e.SegmentID, Element: e.Element, Component: e.Component, Code: code, Message: msg}
}
