package x12map

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/icss/icss/transforms/harmonized"
)

// seg309 maps one segment of a 309 Customs Manifest (4010 and later; EDI.md §2).
func (m *Mapper) seg309(tag string) {
	switch tag {
	case "M10":
		m.m10()
	case "P4":
		m.arrival = &harmonized.Location{ScheduleD: m.el(1), FIRMS: m.el(4)}
		m.el(3) // bills at this port: counted by M10-08
		m.eta = m.dateTime("itinerary.arrival", m.el(2), m.el(5), "")
	case "LX":
		m.el(1)
		m.startBill()
	case "N9":
		if m.rec == nil {
			m.headRefs = append(m.headRefs, harmonized.Reference{Qualifier: m.el(1), Value: m.el(2), Text: m.el(3)})
			m.el(4)
			m.el(5)
			return
		}
		m.n9()
	default:
		if m.rec == nil {
			return // reported as unmapped: a bill segment before any LX
		}
		m.rec.Provenance.End = m.pos()
		switch tag {
		case "M13":
			m.m13()
		case "M11":
			m.m11()
		case "N1":
			m.n1()
		case "N2":
			if p := m.curParty(); p != nil {
				p.Name = joinSpace(p.Name, m.el(1))
				p.Name = joinSpace(p.Name, m.el(2))
			}
		case "N3":
			if p := m.curParty(); p != nil {
				for _, i := range [2]int{1, 2} {
					if v := m.el(i); v != "" {
						p.Address = m.appendStr(p.Address, v)
					}
				}
			}
		case "N4":
			if p := m.curParty(); p != nil {
				p.City, p.State, p.PostalCode = m.el(1), m.el(2), m.el(3)
				p.Country = country(m.el(4))
				if q, id := m.el(5), m.el(6); id != "" {
					p.Identifiers = append(p.Identifiers, harmonized.Identifier{Scheme: "location:" + q, Value: id})
				}
			}
		case "M12":
			m.m12()
		case "R4":
			if m.inBond >= 0 {
				// In-bond port function and location.
				fn, q, id := m.el(1), m.el(2), m.el(3)
				b := &m.rec.InBond[m.inBond]
				b.References = append(b.References, harmonized.Reference{Qualifier: "R4:" + fn + ":" + q, Value: id, Text: m.el(4)})
			}
		case "VID":
			m.vid()
		case "M7":
			m.m7()
		case "N10":
			m.n10()
		case "MAN":
			if m.goods >= 0 {
				if len(m.marks) > 0 {
					m.marks = append(m.marks, ' ')
				}
				m.marks = append(m.marks, m.el(2)...)
				m.el(1)
			}
		case "H1":
			m.h1()
		case "H2":
			if g := m.curGoods(); g != nil && m.hazmat >= 0 {
				h := &g.Hazmat[m.hazmat]
				h.Description = joinSpace(h.Description, m.el(1))
				h.Description = joinSpace(h.Description, m.el(2))
			}
		}
	}
}

// m10 reads the manifest header: carrier, mode, vessel or train, manifest type.
func (m *Mapper) m10() {
	c := &m.conv
	c.CarrierSCAC = strings.ToUpper(m.el(1))
	c.TransportMethod = m.el(2)
	switch c.TransportMethod {
	case "O", "S":
		c.Mode = harmonized.ModeOcean
	case "R":
		c.Mode = harmonized.ModeRail
	case "J":
		c.Mode = harmonized.ModeRoad
	}
	c.VesselFlag = country(m.el(3))
	code, name, trip := m.el(4), m.el(5), m.el(6)
	if q := m.el(10); q == "L" || q == "" && len(code) == 7 {
		c.IMO = code
	} else if code != "" {
		c.IMO = code // other vessel code qualifiers: kept as the vessel code; Validate flags a non-IMO
	}
	c.VesselName, c.Voyage = name, trip
	if c.Mode == harmonized.ModeRail {
		c.RailCarrierSCAC, c.Train = c.CarrierSCAC, trip
	}
	c.ManifestReference = m.el(7)
	if n, err := strconv.Atoi(m.el(8)); err == nil {
		m.declared = n
	}
	m.filing.ManifestType = m.el(9)
	switch m.filing.ManifestType {
	case "X", "Y", "V":
		m.filing.Type = harmonized.FilingAmend
	}
	m.el(11)
}

