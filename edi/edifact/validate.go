package edifact

import (
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/icss/icss/edi/syntax"
)

// ValidateOptions tune a Validator. The zero value checks everything.
type ValidateOptions struct {
	// EnvelopeOnly skips message structure checks (segment tables and element rules);
	// envelopes, counts, references, dates and characters are still checked.
	EnvelopeOnly bool `json:"envelope_only,omitempty" yaml:"envelope_only,omitempty"`
	// MaxIssues caps the issues kept for one message, group, interchange, and for the
	// input outside interchanges (0: 100); the rest are counted in a final issue, so
	// memory stays bounded on a hopeless input.
	MaxIssues int `json:"max_issues,omitempty" yaml:"max_issues,omitempty"`
	// OnError, when set, receives every finding as a typed *SyntaxError (the sentinel in
	// Err for errors.Is, the position, the CONTRL code) as it is found, before the
	// report keeps or drops it, including the reader's own.
	OnError func(*SyntaxError) `json:"-" yaml:"-"`
}

// Validator checks a stream of segments, one at a time, and builds the inspection
// report: every interchange, group and message with the issues found where they
// belong. It keeps the state of the current interchange, group and message only (plus
// the references seen, to detect duplicates), never a whole message.
type Validator struct {
	// EndPos is where the input ended; findings about trailers missing at the end of
	// the input are placed there. Inspect keeps it current.
	EndPos syntax.Position

	opts ValidateOptions
	rep  *syntax.Report

	// interchange state
	inIC      bool
	icVersion int
	icRef     string
	icMsgs    int // messages directly in the interchange
	icGroups  int
	icRefs    map[string]bool // interchange references seen in this input
	msgRefs   map[string]bool // message references in the current interchange
	groupRefs map[string]bool
	bareIC    bool // the current interchange was opened by a UNH without UNB
	icLevel   Level

	// group state
	inGroup bool
	grpRef  string
	grpMsgs int
	grpImpl bool
	grpType string // message type of the group's first message

	// message state
	inMsg    bool
	msgRef   string
	msgSegs  int
	drops    [4]dropped // per level, issues beyond the cap
	st       structure
	checking bool

	probs []problem
	strs  map[string]string

	// Streaming (SetSink): each message is sent when it closes and then dropped, so
	// memory does not grow with the number of messages; icSent and grpSent say whether
	// the open interchange's and group's headers went out, grpRejected whether one of
	// the group's messages was rejected.
	sink        syntax.Sink
	sinkErr     error
	icSent      bool
	grpSent     bool
	grpRejected bool
	streamed    int // interchanges sent
}

// SetSink makes the Validator send the report to sink as it goes instead of holding it:
// Begin at once, each message when it closes, each group and interchange when it ends;
// End sends what was found outside any interchange. Report then holds only the open
// envelopes. Call it before the first segment.
func (v *Validator) SetSink(sink syntax.Sink) {
	v.sink = sink
	v.sinkErr = sink.Begin(v.rep.File, v.rep.Standard)
}

// SinkErr returns the first error the sink returned.
func (v *Validator) SinkErr() error { return v.sinkErr }

// sendHeaders sends the open interchange's and group's headers, once each.
func (v *Validator) sendHeaders(group bool) {
	if v.sinkErr != nil {
		return
	}
	if !v.icSent {
		h := *v.ic()
		h.Groups, h.Issues, h.Accepted = nil, nil, false
		v.sinkErr, v.icSent = v.sink.BeginInterchange(&h), true
	}
	if group && !v.grpSent && v.sinkErr == nil {
		h := *v.group()
		h.Sets, h.Issues, h.Accepted = nil, nil, false
		v.sinkErr, v.grpSent = v.sink.BeginGroup(&h), true
	}
}

// intern returns one copy of the strings that repeat across a large input (message
// types and versions, parties), so the report of a 1 GB input stays small.
func (v *Validator) intern(s string) string {
	if t, ok := v.strs[s]; ok {
		return t
	}
	if len(v.strs) < 4096 {
		v.strs[s] = s
	}
	return s
}

// NewValidator returns a Validator filling a report for the named input.
func NewValidator(name string, opts ValidateOptions) *Validator {
	return &Validator{opts: opts, rep: &syntax.Report{File: name, Standard: "EDIFACT", Interchanges: []syntax.Interchange{}}, icRefs: map[string]bool{}, strs: map[string]string{}}
}

// Report returns the report built so far; call End first to close open envelopes.
func (v *Validator) Report() *syntax.Report { return v.rep }

