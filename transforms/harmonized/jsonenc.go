package harmonized

import (
	"math"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends the record's JSON form to dst, byte for byte what encoding/json
// writes for it with SetEscapeHTML(false) (without the trailing newline), about three
// times faster. The normalize command writes millions of records; the equivalence is
// held by a test over every golden record and a fuzz target.
func (r *Record) AppendJSON(dst []byte) []byte {
	o := obj{b: append(dst, '{')}
	o = o.str("schema", r.Schema)
	o = o.str("key", r.Key)
	o = o.key("bill")
	o.b = appendBill(o.b, &r.Bill)
	o = o.key("filing")
	o.b = appendFiling(o.b, &r.Filing)
	o = o.key("provenance")
	o.b = appendProvenance(o.b, &r.Provenance)
	o = o.key("conveyance")
	o.b = appendConveyance(o.b, &r.Conveyance)
	o = o.key("itinerary")
	o.b = appendItinerary(o.b, &r.Itinerary)
	o = o.key("parties")
	if r.Parties == nil {
		o.b = append(o.b, "null"...)
	} else {
		o.b = append(o.b, '[')
		for i := range r.Parties {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendParty(o.b, &r.Parties[i])
		}
		o.b = append(o.b, ']')
	}
	o = o.key("goods")
	if r.Goods == nil {
		o.b = append(o.b, "null"...)
	} else {
		o.b = append(o.b, '[')
		for i := range r.Goods {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendGoods(o.b, &r.Goods[i])
		}
		o.b = append(o.b, ']')
	}
	o = o.key("equipment")
	if r.Equipment == nil {
		o.b = append(o.b, "null"...)
	} else {
		o.b = append(o.b, '[')
		for i := range r.Equipment {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendEquipment(o.b, &r.Equipment[i])
		}
		o.b = append(o.b, ']')
	}
	if len(r.InBond) > 0 {
		o = o.key("in_bond")
		o.b = append(o.b, '[')
		for i := range r.InBond {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendInBond(o.b, &r.InBond[i])
		}
		o.b = append(o.b, ']')
	}
	if len(r.References) > 0 {
		o = o.key("references")
		o.b = appendReferences(o.b, r.References)
	}
	if len(r.Events) > 0 {
		o = o.key("events")
		o.b = append(o.b, '[')
		for i := range r.Events {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = r.Events[i].AppendJSON(o.b)
		}
		o.b = append(o.b, ']')
	}
	o = o.key("in_transit")
	it := obj{b: append(o.b, '{')}
	it = it.str("status", string(r.InTransit.Status))
	it = it.strOE("arrival_country", r.InTransit.ArrivalCountry)
	it = it.strOE("destination_country", r.InTransit.DestinationCountry)
	it = it.strOE("basis", r.InTransit.Basis)
	o.b = append(it.b, '}')
	if len(r.Extra) > 0 {
		o = o.key("extra")
		keys := make([]string, 0, len(r.Extra))
		for k := range r.Extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		m := obj{b: append(o.b, '{')}
		for _, k := range keys {
			m = m.anyKey(k)
			m.b = AppendJSONString(m.b, r.Extra[k])
		}
		o.b = append(m.b, '}')
	}
	if len(r.Flags) > 0 {
		o = o.key("flags")
		o.b = append(o.b, '[')
		for i, f := range r.Flags {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			fo := obj{b: append(o.b, '{')}
			fo = fo.str("code", f.Code)
			fo = fo.str("message", f.Message)
			fo = fo.strOE("field", f.Field)
			o.b = append(fo.b, '}')
		}
		o.b = append(o.b, ']')
	}
	return append(o.b, '}')
}

// AppendJSON appends the event's JSON form to dst, as encoding/json writes it with
// SetEscapeHTML(false).
func (e *Event) AppendJSON(dst []byte) []byte {
	o := obj{b: append(dst, '{')}
	o = o.str("kind", string(e.Kind))
	o = o.strOE("code", e.Code)
	o = o.dateTime("at", e.At)
	o = o.location("location", e.Location)
	o = o.strOE("container", e.Container)
	o = o.strOE("bill", e.Bill)
	o = o.strOE("vessel", e.Vessel)
	o = o.strOE("voyage", e.Voyage)
	o = o.strOE("train", e.Train)
	o = o.strOE("carrier_scac", e.CarrierSCAC)
	o = o.location("destination", e.Destination)
	o = o.key("provenance")
	o.b = appendProvenance(o.b, &e.Provenance)
	return append(o.b, '}')
}

// obj appends the members of one JSON object, placing the commas. Its methods take and
// return it by value (o = o.str(...)) rather than through a pointer: stores through a
// pointer to the buffer cost a GC write barrier each, which while the collector runs
// (it does often, at this allocation rate) took a quarter of the encoding time.
type obj struct {
	b    []byte
	more bool
}

// key writes a member name that needs no escaping: every name in this file is such a
// constant (the keys of Extra, which are data, go through anyKey). Copying it as it is,
// rather than through AppendJSONString, saves a sixth of the encoding time.
func (o obj) key(k string) obj {
	if o.more {
		o.b = append(o.b, ',', '"')
	} else {
		o.b = append(o.b, '"')
	}
	o.more = true
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
	return o
}

// anyKey writes a member name that may need escaping.
func (o obj) anyKey(k string) obj {
	if o.more {
		o.b = append(o.b, ',')
	}
	o.more = true
	o.b = AppendJSONString(o.b, k)
	o.b = append(o.b, ':')
	return o
}

func (o obj) str(k, v string) obj {
	o = o.key(k)
	o.b = AppendJSONString(o.b, v)
	return o
}

func (o obj) strOE(k, v string) obj {
	if v != "" {
		o = o.str(k, v)
	}
	return o
}

func (o obj) num(k string, v float64) obj {
	o = o.key(k)
	o.b = appendJSONFloat(o.b, v)
	return o
}

func (o obj) numOE(k string, v float64) obj {
	if v != 0 {
		o = o.num(k, v)
	}
	return o
}

func (o obj) int(k string, v int64) obj {
	o = o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
	return o
}

func (o obj) strs(k string, v []string) obj {
	if len(v) == 0 {
		return o
	}
	o = o.key(k)
	o.b = append(o.b, '[')
	for i, s := range v {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = AppendJSONString(o.b, s)
	}
	o.b = append(o.b, ']')
	return o
}

func (o obj) position(k string, p *Position) obj {
	if p == nil {
		return o
	}
	o = o.key(k)
	o.b = appendPosition(o.b, p)
	return o
}

func (o obj) weight(k string, w *Weight) obj {
	if w == nil {
		return o
	}
	o = o.key(k)
	m := obj{b: append(o.b, '{')}
	m = m.num("kg", w.KG)
	m = m.num("value", w.Value)
	m = m.str("unit", w.Unit)
	o.b = append(m.b, '}')
	return o
}

func (o obj) volume(k string, v *Volume) obj {
	if v == nil {
		return o
	}
	o = o.key(k)
	m := obj{b: append(o.b, '{')}
	m = m.num("m3", v.M3)
	m = m.num("value", v.Value)
	m = m.str("unit", v.Unit)
	o.b = append(m.b, '}')
	return o
}

func (o obj) dateTime(k string, d *DateTime) obj {
	if d == nil {
		return o
	}
	o = o.key(k)
	m := obj{b: append(o.b, '{')}
	m = m.key("time")
	m.b = appendJSONTime(m.b, d.Time)
	m = m.str("precision", string(d.Precision))
	m = m.strOE("zone", d.Zone)
	m = m.str("raw", d.Raw)
	o.b = append(m.b, '}')
	return o
}

func (o obj) location(k string, l *Location) obj {
	if l == nil {
		return o
	}
	o = o.key(k)
	o.b = appendLocation(o.b, l)
	return o
}

func appendLocation(b []byte, l *Location) []byte {
	m := obj{b: append(b, '{')}
	m = m.strOE("unlocode", l.UNLOCODE)
	m = m.strOE("schedule_d", l.ScheduleD)
	m = m.strOE("schedule_k", l.ScheduleK)
	m = m.strOE("firms", l.FIRMS)
	m = m.strOE("name", l.Name)
	m = m.strOE("state", l.State)
	m = m.strOE("country", l.Country)
	m = m.strOE("raw", l.Raw)
	return append(m.b, '}')
}

func appendPosition(b []byte, p *Position) []byte {
	m := obj{b: append(b, '{')}
	m = m.int("offset", p.Offset)
	m = m.int("line", int64(p.Line))
	m = m.int("segment", int64(p.Segment))
	return append(m.b, '}')
}

func appendBill(b []byte, x *Bill) []byte {
	o := obj{b: append(b, '{')}
	o = o.str("issuer_scac", x.IssuerSCAC)
	o = o.str("number", x.Number)
	o = o.str("kind", string(x.Kind))
	o = o.strOE("master_key", x.MasterKey)
	o = o.strs("house_keys", x.HouseKeys)
	o = o.strOE("type_code", x.TypeCode)
	o = o.numOE("pieces", x.Pieces)
	o = o.strOE("piece_unit", x.PieceUnit)
	o = o.weight("weight", x.Weight)
	o = o.volume("volume", x.Volume)
	o = o.strOE("cargo_control_number", x.CargoControlNumber)
	o = o.strOE("booking", x.Booking)
	return append(o.b, '}')
}

func appendFiling(b []byte, f *Filing) []byte {
	o := obj{b: append(b, '{')}
	o = o.str("type", string(f.Type))
	o = o.int("version", int64(f.Version))
	o = o.int("sequence", f.Sequence)
	o = o.strOE("filer", f.Filer)
	o = o.dateTime("filed_at", f.FiledAt)
	o = o.dateTime("received_at", f.ReceivedAt)
	o = o.strOE("manifest_type", f.ManifestType)
	o = o.strOE("amendment_type", f.AmendmentType)
	o = o.strOE("amendment_code", f.AmendmentCode)
	return append(o.b, '}')
}

func appendProvenance(b []byte, p *Provenance) []byte {
	o := obj{b: append(b, '{')}
	o = o.str("file", p.File)
	o = o.str("standard", string(p.Standard))
	o = o.strOE("version", p.Version)
	o = o.strOE("message", p.Message)
	o = o.strOE("interchange_control", p.InterchangeControl)
	o = o.strOE("group_control", p.GroupControl)
	o = o.strOE("set_control", p.SetControl)
	o = o.position("start", &p.Start)
	o = o.position("end", &p.End)
	o = o.strOE("sheet", p.Sheet)
	return append(o.b, '}')
}

func appendConveyance(b []byte, c *Conveyance) []byte {
	o := obj{b: append(b, '{')}
	o = o.str("mode", string(c.Mode))
	o = o.strOE("transport_method", c.TransportMethod)
	o = o.strOE("vessel_name", c.VesselName)
	o = o.strOE("imo", c.IMO)
	o = o.strOE("vessel_flag", c.VesselFlag)
	o = o.strOE("voyage", c.Voyage)
	o = o.strOE("carrier_scac", c.CarrierSCAC)
	o = o.strOE("rail_carrier_scac", c.RailCarrierSCAC)
	o = o.strOE("train", c.Train)
	o = o.strOE("manifest_reference", c.ManifestReference)
	return append(o.b, '}')
}

func appendItinerary(b []byte, it *Itinerary) []byte {
	o := obj{b: append(b, '{')}
	o = o.location("place_of_receipt", it.PlaceOfReceipt)
	o = o.location("port_of_loading", it.PortOfLoading)
	if len(it.Transshipment) > 0 {
		o = o.key("transshipment")
		o.b = append(o.b, '[')
		for i := range it.Transshipment {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendLocation(o.b, &it.Transshipment[i])
		}
		o.b = append(o.b, ']')
	}
	o = o.location("port_of_discharge", it.PortOfDischarge)
	o = o.location("place_of_delivery", it.PlaceOfDelivery)
	o = o.location("final_destination", it.FinalDestination)
	o = o.location("port_of_arrival", it.PortOfArrival)
	o = o.dateTime("departure", it.Departure)
	o = o.dateTime("arrival", it.Arrival)
	return append(o.b, '}')
}

func appendParty(b []byte, p *Party) []byte {
	o := obj{b: append(b, '{')}
	o = o.str("role", string(p.Role))
	o = o.strOE("role_code", p.RoleCode)
	o = o.strOE("name", p.Name)
	o = o.strs("address", p.Address)
	o = o.strOE("city", p.City)
	o = o.strOE("state", p.State)
	o = o.strOE("postal_code", p.PostalCode)
	o = o.strOE("country", p.Country)
	if len(p.Identifiers) > 0 {
		o = o.key("identifiers")
		o.b = append(o.b, '[')
		for i, id := range p.Identifiers {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			m := obj{b: append(o.b, '{')}
			m = m.str("scheme", id.Scheme)
			m = m.str("value", id.Value)
			o.b = append(m.b, '}')
		}
		o.b = append(o.b, ']')
	}
	o = o.position("source", p.Source)
	return append(o.b, '}')
}

func appendReferences(b []byte, refs []Reference) []byte {
	b = append(b, '[')
	for i, r := range refs {
		if i > 0 {
			b = append(b, ',')
		}
		m := obj{b: append(b, '{')}
		m = m.str("qualifier", r.Qualifier)
		m = m.str("value", r.Value)
		m = m.strOE("text", r.Text)
		b = append(m.b, '}')
	}
	return append(b, ']')
}

func appendGoods(b []byte, g *GoodsItem) []byte {
	o := obj{b: append(b, '{')}
	o = o.int("line", int64(g.Line))
	o = o.strOE("description", g.Description)
	o = o.strOE("marks", g.Marks)
	o = o.strOE("hs_original", g.HSOriginal)
	o = o.strOE("hs", g.HS)
	o = o.strOE("hs6", g.HS6)
	o = o.strOE("hs_scheme", g.HSScheme)
	o = o.numOE("quantity", g.Quantity)
	o = o.strOE("package_type", g.PackageType)
	o = o.weight("weight", g.Weight)
	o = o.weight("net_weight", g.NetWeight)
	o = o.volume("volume", g.Volume)
	o = o.strOE("value", g.Value)
	o = o.strOE("currency", g.Currency)
	o = o.strOE("origin_country", g.OriginCountry)
	if len(g.Hazmat) > 0 {
		o = o.key("hazmat")
		o.b = append(o.b, '[')
		for i, h := range g.Hazmat {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			m := obj{b: append(o.b, '{')}
			m = m.str("un_number", h.UNNumber)
			m = m.strOE("class", h.Class)
			m = m.strOE("packing_group", h.PackingGroup)
			m = m.strOE("description", h.Description)
			o.b = append(m.b, '}')
		}
		o.b = append(o.b, ']')
	}
	o = o.strs("containers", g.Containers)
	o = o.position("source", g.Source)
	return append(o.b, '}')
}

func appendEquipment(b []byte, e *Equipment) []byte {
	o := obj{b: append(b, '{')}
	o = o.str("number", e.Number)
	o = o.str("raw", e.Raw)
	o = o.str("encoding", string(e.Encoding))
	o = o.str("check", string(e.Check))
	o = o.strOE("kind", e.Kind)
	o = o.strOE("size_type", e.SizeType)
	o = o.str("status", string(e.Status))
	o = o.weight("gross_weight", e.GrossWeight)
	if len(e.Seals) > 0 {
		o = o.key("seals")
		o.b = append(o.b, '[')
		for i, s := range e.Seals {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			m := obj{b: append(o.b, '{')}
			m = m.str("number", s.Number)
			m = m.str("raw", s.Raw)
			m = m.strOE("issuer", s.Issuer)
			m = m.strOE("issuer_code", s.IssuerCode)
			m = m.strOE("class", s.Class)
			m = m.strOE("condition", s.Condition)
			o.b = append(m.b, '}')
		}
		o.b = append(o.b, ']')
	}
	o = o.position("source", e.Source)
	return append(o.b, '}')
}

func appendInBond(b []byte, x *InBond) []byte {
	o := obj{b: append(b, '{')}
	o = o.str("entry_type", x.EntryType)
	o = o.strOE("number", x.Number)
	o = o.strOE("destination", x.Destination)
	o = o.strOE("foreign_destination", x.ForeignDestination)
	o = o.strOE("value", x.Value)
	o = o.strOE("control_number", x.ControlNumber)
	o = o.strOE("bonded_carrier_scac", x.BondedCarrierSCAC)
	if len(x.References) > 0 {
		o = o.key("references")
		o.b = appendReferences(o.b, x.References)
	}
	return append(o.b, '}')
}

func appendJSONTime(b []byte, t time.Time) []byte {
	if y := t.Year(); y < 0 || y > 9999 {
		// RFC 3339 cannot write the year (encoding/json fails the same way); write
		// null rather than lose the record.
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano) // what Time.MarshalJSON writes, without its allocation
	return append(b, '"')
}

// appendJSONFloat writes a number as encoding/json does (ES6 formatting).
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, "null"...) // encoding/json refuses these; Validate flags them
	}
	abs := math.Abs(f)
	if i := int64(f); abs < 1e15 && float64(i) == f && i != 0 {
		// Weights, quantities and pieces are mostly whole numbers. Below 1e15 (where
		// every integer is exact and 'f' with the shortest precision prints all its
		// digits) the integer form is the same text, written without the float
		// formatting work. Zero is left to AppendFloat for the sign of -0.
		return strconv.AppendInt(b, i, 10)
	}
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// jsonSafe[c] reports whether the byte c is written as it is inside a JSON string: the
// printable ASCII characters but '"' and '\\'. One table load per byte is what keeps the
// scan of ordinary text fast; everything else takes the slow path below.
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainWord reports whether all eight bytes of x are jsonSafe: none has the high bit
// set (non-ASCII), is below 0x20, or is '"' or '\\'. It uses the classic bit tricks:
// (v - 0x01…01) &^ v & 0x80…80 is non-zero exactly when some byte of v is zero, and
// (x - 0x20…20) &^ x & 0x80…80 when some ASCII byte of x is below 0x20.
func plainWord(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote, backslash := x^(ones*'"'), x^(ones*'\\')
	return (x|(x-ones*0x20)&^x|(quote-ones)&^quote|(backslash-ones)&^backslash)&highs == 0
}

// AppendJSONString appends s quoted as encoding/json does with SetEscapeHTML(false),
// the form of every JSON line icss writes: control characters escaped, invalid UTF-8
// replaced by U+FFFD, U+2028/2029 escaped.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip eight bytes at a time while none of them needs attention: most strings
		// (names, descriptions) are plain ASCII and this scan is the encoder's inner
		// loop.
		for i+8 <= len(s) && plainWord(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
			uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if jsonSafe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