// startBill flushes the previous bill and starts a new one at an LX.
func (m *Mapper) startBill() {
	m.flushBill()
	m.bills++
	m.seq++
	r := harmonized.New()
	// The lists grow in the mapper's scratch arrays, reused from bill to bill, and
	// flushBill copies them to arrays of their exact size: growing them per bill, or
	// sizing them for the largest bill, was a third of the bytes allocated per bill.
	r.Parties, r.Equipment, r.Goods = m.partyBuf[:0], m.equipBuf[:0], m.goodsBuf[:0]
	r.Conveyance = m.conv
	r.Filing = m.filing
	r.Filing.Sequence = m.opts.Sequence + m.seq
	r.Filing.ReceivedAt = m.opts.ReceivedAt
	r.Provenance = m.provenance()
	if m.arrival != nil {
		r.Itinerary.PortOfArrival = m.location(*m.arrival)
	}
	r.Itinerary.Arrival = m.eta
	if len(m.headRefs) > 0 {
		r.References = append(r.References, m.headRefs...)
	}
	m.rec = r
	m.party, m.equip, m.goods, m.hazmat, m.inBond = -1, -1, -1, -1, -1
	m.houseNum, m.houseIss, m.m13SCAC = "", "", ""
}

// flushBill completes the bill being assembled and queues it.
func (m *Mapper) flushBill() {
	r := m.rec
	if r == nil {
		return
	}
	m.endGoods()
	m.rec = nil
	b := &r.Bill
	if b.IssuerSCAC == "" {
		b.IssuerSCAC = m.m13SCAC
	}
	switch {
	case m.houseNum != "":
		// M11-11/13: this LX is a house bill under the master M11-01/12.
		iss := m.houseIss
		if iss == "" {
			iss = b.IssuerSCAC
		}
		b.MasterKey = harmonized.BillKey(b.IssuerSCAC, b.Number)
		b.Kind = harmonized.BillHouse
		b.IssuerSCAC, b.Number = strings.ToUpper(iss), m.houseNum
	}
	r.Key = harmonized.BillKey(b.IssuerSCAC, b.Number)
	r.Parties, m.partyBuf = keep(&m.parties, r.Parties)
	r.Equipment, m.equipBuf = keep(&m.equipment, r.Equipment)
	r.Goods, m.goodsBuf = keep(&m.goodsItems, r.Goods)
	m.out = append(m.out, Item{Record: r.Check()})
}

// m13 reads an amendment: its type decides the filing type of the bill.
func (m *Mapper) m13() {
	r := m.rec
	m.m13SCAC = strings.ToUpper(m.el(1)) // the bill's SCAC when no M11 follows (a bare delete)
	m.el(2)
	r.Filing.AmendmentType = m.el(3)
	switch r.Filing.AmendmentType {
	case "D":
		r.Filing.Type = harmonized.FilingDelete
	case "A":
		r.Filing.Type = harmonized.FilingOriginal // "add bill": the bill's first filing
	default:
		r.Filing.Type = harmonized.FilingAmend
	}
	if n := m.el(4); n != "" && r.Bill.Number == "" {
		r.Bill.Number = n
	}
	if q := m.el(5); q != "" {
		r.References = append(r.References, harmonized.Reference{Qualifier: "M13-05", Value: q, Text: "amended quantity"})
	}
	r.Filing.AmendmentCode = m.el(6)
	if a := m.el(7); a != "" {
		r.References = append(r.References, harmonized.Reference{Qualifier: "M13-07", Value: a, Text: "action code"})
	}
	if h := m.el(8); h != "" && m.houseNum == "" {
		m.houseNum = h
	}
	for _, i := range [2]int{9, 10} {
		if s := m.el(i); s != "" {
			r.References = append(r.References, harmonized.Reference{Qualifier: "M13-" + strconv.Itoa(i), Value: s, Text: "SCAC"})
		}
	}
}