func (v *Validator) ic() *syntax.Interchange { return &v.rep.Interchanges[len(v.rep.Interchanges)-1] }

func (v *Validator) group() *syntax.Group {
	ic := v.ic()
	return &ic.Groups[len(ic.Groups)-1]
}

func (v *Validator) set() *syntax.Set {
	g := v.group()
	return &g.Sets[len(g.Sets)-1]
}

// level tells where an issue goes.
type level uint8

const (
	atFile level = iota
	atInterchange
	atGroup
	atSet
)

func (v *Validator) add(at level, e *SyntaxError) {
	if v.opts.OnError != nil {
		v.opts.OnError(e)
	}
	is := e.Issue()
	var list *[]syntax.Issue
	var d *dropped
	switch {
	case at == atSet && v.inMsg:
		list, d = &v.set().Issues, &v.drops[atSet]
	case (at == atGroup || at == atSet) && v.inGroup && !v.grpImpl:
		list, d = &v.group().Issues, &v.drops[atGroup]
	case at != atFile && v.inIC:
		list, d = &v.ic().Issues, &v.drops[atInterchange]
	default:
		list, d = &v.rep.Issues, &v.drops[atFile]
	}
	limit := v.opts.MaxIssues
	if limit <= 0 {
		limit = 100
	}
	if len(*list) >= limit {
		d.n++
		d.err = d.err || is.Severity == syntax.Error
		return
	}
	*list = append(*list, is)
}

// dropped counts the issues of one open message, group, interchange or file left out
// beyond ValidateOptions.MaxIssues.
type dropped struct {
	n   int
	err bool
}

// flush appends the summary of the issues dropped at a level and resets its count.
func (v *Validator) flush(at level, list *[]syntax.Issue, pos syntax.Position) {
	d := &v.drops[at]
	if d.n == 0 {
		return
	}
	sev := syntax.Warning
	if d.err {
		sev = syntax.Error
	}
	*list = append(*list, syntax.Issue{Severity: sev, Pos: pos, Message: fmt.Sprintf("%d more issues not listed", d.n)})
	*d = dropped{}
}

// missingTrailer reports a trailer that never came, at the segment that showed it
// (nil: the end of the input), under the trailer's tag.
func (v *Validator) missingTrailer(at level, s *Segment, tag, detail string) {
	pos, _ := v.posOf(s)
	v.add(at, &SyntaxError{Pos: pos, Severity: syntax.Error, SegmentID: tag, Code: CodeMissing, Err: ErrMissingTrailer, Detail: detail})
}

// posOf is where a finding about s goes; nil means the end of the input.
func (v *Validator) posOf(s *Segment) (syntax.Position, string) {
	if s == nil {
		return v.EndPos, ""
	}
	return s.Pos, s.tag
}

func (v *Validator) errf(at level, s *Segment, elem, comp int, code string, err error, format string, args ...any) {
	pos, tag := v.posOf(s)
	e := &SyntaxError{Pos: pos, Severity: syntax.Error, SegmentID: tag, Element: elem, Component: comp, Code: code, Err: err}
	if format != "" {
		e.Detail = fmt.Sprintf(format, args...)
	}
	v.add(at, e)
}

func (v *Validator) warnf(at level, s *Segment, elem, comp int, code string, err error, format string, args ...any) {
	pos, tag := v.posOf(s)
	e := &SyntaxError{Pos: pos, Severity: syntax.Warning, SegmentID: tag, Element: elem, Component: comp, Code: code, Err: err}
	if format != "" {
		e.Detail = fmt.Sprintf(format, args...)
	}
	v.add(at, e)
}

// ReadError records an error the Reader returned. A segment the reader could not
// tokenize still counts in its message's segment count.
func (v *Validator) ReadError(err error) {
	var se *SyntaxError
	if !errors.As(err, &se) {
		v.rep.Issues = append(v.rep.Issues, syntax.Issue{Severity: syntax.Error, Message: err.Error()})
		return
	}
	at := atFile
	switch {
	case v.inMsg:
		at = atSet
		if se.Severity == syntax.Error {
			v.msgSegs++
		}
	case v.inGroup:
		at = atGroup
	case v.inIC:
		at = atInterchange
	}
	v.add(at, se)
}

