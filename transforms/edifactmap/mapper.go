package edifactmap

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/transforms/harmonized"
)

// Options configure a Mapper; the zero value works.
type Options struct {
	File       string
	ReceivedAt *harmonized.DateTime
	// Sequence offsets the filing sequence numbers (1, 2, … per bill in reading order).
	Sequence int64
	// Unmapped, when set, is called for every segment or element no mapping used.
	Unmapped func(Unmapped)
}

// Unmapped is a segment or element no mapping used.
type Unmapped struct {
	File    string
	Pos     syntax.Position
	Segment string
	Element int // 1-based; 0 for the whole segment
	Value   string
	Reason  string
}

// String formats it as "file: line L, segment S (NAD03): value: reason".
func (u Unmapped) String() string {
	id := u.Segment
	if u.Element > 0 {
		id = fmt.Sprintf("%s%02d", u.Segment, u.Element)
	}
	return fmt.Sprintf("%s: line %d, segment %d (%s): %q: %s", u.File, u.Pos.Line, u.Pos.Segment, id, u.Value, u.Reason)
}

// Mapper reads CUSCAR interchanges and returns one record per consignment.
type Mapper struct {
	opts Options
	r    *edifact.Reader
	seg  *edifact.Segment
	used uint64
	err  error
	out  []Item
	head int
	seq  int64

	// Interchange and message header.
	sender, control, msgRef, msgType, version string
	inMsg                                     bool
	filing                                    harmonized.Filing
	conv                                      harmonized.Conveyance
	itin                                      harmonized.Itinerary
	headRefs                                  []harmonized.Reference
	equipment                                 map[string]*harmonized.Equipment
	equipOrder                                []string
	lastEquip                                 *harmonized.Equipment

	// The event being assembled (COARRI, IFTSTA) and the message's defaults for it.
	ev     *harmonized.Event
	evKind harmonized.EventKind
	evAt   *harmonized.DateTime
	evLoc  *harmonized.Location
	evRefs map[string]string

	// The consignment being assembled.
	rec      *harmonized.Record
	goods    int
	master   string
	house    string
	inGoods  bool
	partyIdx int
}

// New returns a Mapper reading EDIFACT from r.
func New(r io.Reader, opts Options) *Mapper {
	return &Mapper{opts: opts, r: edifact.NewReader(r), goods: -1, partyIdx: -1}
}

// Item is what Read returns: a consignment's record (CUSCAR) or a container event
// (COARRI, IFTSTA).
type Item struct {
	Record *harmonized.Record
	Event  *harmonized.Event
}

// Read returns the next consignment's record or container event, or io.EOF after the
// last. Messages other than CUSCAR, COARRI and IFTSTA are reported as unmapped. Syntax
// errors become flags on the record being assembled; only an unreadable input returns
// an error.
func (m *Mapper) Read() (Item, error) {
	for m.head == len(m.out) {
		if m.err != nil {
			return Item{}, m.err
		}
		seg, err := m.r.Read()
		if err == io.EOF {
			m.endMessage()
			m.err = io.EOF
			continue
		}
		if err != nil {
			var se *edifact.SyntaxError
			if !errors.As(err, &se) {
				m.endMessage()
				m.err = fmt.Errorf("%s: %w", m.opts.File, err)
				continue
			}
			if m.rec != nil {
				m.rec.AddFlag(harmonized.FlagStructure, "", "%s: %v", m.opts.File, se)
			}
			if seg == nil {
				continue
			}
		}
		m.segment(seg)
	}
	it := m.out[m.head]
	m.out[m.head] = Item{}
	if m.head++; m.head == len(m.out) {
		m.out, m.head = m.out[:0], 0
	}
	return it, nil
}

// s returns component j of element i decoded to UTF-8 and trimmed, marking the element used.
func (m *Mapper) s(i, j int) string {
	if i < 64 {
		m.used |= 1 << uint(i)
	}
	return strings.TrimSpace(m.seg.String(i, j))
}

