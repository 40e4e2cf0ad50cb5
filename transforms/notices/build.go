package notices

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12/ack"
)

// Recipient is who gets a notice file: a carrier that filed bills (Name is its filer
// ID) or a terminal (Name is the terminal's), in one standard and release.
type Recipient struct {
	Name     string   `json:"name"`
	Terminal bool     `json:"terminal,omitempty"`
	Standard Standard `json:"standard"`
	Receiver Party    `json:"receiver"`
	Version  string   `json:"version,omitempty"` // X12 GS08
	Endpoint string   `json:"endpoint,omitempty"`
}

// Ledger is the recipient's name in the ledger and in Skip: the filer ID of a carrier,
// "terminal/<name>" of a terminal, so that the two never mix.
func (r Recipient) Ledger() string {
	if r.Terminal {
		return "terminal/" + r.Name
	}
	return r.Name
}

func (r Recipient) group() string {
	return strings.Join([]string{r.Name, fmt.Sprint(r.Terminal), string(r.Standard), r.Receiver.Qualifier, r.Receiver.ID, r.Version, r.Endpoint}, "\x00")
}

// Notice is one event in a file: its message (ST02 or UNH 0062) there.
type Notice struct {
	Event
	Message string `json:"message"`
}

// File is one interchange of notices for one recipient: a 350 interchange (one
// transaction set per notice) or a CUSRES interchange (one message per notice).
type File struct {
	Recipient Recipient `json:"recipient"`
	// Name is the file's name in the recipient's outbox: "350_<receiver>_<ISA13>.x12"
	// or "CUSRES_<receiver>_<UNB 0020>.edi".
	Name    string   `json:"name"`
	Control string   `json:"control"` // ISA13 or UNB 0020
	SHA256  string   `json:"sha256"`
	Notices []Notice `json:"notices"`
	Data    []byte   `json:"-"`
}

// Batch is what one Build produced: the files to send, and the events that could not
// be sent.
type Batch struct {
	Files   []*File `json:"files"`
	Skipped []Skip  `json:"skipped,omitempty"`
}

// Inputs are Build's inputs, JSON lines; the names label errors.
type Inputs struct {
	// Assessments are risk.Assessment lines; the selected ones put their bills'
	// containers on hold. Index is the 0-based line of the record in Records.
	Assessments     io.Reader
	AssessmentsName string
	// Records are harmonized.Record lines: the records that were scored, and the
	// bills the results name.
	Records     io.Reader
	RecordsName string
	// Results, optional, are exam.Result lines: each ends its container's hold.
	Results     io.Reader
	ResultsName string
}

type nowFunc func() time.Time

// Options control Build. Controls is required.
type Options struct {
	Config Config
	// Codes is the disposition table; nil is DefaultCodes.
	Codes *Codes
	// Controls hands out ISA13, GS06 and UNB 0020, in the scopes the acknowledgments
	// use (isa/<ISA05>:<ISA06>/<ISA07>:<ISA08>, gs/<GS02>/<GS03>, and
	// unb/<sender>/<recipient> for EDIFACT), so a number is never reused for a partner
	// whatever icss sends it. The ledger's NextControlNumber in production.
	Controls ack.ControlNumbers
	// Sent reports whether an event was already recorded for a recipient (by its
	// Ledger name, in the ledger's notice_events); nil treats none as sent.
	Sent func(ctx context.Context, key, recipient string) (bool, error)
	// Now dates the notices and interchanges; nil is time.Now in UTC.
	Now func() time.Time
	// OnlyRouted leaves out (as skipped) the recipients without an endpoint, whose
	// files could not be delivered; Notify sets it.
	OnlyRouted bool
}

// ErrInvalidNotice reports a notice file that does not read back valid through
// edi.Inspect; it is never sent, and its events are listed in Batch.Skipped.
var ErrInvalidNotice = errors.New("notice does not validate")