// Segment checks one segment.
func (v *Validator) Segment(s *Segment) {
	switch s.tag {
	case "UNA":
		if v.inIC {
			v.closeInterchange(s, false)
		}
		return
	case "UNB":
		v.unb(s)
		return
	case "UNZ":
		v.unz(s)
		return
	case "UNG":
		v.ung(s)
		return
	case "UNE":
		v.une(s)
		return
	case "UNH":
		v.unh(s)
		return
	case "UNT":
		v.unt(s)
		return
	}
	if !v.inMsg {
		if !v.inIC {
			v.errf(atFile, s, 0, 0, CodeInvalidOccurrence, ErrOutsideEnvelope, "%s outside any interchange", s.tag)
		} else {
			v.errf(atGroup, s, 0, 0, CodeInvalidOccurrence, ErrOutsideEnvelope, "%s outside a message", s.tag)
		}
		return
	}
	v.msgSegs++
	v.common(s)
	if v.checking {
		n, probs := v.st.next(s.tag, v.probs[:0])
		if n != nil {
			probs = checkElements(n, s, probs)
		}
		v.report(s, probs)
		v.probs = probs
	}
	if s.tag == "DTM" {
		v.checkDTM(s)
	}
}

func (v *Validator) report(s *Segment, probs []problem) {
	for _, p := range probs {
		// Not through errf: a Sprintf per finding shows on inputs where every
		// segment has one.
		v.add(atSet, &SyntaxError{Pos: s.Pos, Severity: syntax.Error, SegmentID: s.tag, Element: p.elem, Component: p.comp, Code: p.code, Err: p.err, Detail: p.detail})
	}
}

// common holds the checks every segment gets: characters and trailing separators.
func (v *Validator) common(s *Segment) {
	at := atSet
	if !v.inMsg {
		at = atInterchange
	}
	if e, c, ok := s.InvalidChar(); ok {
		v.errf(at, s, e, c, CodeInvalidCharacter, ErrInvalidCharacter, "byte outside %s", s.level)
	} else if s.level == LevelW && !utf8.Valid(s.raw) {
		v.errf(at, s, 0, 0, CodeInvalidCharacter, ErrInvalidCharacter, "invalid UTF-8 in a UNOW interchange")
	}
	if s.Len() > 0 {
		if e, c, ok := s.trailingSeparator(); ok {
			if c == 0 {
				v.errf(at, s, e, 0, CodeTrailingSeparator, ErrTrailingSeparator, "segment ends with an empty data element")
			} else {
				v.errf(at, s, e, c, CodeTrailingSeparator, ErrTrailingSeparator, "composite ends with an empty component")
			}
		}
	}
}

// serviceElems checks the mandatory components of a service segment, given as
// element, component pairs, and its element count.
func (v *Validator) serviceElems(at level, s *Segment, maxElems int, mandatory ...[2]int) bool {
	ok := true
	if s.Len() > maxElems {
		v.errf(at, s, maxElems+1, 0, CodeTooManyConstituents, ErrTooManyElements, "%s has %d data elements, at most %d defined", s.tag, s.Len(), maxElems)
	}
	for _, m := range mandatory {
		if len(s.Component(m[0], m[1])) == 0 {
			v.errf(at, s, m[0], m[1], CodeMissing, ErrMissingElement, "")
			ok = false
		}
	}
	return ok
}

// unbLengths are the maximum lengths of the UNB data elements (ISO 9735 version 3;
// version 4 allows longer sender and recipient qualifiers' neighbours but not these).
var unbLengths = []struct {
	e, c, max int
	name      string
}{
	{2, 1, 35, "sender identification 0004"}, {2, 2, 4, "sender qualifier 0007"}, {2, 3, 14, "sender routing 0008"},
	{3, 1, 35, "recipient identification 0010"}, {3, 2, 4, "recipient qualifier 0007"}, {3, 3, 14, "recipient routing 0014"},
	{5, 1, 14, "interchange control reference 0020"}, {6, 1, 14, "recipient's password 0022"},
	{7, 1, 14, "application reference 0026"}, {8, 1, 1, "processing priority 0029"}, {10, 1, 35, "agreement identifier 0032"},
}

