package edifactmap

import (
	"errors"
	"strings"

	"github.com/icss/icss/transforms/harmonized"
)

// cuscarSegment maps one segment of a CUSCAR message.
func (m *Mapper) cuscarSegment(tag string) {
	if m.rec != nil {
		m.rec.Provenance.End = m.pos()
	}
	switch tag {
	case "BGM":
		m.s(1, 1)
		if n := m.s(2, 1); n != "" {
			m.headRefs = append(m.headRefs, harmonized.Reference{Qualifier: "BGM", Value: n, Text: "document number"})
		}
		code := m.s(3, 1)
		m.filing.ManifestType = code
		switch code {
		case "5", "4":
			m.filing.Type = harmonized.FilingAmend
		case "1", "3":
			m.filing.Type = harmonized.FilingDelete
		default:
			m.filing.Type = harmonized.FilingOriginal
		}
	case "DTM":
		m.dtm()
	case "RFF":
		m.rff()
	case "NAD":
		m.nad()
	case "TDT":
		m.tdt()
	case "LOC":
		m.loc()
	case "GIS", "GEI":
		m.used = ^uint64(0) // processing indicators: no business content
	case "EQD":
		m.eqd()
	case "SEL":
		m.sel()
	case "CNI":
		m.startBill()
	case "CNT":
		m.cnt()
	case "GID":
		m.gid()
	case "FTX":
		m.ftx()
	case "MEA":
		m.mea()
	case "SGP":
		m.sgp()
	case "PCI":
		if g := m.curGoods(); g != nil {
			m.s(1, 1)
			g.Marks = join(g.Marks, m.text(2))
		}
	case "DGS":
		if g := m.curGoods(); g != nil {
			m.s(1, 1)
			h := harmonized.Hazmat{Class: m.s(2, 1), UNNumber: strings.TrimPrefix(strings.ToUpper(m.s(3, 1)), "UN")}
			g.Hazmat = append(g.Hazmat, h)
		}
	case "PIA":
		if g := m.curGoods(); g != nil {
			m.s(1, 1)
			for i := 2; i <= m.seg.Len(); i++ {
				if code, kind := m.s(i, 1), m.s(i, 2); code != "" && (kind == "HS" || kind == "" || kind == "IN") {
					m.hs(g, code, kind)
					break
				}
			}
		}
	case "CST":
		if g := m.curGoods(); g != nil {
			m.s(1, 1)
			if code := m.s(2, 1); code != "" {
				m.hs(g, code, "CST")
			}
		}
	}
}

func (m *Mapper) hs(g *harmonized.GoodsItem, code, scheme string) {
	g.HSOriginal, g.HSScheme = code, scheme
	g.HS, g.HS6, _ = harmonized.NormalizeHS(code)
}

// dtm reads a date: header dates set the filing and the voyage; consignment dates are
// reported as unmapped.
func (m *Mapper) dtm() {
	q, v, f := m.s(1, 1), m.s(1, 2), m.s(1, 3)
	if m.rec != nil {
		m.used = 0
		return
	}
	dt, err := harmonized.ParseEDIFACTDate(v, f)
	if err != nil {
		m.used = 0
		return
	}
	switch q {
	case "137":
		m.filing.FiledAt = dt
	case "132", "232":
		if m.itin.Arrival == nil || q == "132" {
			m.itin.Arrival = dt
		}
	case "178":
		m.itin.Arrival = dt
	case "133", "136", "186":
		m.itin.Departure = dt
	default:
		m.used = 0
	}
}

