package x12map

import (
	"strings"

	"github.com/icss/icss/transforms/harmonized"
)

// statusKinds maps 315 B4-03 and 322 Q5-01 status codes to event kinds.
var statusKinds = map[string]harmonized.EventKind{
	"VD": harmonized.EventVesselDeparture,
	"VA": harmonized.EventVesselArrival,
	"UV": harmonized.EventDischarge,
	"AE": harmonized.EventLoad,
	"I":  harmonized.EventGateIn, "GI": harmonized.EventGateIn,
	"OA": harmonized.EventGateOut, "GO": harmonized.EventGateOut,
	"AL": harmonized.EventRampIn,                                                                // loaded on rail at the origin ramp
	"UR": harmonized.EventRampOut, "AR": harmonized.EventRampOut, "NF": harmonized.EventRampOut, // unloaded from rail / arrived at the destination ramp
	"RL": harmonized.EventRailDeparture, "P": harmonized.EventRailDeparture,
	"A": harmonized.EventRailArrival,
}

func kindOf(code string) harmonized.EventKind {
	if k, ok := statusKinds[code]; ok {
		return k
	}
	return harmonized.EventOther
}

// evRef applies a reference to the event: BM bill, EQ container, others ignored.
func (m *Mapper) evRef(q, v string) bool {
	e := m.ev
	switch q {
	case "BM":
		if e.Bill == "" {
			e.Bill = strings.ToUpper(v)
		}
	case "EQ":
		if e.Container == "" {
			e.Container = harmonized.ParseContainer("", v, "").Number
		}
	case "SCA":
		e.CarrierSCAC = strings.ToUpper(v)
	default:
		return false
	}
	return true
}

// location builds a Location from an R4-style qualifier and identifier.
func location(q, id, name, country, state string) *harmonized.Location {
	l := &harmonized.Location{Name: name, State: state}
	if country != "" {
		if c, err := harmonized.Country(country); err == nil {
			l.Country = c
		}
	}
	switch q {
	case "UN":
		l.UNLOCODE = harmonized.NormalizeLOCODE(id)
	case "D":
		l.ScheduleD = id
	case "K":
		l.ScheduleK = id
	default:
		if id != "" {
			l.Raw = q + ":" + id
		}
	}
	return l
}

// r4 reads a port or ramp of a 315/322 route; it returns the function code.
func (m *Mapper) r4() (string, *harmonized.Location) {
	fn := m.el(1)
	l := location(m.el(2), m.el(3), m.el(4), m.el(5), m.el(8))
	return fn, l
}

// seg315 maps an Ocean Status Details set (B4 status, N9 references, Q2 vessel, R4 route).
func (m *Mapper) seg315(tag string) {
	e := m.ev
	e.Provenance.End = m.pos()
	switch tag {
	case "B4":
		m.el(1)
		m.el(2)
		e.Code = m.el(3)
		e.Kind = kindOf(e.Code)
		e.At = m.eventTime(m.el(4), m.el(5), "")
		m.el(6)
		id := harmonized.ParseContainer(m.el(7), m.el(8), m.el(13))
		if id.Number != "" {
			e.Container = id.Number
		}
		m.el(9)
		m.el(10)
		if loc, q := m.el(11), m.el(12); loc != "" {
			e.Location = location(q, loc, "", "", "")
			if q != "UN" {
				e.Location.Name, e.Location.Raw = loc, ""
			}
		}
	case "N9":
		if m.evRef(m.el(1), m.el(2)) {
			m.el(3)
		}
	case "Q2":
		e.Vessel = m.el(13)
		m.el(1)
		e.Voyage = m.el(9)
		m.el(12)
	case "R4":
		fn, l := m.r4()
		m.routeR4(fn, l)
	case "DTM":
		// DTM after R4: the activity-location date is the event's when B4 gave none.
		q := m.el(1)
		if m.lastR4 == "5" && q == "140" && e.At == nil {
			e.At = m.eventTime(m.el(2), m.el(3), m.el(4))
		} else {
			m.used = 0 // other route dates are reported as unmapped
		}
	}
}

