package ack

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/icss/icss/edi/x12"
)

// Kind is the type of an acknowledgment.
type Kind string

// The acknowledgments this package builds.
const (
	// TA1 is the interchange acknowledgment: one TA1 segment in its own interchange.
	TA1 Kind = "TA1"
	// FA997 is the 997 functional acknowledgment (X12 4010 and earlier).
	FA997 Kind = "997"
	// FA999 is the 999 implementation acknowledgment (005010X231A1).
	FA999 Kind = "999"
)

// Impl999 is the implementation convention reference the 999s carry in GS08 and ST03.
const Impl999 = "005010X231A1"

// Options control how acknowledgments are built. Now and Controls are required.
type Options struct {
	// Format forces the functional acknowledgment: FA997 or FA999. Empty picks by the
	// acknowledged group's version: 999 from 005010, 997 before (FormatFor).
	Format Kind `json:"format,omitempty"`
	// Now is the clock that dates the acknowledgment (ISA09/10, GS04/05). The time is
	// written in its own location; pass a clock in the zone agreed with the partner.
	Now func() time.Time `json:"-"`
	// Controls hands out the acknowledgment's ISA13, GS06 and ST02.
	Controls ControlNumbers `json:"-"`
	// Delims are the delimiters to write with. Zero uses those of the acknowledged
	// interchange, which its sender is known to read.
	Delims x12.Delimiters `json:"-"`
	// Newline writes a line feed after each segment terminator, for people reading files.
	Newline bool `json:"newline,omitempty"`
	// SenderQualifier and Sender replace ISA05/ISA06 of the acknowledgment. Empty uses
	// the acknowledged interchange's receiver (ISA07/ISA08), which is normally us.
	SenderQualifier string `json:"sender_qualifier,omitempty"`
	Sender          string `json:"sender,omitempty"`
	// Tolerate lists error codes ("AK5:4", "IK4:I12", "TA1:021", "AK9:5") that the
	// partner agreement tolerates: a set, group or interchange whose only errors are
	// tolerated ones is acknowledged E (accepted, errors noted) instead of R.
	Tolerate []string `json:"tolerate,omitempty"`
	// AckRejected also builds the 997/999 of the groups of an interchange that the TA1
	// rejects. By default they are not acknowledged: a TA1 R tells the sender that the
	// interchange was not processed and must be sent again whole.
	AckRejected bool `json:"ack_rejected,omitempty"`

	// Context returns the business unit a segment in error belongs to, for the 999's
	// CTX segment (name such as "M1101", and the value): see Units. Empty name: none.
	Context func(s *x12.Set, e *x12.SyntaxError) (name, value string) `json:"-"`
}

// Errors returned by Options.Validate and the builders.
var (
	ErrOptions   = errors.New("invalid acknowledgment options")
	ErrNoSender  = errors.New("the acknowledged interchange has no receiver ID to answer from; set Options.Sender")
	ErrIDTooLong = errors.New("interchange ID is longer than 15 characters")
	ErrNoGroup   = errors.New("group is not part of the interchange")
)

// Validate checks the options, naming the faulty field.
func (o *Options) Validate() error {
	switch o.Format {
	case "", FA997, FA999:
	default:
		return fmt.Errorf("%w: Format is %q, not 997 or 999", ErrOptions, o.Format)
	}
	if o.Now == nil {
		return fmt.Errorf("%w: Now (the clock) is nil", ErrOptions)
	}
	if o.Controls == nil {
		return fmt.Errorf("%w: Controls (the control number counter) is nil", ErrOptions)
	}
	if o.Delims != (x12.Delimiters{}) && !validDelims(o.Delims) {
		return fmt.Errorf("%w: Delims %q are not distinct non-alphanumeric characters", ErrOptions,
			[]byte{o.Delims.Element, o.Delims.Repetition, o.Delims.Component, o.Delims.Segment})
	}
	if o.SenderQualifier != "" && !validQualifier(o.SenderQualifier) {
		return fmt.Errorf("%w: SenderQualifier %q is not 2 digits or upper-case letters", ErrOptions, o.SenderQualifier)
	}
	if (o.SenderQualifier == "") != (o.Sender == "") {
		return fmt.Errorf("%w: SenderQualifier and Sender must be set together", ErrOptions)
	}
	if len(o.Sender) > 15 {
		return fmt.Errorf("%w: Sender %q is longer than 15 characters", ErrOptions, o.Sender)
	}
	for _, c := range o.Tolerate {
		if !strings.Contains(c, ":") {
			return fmt.Errorf("%w: Tolerate code %q is not qualified like \"AK5:4\"", ErrOptions, c)
		}
	}
	return nil
}

func (o *Options) tolerated(code string) bool {
	for _, c := range o.Tolerate {
		if c == code {
			return true
		}
	}
	return false
}

// Ack is one acknowledgment interchange, ready to write.
type Ack struct {
	Kind Kind `json:"kind"`
	// Interchange and Group identify what is acknowledged: its ISA13 and, for a 997 or
	// 999, its GS06.
	Interchange string `json:"interchange"`
	Group       string `json:"group,omitempty"`
	// Control, GroupControl and SetControl are the acknowledgment's own ISA13, GS06 and
	// ST02 (the last two empty for a TA1).
	Control      string `json:"control"`
	GroupControl string `json:"group_control,omitempty"`
	SetControl   string `json:"set_control,omitempty"`
	// Status is TA104 (A, E, R) for a TA1, AK901 (A, E, P, R) for a 997 or 999.
	Status string `json:"status"`
	// Codes are the TA105 note code, or AK905-AK909.
	Codes []string `json:"codes,omitempty"`
	// Sets are the transaction sets acknowledged, in the order received.
	Sets []SetAck `json:"sets,omitempty"`
	// Segments are the acknowledgment's segments, ISA to IEA.
	Segments []*x12.Segment `json:"-"`
	// Delims are the delimiters the segments are written with.
	Delims x12.Delimiters `json:"-"`
	// Newline is copied from Options.Newline.
	Newline bool `json:"-"`
}