// rff reads a reference: bill numbers and keys inside a consignment, header references
// otherwise.
func (m *Mapper) rff() {
	q, v := m.s(1, 1), m.s(1, 2)
	if m.rec == nil {
		switch q {
		case "VON":
			m.conv.Voyage = v
		default:
			m.headRefs = append(m.headRefs, harmonized.Reference{Qualifier: q, Value: v})
		}
		return
	}
	r := m.rec
	if m.inGoods && q == "HS" {
		m.hs(&r.Goods[m.goods], v, "HS")
		return
	}
	switch q {
	case "BM":
		if r.Bill.Number == "" || r.Bill.Number == m.cniNumber() {
			r.Bill.Number = strings.ToUpper(v)
		}
		m.master = strings.ToUpper(v)
	case "MB":
		m.master = strings.ToUpper(v)
	case "BH":
		m.house = strings.ToUpper(v)
	case "AAZ":
		r.Bill.IssuerSCAC = strings.ToUpper(v)
	case "XC":
		r.Bill.CargoControlNumber = v
	case "BN":
		r.Bill.Booking = v
	default:
		r.References = append(r.References, harmonized.Reference{Qualifier: q, Value: v})
	}
}

// cniNumber is the consignment's C503 document number, kept in the references.
func (m *Mapper) cniNumber() string {
	for _, ref := range m.rec.References {
		if ref.Qualifier == "CNI" {
			return ref.Value
		}
	}
	return ""
}

// nadRoles maps NAD 3035 party qualifiers to roles.
var nadRoles = map[string]harmonized.Role{
	"CZ": harmonized.RoleShipper, "OS": harmonized.RoleShipper, "SH": harmonized.RoleShipper,
	"CN": harmonized.RoleConsignee,
	"NI": harmonized.RoleNotify, "N1": harmonized.RoleNotify, "N2": harmonized.RoleNotify,
	"SE": harmonized.RoleSeller,
	"SU": harmonized.RoleManufacturer, "MF": harmonized.RoleManufacturer,
	"BY": harmonized.RoleBuyer,
	"CS": harmonized.RoleConsolidator,
	"UC": harmonized.RoleUltimateConsignee,
	"IM": harmonized.RoleImporter,
	"CA": harmonized.RoleCarrier,
	"FW": harmonized.RoleForwarder,
}

// nad reads a party. Header NADs name the sender (MS) and carrier (CA).
func (m *Mapper) nad() {
	code := m.s(1, 1)
	id, list, agency := m.s(2, 1), m.s(2, 2), m.s(2, 3)
	if m.rec == nil {
		switch code {
		case "CA":
			if harmonized.CheckSCAC(strings.ToUpper(id)) == nil {
				m.conv.CarrierSCAC = strings.ToUpper(id)
			}
		case "MS":
			if id != "" {
				m.filing.Filer = id
			}
		default:
			m.used = 0
			return
		}
		m.used |= 1<<3 | 1<<4 | 1<<5 // names of the sender and carrier are not kept
		return
	}
	role, ok := nadRoles[code]
	if !ok {
		role = harmonized.RoleOther
	}
	p := harmonized.Party{Role: role, RoleCode: code, Source: m.posPtr()}
	if id != "" {
		scheme := list
		if agency != "" {
			scheme += ":" + agency
		}
		if scheme == "" {
			scheme = "NAD"
		}
		p.Identifiers = append(p.Identifiers, harmonized.Identifier{Scheme: scheme, Value: id})
	}
	// C058 name and address as free lines; C080 structured name; C059 street.
	var lines []string
	for j := 1; j <= m.seg.Components(3); j++ {
		if v := m.s(3, j); v != "" {
			lines = append(lines, v)
		}
	}
	p.Name = m.text(4)
	if p.Name == "" && len(lines) > 0 {
		p.Name, lines = lines[0], lines[1:]
	}
	p.Address = lines
	for j := 1; j <= m.seg.Components(5); j++ {
		if v := m.s(5, j); v != "" {
			p.Address = append(p.Address, v)
		}
	}
	p.City, p.State, p.PostalCode = m.s(6, 1), m.s(7, 1), m.s(8, 1)
	if c := m.s(9, 1); c != "" {
		p.Country = country(c)
	}
	m.rec.Parties = append(m.rec.Parties, p)
}