// routeR4 applies a route point: the activity location (5) is where the event happened,
// the place of delivery (E) or destination ramp (7) is where the container goes.
func (m *Mapper) routeR4(fn string, l *harmonized.Location) {
	e := m.ev
	m.lastR4 = fn
	switch fn {
	case "5":
		if e.Location == nil || e.Location.UNLOCODE == "" {
			e.Location = l
		}
	case "E", "7":
		e.Destination = l
	default:
		m.used = 0 // origin, loading, discharge and transshipment points: reported as unmapped
	}
}

func (m *Mapper) eventTime(date, clock, zone string) *harmonized.DateTime {
	if date == "" {
		return nil
	}
	dt, err := harmonized.ParseX12Date(date, clock, zone)
	if err != nil {
		return nil
	}
	return dt
}

// seg322 maps a Terminal Operations and Intermodal Ramp Activity set (Q5 status, N7
// equipment, R4 ramps).
func (m *Mapper) seg322(tag string) {
	e := m.ev
	e.Provenance.End = m.pos()
	switch tag {
	case "Q5":
		e.Code = m.el(1)
		e.Kind = kindOf(e.Code)
		e.At = m.eventTime(m.el(2), m.el(3), m.el(4))
		m.el(5)
		if city := m.el(6); city != "" {
			e.Location = location("", "", city, m.el(8), m.el(7))
		}
	case "N7":
		m.n7()
	case "W2":
		if e.Container == "" {
			e.Container = harmonized.ParseContainer(m.el(1), m.el(2), "").Number
		}
	case "R4":
		fn, l := m.r4()
		m.routeR4(fn, l)
	case "N9":
		if m.evRef(m.el(1), m.el(2)) {
			m.el(3)
		}
	case "N1":
		if m.el(1) == "RR" {
			// The rail carrier.
			m.el(2)
			if q, id := m.el(3), m.el(4); id != "" && (q == "ZZ" || q == "2") {
				e.CarrierSCAC = strings.ToUpper(id)
			}
		} else {
			m.used = 0
		}
	}
}

// n7 reads a 322/404 equipment segment: initial + 6-digit number + N718 check digit.
func (m *Mapper) n7() {
	e := m.ev
	id := harmonized.ParseContainer(m.el(1), m.el(2), m.el(18))
	if e.Container == "" {
		e.Container = id.Number
	}
	if m.setID == "404" || e.CarrierSCAC == "" {
		if s := m.el(23); s != "" {
			e.CarrierSCAC = strings.ToUpper(s)
		}
	}
}

// seg404 maps a Rail Carrier Shipment Information set (the rail waybill): it links a
// container to the rail movement, its bill and its destination.
func (m *Mapper) seg404(tag string) {
	e := m.ev
	e.Provenance.End = m.pos()
	switch tag {
	case "BX":
		m.el(1)
		m.el(2)
		m.el(3)
		if id := m.el(4); id != "" {
			e.Code = "waybill:" + id
		}
	case "M3":
		m.el(1)
		e.At = m.eventTime(m.el(2), m.el(3), m.el(4))
	case "N9":
		if m.evRef(m.el(1), m.el(2)) {
			m.el(3)
			m.el(4)
			m.el(5)
		}
	case "CM":
		e.Voyage = m.el(1)
		if v := m.el(9); v != "" {
			e.Vessel = v
		}
	case "N7":
		m.n7()
	case "F9":
		if e.Location == nil {
			e.Location = &harmonized.Location{Name: m.el(2), State: m.el(3)}
			m.el(1)
		}
	case "D9":
		e.Destination = &harmonized.Location{Name: m.el(2), State: m.el(3)}
		m.el(1)
	case "R2":
		if e.CarrierSCAC == "" {
			e.CarrierSCAC = strings.ToUpper(m.el(1))
		}
	}
}
