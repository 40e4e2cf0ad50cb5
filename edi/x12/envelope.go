package x12

import (
	"strings"

	"github.com/icss/icss/edi/syntax"
)

// Interchange is what validation learned about one ISA ... IEA envelope.
type Interchange struct {
	Pos syntax.Position
	// ISA is a copy of the header segment.
	ISA    *Segment
	Delims Delimiters
	// Header fields, trimmed of padding.
	SenderQualifier, Sender     string
	ReceiverQualifier, Receiver string
	Date, Time                  string // ISA09 YYMMDD, ISA10 HHMM
	Version                     string // ISA12
	Control                     string // ISA13
	AckRequested                bool   // ISA14 = 1
	Usage                       string // ISA15: P production, T test, I information
	// TA1 counts the TA1 segments the interchange carries (acknowledgments received).
	TA1    int
	Groups []*Group
	// Errors are interchange-level defects; their codes are TA1 note codes.
	Errors []*SyntaxError
	// Closed is set when the IEA was read.
	Closed bool
}

// Group is what validation learned about one GS ... GE functional group.
type Group struct {
	Pos          syntax.Position
	FunctionalID string // GS01
	Sender       string // GS02
	Receiver     string // GS03
	Date, Time   string // GS04, GS05
	Control      string // GS06
	Version      string // GS08
	// Sets are the group's transaction sets, unless Validator.DropSets.
	Sets []*Set
	// Received and AcceptedSets count the sets, whether or not Sets keeps them.
	Received, AcceptedSets int
	// Errors are group-level defects; their codes are AK9 codes.
	Errors []*SyntaxError
	Closed bool
}

// Set is what validation learned about one ST ... SE transaction set.
type Set struct {
	Pos     syntax.Position
	ID      string // ST01
	Control string // ST02
	ImplRef string // ST03 (4030 and later)
	// Segments counts the segments from ST to SE inclusive, as read.
	Segments int
	// Errors are the set's defects: AK5 (set), AK3 (segment) and AK4 (element) codes.
	Errors []*SyntaxError
	// Truncated counts errors beyond Validator.MaxErrors that were not kept.
	Truncated int
	Closed    bool
}

// Accepted reports whether the set has no error (warnings do not count).
func (s *Set) Accepted() bool { return s.Truncated == 0 && !hasError(s.Errors) }

// Accepted reports whether the group has no group-level error and all its sets are
// accepted.
func (g *Group) Accepted() bool {
	return !hasError(g.Errors) && g.AcceptedSets == g.Received
}

// Accepted reports whether the interchange envelope has no error (its groups are
// acknowledged separately).
func (ic *Interchange) Accepted() bool { return !hasError(ic.Errors) }

// Valid reports whether the interchange, its groups and its sets are all free of errors.
func (ic *Interchange) Valid() bool {
	if !ic.Accepted() {
		return false
	}
	for _, g := range ic.Groups {
		if !g.Accepted() {
			return false
		}
	}
	return true
}

func hasError(errs []*SyntaxError) bool {
	for _, e := range errs {
		if e.Severity == syntax.Error {
			return true
		}
	}
	return false
}

// header returns the interchange's header fields in the common inspection form.
func (ic *Interchange) header() syntax.Interchange {
	return syntax.Interchange{
		Pos:      ic.Pos,
		Sender:   qualified(ic.SenderQualifier, ic.Sender),
		Receiver: qualified(ic.ReceiverQualifier, ic.Receiver),
		Control:  ic.Control,
		Date:     isaDateTime(ic.Date, ic.Time),
		Version:  ic.Version,
	}
}

// header returns the group's header fields in the common inspection form.
func (g *Group) header() syntax.Group {
	return syntax.Group{
		Pos:          g.Pos,
		FunctionalID: g.FunctionalID,
		Sender:       g.Sender,
		Receiver:     g.Receiver,
		Control:      g.Control,
		Version:      g.Version,
	}
}

// Report converts the set into the common inspection form.
func (s *Set) Report() syntax.Set {
	return syntax.Set{
		Pos:      s.Pos,
		Type:     s.ID,
		Version:  s.ImplRef,
		Control:  s.Control,
		Segments: s.Segments,
		Accepted: s.Accepted(),
		Issues:   issues(s.Errors),
	}
}

func issues(errs []*SyntaxError) []syntax.Issue {
	if len(errs) == 0 {
		return nil
	}
	out := make([]syntax.Issue, len(errs))
	for i, e := range errs {
		out[i] = e.Issue()
	}
	return out
}

func qualified(q, id string) string {
	if q == "" {
		return id
	}
	return q + ":" + id
}

// isaDateTime renders YYMMDD + HHMM as RFC 3339 (UTC offset unknown, so none is given
// beyond the literal date and time), or the raw values when they do not parse.
func isaDateTime(d, t string) string {
	if validDate6(d) && validTime(t) && len(t) == 4 {
		return "20" + d[:2] + "-" + d[2:4] + "-" + d[4:6] + "T" + t[:2] + ":" + t[2:4] + ":00"
	}
	return strings.TrimSpace(d + " " + t)
}