// tdt reads the main carriage (header) or an on-carriage leg (consignment).
func (m *Mapper) tdt() {
	stage, voyage, mode := m.s(1, 1), m.s(2, 1), m.s(3, 1)
	m.s(4, 1)
	carrier, carrierList, carrierAgency := m.s(5, 1), m.s(5, 2), m.s(5, 3)
	m.s(5, 4)
	vesselID, vesselList, vesselAgency, vesselName := m.s(8, 1), m.s(8, 2), m.s(8, 3), m.s(8, 4)
	scac := ""
	if c := strings.ToUpper(carrier); harmonized.CheckSCAC(c) == nil && (carrierAgency == "166" || carrierList == "172" || carrierAgency == "") {
		scac = c
	}
	if m.rec != nil {
		// An on-carriage leg: by rail, the train and rail carrier of the bill.
		if mode == "2" {
			c := &m.rec.Conveyance
			c.Train = voyage
			if scac != "" {
				c.RailCarrierSCAC = scac
			}
			return
		}
		m.used = 0
		return
	}
	if stage != "20" && stage != "" && m.conv.VesselName != "" {
		m.used = 0 // pre-carriage after the main carriage: reported
		return
	}
	c := &m.conv
	c.TransportMethod = mode
	switch mode {
	case "1":
		c.Mode = harmonized.ModeOcean
	case "2":
		c.Mode = harmonized.ModeRail
		c.Train = voyage
	case "3":
		c.Mode = harmonized.ModeRoad
	}
	c.Voyage = voyage
	if scac != "" {
		c.CarrierSCAC = scac
		if c.Mode == harmonized.ModeRail {
			c.RailCarrierSCAC = scac
		}
	} else if carrier != "" {
		m.headRefs = append(m.headRefs, harmonized.Reference{Qualifier: "TDT-C040", Value: carrier, Text: "carrier " + carrierList + ":" + carrierAgency})
	}
	c.VesselName = vesselName
	switch {
	case vesselList == "146" || strings.EqualFold(vesselList, "IMO") || vesselAgency == "11" || harmonized.CheckIMO(vesselID) == nil:
		c.IMO = strings.TrimPrefix(strings.ToUpper(vesselID), "IMO")
	case vesselID != "":
		m.headRefs = append(m.headRefs, harmonized.Reference{Qualifier: "TDT-C222:" + vesselList, Value: vesselID, Text: "vessel identifier"})
	}
}

// location reads LOC C517: a UN/LOCODE with code list 139 (or 5 letters), a Schedule
// D (4 digits) or K (5 digits) code otherwise.
func (m *Mapper) location() *harmonized.Location {
	code, list, agency := strings.ToUpper(m.s(2, 1)), m.s(2, 2), m.s(2, 3)
	name := m.s(2, 4)
	l := &harmonized.Location{Name: name}
	digits := strings.Trim(code, "0123456789") == ""
	switch {
	case list == "139" || agency == "6" || (!digits && harmonized.CheckLOCODE(harmonized.NormalizeLOCODE(code)) == nil):
		l.UNLOCODE = harmonized.NormalizeLOCODE(code)
	case digits && len(code) == 4:
		l.ScheduleD = code
	case digits && len(code) == 5:
		l.ScheduleK = code
	case code != "" && list != "":
		l.Raw = list + ":" + code
	case code != "":
		l.Raw = code
	}
	return l
}

func (m *Mapper) loc() {
	q := m.s(1, 1)
	l := m.location()
	it := &m.itin
	if m.rec != nil {
		it = &m.rec.Itinerary
	}
	switch q {
	case "9", "5":
		// A 76 (original port of loading) read before keeps its place; this one is then
		// where the cargo was transshipped.
		if it.PortOfLoading != nil && *it.PortOfLoading != *l {
			it.Transshipment = append(it.Transshipment, *l)
		} else {
			it.PortOfLoading = l
		}
	case "11":
		it.PortOfDischarge = l
	case "76":
		// The original port of loading: the port of loading read before becomes a
		// transshipment port when it differs.
		if it.PortOfLoading != nil && *it.PortOfLoading != *l {
			it.Transshipment = append(it.Transshipment, *it.PortOfLoading)
		}
		it.PortOfLoading = l
	case "88":
		it.PlaceOfReceipt = l
	case "7":
		it.PlaceOfDelivery = l
	case "8":
		it.FinalDestination = l
	case "13":
		it.Transshipment = append(it.Transshipment, *l)
	case "60", "24":
		it.PortOfArrival = l
	default:
		m.used = 0
	}
}