// m11 reads the bill of lading details.
func (m *Mapper) m11() {
	r := m.rec
	b := &r.Bill
	b.Number = strings.ToUpper(m.el(1))
	if k := m.el(2); k != "" {
		r.Itinerary.PortOfLoading = m.location(harmonized.Location{ScheduleK: k})
	}
	if n, ok := m.number("bill.pieces", m.el(3)); ok {
		b.Pieces = n
	}
	b.PieceUnit = m.el(4)
	if w, ok := m.number("bill.weight", m.el(5)); ok {
		b.Weight = m.weight(w, m.el(6))
	} else {
		m.el(6)
	}
	if v, ok := m.number("bill.volume", m.el(7)); ok {
		b.Volume = m.volume(v, m.el(8))
	} else {
		m.el(8)
	}
	b.TypeCode = m.el(9)
	if p := m.el(10); p != "" {
		r.Itinerary.PlaceOfReceipt = m.location(harmonized.Location{Name: p, Country: harmonized.PlaceCountry(p)})
	}
	m.houseNum = strings.ToUpper(m.el(11))
	b.IssuerSCAC = strings.ToUpper(m.el(12))
	m.houseIss = m.el(13)
	for i := 14; i <= m.seg.Len(); i++ {
		if v := m.el(i); v != "" {
			r.References = append(r.References, harmonized.Reference{Qualifier: "M11-" + strconv.Itoa(i), Value: v})
		}
	}
}

// n9 reads a bill-level reference.
func (m *Mapper) n9() {
	r := m.rec
	q, v := m.el(1), m.el(2)
	text := m.el(3)
	m.el(4)
	m.el(5)
	switch q {
	case "XC":
		r.Bill.CargoControlNumber = v
	case "BN":
		r.Bill.Booking = v
	default:
		r.References = append(r.References, harmonized.Reference{Qualifier: q, Value: v, Text: text})
	}
}

// roles maps N101 entity codes to party roles.
var roles = map[string]harmonized.Role{
	"SH": harmonized.RoleShipper, "CZ": harmonized.RoleShipper,
	"CN": harmonized.RoleConsignee,
	"N1": harmonized.RoleNotify, "NP": harmonized.RoleNotify, "N2": harmonized.RoleNotify,
	"SE": harmonized.RoleSeller, "SU": harmonized.RoleSeller,
	"MF": harmonized.RoleManufacturer, "MP": harmonized.RoleManufacturer,
	"BY": harmonized.RoleBuyer,
	"LG": harmonized.RoleStuffer, "SF": harmonized.RoleShipper,
	"CS": harmonized.RoleConsolidator,
	"IM": harmonized.RoleImporter,
	"UC": harmonized.RoleUltimateConsignee,
	"CA": harmonized.RoleCarrier, "RR": harmonized.RoleCarrier,
	"FW": harmonized.RoleForwarder,
	"FS": harmonized.RoleFinalDestination,
}

// n1 starts a party.
func (m *Mapper) n1() {
	r := m.rec
	code := m.el(1)
	role, ok := roles[code]
	if !ok {
		role = harmonized.RoleOther
	}
	p := harmonized.Party{Role: role, RoleCode: code, Name: m.el(2), Source: m.posPtr()}
	if q, id := m.el(3), m.el(4); id != "" {
		if q == "" {
			q = "N104"
		}
		p.Identifiers = append(p.Identifiers, harmonized.Identifier{Scheme: q, Value: id})
	}
	if role == harmonized.RoleFinalDestination {
		// N1*FS*USJAX**USJAX in the AMD sample: a place, by UN/LOCODE when it is one.
		l := m.location(harmonized.Location{Name: p.Name})
		for _, v := range []string{strings.ToUpper(p.Name), idOf(p)} {
			if code := harmonized.NormalizeLOCODE(v); harmonized.CheckLOCODE(code) == nil {
				l.UNLOCODE, l.Name = code, ""
				break
			}
		}
		r.Itinerary.FinalDestination = l
	}
	r.Parties = append(r.Parties, p)
	m.party = len(r.Parties) - 1
}

