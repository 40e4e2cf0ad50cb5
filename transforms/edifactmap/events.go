package edifactmap

import (
	"strings"

	"github.com/icss/icss/transforms/harmonized"
)

// flushEvent queues the event being assembled.
func (m *Mapper) flushEvent() {
	e := m.ev
	if e == nil {
		return
	}
	m.ev = nil
	if e.At == nil {
		e.At = m.evAt
	}
	if e.Location == nil {
		e.Location = m.evLoc
	}
	if e.Bill == "" {
		e.Bill = m.evRefs["BM"]
	}
	if e.Container == "" && m.evRefs["EQ"] != "" {
		e.Container = harmonized.ParseContainer("", m.evRefs["EQ"], "").Number
	}
	m.out = append(m.out, Item{Event: e})
}

func (m *Mapper) newEvent() *harmonized.Event {
	m.flushEvent()
	m.ev = &harmonized.Event{Kind: m.evKind, Vessel: m.conv.VesselName, Voyage: m.conv.Voyage, CarrierSCAC: m.conv.CarrierSCAC,
		Provenance: m.provenance()}
	return m.ev
}

// coarriSegment maps a Container discharge/loading report (SMDG COARRI D95B): one event
// per EQD, discharge or load as the BGM says (44 discharge, 45/46 loading; verify per
// terminal), at its DTM+203 moment of move.
func (m *Mapper) coarriSegment(tag string) {
	if m.ev != nil {
		m.ev.Provenance.End = m.pos()
	}
	switch tag {
	case "BGM":
		code := m.s(1, 1)
		m.evRefs["BGM"] = code
		m.s(2, 1)
		m.s(3, 1)
		switch code {
		case "44":
			m.evKind = harmonized.EventDischarge
		case "45", "46":
			m.evKind = harmonized.EventLoad
		}
	case "TDT":
		if m.ev != nil {
			m.used = 0 // on-carriage of a container: reported
			return
		}
		m.tdt()
	case "LOC":
		q := m.s(1, 1)
		l := m.location()
		m.s(3, 1)
		if m.ev == nil {
			switch q {
			case "11":
				m.evLoc = l
				if m.evKind == harmonized.EventOther {
					m.evKind = harmonized.EventDischarge
				}
			case "9", "5":
				m.evLoc = l
				if m.evKind == harmonized.EventOther {
					m.evKind = harmonized.EventLoad
				}
			default:
				m.used = 0
			}
			return
		}
		switch q {
		case "7", "8":
			m.ev.Destination = l
		default:
			m.used = 0 // port of loading and stowage cell of the container: reported
		}
	case "DTM":
		q, v, f := m.s(1, 1), m.s(1, 2), m.s(1, 3)
		dt, err := harmonized.ParseEDIFACTDate(v, f)
		switch {
		case err != nil:
			m.used = 0
		case m.ev != nil && q == "203":
			m.ev.At = dt
		case m.ev == nil && (q == "132" || q == "178") && m.evKind == harmonized.EventDischarge:
			m.evAt = dt
		case m.ev == nil && (q == "133" || q == "136") && m.evKind == harmonized.EventLoad:
			m.evAt = dt
		default:
			m.used = 0
		}
	case "EQD":
		e := m.newEvent()
		m.s(1, 1)
		e.Container = harmonized.ParseContainer("", m.s(2, 1), "").Number
		e.Code = "BGM:" + m.evRefs["BGM"]
		m.s(3, 1)
	case "RFF":
		if m.ev != nil && m.s(1, 1) == "BM" {
			m.ev.Bill = strings.ToUpper(m.s(1, 2))
			return
		}
		m.used = 0
	case "NAD":
		if m.ev == nil && m.s(1, 1) == "CA" {
			if id := strings.ToUpper(m.s(2, 1)); harmonized.CheckSCAC(id) == nil {
				m.conv.CarrierSCAC = id
			}
			return
		}
		m.used = 0
	}
}

