package edifact

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/icss/icss/edi/syntax"
)

// ContrlOptions tune WriteCONTRL.
type ContrlOptions struct {
	// Now is the preparation date and time written in UNB S004. Required: the package
	// never reads the clock.
	Now time.Time `json:"-"`
	// Reference is the CONTRL interchange's control reference (UNB 0020, an..14) and
	// message reference. Empty means the acknowledged interchange's reference, which
	// is unique per sender and so also unique for the answering party.
	Reference string `json:"reference,omitempty" yaml:"reference,omitempty"`
	// Delimiters of the CONTRL interchange; the zero value means DefaultDelimiters
	// (and no UNA is written).
	Delimiters Delimiters `json:"-"`
	// ReceiptOnly answers with action 8 (interchange received) and no detail.
	ReceiptOnly bool `json:"receipt_only,omitempty" yaml:"receipt_only,omitempty"`
	// Newline writes a line break after each segment.
	Newline bool `json:"newline,omitempty" yaml:"newline,omitempty"`
}

// Validate reports a missing or malformed option, naming it.
func (o *ContrlOptions) Validate() error {
	if o.Now.IsZero() {
		return errors.New("contrl options: Now is required")
	}
	if len(o.Reference) > 14 {
		return fmt.Errorf("contrl options: Reference %q is longer than 14 characters", o.Reference)
	}
	if o.Delimiters != (Delimiters{}) {
		if err := o.Delimiters.Validate(); err != nil {
			return fmt.Errorf("contrl options: Delimiters: %w", err)
		}
	}
	return nil
}

// CONTRL action codes (data element 0083).
const (
	ActionRejected     = "4" // this level and all lower levels rejected
	ActionAcknowledged = "7" // this level acknowledged, lower levels accepted unless reported
	ActionReceived     = "8" // interchange received
)

// ErrNoAck is returned (wrapped) by WriteCONTRL for an interchange that is not to be
// answered with a CONTRL: one that holds only CONTRL messages (ISO 9735-1 forbids
// acknowledging an acknowledgement), or messages without a UNB, which name no one to
// answer.
var ErrNoAck = errors.New("no CONTRL for this interchange")

// WriteCONTRL writes the CONTRL interchange answering one inspected interchange: UCI
// with the interchange's action and first error; unless the interchange is rejected,
// one UCF per explicit group and one UCM per message, with UCS/UCD for each segment and
// element in error (positions counted from UNH = 1). Warnings are not reported. Sender
// and recipient are swapped; the syntax identifier and version follow the received
// interchange (CONTRL:4:1:UN under version 4, CONTRL:D:3:UN otherwise).
func WriteCONTRL(w io.Writer, ic *syntax.Interchange, opts ContrlOptions) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	if onlyCONTRL(ic) {
		return fmt.Errorf("%w: it holds only CONTRL messages, which are not acknowledged", ErrNoAck)
	}
	if ic.Sender == "" || ic.Receiver == "" {
		return fmt.Errorf("%w: no interchange header (UNB) names the parties", ErrNoAck)
	}
	id, version, _ := strings.Cut(ic.Version, ":")
	if LevelOf(id) == LevelUnknown {
		id = "UNOB"
	}
	ver, _ := strconv.Atoi(version)
	if ver < 1 || ver > 4 {
		ver = 3
	}
	if LevelOf(id).minVersion() > ver {
		ver = LevelOf(id).minVersion()
	}
	ref := opts.Reference
	if ref == "" {
		ref = ic.Control
		if ref == "" || len(ref) > 14 {
			ref = "1"
		}
	}
	date := opts.Now.UTC().Format("060102")
	msgID := []string{"CONTRL", "D", "3", "UN"}
	if ver >= 4 {
		date = opts.Now.UTC().Format("20060102")
		msgID = []string{"CONTRL", "4", "1", "UN"}
	}
	cw := NewWriter(w)
	cw.Newline = opts.Newline
	if opts.Delimiters != (Delimiters{}) {
		cw.Delimiters = opts.Delimiters
		if opts.Delimiters != DefaultDelimiters {
			if err := cw.WriteUNA(); err != nil {
				return err
			}
		}
	}
	segs := 0
	put := func(tag string, elems ...[]string) error {
		segs++
		return cw.WriteSegment(tag, elems...)
	}
	sender, recipient := split(ic.Sender), split(ic.Receiver)
	if err := cw.WriteSegment("UNB", []string{id, strconv.Itoa(ver)}, recipient, sender, []string{date, opts.Now.UTC().Format("1504")}, []string{ref}); err != nil {
		return err
	}
	if err := put("UNH", []string{ref}, msgID); err != nil {
		return err
	}
	uci := []([]string){{ic.Control}, sender, recipient}
	switch {
	case opts.ReceiptOnly:
		uci = append(uci, []string{ActionReceived})
	case !ic.Accepted:
		uci = append(uci, []string{ActionRejected})
		uci = append(uci, errorElems(firstError(ic.Issues))...)
	default:
		uci = append(uci, []string{ActionAcknowledged})
	}
	if err := put("UCI", uci...); err != nil {
		return err
	}
	if ic.Accepted && !opts.ReceiptOnly {
		for gi := range ic.Groups {
			g := &ic.Groups[gi]
			if !g.Implicit {
				ucf := []([]string){{g.Control}, split(g.Sender), split(g.Receiver)}
				groupOK := !hasError(g.Issues)
				if groupOK {
					ucf = append(ucf, []string{ActionAcknowledged})
				} else {
					ucf = append(ucf, []string{ActionRejected})
					ucf = append(ucf, errorElems(firstError(g.Issues))...)
				}
				if err := put("UCF", ucf...); err != nil {
					return err
				}
				if !groupOK {
					continue
				}
			}
			for si := range g.Sets {
				if err := writeUCM(&g.Sets[si], put); err != nil {
					return err
				}
			}
		}
	}
	if err := put("UNT", []string{strconv.Itoa(segs + 1)}, []string{ref}); err != nil {
		return err
	}
	if err := cw.WriteSegment("UNZ", []string{"1"}, []string{ref}); err != nil {
		return err
	}
	return cw.Flush()
}

