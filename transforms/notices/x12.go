package notices

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/icss/icss/edi/x12"
	"github.com/icss/icss/transforms/harmonized"
)

// The delimiters of the 350s icss writes: "*" elements, ">" components, "~"
// segments, and "^" repetitions from 00501 on.
const (
	x12Element, x12Component, x12Segment, x12Repetition = '*', '>', '~', '^'
)

func isX12Delim(c byte) bool {
	return c == x12Element || c == x12Component || c == x12Segment || c == x12Repetition
}

// x12Value makes a value from a record safe to write: a delimiter, control or
// non-ASCII character becomes a blank (X12 has no escape), blanks are trimmed, and
// the value is cut to max characters.
func x12Value(s string, max int) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7E || isX12Delim(c) {
			b[i] = ' '
		}
	}
	s = strings.TrimSpace(string(b))
	if len(s) > max {
		s = strings.TrimSpace(s[:max])
	}
	return s
}

// x12Envelope numbers one 350 interchange: its ISA13 and GS06.
type x12Envelope struct {
	control, group string
}

// writeX12 writes one interchange of 350s, one transaction set per notice, into buf and
// returns each set's ST02.
func writeX12(buf *bytes.Buffer, cfg *Config, rcp Recipient, env x12Envelope, events []Event, now nowFunc) ([]string, error) {
	late := rcp.Version >= "005010"
	isa12, isa11, gs01 := "00401", "U", "SO"
	d := x12.Delimiters{Element: x12Element, Component: x12Component, Segment: x12Segment}
	if late {
		isa12, isa11, gs01 = "00501", string(x12Repetition), "AU"
		d.Repetition = x12Repetition
	}
	usage := "P"
	if cfg.Test {
		usage = "T"
	}
	t := now()
	w := x12.NewWriter(buf)
	w.Delims, w.Newline = d, true
	put := func(tag string, elems ...string) {
		for len(elems) > 0 && elems[len(elems)-1] == "" {
			elems = elems[:len(elems)-1]
		}
		_ = w.Write(tag, elems...) // values are cleaned; a delimiter left is caught below
	}
	put("ISA", "00", pad("", 10), "00", pad("", 10), cfg.X12Sender.Qualifier, pad(cfg.X12Sender.ID, 15),
		rcp.Receiver.Qualifier, pad(rcp.Receiver.ID, 15), t.Format("060102"), t.Format("1504"), isa11, isa12, env.control, "0", usage, string(x12Component))
	put("GS", gs01, cfg.X12Sender.ID, rcp.Receiver.ID, t.Format("20060102"), t.Format("1504"), env.group, "X", rcp.Version)
	var st02s []string
	for i, e := range events {
		st02 := fmt.Sprintf("%04d", i+1)
		st02s = append(st02s, st02)
		n := 0
		seg := func(tag string, elems ...string) { n++; put(tag, elems...) }
		seg("ST", "350", st02)
		rec := e.Record
		if m10 := m10Elements(rec); m10 != nil {
			seg("M10", m10...)
		}
		port, arrival := p4Port(e, rec), e.At.In(t.Location())
		if a := rec.Itinerary.Arrival; a != nil && !a.Time.IsZero() {
			arrival = a.Time // the filed date, as written
		}
		seg("P4", port, arrival.Format("20060102"))
		e.At = e.At.In(t.Location())
		seg("X4", x4Elements(e, rec, late)...)
		for _, k1 := range k1Lines(e) {
			seg("K1", k1...)
		}
		seg("SE", fmt.Sprint(n+1), st02)
	}
	put("GE", fmt.Sprint(len(events)), env.group)
	put("IEA", "1", env.control)
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("notices: write 350 to %s: %w", rcp.Receiver.ID, err)
	}
	return st02s, nil
}

func pad(s string, n int) string { return s + strings.Repeat(" ", max(n-len(s), 0)) }

