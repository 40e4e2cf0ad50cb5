package ack

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/icss/icss/edi/x12"
)

// envelope is the outer shell of one acknowledgment interchange.
type envelope struct {
	d                x12.Delimiters
	version          string // ISA12
	senderQ, sender  string // ISA05/06 (us)
	receiverQ, recvr string // ISA07/08 (the partner)
	usage            string // ISA15
	now              time.Time
	control          string // ISA13, nine digits
	segs             []*x12.Segment
}

// newEnvelope prepares the ISA of an acknowledgment of ic in interchange version
// isa12 and draws its control number.
func newEnvelope(ic *x12.Interchange, opts *Options, isa12 string) (*envelope, error) {
	e := &envelope{now: opts.Now(), version: isa12}
	e.d = opts.Delims
	if e.d == (x12.Delimiters{}) {
		e.d = ic.Delims
	}
	if !validDelims(e.d) {
		e.d = x12.DefaultDelimiters
	}
	if e.version >= "00402" {
		if e.d.Repetition == 0 {
			e.d.Repetition = pickRepetition(e.d)
		}
	} else {
		e.d.Repetition = 0
	}

	e.senderQ, e.sender = opts.SenderQualifier, opts.Sender
	if e.sender == "" {
		e.senderQ, e.sender = ic.ReceiverQualifier, ic.Receiver
	}
	e.receiverQ, e.recvr = ic.SenderQualifier, ic.Sender
	if e.sender == "" {
		return nil, fmt.Errorf("ack: interchange %s: %w", ic.Control, ErrNoSender)
	}
	if e.recvr == "" {
		return nil, fmt.Errorf("ack: interchange %s has no sender ID (ISA06) to answer to", ic.Control)
	}
	// A qualifier the partner garbled cannot be echoed in a fixed-width ISA; ZZ (mutually
	// defined) is the neutral choice.
	if !validQualifier(e.senderQ) {
		e.senderQ = "ZZ"
	}
	if !validQualifier(e.receiverQ) {
		e.receiverQ = "ZZ"
	}
	for _, id := range []struct{ name, v string }{{"ISA06", e.sender}, {"ISA08", e.recvr}} {
		if len(id.v) > 15 {
			return nil, fmt.Errorf("ack: interchange %s: %s %q: %w", ic.Control, id.name, id.v, ErrIDTooLong)
		}
		if err := checkValue(e.d, id.name, id.v); err != nil {
			return nil, fmt.Errorf("ack: interchange %s: %w", ic.Control, err)
		}
	}
	e.usage = ic.Usage
	if e.usage != "P" && e.usage != "T" && e.usage != "I" {
		e.usage = "P"
	}
	n, err := next(opts.Controls, "isa/"+e.senderQ+":"+e.sender+"/"+e.receiverQ+":"+e.recvr)
	if err != nil {
		return nil, err
	}
	e.control = fmt.Sprintf("%09d", n)
	isa11 := "U"
	if e.d.Repetition != 0 {
		isa11 = string([]byte{e.d.Repetition})
	}
	e.add("ISA", "00", blanks(10), "00", blanks(10),
		e.senderQ, pad(e.sender, 15), e.receiverQ, pad(e.recvr, 15),
		e.now.Format("060102"), e.now.Format("1504"), isa11, e.version, e.control,
		"0", e.usage, string([]byte{e.d.Component}))
	return e, nil
}

func (e *envelope) add(tag string, elems ...string) {
	// Trailing empty elements are dropped, as X12 requires.
	for len(elems) > 0 && elems[len(elems)-1] == "" {
		elems = elems[:len(elems)-1]
	}
	e.segs = append(e.segs, x12.NewSegment(e.d, tag, elems...))
}

// scope returns the control number scope of a kind ("gs", "st") for a group's
// application sender and receiver.
func scope(kind, sender, receiver string) string { return kind + "/" + sender + "/" + receiver }

// validQualifier accepts an interchange ID qualifier: two digits or upper-case letters.
func validQualifier(q string) bool {
	if len(q) != 2 {
		return false
	}
	for i := 0; i < 2; i++ {
		if c := q[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func blanks(n int) string { return strings.Repeat(" ", n) }

func pad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + blanks(n-len(s))
}

// pickRepetition returns a repetition separator that clashes with none of d's
// delimiters, for acknowledgments in 00402 and later whose input had none.
func pickRepetition(d x12.Delimiters) byte {
	for _, c := range []byte("^!{}|`") {
		if c != d.Element && c != d.Component && c != d.Segment {
			return c
		}
	}
	return 0
}

// validDelims reports whether d's delimiters are set, distinct, and neither letters,
// digits nor blanks.
func validDelims(d x12.Delimiters) bool {
	set := []byte{d.Element, d.Component, d.Segment}
	if d.Repetition != 0 {
		set = append(set, d.Repetition)
	}
	for i, c := range set {
		if c == 0 || c == ' ' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			return false
		}
		for _, o := range set[:i] {
			if o == c {
				return false
			}
		}
	}
	return true
}

// checkValue refuses an identifier that would hold a delimiter of d: X12 cannot escape
// it, and an identifier must not be altered.
func checkValue(d x12.Delimiters, name, v string) error {
	for i := 0; i < len(v); i++ {
		if isDelim(d, v[i]) {
			return fmt.Errorf("%s %q holds the delimiter %q: %w", name, v, v[i], x12.ErrDelimiterInData)
		}
	}
	return nil
}

func isDelim(d x12.Delimiters, c byte) bool {
	return c == d.Element || c == d.Component || c == d.Segment || c == d.Repetition && c != 0
}

// clean makes echoed data (a copy of bad data, a control number as received) safe to
// write: each delimiter, control character or non-ASCII character becomes one '?' (or
// '.' when '?' is a delimiter), and the result is cut to max bytes.
func clean(d x12.Delimiters, v string, max int) string {
	repl := '?'
	if isDelim(d, '?') {
		repl = '.'
	}
	v = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7E || isDelim(d, byte(r)) {
			return repl
		}
		return r
	}, v)
	if max > 0 && len(v) > max {
		v = v[:max]
	}
	return v
}

// The acknowledgment must itself be valid X12, so values echoed from a defective input
// are written in the nearest valid form; the defect is reported by its own code anyway
// (AK9 6, AK5 6 or 7, AK3 1).

// echoID echoes an identifier (type ID, min to max characters): cleaned, cut to max and
// padded with X to min.
func echoID(d x12.Delimiters, v string, min, max int) string {
	v = clean(d, strings.TrimSpace(v), max)
	for len(v) < min {
		v += "X"
	}
	return v
}

// echoNumber echoes a number (type N0, at most max digits), or 0 when v is not one.
func echoNumber(v string, max int) string {
	if !digits(v) || len(v) > max {
		return "0"
	}
	return v
}

// echoControl echoes a transaction set control number (AN 4-9): cleaned, cut to 9
// characters and padded with leading zeros to 4.
func echoControl(d x12.Delimiters, v string) string {
	v = clean(d, strings.TrimSpace(v), 9)
	if len(v) < 4 {
		v = strings.Repeat("0", 4-len(v)) + v
	}
	return v
}

func itoa(n int) string { return strconv.Itoa(n) }