// eqd reads a container of the equipment section (or of the consignment).
func (m *Mapper) eqd() {
	kind := m.s(1, 1)
	raw := m.s(2, 1)
	m.s(2, 2)
	id := harmonized.ParseContainer("", raw, "")
	e := &harmonized.Equipment{Number: id.Number, Raw: id.Raw, Encoding: id.Encoding, Check: id.Check, Kind: kind,
		Status: harmonized.StatusUnknown, Source: m.posPtr()}
	if kind == "RR" || (kind != "CN" && kind != "" && errors.Is(id.Err, harmonized.ErrContainerFormat)) {
		// Railcars, trailers and other equipment are not ISO 6346 containers.
		e.Check = harmonized.CheckNotApplicable
	}
	e.SizeType = strings.ToUpper(m.s(3, 1))
	m.s(4, 1)
	m.s(5, 1)
	switch m.s(6, 1) {
	case "5":
		e.Status = harmonized.StatusFull
	case "4":
		e.Status = harmonized.StatusEmpty
	}
	if m.rec != nil {
		m.rec.Equipment = append(m.rec.Equipment, *e)
		m.lastEquip = &m.rec.Equipment[len(m.rec.Equipment)-1]
		return
	}
	if _, dup := m.equipment[e.Number]; !dup {
		m.equipOrder = append(m.equipOrder, e.Number)
	}
	m.equipment[e.Number] = e
	m.lastEquip = e
}

// sel adds a seal to the last container.
func (m *Mapper) sel() {
	if m.lastEquip == nil {
		return
	}
	raw := m.s(1, 1)
	code := m.s(2, 1)
	s := harmonized.Seal{Number: harmonized.NormalizeSeal(raw), Raw: raw, IssuerCode: code, Issuer: harmonized.SealIssuer(code), Condition: m.s(3, 1)}
	m.lastEquip.Seals = append(m.lastEquip.Seals, s)
}

// startBill flushes the previous consignment and starts one at a CNI.
func (m *Mapper) startBill() {
	m.flushBill()
	m.seq++
	r := harmonized.New()
	r.Filing = m.filing
	r.Filing.Sequence = m.opts.Sequence + m.seq
	r.Filing.ReceivedAt = m.opts.ReceivedAt
	r.Conveyance = m.conv
	r.Provenance = m.provenance()
	it := m.itin
	it.Transshipment = append([]harmonized.Location(nil), m.itin.Transshipment...)
	r.Itinerary = it
	r.References = append(r.References, m.headRefs...)
	m.s(1, 1)
	if n := m.s(2, 1); n != "" {
		r.Bill.Number = strings.ToUpper(n)
		r.References = append(r.References, harmonized.Reference{Qualifier: "CNI", Value: strings.ToUpper(n)})
	}
	m.rec, m.goods, m.master, m.house, m.inGoods = r, -1, "", "", false
	m.lastEquip = nil
}

// flushBill completes the consignment and queues it.
func (m *Mapper) flushBill() {
	r := m.rec
	if r == nil {
		return
	}
	m.rec = nil
	b := &r.Bill
	if b.IssuerSCAC == "" {
		b.IssuerSCAC = m.conv.CarrierSCAC
	}
	if m.house != "" {
		b.Kind = harmonized.BillHouse
		b.MasterKey = harmonized.BillKey(b.IssuerSCAC, m.master)
		b.Number = m.house
	}
	r.Key = harmonized.BillKey(b.IssuerSCAC, b.Number)
	m.out = append(m.out, Item{Record: r.Check()})
}