// Build reads the inputs and returns the notice files not yet sent: a hold for every
// container of every selected bill, and, per exam result, the end of the hold (a
// release, or a continued hold with the outcome). Each notice goes to the carrier that
// filed the bill, in the standard it filed in (X12 350 or EDIFACT CUSRES D00B), and to
// the terminals configured for the container's port; one interchange per recipient and
// standard. Every file is inspected with edi.Inspect before it is returned.
func Build(ctx context.Context, in Inputs, opts Options) (*Batch, error) {
	if err := opts.Config.Validate(); err != nil {
		return nil, err
	}
	codes := opts.Codes
	if codes == nil {
		codes = DefaultCodes()
	} else if err := codes.Validate(); err != nil {
		return nil, err
	}
	if opts.Controls == nil {
		return nil, errors.New("notices: Options.Controls (the control number counter) is nil")
	}
	if in.Assessments == nil || in.Records == nil {
		return nil, errors.New("notices: assessments and records are required")
	}
	now := opts.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	st, err := readInputs(in)
	if err != nil {
		return nil, err
	}
	b := &Batch{}
	skip := func(s Skip) { b.Skipped = append(b.Skipped, s) }
	events := st.holds(codes, now(), skip)
	rel, err := st.releases(codes, skip)
	if err != nil {
		return nil, err
	}
	events = append(events, rel...)

	// Route every event to its recipients, leaving out what was sent before and
	// repeats within the input.
	type pending struct {
		rcp    Recipient
		events []Event
	}
	var order []string
	groups := map[string]*pending{}
	seen := map[string]bool{}
	for _, e := range events {
		rcps, err := opts.Config.recipients(e)
		if err != nil {
			skip(Skip{Key: e.Key, Recipient: e.Record.Filing.Filer, Reason: err.Error()})
		}
		for _, rcp := range rcps {
			if seen[e.Key+"\x00"+rcp.Ledger()] {
				continue
			}
			seen[e.Key+"\x00"+rcp.Ledger()] = true
			reason := fits(e, rcp)
			if reason == "" && opts.OnlyRouted && rcp.Endpoint == "" {
				reason = "no endpoint is configured for " + rcp.Name
			}
			if reason != "" {
				skip(Skip{Key: e.Key, Recipient: rcp.Ledger(), Reason: reason})
				continue
			}
			if opts.Sent != nil {
				sent, err := opts.Sent(ctx, e.Key, rcp.Ledger())
				if err != nil {
					return nil, err
				}
				if sent {
					continue
				}
			}
			g := groups[rcp.group()]
			if g == nil {
				g = &pending{rcp: rcp}
				groups[rcp.group()] = g
				order = append(order, rcp.group())
			}
			g.events = append(g.events, e)
		}
	}
	for _, k := range order {
		g := groups[k]
		f, err := buildFile(&opts.Config, codes, g.rcp, g.events, opts.Controls, now)
		if errors.Is(err, ErrInvalidNotice) {
			// Data the recipient's standard cannot carry (a code echoed from a broken
			// filing): its notices are reported, the other recipients' still go.
			for _, e := range g.events {
				skip(Skip{Key: e.Key, Recipient: g.rcp.Ledger(), Reason: err.Error()})
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		b.Files = append(b.Files, f)
	}
	return b, nil
}

// recipients returns the carrier that filed the event's bill and the terminals of its
// port; the error says why the carrier has no route (the terminals are still returned).
func (c *Config) recipients(e Event) ([]Recipient, error) {
	var out []Recipient
	carrier, err := c.route(e.Record)
	if err == nil {
		out = append(out, carrier)
	}
	places := []string{e.Port}
	if p := e.Record.Itinerary.PortOfArrival; p != nil {
		places = append(places, p.UNLOCODE, p.ScheduleD, p.FIRMS)
	}
	return append(out, c.terminals(places...)...), err
}

// fits says why an event cannot be written for a recipient, or "".
func fits(e Event, rcp Recipient) string {
	if rcp.Standard == X12 && rcp.Version < "005010" && len(e.Record.Bill.Number) > 12 {
		return fmt.Sprintf("bill number %q is longer than the 12 characters a 4010 X4 holds", e.Record.Bill.Number)
	}
	if e.Record.Bill.Number == "" {
		return "the bill has no number"
	}
	return ""
}

// buildFile numbers, writes and inspects one recipient's interchange.
func buildFile(cfg *Config, codes *Codes, rcp Recipient, events []Event, controls ack.ControlNumbers, now nowFunc) (*File, error) {
	f := &File{Recipient: rcp}
	var buf bytes.Buffer
	var msgs []string
	switch rcp.Standard {
	case X12:
		isa, err := next(controls, "isa/"+cfg.X12Sender.Qualifier+":"+cfg.X12Sender.ID+"/"+rcp.Receiver.Qualifier+":"+rcp.Receiver.ID)
		if err != nil {
			return nil, err
		}
		gs, err := next(controls, "gs/"+cfg.X12Sender.ID+"/"+rcp.Receiver.ID)
		if err != nil {
			return nil, err
		}
		f.Control = fmt.Sprintf("%09d", isa)
		f.Name = fmt.Sprintf("350_%s_%s.x12", fileToken(rcp.Receiver.ID), f.Control)
		if msgs, err = writeX12(&buf, cfg, rcp, x12Envelope{control: f.Control, group: fmt.Sprint(gs)}, events, now); err != nil {
			return nil, err
		}
	case EDIFACT:
		n, err := next(controls, "unb/"+cfg.EDIFACTSender.ID+"/"+rcp.Receiver.ID)
		if err != nil {
			return nil, err
		}
		f.Control = fmt.Sprint(n)
		f.Name = fmt.Sprintf("CUSRES_%s_%s.edi", fileToken(rcp.Receiver.ID), f.Control)
		if msgs, err = writeCUSRES(&buf, cfg, codes, rcp, f.Control, events, now); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("notices: recipient %s: standard %q", rcp.Name, rcp.Standard)
	}
	f.Data = buf.Bytes()
	sum := sha256.Sum256(f.Data)
	f.SHA256 = hex.EncodeToString(sum[:])
	for i, e := range events {
		f.Notices = append(f.Notices, Notice{Event: e, Message: msgs[i]})
	}
	rep, err := edi.Inspect(bytes.NewReader(f.Data), f.Name)
	if err != nil {
		return nil, err
	}
	if !rep.Valid() {
		return nil, fmt.Errorf("%w: %s: %s", ErrInvalidNotice, f.Name, firstError(rep))
	}
	return f, nil
}

// next draws a control number and checks it fits ISA13 (and UNB 0020).
func next(c ack.ControlNumbers, scope string) (int64, error) {
	n, err := c.Next(scope)
	if err != nil {
		return 0, fmt.Errorf("notices: control number of %s: %w", scope, err)
	}
	if n < 1 || n > ack.MaxControl {
		return 0, fmt.Errorf("notices: control number of %s is %d: %w", scope, n, ack.ErrControlRange)
	}
	return n, nil
}

// fileToken makes an interchange ID safe in a file name.
func fileToken(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, id)
}

// firstError describes the most precise error of a report: an element's when there is
// one (the AK4 under an AK3 8), else the first.
func firstError(rep *syntax.Report) string {
	var first, element *syntax.Issue
	visit := func(is []syntax.Issue) {
		for i := range is {
			if is[i].Severity != syntax.Error {
				continue
			}
			if first == nil {
				first = &is[i]
			}
			if element == nil && is[i].Element > 0 {
				element = &is[i]
			}
		}
	}
	visit(rep.Issues)
	for _, ic := range rep.Interchanges {
		visit(ic.Issues)
		for _, g := range ic.Groups {
			visit(g.Issues)
			for _, set := range g.Sets {
				visit(set.Issues)
			}
		}
	}
	if element != nil {
		first = element
	}
	if first == nil {
		return "invalid"
	}
	where := first.SegmentID
	if first.Element > 0 {
		where += fmt.Sprintf("%02d", first.Element)
	}
	return fmt.Sprintf("%s at %s: %s %s", where, first.Pos, first.Code, first.Message)
}
