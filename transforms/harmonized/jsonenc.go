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
	o.str("schema", r.Schema)
	o.str("key", r.Key)
	o.key("bill")
	o.b = appendBill(o.b, &r.Bill)
	o.key("filing")
	o.b = appendFiling(o.b, &r.Filing)
	o.key("provenance")
	o.b = appendProvenance(o.b, &r.Provenance)
	o.key("conveyance")
	o.b = appendConveyance(o.b, &r.Conveyance)
	o.key("itinerary")
	o.b = appendItinerary(o.b, &r.Itinerary)
	o.key("parties")
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
	o.key("goods")
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
	o.key("equipment")
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
		o.key("in_bond")
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
		o.key("references")
		o.b = appendReferences(o.b, r.References)
	}
	if len(r.Events) > 0 {
		o.key("events")
		o.b = append(o.b, '[')
		for i := range r.Events {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = r.Events[i].AppendJSON(o.b)
		}
		o.b = append(o.b, ']')
	}
	o.key("in_transit")
	it := obj{b: append(o.b, '{')}
	it.str("status", string(r.InTransit.Status))
	it.strOE("arrival_country", r.InTransit.ArrivalCountry)
	it.strOE("destination_country", r.InTransit.DestinationCountry)
	it.strOE("basis", r.InTransit.Basis)
	o.b = append(it.b, '}')
	if len(r.Extra) > 0 {
		o.key("extra")
		keys := make([]string, 0, len(r.Extra))
		for k := range r.Extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		m := obj{b: append(o.b, '{')}
		for _, k := range keys {
			m.anyKey(k)
			m.b = appendJSONString(m.b, r.Extra[k])
		}
		o.b = append(m.b, '}')
	}
	if len(r.Flags) > 0 {
		o.key("flags")
		o.b = append(o.b, '[')
		for i, f := range r.Flags {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			fo := obj{b: append(o.b, '{')}
			fo.str("code", f.Code)
			fo.str("message", f.Message)
			fo.strOE("field", f.Field)
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
	o.str("kind", string(e.Kind))
	o.strOE("code", e.Code)
	o.dateTime("at", e.At)
	o.location("location", e.Location)
	o.strOE("container", e.Container)
	o.strOE("bill", e.Bill)
	o.strOE("vessel", e.Vessel)
	o.strOE("voyage", e.Voyage)
	o.strOE("train", e.Train)
	o.strOE("carrier_scac", e.CarrierSCAC)
	o.location("destination", e.Destination)
	o.key("provenance")
	o.b = appendProvenance(o.b, &e.Provenance)
	return append(o.b, '}')
}

// obj appends the members of one JSON object, placing the commas.
type obj struct {
	b    []byte
	more bool
}

// key writes a member name that needs no escaping: every name in this file is such a
// constant (the keys of Extra, which are data, go through anyKey). Copying it as it is,
// rather than through appendJSONString, saves a sixth of the encoding time.
func (o *obj) key(k string) {
	if o.more {
		o.b = append(o.b, ',', '"')
	} else {
		o.b = append(o.b, '"')
	}
	o.more = true
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

// anyKey writes a member name that may need escaping.
func (o *obj) anyKey(k string) {
	if o.more {
		o.b = append(o.b, ',')
	}
	o.more = true
	o.b = appendJSONString(o.b, k)
	o.b = append(o.b, ':')
}

func (o *obj) str(k, v string) {
	o.key(k)
	o.b = appendJSONString(o.b, v)
}

func (o *obj) strOE(k, v string) {
	if v != "" {
		o.str(k, v)
	}
}

func (o *obj) num(k string, v float64) {
	o.key(k)
	o.b = appendJSONFloat(o.b, v)
}

func (o *obj) numOE(k string, v float64) {
	if v != 0 {
		o.num(k, v)
	}
}

func (o *obj) int(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *obj) strs(k string, v []string) {
	if len(v) == 0 {
		return
	}
	o.key(k)
	o.b = append(o.b, '[')
	for i, s := range v {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = appendJSONString(o.b, s)
	}
	o.b = append(o.b, ']')
}

func (o *obj) position(k string, p *Position) {
	if p == nil {
		return
	}
	o.key(k)
	o.b = appendPosition(o.b, p)
}

func (o *obj) weight(k string, w *Weight) {
	if w == nil {
		return
	}
	o.key(k)
	m := obj{b: append(o.b, '{')}
	m.num("kg", w.KG)
	m.num("value", w.Value)
	m.str("unit", w.Unit)
	o.b = append(m.b, '}')
}

func (o *obj) volume(k string, v *Volume) {
	if v == nil {
		return
	}
	o.key(k)
	m := obj{b: append(o.b, '{')}
	m.num("m3", v.M3)
	m.num("value", v.Value)
	m.str("unit", v.Unit)
	o.b = append(m.b, '}')
}

func (o *obj) dateTime(k string, d *DateTime) {
	if d == nil {
		return
	}
	o.key(k)
	m := obj{b: append(o.b, '{')}
	m.key("time")
	m.b = appendJSONTime(m.b, d.Time)
	m.str("precision", string(d.Precision))
	m.strOE("zone", d.Zone)
	m.str("raw", d.Raw)
	o.b = append(m.b, '}')
}

func (o *obj) location(k string, l *Location) {
	if l == nil {
		return
	}
	o.key(k)
	o.b = appendLocation(o.b, l)
}

func appendLocation(b []byte, l *Location) []byte {
	m := obj{b: append(b, '{')}
	m.strOE("unlocode", l.UNLOCODE)
	m.strOE("schedule_d", l.ScheduleD)
	m.strOE("schedule_k", l.ScheduleK)
	m.strOE("firms", l.FIRMS)
	m.strOE("name", l.Name)
	m.strOE("state", l.State)
	m.strOE("country", l.Country)
	m.strOE("raw", l.Raw)
	return append(m.b, '}')
}

func appendPosition(b []byte, p *Position) []byte {
	m := obj{b: append(b, '{')}
	m.int("offset", p.Offset)
	m.int("line", int64(p.Line))
	m.int("segment", int64(p.Segment))
	return append(m.b, '}')
}

func appendBill(b []byte, x *Bill) []byte {
	o := obj{b: append(b, '{')}
	o.str("issuer_scac", x.IssuerSCAC)
	o.str("number", x.Number)
	o.str("kind", string(x.Kind))
	o.strOE("master_key", x.MasterKey)
	o.strs("house_keys", x.HouseKeys)
	o.strOE("type_code", x.TypeCode)
	o.numOE("pieces", x.Pieces)
	o.strOE("piece_unit", x.PieceUnit)
	o.weight("weight", x.Weight)
	o.volume("volume", x.Volume)
	o.strOE("cargo_control_number", x.CargoControlNumber)
	o.strOE("booking", x.Booking)
	return append(o.b, '}')
}

func appendFiling(b []byte, f *Filing) []byte {
	o := obj{b: append(b, '{')}
	o.str("type", string(f.Type))
	o.int("version", int64(f.Version))
	o.int("sequence", f.Sequence)
	o.strOE("filer", f.Filer)
	o.dateTime("filed_at", f.FiledAt)
	o.dateTime("received_at", f.ReceivedAt)
	o.strOE("manifest_type", f.ManifestType)
	o.strOE("amendment_type", f.AmendmentType)
	o.strOE("amendment_code", f.AmendmentCode)
	return append(o.b, '}')
}

func appendProvenance(b []byte, p *Provenance) []byte {
	o := obj{b: append(b, '{')}
	o.str("file", p.File)
	o.str("standard", string(p.Standard))
	o.strOE("version", p.Version)
	o.strOE("message", p.Message)
	o.strOE("interchange_control", p.InterchangeControl)
	o.strOE("group_control", p.GroupControl)
	o.strOE("set_control", p.SetControl)
	o.position("start", &p.Start)
	o.position("end", &p.End)
	o.strOE("sheet", p.Sheet)
	return append(o.b, '}')
}

func appendConveyance(b []byte, c *Conveyance) []byte {
	o := obj{b: append(b, '{')}
	o.str("mode", string(c.Mode))
	o.strOE("transport_method", c.TransportMethod)
	o.strOE("vessel_name", c.VesselName)
	o.strOE("imo", c.IMO)
	o.strOE("vessel_flag", c.VesselFlag)
	o.strOE("voyage", c.Voyage)
	o.strOE("carrier_scac", c.CarrierSCAC)
	o.strOE("rail_carrier_scac", c.RailCarrierSCAC)
	o.strOE("train", c.Train)
	o.strOE("manifest_reference", c.ManifestReference)
	return append(o.b, '}')
}

func appendItinerary(b []byte, it *Itinerary) []byte {
	o := obj{b: append(b, '{')}
	o.location("place_of_receipt", it.PlaceOfReceipt)
	o.location("port_of_loading", it.PortOfLoading)
	if len(it.Transshipment) > 0 {
		o.key("transshipment")
		o.b = append(o.b, '[')
		for i := range it.Transshipment {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendLocation(o.b, &it.Transshipment[i])
		}
		o.b = append(o.b, ']')
	}
	o.location("port_of_discharge", it.PortOfDischarge)
	o.location("place_of_delivery", it.PlaceOfDelivery)
	o.location("final_destination", it.FinalDestination)
	o.location("port_of_arrival", it.PortOfArrival)
	o.dateTime("departure", it.Departure)
	o.dateTime("arrival", it.Arrival)
	return append(o.b, '}')
}

func appendParty(b []byte, p *Party) []byte {
	o := obj{b: append(b, '{')}
	o.str("role", string(p.Role))
	o.strOE("role_code", p.RoleCode)
	o.strOE("name", p.Name)
	o.strs("address", p.Address)
	o.strOE("city", p.City)
	o.strOE("state", p.State)
	o.strOE("postal_code", p.PostalCode)
	o.strOE("country", p.Country)
	if len(p.Identifiers) > 0 {
		o.key("identifiers")
		o.b = append(o.b, '[')
		for i, id := range p.Identifiers {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			m := obj{b: append(o.b, '{')}
			m.str("scheme", id.Scheme)
			m.str("value", id.Value)
			o.b = append(m.b, '}')
		}
		o.b = append(o.b, ']')
	}
	o.position("source", p.Source)
	return append(o.b, '}')
}

func appendReferences(b []byte, refs []Reference) []byte {
	b = append(b, '[')
	for i, r := range refs {
		if i > 0 {
			b = append(b, ',')
		}
		m := obj{b: append(b, '{')}
		m.str("qualifier", r.Qualifier)
		m.str("value", r.Value)
		m.strOE("text", r.Text)
		b = append(m.b, '}')
	}
	return append(b, ']')
}

func appendGoods(b []byte, g *GoodsItem) []byte {
	o := obj{b: append(b, '{')}
	o.int("line", int64(g.Line))
	o.strOE("description", g.Description)
	o.strOE("marks", g.Marks)
	o.strOE("hs_original", g.HSOriginal)
	o.strOE("hs", g.HS)
	o.strOE("hs6", g.HS6)
	o.strOE("hs_scheme", g.HSScheme)
	o.numOE("quantity", g.Quantity)
	o.strOE("package_type", g.PackageType)
	o.weight("weight", g.Weight)
	o.weight("net_weight", g.NetWeight)
	o.volume("volume", g.Volume)
	o.strOE("value", g.Value)
	o.strOE("currency", g.Currency)
	o.strOE("origin_country", g.OriginCountry)
	if len(g.Hazmat) > 0 {
		o.key("hazmat")
		o.b = append(o.b, '[')
		for i, h := range g.Hazmat {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			m := obj{b: append(o.b, '{')}
			m.str("un_number", h.UNNumber)
			m.strOE("class", h.Class)
			m.strOE("packing_group", h.PackingGroup)
			m.strOE("description", h.Description)
			o.b = append(m.b, '}')
		}
		o.b = append(o.b, ']')
	}
	o.strs("containers", g.Containers)
	o.position("source", g.Source)
	return append(o.b, '}')
}

func appendEquipment(b []byte, e *Equipment) []byte {
	o := obj{b: append(b, '{')}
	o.str("number", e.Number)
	o.str("raw", e.Raw)
	o.str("encoding", string(e.Encoding))
	o.str("check", string(e.Check))
	o.strOE("kind", e.Kind)
	o.strOE("size_type", e.SizeType)
	o.str("status", string(e.Status))
	o.weight("gross_weight", e.GrossWeight)
	if len(e.Seals) > 0 {
		o.key("seals")
		o.b = append(o.b, '[')
		for i, s := range e.Seals {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			m := obj{b: append(o.b, '{')}
			m.str("number", s.Number)
			m.str("raw", s.Raw)
			m.strOE("issuer", s.Issuer)
			m.strOE("issuer_code", s.IssuerCode)
			m.strOE("class", s.Class)
			m.strOE("condition", s.Condition)
			o.b = append(m.b, '}')
		}
		o.b = append(o.b, ']')
	}
	o.position("source", e.Source)
	return append(o.b, '}')
}

func appendInBond(b []byte, x *InBond) []byte {
	o := obj{b: append(b, '{')}
	o.str("entry_type", x.EntryType)
	o.strOE("number", x.Number)
	o.strOE("destination", x.Destination)
	o.strOE("foreign_destination", x.ForeignDestination)
	o.strOE("value", x.Value)
	o.strOE("control_number", x.ControlNumber)
	o.strOE("bonded_carrier_scac", x.BondedCarrierSCAC)
	if len(x.References) > 0 {
		o.key("references")
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

// appendJSONString quotes s as encoding/json does without HTML escaping: control
// characters escaped, invalid UTF-8 replaced by U+FFFD, U+2028/2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
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