// iftstaSegment maps a multimodal status report (IFTSTA D00B): one event per CNI with
// its STS status, RFF bill and container, DTM event date, LOC+175 activity location and
// TDT leg (mode 2 rail: train and rail carrier).
func (m *Mapper) iftstaSegment(tag string) {
	if m.ev != nil {
		m.ev.Provenance.End = m.pos()
	}
	switch tag {
	case "BGM":
		m.s(1, 1)
		m.s(2, 1)
		m.s(3, 1)
	case "DTM":
		q, v, f := m.s(1, 1), m.s(1, 2), m.s(1, 3)
		dt, err := harmonized.ParseEDIFACTDate(v, f)
		switch {
		case err != nil:
			m.used = 0
		case m.ev == nil && q == "137":
			m.filing.FiledAt = dt
		case m.ev != nil && (q == "334" || q == "7") && m.ev.At == nil:
			m.ev.At = dt
		default:
			m.used = 0 // voyage dates of the legs: reported
		}
	case "NAD":
		if m.s(1, 1) == "CA" {
			if id := strings.ToUpper(m.s(2, 1)); harmonized.CheckSCAC(id) == nil {
				m.conv.CarrierSCAC = id
				if m.ev != nil {
					m.ev.CarrierSCAC = id
				}
			}
			m.used |= 1<<3 | 1<<4 | 1<<5 | 1<<6 | 1<<7 | 1<<8 | 1<<9
			return
		}
		m.used = 0
	case "RFF":
		q, v := m.s(1, 1), strings.ToUpper(m.s(1, 2))
		if m.ev == nil {
			m.evRefs[q] = v
			if q == "AAZ" && harmonized.CheckSCAC(v) == nil {
				m.conv.CarrierSCAC = v
			}
			return
		}
		switch q {
		case "BM":
			m.ev.Bill = v
		case "EQ":
			m.ev.Container = harmonized.ParseContainer("", v, "").Number
		default:
			m.used = 0
		}
	case "CNI":
		m.newEvent()
		m.s(1, 1)
		m.s(2, 1)
	case "STS":
		if m.ev == nil {
			m.newEvent()
		}
		m.s(1, 1)
		code, text := m.s(2, 1), m.s(2, 4)
		m.s(2, 2)
		m.s(2, 3)
		m.ev.Code = strings.TrimSpace(code + " " + text)
		m.ev.Kind = statusKind(text, m.ev.Kind)
	case "LOC":
		if m.ev == nil {
			m.used = 0
			return
		}
		q := m.s(1, 1)
		l := m.location()
		m.s(3, 1)
		switch q {
		case "175", "5":
			m.ev.Location = l
		case "8", "7":
			m.ev.Destination = l
		default:
			m.used = 0 // the ocean leg's ports: reported
		}
	case "TDT":
		if m.ev == nil {
			m.used = 0
			return
		}
		m.s(1, 1)
		trip, mode := m.s(2, 1), m.s(3, 1)
		m.s(4, 1)
		carrier := strings.ToUpper(m.s(5, 1))
		m.s(8, 4)
		if mode == "2" {
			m.ev.Train = trip
			if harmonized.CheckSCAC(carrier) == nil {
				m.ev.CarrierSCAC = carrier
			}
			if m.ev.Kind == harmonized.EventVesselDeparture {
				m.ev.Kind = harmonized.EventRailDeparture
			} else if m.ev.Kind == harmonized.EventVesselArrival {
				m.ev.Kind = harmonized.EventRailArrival
			}
		}
	}
}