// counter checks a count element (n..6) and returns its value, -1 if unusable.
func (v *Validator) counter(at level, s *Segment, e int) int {
	b := s.Component(e, 1)
	if len(b) == 0 {
		return -1
	}
	n, err := strconv.Atoi(string(b))
	if err != nil || n < 0 || !isDigits(b) {
		v.errf(at, s, e, 1, CodeInvalidTypeOfChars, ErrInvalidFormat, "count %q is not a number", b)
		return -1
	}
	if len(b) > 6 && v.icVersion < 4 || len(b) > 10 {
		v.errf(at, s, e, 1, CodeTooLong, ErrTooLong, "count %q is too long", b)
	}
	return n
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

func (v *Validator) lenMax(at level, s *Segment, e, c, max int, name string) {
	if n := len(s.Component(e, c)); n > max {
		v.errf(at, s, e, c, CodeTooLong, ErrTooLong, "%s is %d characters, at most %d", name, n, max)
	}
}

func (v *Validator) unb(s *Segment) {
	if v.inIC {
		v.closeInterchange(s, false)
	}
	v.rep.Interchanges = append(v.rep.Interchanges, syntax.Interchange{Pos: s.Pos, Groups: []syntax.Group{}})
	v.inIC, v.bareIC = true, false
	v.icRef = string(s.Component(5, 1))
	v.icMsgs, v.icGroups = 0, 0
	v.msgRefs, v.groupRefs = map[string]bool{}, map[string]bool{}
	v.icLevel = s.level
	ic := v.ic()
	ic.Sender = v.intern(composite(s, 2))
	ic.Receiver = v.intern(composite(s, 3))
	ic.Control = v.icRef
	ic.Version = v.intern(string(s.Component(1, 1)) + ":" + string(s.Component(1, 2)))
	v.common(s)
	v.serviceElems(atInterchange, s, 11, [2]int{1, 1}, [2]int{1, 2}, [2]int{2, 1}, [2]int{3, 1}, [2]int{4, 1}, [2]int{4, 2}, [2]int{5, 1})
	id, ver := string(s.Component(1, 1)), string(s.Component(1, 2))
	v.icVersion, _ = strconv.Atoi(ver)
	lvl := LevelOf(id)
	switch {
	case id == "":
	case lvl == LevelUnknown:
		v.errf(atInterchange, s, 1, 1, CodeSyntaxNotSupported, ErrUnsupportedSyntax, "syntax identifier %q", id)
	case ver == "":
	case v.icVersion < 1 || v.icVersion > 4:
		v.errf(atInterchange, s, 1, 2, CodeSyntaxNotSupported, ErrUnsupportedSyntax, "syntax version %q", ver)
	case v.icVersion < lvl.minVersion() && lvl.minVersion() == 2:
		// Version 1 with UNOC to UNOF: real senders write UNOC:1, and the repertoire
		// is unambiguous, so a warning, alike for the four levels version 2 brought.
		v.warnf(atInterchange, s, 1, 2, "", ErrUnsupportedSyntax, "%s is defined from syntax version %d, UNB says %d", id, lvl.minVersion(), v.icVersion)
	case v.icVersion < lvl.minVersion():
		v.errf(atInterchange, s, 1, 2, CodeSyntaxNotSupported, ErrUnsupportedSyntax, "%s needs syntax version %d or later, UNB says %d", id, lvl.minVersion(), v.icVersion)
	}
	for _, l := range unbLengths {
		v.lenMax(atInterchange, s, l.e, l.c, l.max, l.name)
	}
	if t, ok := v.checkDateTime(atInterchange, s, 4); ok {
		ic.Date = t
	} else {
		ic.Date = string(s.RawElem(4))
	}
	if tv := s.Component(11, 1); len(tv) > 0 && string(tv) != "1" {
		v.errf(atInterchange, s, 11, 1, CodeInvalidValue, ErrInvalidCode, "test indicator 0035 %q is not 1", tv)
	}
	if ack := s.Component(9, 1); len(ack) > 0 && string(ack) != "1" && string(ack) != "2" {
		v.errf(atInterchange, s, 9, 1, CodeInvalidValue, ErrInvalidCode, "acknowledgement request 0031 %q is not 1 or 2", ack)
	}
	if v.icRef != "" {
		if v.icRefs[v.icRef] {
			v.warnf(atInterchange, s, 5, 1, "26", ErrControlMismatch, "interchange control reference %q used twice in this input", v.icRef)
		}
		if len(v.icRefs) < 1<<16 {
			v.icRefs[v.icRef] = true
		}
	}
}

// composite renders an element's components joined by ':' and trimmed of empty
// trailing ones: "SENDER:ZZZ".
func composite(s *Segment, i int) string {
	out := ""
	n := s.Components(i)
	for n > 0 && len(s.Component(i, n)) == 0 {
		n--
	}
	for j := 1; j <= n; j++ {
		if j > 1 {
			out += ":"
		}
		out += s.String(i, j)
	}
	return out
}

// checkDateTime checks the date:time composite S004 at element e: YYMMDD before
// syntax version 4, CCYYMMDD from 4, HHMM. A date in the other version's length is
// accepted with a warning (common in practice). It returns the RFC 3339 time.
func (v *Validator) checkDateTime(at level, s *Segment, e int) (string, bool) {
	d, tm := string(s.Component(e, 1)), string(s.Component(e, 2))
	if d == "" || tm == "" {
		return "", false
	}
	want := 6
	if v.icVersion >= 4 {
		want = 8
	}
	t, err := parseDate(d)
	switch {
	case err != nil && (len(d) == 6 || len(d) == 8):
		v.errf(at, s, e, 1, CodeInvalidValue, ErrBadDate, "date %q: %v", d, err)
		return "", false
	case err != nil && len(d) < want:
		v.errf(at, s, e, 1, CodeTooShort, ErrBadDate, "date %q is not %d digits", d, want)
		return "", false
	case err != nil:
		v.errf(at, s, e, 1, CodeTooLong, ErrBadDate, "date %q is not %d digits", d, want)
		return "", false
	case len(d) != want:
		code := CodeTooLong
		if len(d) < want {
			code = CodeTooShort
		}
		v.warnf(at, s, e, 1, code, ErrBadDate, "date %q has %d digits, syntax version %d uses %d", d, len(d), v.icVersion, want)
	}
	hh, mm, ok := parseHHMM(tm)
	if !ok {
		v.errf(at, s, e, 2, CodeInvalidValue, ErrBadDate, "time %q is not HHMM", tm)
		return "", false
	}
	return t.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute).Format("2006-01-02T15:04:05"), true
}

