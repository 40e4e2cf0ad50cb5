package notices

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/transforms/harmonized"
)

// edifactValue makes a value from a record (UTF-8) fit a UNOC interchange: encoded in
// Latin-1, what Latin-1 lacks and control characters as blanks, blanks trimmed, cut to
// max characters. Service characters are escaped by the writer.
func edifactValue(s string, max int) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 0x20 || r >= 0x7F && r < 0xA0 || r > 0xFF {
			r = ' '
		}
		b = append(b, byte(r))
	}
	s = strings.TrimSpace(string(b))
	if len(s) > max {
		s = strings.TrimSpace(s[:max])
	}
	return s
}

// writeCUSRES writes one interchange of CUSRES D00B messages, one per notice, into buf
// and returns each message's reference (UNH 0062).
func writeCUSRES(buf *bytes.Buffer, cfg *Config, codes *Codes, rcp Recipient, ref string, events []Event, now nowFunc) ([]string, error) {
	t := now()
	w := edifact.NewWriter(buf)
	w.Newline = true
	var err error
	put := func(tag string, elems ...[]string) {
		if err == nil {
			err = w.WriteSegment(tag, elems...)
		}
	}
	unb := [][]string{{"UNOC", "3"}, {cfg.EDIFACTSender.ID, cfg.EDIFACTSender.Qualifier}, {rcp.Receiver.ID, rcp.Receiver.Qualifier},
		{t.Format("060102"), t.Format("1504")}, {ref}}
	if cfg.Test {
		unb = append(unb, nil, nil, nil, nil, nil, []string{"1"})
	}
	put("UNB", unb...)
	var refs []string
	for i, e := range events {
		msg := fmt.Sprint(i + 1)
		refs = append(refs, msg)
		n := 0
		seg := func(tag string, elems ...[]string) { n++; put(tag, elems...) }
		rec := e.Record
		seg("UNH", []string{msg}, []string{"CUSRES", "D", "00B", "UN"})
		seg("BGM", []string{"961"}, []string{ref + "-" + msg}, []string{"9"})
		seg("DTM", []string{"137", e.At.In(t.Location()).Format("200601021504"), "203"})
		if v := edifactValue(rec.Conveyance.Voyage, 17); v != "" {
			seg("TDT", []string{"20"}, []string{v})
		}
		if p := edifactPort(e); p != "" {
			seg("LOC", []string{"60"}, []string{p, "139", "6"})
		}
		kind := "CN"
		if eq := rec.Container(e.Container); eq != nil && eq.Check == "not_applicable" {
			kind = "RR" // a railcar, not an ISO 6346 container
		}
		seg("EQD", []string{kind}, []string{edifactValue(e.Container, 17)})
		if f := filingReference(rec); f != "" {
			seg("RFF", []string{"ACW", f})
		}
		seg("RFF", []string{"BM", edifactValue(rec.Bill.Number, 70)})
		seg("ERP", []string{"1"})
		seg("ERC", []string{e.Disposition.Code, codes.List, codes.Agency})
		seg("FTX", []string{"AAO"}, nil, nil, []string{e.Disposition.Text})
		if s := edifactValue(e.BoltSeal, 60); s != "" {
			seg("FTX", []string{"AAO"}, nil, nil, []string{"BOLT SEAL APPLIED " + s})
		}
		seg("UNT", []string{fmt.Sprint(n + 1)}, []string{msg})
	}
	put("UNZ", []string{fmt.Sprint(len(events))}, []string{ref})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return nil, fmt.Errorf("notices: write CUSRES to %s: %w", rcp.Receiver.ID, err)
	}
	return refs, nil
}

// edifactPort is the UN/LOCODE of the port the notice is about: of examination, else
// of arrival as filed.
func edifactPort(e Event) string {
	if len(e.Port) == 5 {
		return e.Port
	}
	if p := e.Record.Itinerary.PortOfArrival; p != nil && len(p.UNLOCODE) == 5 {
		return p.UNLOCODE
	}
	return ""
}

// filingReference is the reference of the message that filed the bill (UNH 0062, else
// the interchange's UNB 0020), which RFF+ACW points at.
func filingReference(rec *harmonized.Record) string {
	for _, v := range []string{rec.Provenance.SetControl, rec.Provenance.InterchangeControl} {
		if v = edifactValue(v, 70); v != "" {
			return v
		}
	}
	return ""
}
