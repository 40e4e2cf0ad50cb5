package status

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
)

// WriteJSON writes s as indented JSON (`icss status --json`). Lists are never
// null, so a script can iterate without checking.
func WriteJSON(w io.Writer, s Status) error {
	s = s.normalized()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// WriteText writes s for a terminal (`icss status`): a headline, what needs
// attention, then one aligned table per part. Times are shown in s.TimeZone.
// Text that came from outside (file names, errors) has its control characters
// escaped, so a hostile file name cannot drive the terminal.
func WriteText(w io.Writer, s Status) error {
	s = s.normalized()
	loc := s.location()
	at := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04 MST")
	}
	ew := &errWriter{w: w}
	health := "healthy"
	if !s.Healthy() {
		health = "NOT READY"
	}
	node := clean(s.Node.Name)
	if s.Node.Version != "" {
		node += " (" + clean(s.Node.Version) + ")"
	}
	ew.printf("icss on %s at %s: %s\n", node, at(s.GeneratedAt), health)
	ew.printf("today: %s (%s)\n", s.Day, s.TimeZone)
	if a := s.Attention(); len(a) > 0 {
		ew.printf("\nNEEDS ATTENTION\n")
		for _, line := range a {
			ew.printf("  - %s\n", clean(line))
		}
	}

	table := func(title string, header string, empty string, rows func(tw io.Writer)) {
		ew.printf("\n%s\n", title)
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, header)
		rows(tw)
		if err := tw.Flush(); err != nil && ew.err == nil {
			ew.err = err
		}
		if empty != "" {
			ew.printf("  (%s)\n", empty)
		}
	}
	table("STAGES", "STAGE\tBACKLOG\tRUNNING\tFAILED\tPARKED", emptyIf(len(s.Stages), "no stages reported"), func(tw io.Writer) {
		for _, st := range s.Stages {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", clean(st.Name), st.Backlog, st.Running, st.Failed, st.Parked)
		}
	})
	table("SCHEDULES", "SCHEDULE\tSPEC\tLAST RUN\tSTATE\tNEXT RUN", emptyIf(len(s.Schedules), "none configured"), func(tw io.Writer) {
		for _, sc := range s.Schedules {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", clean(sc.Name), clean(sc.Spec), at(sc.LastRun), dash(sc.LastState), at(sc.NextRun))
		}
	})
	table("DELIVERIES", "CHANNEL\tPENDING\tFAILED\tOLDEST PENDING", emptyIf(len(s.Deliveries), "nothing outstanding"), func(tw io.Writer) {
		for _, d := range s.Deliveries {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", clean(d.Channel), d.Pending, d.Failed, at(d.OldestPending))
		}
	})
	table("EXAM LISTS TODAY", "PORT\tLIST\tCUT-OFF\tCONTAINERS\tDELIVERED\tRETURNED", emptyIf(len(s.ExamLists), "none yet"), func(tw io.Writer) {
		for _, l := range s.ExamLists {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%d\n", clean(l.Port), clean(l.ListID), at(l.Cutoff), l.Containers, dash(clean(strings.Join(l.Delivered, ","))), l.Returned)
		}
	})
	table(fmt.Sprintf("SELECTIONS TODAY (%d)", s.SelectedToday()), "PATH\tCOUNT", emptyIf(len(s.Selections), "none yet"), func(tw io.Writer) {
		for _, p := range s.Selections {
			fmt.Fprintf(tw, "%s\t%d\n", clean(p.Path), p.Count)
		}
	})
	table("QUARANTINED FILES", "ENDPOINT\tFILE\tSINCE\tREASON", emptyIf(len(s.Quarantined), "none"), func(tw io.Writer) {
		for _, q := range s.Quarantined {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", clean(q.Endpoint), clean(q.Name), at(q.Since), clean(q.Reason))
		}
	})
	table("CHECKS", "CHECK\tSTATE\tERROR", emptyIf(len(s.Node.Checks), "none run"), func(tw io.Writer) {
		for _, c := range s.Node.Checks {
			state := "ok"
			if !c.OK {
				state = "FAILED"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", clean(c.Name), state, dash(clean(c.Error)))
		}
	})
	return ew.err
}

// normalized returns a sorted copy whose lists are non-nil.
func (s Status) normalized() Status {
	s.Stages = append([]Stage{}, s.Stages...)
	s.Schedules = append([]Schedule{}, s.Schedules...)
	s.Quarantined = append([]Quarantined{}, s.Quarantined...)
	s.Deliveries = append([]Deliveries{}, s.Deliveries...)
	s.ExamLists = append([]ExamList{}, s.ExamLists...)
	for i := range s.ExamLists {
		s.ExamLists[i].Delivered = append([]string{}, s.ExamLists[i].Delivered...)
	}
	s.Selections = append([]PathCount{}, s.Selections...)
	s.Node.Checks = append([]Check{}, s.Node.Checks...)
	s.Sort()
	return s
}

// location is TimeZone, or UTC when it is empty or unknown here.
func (s Status) location() *time.Location {
	if s.TimeZone != "" {
		if loc, err := time.LoadLocation(s.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

func emptyIf(n int, msg string) string {
	if n == 0 {
		return msg
	}
	return ""
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clean escapes control and other non-printable characters (and tabs, which
// would break the table), keeping printable Unicode as it is.
func clean(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsPrint(r) {
			b.WriteRune(r)
		} else {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// errWriter keeps the first write error so the renderer checks once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, a ...any) { fmt.Fprintf(e, format, a...) }
