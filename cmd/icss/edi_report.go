package main

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

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
	_, err := fmt.Fprintf(t.w, "%s: %s\n", printable(file), std)
	return err
}

func (t *textSink) BeginInterchange(ic *syntax.Interchange) error {
	t.ic = *ic
	_, err := fmt.Fprintf(t.w, "  interchange %s from %s to %s at %s, version %s\n", printable(ic.Control), printable(ic.Sender), printable(ic.Receiver), printable(ic.Date), printable(ic.Version))
	return err
}

func (t *textSink) BeginGroup(g *syntax.Group) error {
	t.g = *g
	var err error
	if g.Implicit {
		_, err = fmt.Fprintf(t.w, "    messages\n")
	} else {
		_, err = fmt.Fprintf(t.w, "    group %s %s from %s to %s, version %s\n", printable(g.FunctionalID), printable(g.Control), printable(g.Sender), printable(g.Receiver), printable(g.Version))
	}
	return err
}

func (t *textSink) Set(s *syntax.Set) error {
	v := ""
	if s.Version != "" {
		v = " (" + printable(s.Version) + ")"
	}
	fmt.Fprintf(t.w, "      set %s%s %s: %d segments, %s\n", printable(s.Type), v, printable(s.Control), s.Segments, verdict(s.Accepted))
	return printIssues(t.w, "        ", s.Issues)
}

func (t *textSink) EndGroup(g *syntax.Group) error {
	if t.g.Implicit {
		fmt.Fprintf(t.w, "    messages: %s\n", verdict(g.Accepted))
	} else {
		fmt.Fprintf(t.w, "    group %s %s: %s\n", printable(t.g.FunctionalID), printable(t.g.Control), verdict(g.Accepted))
	}
	return printIssues(t.w, "      ", g.Issues)
}

func (t *textSink) EndInterchange(ic *syntax.Interchange) error {
	fmt.Fprintf(t.w, "  interchange %s: envelope %s\n", printable(t.ic.Control), verdict(ic.Accepted))
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
	_, err := fmt.Fprintf(t.w, "%s: %s, %d interchange(s), %s\n", printable(t.file), t.std, t.verdict.interchanges, state)
	return err
}

// printIssues writes one line per issue. Files where every segment has an error have
// hundreds of thousands of them: the line is appended into one reused buffer, without
// fmt, so that reporting does not cost more than finding.
func printIssues(w io.Writer, indent string, issues []syntax.Issue) error {
	if len(issues) == 0 {
		return nil
	}
	b := issueBuf[:0]
	for i := range issues {
		is := &issues[i]
		b = append(b, indent...)
		b = append(b, is.Severity.String()...)
		b = append(b, ' ')
		if is.Pos.Line > 0 {
			b = append(b, "line "...)
			b = strconv.AppendInt(b, int64(is.Pos.Line), 10)
			b = append(b, ", segment "...)
			b = strconv.AppendInt(b, int64(is.Pos.Segment), 10)
			b = append(b, ", offset "...)
			b = strconv.AppendInt(b, is.Pos.Offset, 10)
		}
		if is.SegmentID != "" {
			b = append(b, ' ')
			b = appendPrintable(b, is.SegmentID)
			if is.Element > 0 {
				if is.Element < 10 {
					b = append(b, '0')
				}
				b = strconv.AppendInt(b, int64(is.Element), 10)
				if is.Component > 0 {
					b = append(b, '-')
					b = strconv.AppendInt(b, int64(is.Component), 10)
				}
			}
		}
		if is.Loop != "" {
			b = append(b, " in loop "...)
			b = appendPrintable(b, is.Loop)
		}
		if is.Code != "" {
			b = append(b, " ["...)
			b = appendPrintable(b, is.Code)
			b = append(b, ']')
		}
		b = append(b, ": "...)
		b = appendPrintable(b, is.Message)
		b = append(b, '\n')
		if len(b) > 32<<10 || i == len(issues)-1 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	if cap(b) <= 64<<10 {
		issueBuf = b
	}
	return nil
}

// issueBuf is printIssues' line buffer, kept between calls (the command is single-threaded).
var issueBuf []byte

// printable returns s fit for one line of a terminal: printable UTF-8 as is, line breaks,
// other control characters and bytes that are not UTF-8 escaped as Go writes them
// (\n, \x1c, \xe2). Carrier data reaches the report through segment IDs, envelope
// fields and quoted values, and must neither break a finding over lines nor drive the
// terminal.
func printable(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return string(appendPrintable(make([]byte, 0, len(s)+8), s))
		}
	}
	return s // the common case: plain ASCII
}

// appendPrintable appends s to b as printable returns it.
func appendPrintable(b []byte, s string) []byte {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	b = append(b, s[:i]...)
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, `\x`...)
			b = append(b, "0123456789abcdef"[s[i]>>4], "0123456789abcdef"[s[i]&15])
		case strconv.IsPrint(r):
			b = append(b, s[i:i+n]...)
		default:
			q := strconv.QuoteRune(r) // '\n', '\x1c', '\u2028'
			b = append(b, q[1:len(q)-1]...)
		}
		i += n
	}
	return b
}