// parseDate reads YYMMDD (years 00-69 as 20xx, 70-99 as 19xx) or CCYYMMDD.
func parseDate(d string) (time.Time, error) {
	for _, c := range []byte(d) {
		if c < '0' || c > '9' {
			return time.Time{}, errors.New("not digits")
		}
	}
	var y int
	switch len(d) {
	case 6:
		y, _ = strconv.Atoi(d[:2])
		if y < 70 {
			y += 2000
		} else {
			y += 1900
		}
		d = d[2:]
	case 8:
		y, _ = strconv.Atoi(d[:4])
		d = d[4:]
	default:
		return time.Time{}, errors.New("wrong length")
	}
	m, _ := strconv.Atoi(d[:2])
	day, _ := strconv.Atoi(d[2:4])
	t := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || day < 1 || t.Day() != day {
		return time.Time{}, errors.New("no such day")
	}
	return t, nil
}

func parseHHMM(s string) (int, int, bool) {
	if len(s) != 4 {
		return 0, 0, false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
	}
	hh, _ := strconv.Atoi(s[:2])
	mm, _ := strconv.Atoi(s[2:])
	return hh, mm, hh < 24 && mm < 60
}

// closeInterchange ends the open interchange; trailer says whether its UNZ came.
func (v *Validator) closeInterchange(at *Segment, trailer bool) {
	if v.inMsg {
		v.closeMessage(at, false)
	}
	if v.inGroup {
		v.closeGroup(at, false)
	}
	if !trailer && !v.bareIC {
		v.missingTrailer(atInterchange, at, "UNZ", fmt.Sprintf("UNZ for interchange %q missing before %s", v.icRef, what(at)))
	}
	if v.icMsgs == 0 && v.icGroups == 0 && !v.bareIC {
		ic := v.ic()
		ic.Issues = append(ic.Issues, syntax.Issue{Severity: syntax.Error, Pos: ic.Pos, SegmentID: "UNB", Code: "0085:" + CodeLowerLevelEmpty, Message: ErrEmpty.Error() + ": interchange holds no message"})
	}
	ic := v.ic()
	v.flush(atInterchange, &ic.Issues, ic.Pos)
	ic.Accepted = !hasError(ic.Issues)
	v.inIC = false
	if v.sink != nil {
		v.sendHeaders(false)
		if v.sinkErr == nil {
			v.sinkErr = v.sink.EndInterchange(ic)
		}
		v.icSent = false
		v.rep.Interchanges = v.rep.Interchanges[:0]
		v.streamed++
	}
}

func what(s *Segment) string {
	if s == nil {
		return "the end of the input"
	}
	return s.tag
}

func hasError(issues []syntax.Issue) bool {
	for _, is := range issues {
		if is.Severity == syntax.Error {
			return true
		}
	}
	return false
}

