package ack

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/edi/x12"
)

// fixedNow is the clock of every test: acknowledgments must not depend on when the
// tests run.
var fixedNow = time.Date(2026, 11, 27, 21, 30, 0, 0, time.UTC)

func testOptions() Options {
	return Options{Now: func() time.Time { return fixedNow }, Controls: NewCounter(), Newline: true}
}

// validate runs the project's validator over data and returns its interchanges and
// the findings outside any interchange.
func validate(t testing.TB, data []byte) ([]*x12.Interchange, []*x12.SyntaxError) {
	t.Helper()
	var ics []*x12.Interchange
	v := x12.NewValidator()
	v.OnInterchange = func(ic *x12.Interchange) { ics = append(ics, ic) }
	outside, err := v.Validate(x12.NewReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatalf("validate: %v", err)
	}
	return ics, outside
}

// acknowledgeAll acknowledges every interchange of data, checking that each
// acknowledgment reads back clean.
func acknowledgeAll(t testing.TB, data []byte, opts Options) []*Ack {
	t.Helper()
	ics, _ := validate(t, data)
	var out []*Ack
	for _, ic := range ics {
		acks, err := Acknowledge(ic, opts)
		if err != nil {
			t.Fatalf("acknowledge interchange %s: %v", ic.Control, err)
		}
		for _, a := range acks {
			checkReadsBack(t, a)
		}
		out = append(out, acks...)
	}
	return out
}

// checkReadsBack reads an acknowledgment back with the project's reader and validator
// (structure specs included) and fails on any finding, warnings included: what we send
// must be beyond reproach.
func checkReadsBack(t testing.TB, a *Ack) {
	t.Helper()
	b := a.Bytes()
	if !bytes.HasPrefix(b, []byte("ISA")) || len(b) < 106 || b[105] != a.Delims.Segment {
		t.Errorf("%s %s: ISA is not fixed-width:\n%s", a.Kind, a.Control, b)
	}
	ics, outside := validate(t, b)
	for _, e := range outside {
		t.Errorf("%s %s: outside any interchange: %v", a.Kind, a.Control, e)
	}
	if len(ics) != 1 {
		t.Fatalf("%s %s: read back %d interchanges, want 1:\n%s", a.Kind, a.Control, len(ics), b)
	}
	ic := ics[0]
	report := func(level string, errs []*x12.SyntaxError) {
		for _, e := range errs {
			t.Errorf("%s %s: %s finding in our own acknowledgment: %s %v\n%s", a.Kind, a.Control, level, e.Code, e, b)
		}
	}
	report("interchange", ic.Errors)
	for _, g := range ic.Groups {
		report("group", g.Errors)
		for _, s := range g.Sets {
			report("set", s.Errors)
		}
	}
	if ic.Control != a.Control {
		t.Errorf("%s: read back ISA13 %q, want %q", a.Kind, ic.Control, a.Control)
	}
	if ic.AckRequested {
		t.Errorf("%s %s: ISA14 requests a TA1 for an acknowledgment", a.Kind, a.Control)
	}
	switch a.Kind {
	case TA1:
		if ic.TA1 != 1 || len(ic.Groups) != 0 {
			t.Errorf("TA1 %s: read back %d TA1 and %d groups", a.Control, ic.TA1, len(ic.Groups))
		}
	default:
		if len(ic.Groups) != 1 || len(ic.Groups[0].Sets) != 1 || ic.Groups[0].Sets[0].ID != string(a.Kind) {
			t.Errorf("%s %s: does not read back as one group with one %s", a.Kind, a.Control, a.Kind)
		}
	}
}

// summary renders acknowledgments compactly for table tests:
//
//	TA1 <status> <note>
//	<kind> <AK901>[ <AK905,...>] <AK902>/<AK903>/<AK904> (<ST02> <AK501>[ <AK502,...>][ <seg>@<pos>:<AK304>][ <seg><el>[-<comp>]:<AK403>]...)...
//
// with acknowledgments separated by " ; ".
func summary(acks []*Ack) string {
	parts := make([]string, 0, len(acks))
	for _, a := range acks {
		var b strings.Builder
		b.WriteString(string(a.Kind) + " " + a.Status)
		if a.Kind == TA1 {
			b.WriteString(" " + a.Codes[0])
			parts = append(parts, b.String())
			continue
		}
		if len(a.Codes) > 0 {
			b.WriteString(" " + strings.Join(a.Codes, ","))
		}
		ak9 := a.Segments[len(a.Segments)-4] // AK9 SE GE IEA
		fmt.Fprintf(&b, " %s/%s/%s", ak9.ElemString(2), ak9.ElemString(3), ak9.ElemString(4))
		for _, s := range a.Sets {
			b.WriteString(" (" + s.Control + " " + s.Status)
			if len(s.Codes) > 0 {
				b.WriteString(" " + strings.Join(s.Codes, ","))
			}
			for _, n := range s.Notes {
				code := n.Code
				if code == "" {
					code = "8"
				}
				fmt.Fprintf(&b, " %s@%d:%s", n.ID, n.Position, code)
				for _, el := range n.Elements {
					fmt.Fprintf(&b, " %s%02d", n.ID, el.Element)
					if el.Component > 0 {
						fmt.Fprintf(&b, "-%d", el.Component)
					}
					b.WriteString(":" + el.Code)
				}
			}
			b.WriteString(")")
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, " ; ")
}

// concat writes acknowledgments one after another, as the golden files hold them.
func concat(acks []*Ack) []byte {
	var b bytes.Buffer
	for _, a := range acks {
		a.WriteTo(&b)
	}
	return b.Bytes()
}