func idOf(p harmonized.Party) string {
	if len(p.Identifiers) > 0 {
		return p.Identifiers[0].Value
	}
	return ""
}

func (m *Mapper) curParty() *harmonized.Party {
	if m.party < 0 {
		return nil
	}
	return &m.rec.Parties[m.party]
}

// m12 reads an in-bond movement.
func (m *Mapper) m12() {
	r := m.rec
	b := harmonized.InBond{EntryType: m.el(1), Number: m.el(2), Destination: m.el(3), ForeignDestination: m.el(4), Value: m.el(5),
		ControlNumber: m.el(6), BondedCarrierSCAC: strings.ToUpper(m.el(7))}
	if q, v := m.el(8), m.el(9); v != "" {
		b.References = append(b.References, harmonized.Reference{Qualifier: q, Value: v})
		if q == "XC" && r.Bill.CargoControlNumber == "" {
			r.Bill.CargoControlNumber = v
		}
	}
	for i := 10; i <= m.seg.Len(); i++ {
		if v := m.el(i); v != "" {
			b.References = append(b.References, harmonized.Reference{Qualifier: "M12-" + strconv.Itoa(i), Value: v})
		}
	}
	r.InBond = append(r.InBond, b)
	m.inBond = len(r.InBond) - 1
}

// vid starts a container (or railcar) with its seals.
func (m *Mapper) vid() {
	r := m.rec
	m.endGoods()
	kind := m.el(1)
	id := harmonized.ParseContainer(m.el(2), m.el(3), m.el(20))
	e := harmonized.Equipment{Number: id.Number, Raw: id.Raw, Encoding: id.Encoding, Check: id.Check, Kind: kind,
		Status: harmonized.StatusUnknown, Source: m.posPtr()}
	if kind == "RR" {
		e.Check = harmonized.CheckNotApplicable // railcar marks are not ISO 6346
	}
	seals, n := [2]string{m.el(4), m.el(5)}, 0
	for _, s := range seals {
		if s != "" {
			n++
		}
	}
	if n > 0 {
		e.Seals = m.seals.slice(n) // sized exactly: most containers have one seal
	}
	for _, s := range seals {
		if s != "" {
			e.Seals = append(e.Seals, harmonized.Seal{Number: harmonized.NormalizeSeal(s), Raw: s})
		}
	}
	m.el(6)
	m.el(7)
	m.el(8)
	e.SizeType = strings.ToUpper(m.el(9))
	switch m.el(10) {
	case "L":
		e.Status = harmonized.StatusFull
	case "E":
		e.Status = harmonized.StatusEmpty
	}
	m.el(11) // type of service
	if k := m.el(12); k != "" && r.Itinerary.PortOfLoading == nil {
		r.Itinerary.PortOfLoading = m.location(harmonized.Location{ScheduleK: k})
	} else if k != "" && r.Itinerary.PortOfLoading.ScheduleK != k {
		r.References = append(r.References, harmonized.Reference{Qualifier: "VID-12", Value: k, Text: "Schedule K port of lading of " + e.Number})
	}
	if s := m.el(13); s != "" {
		r.References = append(r.References, harmonized.Reference{Qualifier: "VID-13", Value: s, Text: "haulage SCAC of " + e.Number})
	}
	r.Equipment = append(r.Equipment, e)
	m.equip = len(r.Equipment) - 1
	m.goods, m.hazmat = -1, -1
}