// cnt reads consignment totals: 7 gross weight, 11 packages.
func (m *Mapper) cnt() {
	if m.rec == nil {
		m.used = 0
		return
	}
	q, v, unit := m.s(1, 1), m.s(1, 2), m.s(1, 3)
	n, err := harmonized.ParseNumber(v, false)
	if err != nil {
		m.rec.AddFlag(harmonized.FlagNumber, "bill", "%s (CNT): %v", m.seg.Pos, err)
		return
	}
	switch q {
	case "7":
		if unit == "" {
			unit = "KGM"
		}
		m.rec.Bill.Weight, _ = harmonized.NewWeight(n, unit)
	case "11":
		m.rec.Bill.Pieces = n
	default:
		m.used = 0
	}
}

// gid starts a goods item.
func (m *Mapper) gid() {
	r := m.rec
	if r == nil {
		m.used = 0
		return
	}
	m.s(1, 1)
	g := harmonized.GoodsItem{Line: len(r.Goods) + 1, PackageType: m.s(2, 2), Source: m.posPtr()}
	if q := m.s(2, 1); q != "" {
		if n, err := harmonized.ParseNumber(q, false); err == nil {
			g.Quantity = n
		} else {
			r.AddFlag(harmonized.FlagNumber, "goods", "%s (GID): %v", m.seg.Pos, err)
		}
	}
	r.Goods = append(r.Goods, g)
	m.goods, m.inGoods = len(r.Goods)-1, true
}

func (m *Mapper) curGoods() *harmonized.GoodsItem {
	if m.rec == nil || m.goods < 0 {
		return nil
	}
	return &m.rec.Goods[m.goods]
}

// ftx reads free text: AAA is the goods description.
func (m *Mapper) ftx() {
	if m.s(1, 1) != "AAA" {
		m.used = 0
		return
	}
	g := m.curGoods()
	if g == nil {
		m.used = 0
		return
	}
	m.s(2, 1)
	m.s(3, 1)
	g.Description = join(g.Description, m.text(4))
}

// mea reads a measurement: gross weight or volume of the goods item, or of the
// container in the equipment section.
func (m *Mapper) mea() {
	m.s(1, 1)
	dim := m.s(2, 1)
	unit, v := m.s(3, 1), m.s(3, 2)
	n, err := harmonized.ParseNumber(v, false)
	g := m.curGoods()
	if err == nil && g == nil && m.lastEquip != nil && (dim == "G" || dim == "AAB" || dim == "WT") {
		m.lastEquip.GrossWeight, _ = harmonized.NewWeight(n, unit)
		return
	}
	if err != nil || g == nil {
		m.used = 0 // tare, VGM and volumes of containers: reported
		return
	}
	switch dim {
	case "G", "AAB", "WT":
		g.Weight, _ = harmonized.NewWeight(n, unit)
	case "AAW", "ABJ":
		g.Volume, _ = harmonized.NewVolume(n, unit)
	default:
		m.used = 0
	}
}

// sgp links the goods item to a container, copying the container onto the bill.
func (m *Mapper) sgp() {
	g := m.curGoods()
	if g == nil {
		m.used = 0
		return
	}
	raw := m.s(1, 1)
	m.s(2, 1)
	id := harmonized.ParseContainer("", raw, "")
	for _, c := range g.Containers {
		if c == id.Number {
			return
		}
	}
	g.Containers = append(g.Containers, id.Number)
	r := m.rec
	if r.Container(id.Number) != nil {
		return
	}
	if e, ok := m.equipment[id.Number]; ok {
		c := *e
		c.Seals = append([]harmonized.Seal(nil), e.Seals...)
		r.Equipment = append(r.Equipment, c)
		return
	}
	r.AddFlag(harmonized.FlagStructure, "goods", "%s (SGP): container %s is not in the equipment section; listed from the link", m.seg.Pos, id.Number)
	r.Equipment = append(r.Equipment, harmonized.Equipment{Number: id.Number, Raw: id.Raw, Encoding: id.Encoding, Check: id.Check,
		Status: harmonized.StatusUnknown, Source: m.posPtr()})
}

func join(a, b string) string {
	switch {
	case b == "":
		return a
	case a == "":
		return b
	}
	return a + " " + b
}

func country(v string) string {
	if c, err := harmonized.Country(v); err == nil {
		return c
	}
	return strings.ToUpper(v)
}
