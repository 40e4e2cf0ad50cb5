package x12map

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12"
	"github.com/icss/icss/transforms/harmonized"
)

// Options configure a Mapper. The zero value works.
type Options struct {
	// File names the input in provenance and messages.
	File string
	// ReceivedAt fills Filing.ReceivedAt of every record (the caller's clock).
	ReceivedAt *harmonized.DateTime
	// Sequence is added to the filing sequence numbers the mapper assigns (1, 2, … per
	// bill in reading order), so several files can be numbered in one series.
	Sequence int64
	// Unmapped, when set, is called for every segment or element no mapping used, so
	// that nothing is dropped silently. Leaving it nil skips the bookkeeping.
	Unmapped func(Unmapped)
}

// Unmapped is a segment or element of the input that no mapping used.
type Unmapped struct {
	File    string
	Pos     syntax.Position
	Segment string
	// Element is 1-based; 0 means the whole segment.
	Element int
	Value   string
	Reason  string
}

// String formats it as "file: line L, segment S (N103): value: reason".
func (u Unmapped) String() string {
	id := u.Segment
	if u.Element > 0 {
		id = fmt.Sprintf("%s%02d", u.Segment, u.Element)
	}
	return fmt.Sprintf("%s: line %d, segment %d (%s): %q: %s", u.File, u.Pos.Line, u.Pos.Segment, id, u.Value, u.Reason)
}

// Item is what Read returns: one bill version, or one container event.
type Item struct {
	Record *harmonized.Record
	Event  *harmonized.Event
}

// Mapper reads X12 interchanges and returns harmonized records (309 customs manifests)
// and container events (315, 322, 404), streaming: it holds one bill, or one event, at a
// time.
type Mapper struct {
	opts Options
	r    *x12.Reader

	// Envelope.
	isaSender, isaControl, isaDate, isaTime string
	gsSender, gsControl, gsVersion          string
	filedAt                                 *harmonized.DateTime
	setID, setControl                       string
	inSet                                   bool

	// 309 manifest header, shared by the set's bills.
	conv     harmonized.Conveyance
	filing   harmonized.Filing
	arrival  *harmonized.Location
	eta      *harmonized.DateTime
	headRefs []harmonized.Reference
	bills    int // bills in the current set
	declared int // M10-08

	// The bill being assembled.
	rec      *harmonized.Record
	party    int // index of the current N1 party, -1 when none
	equip    int // index of the current VID, -1 when none
	goods    int // index of the current cargo line, -1 when none
	hazmat   int // index of the current H1 within the cargo line, -1 when none
	inBond   int // index of the current M12, -1 when none
	houseNum string
	houseIss string
	m13SCAC  string

	// The event being assembled (315, 322, 404), and the function of its last R4.
	ev     *harmonized.Event
	lastR4 string

	// Description and marks of the current cargo line, joined across continuation N10s
	// and stored on the line when it is complete.
	desc, marks []byte

	// Element values are copied into arena, and the small parts of a bill come from the
	// slabs (alloc.go says why).
	arena     strArena
	positions slab[harmonized.Position]
	locations slab[harmonized.Location]
	weights   slab[harmonized.Weight]
	volumes   slab[harmonized.Volume]
	strLists  slab[string]
	seals     slab[harmonized.Seal]
	hazmats   slab[harmonized.Hazmat]

	// The lists of the bill being assembled grow here (startBill says why), and their
	// complete copies come from the slabs below.
	partyBuf   []harmonized.Party
	equipBuf   []harmonized.Equipment
	goodsBuf   []harmonized.GoodsItem
	parties    slab[harmonized.Party]
	equipment  slab[harmonized.Equipment]
	goodsItems slab[harmonized.GoodsItem]

	seq   int64
	out   []Item // queued items; out[head:] are still to be returned
	head  int
	track bool
	used  uint64 // elements of the current segment that were used (bit i = element i)
	seg   *x12.Segment
	err   error
}

// New returns a Mapper reading X12 from r.
func New(r io.Reader, opts Options) *Mapper {
	return &Mapper{opts: opts, r: x12.NewReader(r), track: opts.Unmapped != nil, party: -1, equip: -1, goods: -1, hazmat: -1, inBond: -1}
}

