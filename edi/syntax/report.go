package syntax

// Issue is one finding about an input, in the terms of its standard.
type Issue struct {
	Severity Severity `json:"severity"`
	Pos      Position `json:"pos"`
	// SegmentID is the tag of the segment at fault ("SE", "UNT", "N10").
	SegmentID string `json:"segment_id,omitempty"`
	// Loop is the loop or segment group holding the segment (its trigger segment's ID in
	// X12, "SG4" in EDIFACT), when known.
	Loop string `json:"loop,omitempty"`
	// SetIndex is the segment's 1-based position in its transaction set or message (ST
	// or UNH is 1), when known.
	SetIndex int `json:"set_index,omitempty"`
	// Element and Component are 1-based positions inside the segment; 0 means the
	// segment (or element) as a whole.
	Element   int `json:"element,omitempty"`
	Component int `json:"component,omitempty"`
	// Code is the standard's code for the defect, qualified by where the standard puts
	// it: "TA1:001", "AK5:4", "AK3:8", "AK4:7", "IK4:I12", "AK9:4" in X12; "0085:29" in
	// EDIFACT (the CONTRL syntax error code). Empty for warnings the standard has no
	// code for.
	Code string `json:"code,omitempty"`
	// Message says what is wrong, for a person.
	Message string `json:"message"`
}

// Report is what inspecting one input found: every interchange with its groups and
// transaction sets (messages), and every issue where it belongs. It is the common form
// that `icss edi inspect` prints for both standards.
type Report struct {
	File         string        `json:"file"`
	Standard     string        `json:"standard"`
	Interchanges []Interchange `json:"interchanges"`
	// Issues found outside any interchange (data before the first header, a bare set
	// without an envelope, a file that is not EDI at all).
	Issues []Issue `json:"issues,omitempty"`
}

// Interchange summarizes one ISA...IEA or UNB...UNZ envelope.
type Interchange struct {
	Pos      Position `json:"pos"`
	Sender   string   `json:"sender"`
	Receiver string   `json:"receiver"`
	Control  string   `json:"control"`
	// Date is the envelope's date and time as RFC 3339 when it parses, else as written.
	Date     string  `json:"date"`
	Version  string  `json:"version"`
	Groups   []Group `json:"groups"`
	Issues   []Issue `json:"issues,omitempty"`
	Accepted bool    `json:"accepted"`
}

// Group summarizes one GS...GE or UNG...UNE functional group. An EDIFACT interchange
// without UNG has one group with Implicit set.
type Group struct {
	Pos          Position `json:"pos"`
	Implicit     bool     `json:"implicit,omitempty"`
	FunctionalID string   `json:"functional_id,omitempty"`
	Sender       string   `json:"sender,omitempty"`
	Receiver     string   `json:"receiver,omitempty"`
	Control      string   `json:"control,omitempty"`
	Version      string   `json:"version,omitempty"`
	Sets         []Set    `json:"sets"`
	Issues       []Issue  `json:"issues,omitempty"`
	Accepted     bool     `json:"accepted"`
}

// Set summarizes one ST...SE transaction set or UNH...UNT message.
type Set struct {
	Pos  Position `json:"pos"`
	Type string   `json:"type"`
	// Version is the message version where the set carries one (ST03, UNH S009).
	Version  string  `json:"version,omitempty"`
	Control  string  `json:"control"`
	Segments int     `json:"segments"`
	Accepted bool    `json:"accepted"`
	Issues   []Issue `json:"issues,omitempty"`
}

// Valid reports whether the report holds no issue of Error severity and at least one
// interchange.
func (r *Report) Valid() bool {
	if len(r.Interchanges) == 0 || hasError(r.Issues) {
		return false
	}
	for i := range r.Interchanges {
		ic := &r.Interchanges[i]
		if hasError(ic.Issues) {
			return false
		}
		for j := range ic.Groups {
			g := &ic.Groups[j]
			if hasError(g.Issues) {
				return false
			}
			for k := range g.Sets {
				if hasError(g.Sets[k].Issues) {
					return false
				}
			}
		}
	}
	return true
}

func hasError(issues []Issue) bool {
	for _, is := range issues {
		if is.Severity == Error {
			return true
		}
	}
	return false
}