// m10Elements echoes the manifest the bill was filed on (M10 of the 309), which the
// carrier's system correlates by; nil when the record lacks a mandatory part (a bill
// filed in a table), and the M10 is left out.
func m10Elements(rec *harmonized.Record) []string {
	c := rec.Conveyance
	scac := c.CarrierSCAC
	if scac == "" {
		scac = rec.Bill.IssuerSCAC
	}
	m := []string{x12Value(scac, 4), x12Value(c.TransportMethod, 2), x12Value(c.VesselFlag, 3), x12Value(c.IMO, 8),
		x12Value(c.VesselName, 28), x12Value(c.Voyage, 10), x12Value(c.ManifestReference, 30), "", x12Value(rec.Filing.ManifestType, 1)}
	if len(m[4]) < 2 {
		m[4] = "" // M1005 is 2 to 28 characters
	}
	if len(m[0]) < 2 || m[1] == "" || len(m[2]) < 2 || len(m[5]) < 2 || !token(m[8], 1) || m[3] == "" && m[4] == "" {
		return nil
	}
	return m
}

// p4Port is the port the notice is about: the port of arrival as filed (Schedule D,
// else UN/LOCODE), else the port of examination.
func p4Port(e Event, rec *harmonized.Record) string {
	if p := rec.Itinerary.PortOfArrival; p != nil {
		for _, v := range []string{p.ScheduleD, p.UNLOCODE} {
			if v = x12Value(v, 30); v != "" {
				return v
			}
		}
	}
	if p := x12Value(e.Port, 30); p != "" {
		return p
	}
	return "UNKNOWN"
}

// x4Elements is the X4 of one notice: the bill, the in-bond entry when one was filed,
// the date and time, the disposition, the bill's SCAC, the equipment and the port.
func x4Elements(e Event, rec *harmonized.Record, late bool) []string {
	billMax := 12
	if late {
		billMax = 30
	}
	x := make([]string, 14)
	x[0] = x12Value(rec.Bill.Number, billMax)
	if len(rec.InBond) > 0 {
		if ib := rec.InBond[0]; len(ib.EntryType) == 2 && ib.Number != "" {
			x[2], x[3] = x12Value(ib.EntryType, 2), x12Value(ib.Number, 15)
		}
	}
	x[4], x[5] = e.At.Format("20060102"), e.At.Format("1504")
	x[6] = e.Disposition.Code
	if s := x12Value(rec.Bill.IssuerSCAC, 4); len(s) >= 2 {
		x[8] = s
	}
	x[10], x[11] = splitEquipment(e.Container)
	if p := rec.Itinerary.PortOfArrival; p != nil {
		x[12], x[13] = x12Value(p.ScheduleD, 30), x12Value(p.FIRMS, 30)
	}
	return x
}

// splitEquipment splits a container number into the equipment initial (its owner
// code, up to four letters) and number (the rest, check digit included), as X4-11/12
// and N7 carry them.
func splitEquipment(c string) (initial, number string) {
	c = x12Value(c, 14)
	i := 0
	for i < len(c) && i < 4 && c[i] >= 'A' && c[i] <= 'Z' {
		i++
	}
	initial, number = c[:i], c[i:]
	if number == "" || len(number) > 10 {
		return "", ""
	}
	return initial, number
}

// k1Lines are the remarks of a notice: the disposition's text in two elements of at
// most 30 characters, and the bolt seal applied after the exam.
func k1Lines(e Event) [][]string {
	out := [][]string{splitText(e.Disposition.Text, 30)}
	if s := x12Value(e.BoltSeal, 30); s != "" {
		out = append(out, []string{"BOLT SEAL APPLIED", s})
	}
	return out
}

// splitText cuts text into at most two parts of at most n characters, at a blank when
// there is one.
func splitText(text string, n int) []string {
	if len(text) <= n {
		return []string{text}
	}
	cut := strings.LastIndexByte(text[:n+1], ' ')
	if cut <= 0 {
		cut = n
	}
	rest := strings.TrimSpace(text[cut:])
	if len(rest) > n {
		rest = rest[:n]
	}
	return []string{strings.TrimSpace(text[:cut]), rest}
}