// Read returns the next bill version or event, or io.EOF after the last. Syntax errors in
// the input do not stop it: a skipped segment becomes a flag on the bill it was in. An
// error is returned only when the input cannot be read at all.
func (m *Mapper) Read() (Item, error) {
	for m.head == len(m.out) {
		if m.err != nil {
			return Item{}, m.err
		}
		seg, err := m.r.Read()
		if err == io.EOF {
			m.endSet(nil)
			m.err = io.EOF
			continue
		}
		if err != nil {
			// Declared here, not above: errors.As takes its address, which would put it
			// on the heap for every segment.
			var se *x12.SyntaxError
			if !errors.As(err, &se) {
				m.endSet(nil)
				m.err = fmt.Errorf("%s: %w", m.opts.File, err)
				continue
			}
			if seg == nil {
				m.syntaxFlag(se)
				continue
			}
		}
		m.segment(seg)
	}
	it := m.out[m.head]
	m.out[m.head] = Item{}
	if m.head++; m.head == len(m.out) {
		m.out, m.head = m.out[:0], 0 // reuse the queue's array
	}
	return it, nil
}

// syntaxFlag records a segment the reader had to skip on the bill being assembled, or as
// unmapped when there is none.
func (m *Mapper) syntaxFlag(se *x12.SyntaxError) {
	if m.rec != nil {
		m.rec.AddFlag(harmonized.FlagStructure, "", "%s: %v", m.opts.File, se)
		return
	}
	if m.track {
		m.opts.Unmapped(Unmapped{File: m.opts.File, Pos: se.Pos, Segment: se.SegmentID, Reason: "skipped by the reader: " + se.Err.Error()})
	}
}

// el returns element i of the current segment, trimmed, and marks it used.
func (m *Mapper) el(i int) string {
	if i < 64 {
		m.used |= 1 << uint(i)
	}
	b := m.seg.Elem(i)
	if len(b) == 0 {
		return ""
	}
	// Trim without allocating when there is nothing to trim.
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	// Copied, not interned: a map lookup per element cost more than the copy, and most
	// values of a bill (numbers, names) are not repeated anyway.
	return m.arena.string(b)
}

// useAll marks every element of the current segment used.
func (m *Mapper) useAll() { m.used = ^uint64(0) }

// unused reports the elements of the current segment that were not used.
func (m *Mapper) unused(reason string) {
	if !m.track {
		return
	}
	seg := m.seg
	if m.used == 0 {
		m.opts.Unmapped(Unmapped{File: m.opts.File, Pos: seg.Pos, Segment: seg.Tag(), Value: seg.String(), Reason: reason})
		return
	}
	for i := 1; i <= seg.Len(); i++ {
		if i < 64 && m.used&(1<<uint(i)) != 0 {
			continue
		}
		if v := seg.Elem(i); len(strings.TrimSpace(string(v))) > 0 {
			m.opts.Unmapped(Unmapped{File: m.opts.File, Pos: seg.Pos, Segment: seg.Tag(), Element: i, Value: string(v), Reason: "element not mapped"})
		}
	}
}

func (m *Mapper) pos() harmonized.Position {
	p := m.seg.Pos
	return harmonized.Position{Offset: p.Offset, Line: p.Line, Segment: p.Segment}
}

// posPtr returns the current position as a pointer for a Source field.
func (m *Mapper) posPtr() *harmonized.Position {
	p := m.positions.new()
	*p = m.pos()
	return p
}

// location returns a new Location holding l.
func (m *Mapper) location(l harmonized.Location) *harmonized.Location {
	p := m.locations.new()
	*p = l
	return p
}

// weight is harmonized.NewWeight, its result placed in a slab.
func (m *Mapper) weight(v float64, unit string) *harmonized.Weight {
	w, _ := harmonized.NewWeight(v, unit)
	p := m.weights.new()
	*p = *w
	return p
}

// volume is harmonized.NewVolume, its result placed in a slab.
func (m *Mapper) volume(v float64, unit string) *harmonized.Volume {
	vol, _ := harmonized.NewVolume(v, unit)
	p := m.volumes.new()
	*p = *vol
	return p
}

// appendStr appends v to a list of strings that is usually short (addresses, the
// containers of a cargo line), starting it in a slab.
func (m *Mapper) appendStr(list []string, v string) []string {
	if list == nil {
		list = m.strLists.slice(2)
	}
	return append(list, v)
}