// m7 adds seals to the current container.
func (m *Mapper) m7() {
	if m.equip < 0 {
		return
	}
	e := &m.rec.Equipment[m.equip]
	code := m.el(5)
	for i := 1; i <= 4; i++ {
		s := m.el(i)
		if s == "" {
			continue
		}
		n := harmonized.NormalizeSeal(s)
		found := false
		for k := range e.Seals {
			if e.Seals[k].Number == n {
				e.Seals[k].IssuerCode, e.Seals[k].Issuer = code, harmonized.SealIssuer(code)
				found = true
			}
		}
		if !found {
			e.Seals = append(e.Seals, harmonized.Seal{Number: n, Raw: s, IssuerCode: code, Issuer: harmonized.SealIssuer(code)})
		}
	}
}

// n10 starts a cargo line, or continues the current one: an N10 with neither quantity
// nor commodity code is a continuation of the line above, its text joined to it.
func (m *Mapper) n10() {
	r := m.rec
	qty, hs := m.el(1), m.el(5)
	if qty == "" && hs == "" && m.goods >= 0 {
		m.used |= 1<<2 | 1<<3
		m.desc = append(m.desc, m.seg.Elem(2)...)
		m.marks = append(m.marks, m.seg.Elem(3)...)
		return
	}
	m.endGoods()
	m.used |= 1<<2 | 1<<3
	m.desc = append(m.desc[:0], m.seg.Elem(2)...)
	m.marks = append(m.marks[:0], m.seg.Elem(3)...)
	g := harmonized.GoodsItem{Line: len(r.Goods) + 1, HSScheme: m.el(4), Source: m.posPtr()}
	if n, ok := m.number("goods.quantity", qty); ok {
		g.Quantity = n
	}
	if hs != "" {
		g.HSOriginal = hs
		g.HS, g.HS6, _ = harmonized.NormalizeHS(hs)
	}
	g.Value = m.el(6)
	if w, ok := m.number("goods.weight", m.el(8)); ok {
		g.Weight = m.weight(w, m.el(7))
	} else {
		m.el(7)
	}
	m.el(9)
	g.PackageType = m.el(10)
	if c := m.el(11); c != "" {
		g.OriginCountry = country(c)
	}
	m.el(12)
	g.Currency = m.el(13)
	if m.equip >= 0 {
		g.Containers = m.appendStr(nil, r.Equipment[m.equip].Number)
	}
	r.Goods = append(r.Goods, g)
	m.goods, m.hazmat = len(r.Goods)-1, -1
}

// endGoods stores the joined description and marks on the current cargo line.
func (m *Mapper) endGoods() {
	if m.goods < 0 || m.rec == nil {
		return
	}
	g := &m.rec.Goods[m.goods]
	g.Description = m.arena.string(bytes.TrimSpace(m.desc))
	g.Marks = m.arena.string(bytes.TrimSpace(m.marks))
	m.desc, m.marks = m.desc[:0], m.marks[:0]
}

func (m *Mapper) curGoods() *harmonized.GoodsItem {
	if m.goods < 0 {
		return nil
	}
	return &m.rec.Goods[m.goods]
}

// h1 attaches a hazmat declaration to the last quantity-bearing cargo line.
func (m *Mapper) h1() {
	g := m.curGoods()
	if g == nil {
		return
	}
	h := harmonized.Hazmat{UNNumber: strings.TrimPrefix(strings.ToUpper(m.el(1)), "UN"), Class: m.el(2), Description: m.el(4), PackingGroup: m.el(9)}
	m.el(3)
	for _, i := range [4]int{5, 6, 7, 8} {
		if v := m.el(i); v != "" {
			h.Description = joinSpace(h.Description, v)
		}
	}
	if g.Hazmat == nil {
		g.Hazmat = m.hazmats.slice(1)
	}
	g.Hazmat = append(g.Hazmat, h)
	m.hazmat = len(g.Hazmat) - 1
}

func joinSpace(a, b string) string {
	switch {
	case b == "":
		return a
	case a == "":
		return b
	}
	return a + " " + b
}

// country normalises an ISO alpha-2 or alpha-3 code; other values are kept for Validate
// to flag.
func country(v string) string {
	if v == "" {
		return ""
	}
	if c, err := harmonized.Country(v); err == nil {
		return c
	}
	return strings.ToUpper(v)
}