// SetAck is what an acknowledgment says about one transaction set (an AK2 loop).
type SetAck struct {
	ID      string `json:"id"`                 // ST01
	Control string `json:"control"`            // ST02
	ImplRef string `json:"impl_ref,omitempty"` // ST03
	// Status is AK501/IK501: A accepted, E accepted with errors noted, R rejected.
	Status string `json:"status"`
	// Codes are AK502-AK506 (IK502-IK506).
	Codes []string `json:"codes,omitempty"`
	// Notes are the segments in error (AK3/IK3 loops), in segment order.
	Notes []SegmentNote `json:"notes,omitempty"`
}

// SegmentNote is one AK3/IK3 loop: a segment in error and its element errors.
type SegmentNote struct {
	ID       string        `json:"id"`             // AK301
	Position int           `json:"position"`       // AK302, the segment's position in the set (ST is 1)
	Loop     string        `json:"loop,omitempty"` // AK303
	Code     string        `json:"code"`           // AK304 (empty when the segment has element errors only: 8 is written)
	Elements []ElementNote `json:"elements,omitempty"`
	// Context is the 999 CTX business unit identifier (name, value), if known.
	Context [2]string `json:"context,omitzero"`
}

// ElementNote is one AK4/IK4: an element in error.
type ElementNote struct {
	Element   int    `json:"element"`             // AK401 position in segment
	Component int    `json:"component,omitempty"` // AK401 component position
	Ref       int    `json:"ref,omitempty"`       // AK402 element reference number, 0 when unknown
	Code      string `json:"code"`                // AK403
	Data      string `json:"data,omitempty"`      // AK404 copy of the bad data (cleaned when written)
}

// Accepted reports whether the acknowledgment accepts what it acknowledges (A or E).
func (a *Ack) Accepted() bool { return a.Status == "A" || a.Status == "E" }

// WriteTo writes the acknowledgment interchange to w.
func (a *Ack) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	xw := x12.NewWriter(cw)
	xw.Newline = a.Newline
	for _, s := range a.Segments {
		if err := xw.WriteSegment(s); err != nil {
			return cw.n, fmt.Errorf("ack: write %s %s: %w", a.Kind, s.Tag(), err)
		}
	}
	if err := xw.Flush(); err != nil {
		return cw.n, fmt.Errorf("ack: write %s: %w", a.Kind, err)
	}
	return cw.n, nil
}

// Bytes returns the acknowledgment interchange as written by WriteTo.
func (a *Ack) Bytes() []byte {
	var b bytes.Buffer
	a.WriteTo(&b) // a bytes.Buffer does not fail, and the segments were built clean
	return b.Bytes()
}

// FileName suggests a file name for the acknowledgment, unique per partner and control
// numbers: "<kind>_<ISA13 acknowledged>[_<GS06 acknowledged>]_<own ISA13>.x12".
func (a *Ack) FileName() string {
	name := string(a.Kind) + "_" + a.Interchange
	if a.Group != "" {
		name += "_" + a.Group
	}
	name += "_" + a.Control + ".x12"
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, name)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// FormatFor returns the functional acknowledgment a group calls for: 999 when its
// version (GS08, else ISA12) is 005010 or later, 997 before.
func FormatFor(ic *x12.Interchange, g *x12.Group) Kind {
	if version(ic, g) >= "005010" {
		return FA999
	}
	return FA997
}

// version returns the six-digit version/release of the group (GS08), falling back on
// the interchange's ISA12, or "" when neither is a release of X12 (002000 to 008999).
func version(ic *x12.Interchange, g *x12.Group) string {
	if g != nil && len(g.Version) >= 6 && knownRelease(g.Version[:6]) {
		return g.Version[:6]
	}
	if ic != nil && isaRelease(ic.Version) {
		return "0" + ic.Version[1:] + "0" // 00401 → 004010
	}
	return ""
}

// isaRelease reports whether v is an ISA12 of a known X12 release (00200 to 00899).
func isaRelease(v string) bool {
	return len(v) == 5 && v[0] == '0' && digits(v) && knownRelease("0"+v[1:]+"0")
}

// knownRelease reports whether v (six digits) is an X12 version/release.
func knownRelease(v string) bool { return digits(v) && v >= "002000" && v < "009000" }

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Acknowledge returns the acknowledgments an interchange calls for, in the order to send
// them: first a TA1 when ISA14 requests one or the envelope has errors (TA1Due), then one
// 997 or 999 per functional group. It skips groups that are themselves acknowledgments
// (GS01 FA: acknowledgments are never acknowledged) and, unless Options.AckRejected, the
// groups of an interchange that the TA1 rejects.
func Acknowledge(ic *x12.Interchange, opts Options) ([]*Ack, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	var out []*Ack
	rejected := false
	if TA1Due(ic) {
		ta1, err := BuildTA1(ic, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, ta1)
		rejected = ta1.Status == "R"
	}
	if rejected && !opts.AckRejected {
		return out, nil
	}
	for _, g := range ic.Groups {
		if g.FunctionalID == "FA" {
			continue
		}
		a, err := BuildGroup(ic, g, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