// text joins the components of element i with spaces (free-text composites).
func (m *Mapper) text(i int) string {
	var parts []string
	for j := 1; j <= m.seg.Components(i); j++ {
		if v := m.s(i, j); v != "" {
			parts = append(parts, v)
		}
	}
	if i < 64 {
		m.used |= 1 << uint(i)
	}
	return strings.Join(parts, " ")
}

func (m *Mapper) pos() harmonized.Position {
	p := m.seg.Pos
	return harmonized.Position{Offset: p.Offset, Line: p.Line, Segment: p.Segment}
}

func (m *Mapper) posPtr() *harmonized.Position {
	p := m.pos()
	return &p
}

func (m *Mapper) unused(reason string) {
	if m.opts.Unmapped == nil {
		return
	}
	seg := m.seg
	if m.used == 0 {
		m.opts.Unmapped(Unmapped{File: m.opts.File, Pos: seg.Pos, Segment: seg.Tag(), Value: string(seg.Bytes()), Reason: reason})
		return
	}
	for i := 1; i <= seg.Len(); i++ {
		if i < 64 && m.used&(1<<uint(i)) != 0 {
			continue
		}
		if v := seg.RawElem(i); len(v) > 0 {
			m.opts.Unmapped(Unmapped{File: m.opts.File, Pos: seg.Pos, Segment: seg.Tag(), Element: i, Value: string(v), Reason: "element not mapped"})
		}
	}
}

func (m *Mapper) segment(seg *edifact.Segment) {
	m.seg, m.used = seg, 0
	reason := "segment not mapped"
	switch tag := seg.Tag(); tag {
	case "UNA":
		m.used = ^uint64(0)
	case "UNB":
		m.endMessage()
		m.used = ^uint64(0)
		m.sender, m.control = m.s(2, 1), m.s(5, 1)
		m.filing = harmonized.Filing{Type: harmonized.FilingOriginal, Filer: m.sender}
		if d := m.s(4, 1); d != "" {
			if dt, err := harmonized.ParseEDIFACTDate(d+m.s(4, 2), ""); err == nil {
				m.filing.FiledAt = dt
			}
		}
	case "UNG", "UNE", "UNZ":
		m.used = ^uint64(0)
		m.endMessage()
	case "UNH":
		m.endMessage()
		m.used = ^uint64(0)
		m.msgRef, m.msgType = m.s(1, 1), m.s(2, 1)
		m.version = m.s(2, 2) + m.s(2, 3)
		m.startMessage()
	case "UNT":
		m.used = ^uint64(0)
		m.endMessage()
	default:
		switch {
		case !m.inMsg:
			reason = "segment outside a message"
		case m.msgType == "CUSCAR":
			m.cuscarSegment(tag)
		case m.msgType == "COARRI":
			m.coarriSegment(tag)
		case m.msgType == "IFTSTA":
			m.iftstaSegment(tag)
		case m.msgType == "BAPLIE":
			m.baplieSegment(tag)
		default:
			reason = "message " + m.msgType + " carries no consignments or container events"
		}
	}
	m.unused(reason)
}

func (m *Mapper) startMessage() {
	m.inMsg = true
	m.ev, m.evKind, m.evAt, m.evLoc = nil, harmonized.EventOther, nil, nil
	m.evRefs = map[string]string{}
	m.filing.Type = harmonized.FilingOriginal
	m.filing.ManifestType = ""
	m.conv = harmonized.Conveyance{Mode: harmonized.ModeUnknown}
	m.itin = harmonized.Itinerary{}
	m.headRefs = nil
	m.equipment = map[string]*harmonized.Equipment{}
	m.equipOrder = nil
	m.lastEquip = nil
}

func (m *Mapper) endMessage() {
	if !m.inMsg {
		return
	}
	m.flushBill()
	m.flushEvent()
	m.inMsg = false
}

func (m *Mapper) provenance() harmonized.Provenance {
	return harmonized.Provenance{File: m.opts.File, Standard: harmonized.StandardEDIFACT, Version: m.version, Message: m.msgType,
		InterchangeControl: m.control, SetControl: m.msgRef, Start: m.pos(), End: m.pos()}
}