func (v *Validator) unz(s *Segment) {
	if !v.inIC {
		v.errf(atFile, s, 0, 0, CodeMissing, ErrMissingHeader, "UNZ without UNB")
		return
	}
	if v.inMsg {
		v.closeMessage(s, false)
	}
	if v.inGroup {
		v.closeGroup(s, false)
	}
	v.common(s)
	v.serviceElems(atInterchange, s, 2, [2]int{1, 1}, [2]int{2, 1})
	want, what := v.icMsgs, "messages"
	if v.icGroups > 0 {
		want, what = v.icGroups, "groups"
	}
	if n := v.counter(atInterchange, s, 1); n >= 0 && n != want {
		v.errf(atInterchange, s, 1, 1, CodeControlCount, ErrMessageCount, "UNZ says %d, the interchange holds %d %s", n, want, what)
	}
	if ref := s.Component(2, 1); len(ref) > 0 && string(ref) != v.icRef {
		v.errf(atInterchange, s, 2, 1, CodeReferencesMismatch, ErrControlMismatch, "UNZ %q, UNB %q", ref, v.icRef)
	}
	v.closeInterchange(s, true)
}

func (v *Validator) ung(s *Segment) {
	if !v.inIC {
		v.errf(atFile, s, 0, 0, CodeInvalidOccurrence, ErrMissingHeader, "UNG outside an interchange")
		return
	}
	if v.inMsg {
		v.closeMessage(s, false)
	}
	if v.inGroup {
		v.closeGroup(s, false)
	}
	if v.icMsgs > 0 {
		v.errf(atInterchange, s, 0, 0, CodeGroupsAndMessages, ErrUnexpectedSegment, "group after messages outside groups")
	}
	v.icGroups++
	ic := v.ic()
	ic.Groups = append(ic.Groups, syntax.Group{Pos: s.Pos, FunctionalID: string(s.Component(1, 1)), Sender: composite(s, 2), Receiver: composite(s, 3), Control: string(s.Component(5, 1)), Version: composite(s, 7), Sets: []syntax.Set{}})
	v.inGroup, v.grpImpl = true, false
	v.grpRef = string(s.Component(5, 1))
	v.grpMsgs = 0
	v.grpType = ""
	v.common(s)
	v.serviceElems(atGroup, s, 8, [2]int{1, 1}, [2]int{5, 1})
	v.lenMax(atGroup, s, 5, 1, 14, "group reference 0048")
	if len(s.Component(4, 1)) > 0 {
		v.checkDateTime(atGroup, s, 4)
	}
	if v.grpRef != "" {
		if v.groupRefs[v.grpRef] {
			v.errf(atGroup, s, 5, 1, "26", ErrControlMismatch, "group reference %q used twice in the interchange", v.grpRef)
		}
		v.groupRefs[v.grpRef] = true
	}
}

func (v *Validator) closeGroup(at *Segment, trailer bool) {
	if v.grpImpl {
		g := v.group()
		g.Accepted = groupAccepted(g) && !v.grpRejected
		v.inGroup, v.grpImpl = false, false
		v.endGroup(g)
		return
	}
	if !trailer {
		v.missingTrailer(atGroup, at, "UNE", fmt.Sprintf("UNE for group %q missing before %s", v.grpRef, what(at)))
	}
	g := v.group()
	v.flush(atGroup, &g.Issues, g.Pos)
	if v.grpMsgs == 0 {
		g.Issues = append(g.Issues, syntax.Issue{Severity: syntax.Error, Pos: g.Pos, SegmentID: "UNG", Code: "0085:" + CodeLowerLevelEmpty, Message: ErrEmpty.Error() + ": group holds no message"})
	}
	g.Accepted = groupAccepted(g) && !v.grpRejected
	v.inGroup = false
	v.endGroup(g)
}

// endGroup sends a group that ended and drops it, when streaming.
func (v *Validator) endGroup(g *syntax.Group) {
	v.grpRejected = false
	if v.sink == nil {
		return
	}
	v.sendHeaders(true)
	if v.sinkErr == nil {
		v.sinkErr = v.sink.EndGroup(g)
	}
	v.grpSent = false
	ic := v.ic()
	ic.Groups = ic.Groups[:0]
}

