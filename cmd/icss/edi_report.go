package main

import (
	"fmt"
	"io"

	"github.com/icss/icss/edi/syntax"
)

// verdictSink passes a report on to next and notes whether the input is valid: at least
// one interchange and no issue of Error severity.
type verdictSink struct {
	next         syntax.Sink
	interchanges int
	errors       bool
}

func (v *verdictSink) valid() bool { return v.interchanges > 0 && !v.errors }

func (v *verdictSink) note(issues []syntax.Issue) {
	for _, is := range issues {
		if is.Severity == syntax.Error {
			v.errors = true
		}
	}
}

func (v *verdictSink) Begin(file, std string) error { return v.next.Begin(file, std) }
func (v *verdictSink) BeginInterchange(ic *syntax.Interchange) error {
	v.interchanges++
	return v.next.BeginInterchange(ic)
}
func (v *verdictSink) BeginGroup(g *syntax.Group) error { return v.next.BeginGroup(g) }
func (v *verdictSink) Set(s *syntax.Set) error {
	v.note(s.Issues)
	return v.next.Set(s)
}
func (v *verdictSink) EndGroup(g *syntax.Group) error {
	v.note(g.Issues)
	return v.next.EndGroup(g)
}
func (v *verdictSink) EndInterchange(ic *syntax.Interchange) error {
	v.note(ic.Issues)
	return v.next.EndInterchange(ic)
}
func (v *verdictSink) End(issues []syntax.Issue) error {
	v.note(issues)
	return v.next.End(issues)
}

// textSink prints a report for people as it comes: each envelope's header when it
// opens, its verdict and issues when it closes.
type textSink struct {
	w       io.Writer
	file    string
	std     string
	verdict *verdictSink // read at End for the file's summary line
	ic      syntax.Interchange
	g       syntax.Group
}

func verdict(ok bool) string {
	if ok {
		return "accepted"
	}
	return "rejected"
}

func (t *textSink) Begin(file, std string) error {
	t.file, t.std = file, std
	_, err := fmt.Fprintf(t.w, "%s: %s\n", file, std)
	return err
}

func (t *textSink) BeginInterchange(ic *syntax.Interchange) error {
	t.ic = *ic
	_, err := fmt.Fprintf(t.w, "  interchange %s from %s to %s at %s, version %s\n", ic.Control, ic.Sender, ic.Receiver, ic.Date, ic.Version)
	return err
}

func (t *textSink) BeginGroup(g *syntax.Group) error {
	t.g = *g
	var err error
	if g.Implicit {
		_, err = fmt.Fprintf(t.w, "    messages\n")
	} else {
		_, err = fmt.Fprintf(t.w, "    group %s %s from %s to %s, version %s\n", g.FunctionalID, g.Control, g.Sender, g.Receiver, g.Version)
	}
	return err
}

func (t *textSink) Set(s *syntax.Set) error {
	v := ""
	if s.Version != "" {
		v = " (" + s.Version + ")"
	}
	fmt.Fprintf(t.w, "      set %s%s %s: %d segments, %s\n", s.Type, v, s.Control, s.Segments, verdict(s.Accepted))
	return printIssues(t.w, "        ", s.Issues)
}

func (t *textSink) EndGroup(g *syntax.Group) error {
	if t.g.Implicit {
		fmt.Fprintf(t.w, "    messages: %s\n", verdict(g.Accepted))
	} else {
		fmt.Fprintf(t.w, "    group %s %s: %s\n", t.g.FunctionalID, t.g.Control, verdict(g.Accepted))
	}
	return printIssues(t.w, "      ", g.Issues)
}

func (t *textSink) EndInterchange(ic *syntax.Interchange) error {
	fmt.Fprintf(t.w, "  interchange %s: envelope %s\n", t.ic.Control, verdict(ic.Accepted))
	return printIssues(t.w, "    ", ic.Issues)
}

func (t *textSink) End(issues []syntax.Issue) error {
	if err := printIssues(t.w, "  ", issues); err != nil {
		return err
	}
	state := "valid"
	if !t.verdict.valid() {
		state = "INVALID"
	}
	_, err := fmt.Fprintf(t.w, "%s: %s, %d interchange(s), %s\n", t.file, t.std, t.verdict.interchanges, state)
	return err
}

func printIssues(w io.Writer, indent string, issues []syntax.Issue) error {
	for _, is := range issues {
		where := ""
		if is.Pos.Line > 0 {
			where = fmt.Sprintf("line %d, segment %d, offset %d", is.Pos.Line, is.Pos.Segment, is.Pos.Offset)
		}
		if is.SegmentID != "" {
			where += " " + is.SegmentID
			if is.Element > 0 {
				where += fmt.Sprintf("%02d", is.Element)
				if is.Component > 0 {
					where += fmt.Sprintf("-%d", is.Component)
				}
			}
		}
		if is.Loop != "" {
			where += " in loop " + is.Loop
		}
		code := ""
		if is.Code != "" {
			code = " [" + is.Code + "]"
		}
		if _, err := fmt.Fprintf(w, "%s%s %s%s: %s\n", indent, is.Severity, where, code, is.Message); err != nil {
			return err
		}
	}
	return nil
}