// statusKind reads a carrier's status text (IFTSTA STS C556 4405 text), since the codes
// themselves are carrier-specific; rail legs turn departures and arrivals into rail ones.
func statusKind(text string, def harmonized.EventKind) harmonized.EventKind {
	t := strings.ToUpper(text)
	rail := strings.Contains(t, "RAIL")
	switch {
	case strings.Contains(t, "RAMP") && (strings.Contains(t, "IN") || strings.Contains(t, "ARRIV")):
		return harmonized.EventRampIn
	case strings.Contains(t, "DEPART"):
		if rail {
			return harmonized.EventRailDeparture
		}
		return harmonized.EventVesselDeparture
	case strings.Contains(t, "ARRIV"):
		if rail {
			return harmonized.EventRailArrival
		}
		return harmonized.EventVesselArrival
	case strings.Contains(t, "DISCHARG") || strings.Contains(t, "UNLOAD"):
		return harmonized.EventDischarge
	case strings.Contains(t, "LOADED") || strings.Contains(t, "LOAD "):
		return harmonized.EventLoad
	case strings.Contains(t, "GATE IN") || strings.Contains(t, "GATE-IN"):
		return harmonized.EventGateIn
	case strings.Contains(t, "GATE OUT") || strings.Contains(t, "GATE-OUT"):
		return harmonized.EventGateOut
	}
	return def
}

// baplieSegment maps a bayplan (SMDG BAPLIE 2.x, D95B to D04B): one load event per
// stowage cell (LOC+147, which comes before the EQD it describes), with the container's
// ports of loading (LOC+9) and discharge (LOC+11, or 83 place of delivery), the vessel
// and voyage of the TDT, and the departure date of the header (DTM+136 actual, else 133
// estimated). A stow plan says a container is on board: it is the ISF "+2" evidence.
func (m *Mapper) baplieSegment(tag string) {
	if m.ev != nil {
		m.ev.Provenance.End = m.pos()
	}
	switch tag {
	case "BGM":
		m.s(1, 1)
		m.s(2, 1)
		m.s(3, 1)
		m.evKind = harmonized.EventLoad
	case "TDT":
		if m.ev != nil {
			m.used = 0
			return
		}
		m.tdt()
	case "DTM":
		q, v, f := m.s(1, 1), m.s(1, 2), m.s(1, 3)
		dt, err := harmonized.ParseEDIFACTDate(v, f)
		switch {
		case err != nil || m.ev != nil:
			m.used = 0
		case q == "136" || (q == "133" && m.evAt == nil):
			m.evAt = dt
		case q == "137":
			m.filing.FiledAt = dt
		default:
			m.used = 0
		}
	case "RFF":
		q, v := m.s(1, 1), m.s(1, 2)
		switch {
		case m.ev == nil && q == "VON":
			m.conv.Voyage = v
		case m.ev != nil && q == "BM" && v != "1":
			m.ev.Bill = strings.ToUpper(v) // "1" is SMDG's placeholder, not a bill
		case m.ev != nil && q == "BM":
		default:
			m.used = 0
		}
	case "LOC":
		q := m.s(1, 1)
		if q == "147" {
			m.evKind = harmonized.EventLoad
			e := m.newEvent()
			e.Code = "BAPLIE:cell " + m.s(2, 1)
			e.Location = nil
			return
		}
		l := m.location()
		switch {
		case m.ev == nil && q == "5":
			m.evLoc = l
		case m.ev != nil && (q == "9" || q == "6"):
			m.ev.Location = l
		case m.ev != nil && (q == "11" || q == "12" || q == "83" || q == "8"):
			if m.ev.Destination == nil || q == "83" || q == "8" {
				m.ev.Destination = l
			}
		default:
			m.used = 0
		}
	case "EQD":
		if m.ev == nil {
			m.used = 0
			return
		}
		m.s(1, 1)
		m.ev.Container = harmonized.ParseContainer("", m.s(2, 1), "").Number
	case "NAD":
		if m.ev != nil && m.s(1, 1) == "CA" {
			if id := strings.ToUpper(m.s(2, 1)); harmonized.CheckSCAC(id) == nil {
				m.ev.CarrierSCAC = id
			}
			return
		}
		m.used = 0
	}
}