func (v *Validator) une(s *Segment) {
	if !v.inGroup || v.grpImpl {
		at := atInterchange
		if !v.inIC {
			at = atFile
		}
		v.errf(at, s, 0, 0, CodeMissing, ErrMissingHeader, "UNE without UNG")
		return
	}
	if v.inMsg {
		v.closeMessage(s, false)
	}
	v.common(s)
	v.serviceElems(atGroup, s, 2, [2]int{1, 1}, [2]int{2, 1})
	if n := v.counter(atGroup, s, 1); n >= 0 && n != v.grpMsgs {
		v.errf(atGroup, s, 1, 1, CodeControlCount, ErrMessageCount, "UNE says %d, the group holds %d messages", n, v.grpMsgs)
	}
	if ref := s.Component(2, 1); len(ref) > 0 && string(ref) != v.grpRef {
		v.errf(atGroup, s, 2, 1, CodeReferencesMismatch, ErrControlMismatch, "UNE %q, UNG %q", ref, v.grpRef)
	}
	v.closeGroup(s, true)
}

func (v *Validator) unh(s *Segment) {
	if v.inMsg {
		v.closeMessage(s, false)
	}
	if !v.inIC {
		// A bare message: give it an interchange of its own so it has a place in the
		// report, and say that the envelope is missing.
		v.rep.Interchanges = append(v.rep.Interchanges, syntax.Interchange{Pos: s.Pos, Groups: []syntax.Group{}})
		v.inIC, v.bareIC = true, true
		v.icVersion, v.icRef, v.icMsgs, v.icGroups = 3, "", 0, 0
		v.msgRefs, v.groupRefs = map[string]bool{}, map[string]bool{}
		v.warnf(atInterchange, s, 0, 0, "", ErrMissingHeader, "message without an interchange envelope (UNB)")
	}
	if !v.inGroup {
		if v.icGroups > 0 {
			v.errf(atInterchange, s, 0, 0, CodeGroupsAndMessages, ErrUnexpectedSegment, "message outside a group in an interchange that has groups")
		}
		ic := v.ic()
		if len(ic.Groups) == 0 || !v.grpImpl {
			ic.Groups = append(ic.Groups, syntax.Group{Pos: s.Pos, Implicit: true, Sets: []syntax.Set{}})
		}
		v.inGroup, v.grpImpl = true, true
	}
	if v.grpImpl {
		v.icMsgs++
	}
	v.grpMsgs++
	g := v.group()
	typ, ver, rel, agency := string(s.Component(2, 1)), string(s.Component(2, 2)), string(s.Component(2, 3)), string(s.Component(2, 4))
	version := ver + ":" + rel + ":" + agency
	if a := s.Component(2, 5); len(a) > 0 {
		version += ":" + string(a)
	}
	g.Sets = append(g.Sets, syntax.Set{Pos: s.Pos, Type: v.intern(typ), Version: v.intern(version), Control: string(s.Component(1, 1))})
	v.inMsg = true
	v.msgRef = string(s.Component(1, 1))
	v.msgSegs = 1
	v.common(s)
	v.serviceElems(atSet, s, 4, [2]int{1, 1}, [2]int{2, 1}, [2]int{2, 2}, [2]int{2, 3}, [2]int{2, 4})
	v.lenMax(atSet, s, 1, 1, 14, "message reference 0062")
	v.lenMax(atSet, s, 2, 1, 6, "message type 0065")
	v.lenMax(atSet, s, 2, 2, 3, "message version 0052")
	v.lenMax(atSet, s, 2, 3, 3, "message release 0054")
	v.lenMax(atSet, s, 2, 4, 3, "controlling agency 0051")
	v.lenMax(atSet, s, 2, 5, 6, "association assigned code 0057")
	if !v.grpImpl {
		if v.grpType == "" {
			v.grpType = typ
		} else if typ != v.grpType {
			v.errf(atSet, s, 2, 1, "31", ErrUnexpectedSegment, "%s in a group of %s messages", typ, v.grpType)
		}
	}
	if v.msgRef != "" {
		if v.msgRefs[v.msgRef] {
			v.errf(atSet, s, 1, 1, "26", ErrControlMismatch, "message reference %q used twice in the interchange", v.msgRef)
		}
		if len(v.msgRefs) < 1<<20 {
			v.msgRefs[v.msgRef] = true
		}
	}
	v.checking = false
	if !v.opts.EnvelopeOnly {
		if spec := LookupSpec(typ, ver, rel); spec != nil {
			v.st.start(spec)
			v.checking = true
		}
	}
}