// segment routes one segment.
func (m *Mapper) segment(seg *x12.Segment) {
	m.seg = seg
	m.used = 0
	reason := "segment not mapped"
	switch tag := seg.Tag(); tag {
	case "ISA":
		m.endSet(nil)
		m.useAll()
		m.isaSender, m.isaDate, m.isaTime, m.isaControl = m.el(6), m.el(9), m.el(10), m.el(13)
		m.gsSender, m.gsControl, m.gsVersion, m.filedAt = "", "", "", nil
	case "GS":
		m.endSet(nil)
		m.useAll()
		m.gsSender, m.gsControl, m.gsVersion = m.el(2), m.el(6), m.el(8)
		m.filedAt = nil
		if dt, err := harmonized.ParseX12Date(m.el(4), m.el(5), ""); err == nil {
			m.filedAt = dt
		}
	case "ST":
		m.endSet(nil)
		m.useAll()
		m.setID, m.setControl, m.inSet = m.el(1), m.el(2), true
		m.startSet()
	case "SE", "GE", "IEA", "TA1":
		m.useAll()
		if tag == "SE" {
			m.endSet(seg)
		} else {
			m.endSet(nil)
		}
	default:
		if !m.inSet {
			reason = "segment outside a transaction set"
			break
		}
		switch m.setID {
		case "309":
			m.seg309(tag)
		case "315":
			m.seg315(tag)
		case "322":
			m.seg322(tag)
		case "404":
			m.seg404(tag)
		default:
			reason = "transaction set " + m.setID + " carries no shipments or container events"
		}
	}
	m.unused(reason)
}

// startSet resets the per-set state.
func (m *Mapper) startSet() {
	m.conv = harmonized.Conveyance{Mode: harmonized.ModeUnknown}
	m.filing = harmonized.Filing{Type: harmonized.FilingOriginal, Filer: m.filer(), FiledAt: m.filedAt}
	m.arrival, m.eta, m.headRefs = nil, nil, nil
	m.bills, m.declared = 0, 0
	switch m.setID {
	case "315", "322", "404":
		m.ev = &harmonized.Event{Kind: harmonized.EventOther, Provenance: m.provenance()}
		m.lastR4 = ""
		if m.setID == "404" {
			m.ev.Kind = harmonized.EventRailWaybill
		}
	}
}

func (m *Mapper) filer() string {
	if m.gsSender != "" {
		return m.gsSender
	}
	return m.isaSender
}

func (m *Mapper) provenance() harmonized.Provenance {
	v := m.gsVersion
	if v == "" {
		v = "unknown"
	}
	return harmonized.Provenance{File: m.opts.File, Standard: harmonized.StandardX12, Version: v, Message: m.setID,
		InterchangeControl: m.isaControl, GroupControl: m.gsControl, SetControl: m.setControl, Start: m.pos(), End: m.pos()}
}

// endSet flushes what the set was assembling. se is the SE segment, or nil when the set
// ended without one.
func (m *Mapper) endSet(se *x12.Segment) {
	if !m.inSet {
		return
	}
	m.inSet = false
	switch m.setID {
	case "309":
		if m.rec != nil && se == nil {
			m.rec.AddFlag(harmonized.FlagStructure, "provenance.set_control", "%s: transaction set %s ended without its SE (truncated input?); the bill may be incomplete", m.opts.File, m.setControl)
		}
		if m.rec != nil && m.declared > 0 && m.declared != m.bills {
			m.rec.AddFlag(harmonized.FlagStructure, "provenance.set_control", "%s: transaction set %s: M10-08 declares %d bills but the set holds %d (flagged on its last bill)",
				m.opts.File, m.setControl, m.declared, m.bills)
		}
		m.flushBill()
	case "315", "322", "404":
		if m.ev != nil {
			m.ev.Provenance.End = m.pos()
			m.out = append(m.out, Item{Event: m.ev})
			m.ev = nil
		}
	}
	if se == nil && m.track && m.seg != nil {
		m.opts.Unmapped(Unmapped{File: m.opts.File, Pos: m.seg.Pos, Segment: "SE", Reason: "transaction set " + m.setControl + " ended without its SE"})
	}
}

// dateTime parses an X12 date and time, flagging the current record when it fails.
func (m *Mapper) dateTime(field, date, clock, zone string) *harmonized.DateTime {
	if date == "" {
		return nil
	}
	dt, err := harmonized.ParseX12Date(date, clock, zone)
	if err != nil {
		if m.rec != nil {
			m.rec.AddFlag(harmonized.FlagDate, field, "%s: %v", m.seg.Pos, err)
		}
		return nil
	}
	return dt
}

// number parses a numeric element, flagging the current record when it fails.
func (m *Mapper) number(field, v string) (float64, bool) {
	if v == "" {
		return 0, false
	}
	n, err := harmonized.ParseNumber(v, false)
	if err != nil {
		if m.rec != nil {
			m.rec.AddFlag(harmonized.FlagNumber, field, "%s (%s): %v", m.seg.Pos, m.seg.Tag(), err)
		}
		return 0, false
	}
	return n, true
}