func onlyCONTRL(ic *syntax.Interchange) bool {
	n := 0
	for _, g := range ic.Groups {
		for _, s := range g.Sets {
			if s.Type != "CONTRL" {
				return false
			}
			n++
		}
	}
	return n > 0
}

// writeUCM writes the UCM for one message and its UCS/UCD detail.
func writeUCM(s *syntax.Set, put func(string, ...[]string) error) error {
	ucm := []([]string){{s.Control}, split(s.Type + ":" + s.Version)}
	// Errors about the envelope of the message (UNH, UNT) go in UCM; the others in
	// UCS/UCD under the position of their segment.
	var envelope *syntax.Issue
	for i := range s.Issues {
		is := &s.Issues[i]
		if is.Severity == syntax.Error && is.Code != "" && (is.SegmentID == "UNH" || is.SegmentID == "UNT") {
			envelope = is
			break
		}
	}
	if s.Accepted {
		ucm = append(ucm, []string{ActionAcknowledged})
	} else {
		ucm = append(ucm, []string{ActionRejected})
		if envelope != nil {
			ucm = append(ucm, errorElems(envelope)...)
		}
	}
	if err := put("UCM", ucm...); err != nil {
		return err
	}
	if s.Accepted {
		return nil
	}
	lastPos := -1
	for i := range s.Issues {
		is := &s.Issues[i]
		if is.Severity != syntax.Error || is.Code == "" || is.SegmentID == "UNH" || is.SegmentID == "UNT" || is == envelope {
			continue
		}
		pos := is.Pos.Segment - s.Pos.Segment + 1
		code := strings.TrimPrefix(is.Code, "0085:")
		if pos != lastPos {
			ucs := []([]string){{strconv.Itoa(pos)}}
			if is.Element == 0 {
				ucs = append(ucs, []string{code})
			}
			if err := put("UCS", ucs...); err != nil {
				return err
			}
			lastPos = pos
			if is.Element == 0 {
				continue
			}
		}
		if is.Element == 0 {
			continue // a second segment-level error at the same position: UCS holds one
		}
		s011 := []string{strconv.Itoa(is.Element)}
		if is.Component > 0 {
			s011 = append(s011, strconv.Itoa(is.Component))
		}
		if err := put("UCD", []string{code}, s011); err != nil {
			return err
		}
	}
	return nil
}

func firstError(issues []syntax.Issue) *syntax.Issue {
	for i := range issues {
		if issues[i].Severity == syntax.Error && issues[i].Code != "" {
			return &issues[i]
		}
	}
	return nil
}

// errorElems renders an issue as the 0085, 0013 and S011 elements of UCI, UCF or UCM.
func errorElems(is *syntax.Issue) [][]string {
	if is == nil {
		return nil
	}
	out := [][]string{{strings.TrimPrefix(is.Code, "0085:")}, {is.SegmentID}}
	if is.Element > 0 {
		s011 := []string{strconv.Itoa(is.Element)}
		if is.Component > 0 {
			s011 = append(s011, strconv.Itoa(is.Component))
		}
		out = append(out, s011)
	}
	return out
}

// split turns a composite as reports show it ("SENDER:ZZZ") back into components.
func split(s string) []string {
	if s == "" {
		return []string{""}
	}
	return strings.Split(s, ":")
}