func (v *Validator) closeMessage(at *Segment, trailer bool) {
	set := v.set()
	if !trailer {
		v.missingTrailer(atSet, at, "UNT", fmt.Sprintf("UNT for message %q missing before %s", v.msgRef, what(at)))
		set.Segments = v.msgSegs
	}
	v.flush(atSet, &set.Issues, set.Pos)
	set.Accepted = !hasError(set.Issues)
	v.inMsg = false
	v.checking = false
	if v.sink != nil {
		v.grpRejected = v.grpRejected || !set.Accepted
		v.sendHeaders(true)
		if v.sinkErr == nil {
			v.sinkErr = v.sink.Set(set)
		}
		g := v.group()
		g.Sets = g.Sets[:0]
	}
}

func (v *Validator) unt(s *Segment) {
	if !v.inMsg {
		at := atGroup
		if !v.inIC {
			at = atFile
		}
		v.errf(at, s, 0, 0, CodeMissing, ErrMissingHeader, "UNT without UNH")
		return
	}
	v.msgSegs++
	v.common(s)
	if v.checking {
		v.report(s, v.st.end(v.probs[:0]))
	}
	v.serviceElems(atSet, s, 2, [2]int{1, 1}, [2]int{2, 1})
	if n := v.counter(atSet, s, 1); n >= 0 && n != v.msgSegs {
		v.errf(atSet, s, 1, 1, CodeControlCount, ErrSegmentCount, "UNT says %d, the message has %d segments", n, v.msgSegs)
	}
	if ref := s.Component(2, 1); len(ref) > 0 && string(ref) != v.msgRef {
		v.errf(atSet, s, 2, 1, CodeReferencesMismatch, ErrControlMismatch, "UNT %q, UNH %q", ref, v.msgRef)
	}
	v.set().Segments = v.msgSegs
	v.closeMessage(s, true)
}

// End closes whatever is still open at the end of the input and returns the report.
func (v *Validator) End() *syntax.Report {
	if v.inIC {
		v.closeInterchange(nil, false)
	}
	v.flush(atFile, &v.rep.Issues, v.EndPos)
	if len(v.rep.Interchanges) == 0 && v.streamed == 0 && len(v.rep.Issues) == 0 {
		v.rep.Issues = append(v.rep.Issues, syntax.Issue{Severity: syntax.Error, Code: "0085:" + CodeMissing, SegmentID: "UNB", Message: "no interchange in the input"})
	}
	if v.sink != nil && v.sinkErr == nil {
		v.sinkErr = v.sink.End(v.rep.Issues)
	}
	return v.rep
}

// checkDTM checks the value of C507 against its format qualifier 2379 for the common
// formats; other formats pass.
func (v *Validator) checkDTM(s *Segment) {
	val, f := s.Component(1, 2), s.Component(1, 3)
	if len(val) == 0 || len(f) == 0 {
		return
	}
	var ok bool
	switch string(f) {
	case "102":
		ok = len(val) == 8 && validDate(string(val))
	case "101":
		ok = len(val) == 6 && validDate(string(val))
	case "203":
		ok = len(val) == 12 && validDate(string(val[:8])) && validTime(string(val[8:]))
	case "201":
		ok = len(val) == 10 && validDate(string(val[:6])) && validTime(string(val[6:]))
	case "204":
		ok = len(val) == 14 && validDate(string(val[:8])) && validTime(string(val[8:12])) && digitsBelow(string(val[12:]), 60)
	case "401":
		ok = len(val) == 4 && validTime(string(val))
	case "718": // CCYYMMDD-CCYYMMDD
		ok = len(val) == 17 && val[8] == '-' && validDate(string(val[:8])) && validDate(string(val[9:]))
	default:
		return
	}
	if !ok {
		v.errf(atSet, s, 1, 2, CodeInvalidValue, ErrBadDate, "DTM %s value %q does not match format %s", s.Component(1, 1), val, f)
	}
}

func validDate(d string) bool { _, err := parseDate(d); return err == nil }

func validTime(t string) bool { _, _, ok := parseHHMM(t); return ok }

func digitsBelow(s string, n int) bool {
	x, err := strconv.Atoi(s)
	return err == nil && x >= 0 && x < n && len(s) == 2
}

// groupAccepted is the X12 core's rule: no group-level error and every message
// accepted. (CONTRL still acknowledges such a group with UCF action 7 and rejects the
// messages one by one; see WriteCONTRL.)
func groupAccepted(g *syntax.Group) bool {
	if hasError(g.Issues) {
		return false
	}
	for i := range g.Sets {
		if !g.Sets[i].Accepted {
			return false
		}
	}
	return true
}
