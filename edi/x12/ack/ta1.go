package ack

import (
	"strings"

	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12"
)

// noteRank orders the TA1 note codes from the most to the least significant: a TA1
// carries one note, so it names the defect that most undermines the interchange (a
// truncated input before a bad separator, before a control number mismatch, before a
// bad date).
var noteRank = []string{
	"023",               // premature end of file
	"026", "027", "004", // element separator, component separator, segment terminator
	"022",               // invalid control structure
	"001",               // ISA13 and IEA02 differ
	"018",               // invalid control number
	"025",               // duplicate interchange control number
	"021",               // IEA01 group count
	"024",               // invalid interchange content (bad GS, stray segments)
	"002", "003", "017", // standard or version not supported
	"005", "006", "007", "008", "009", // sender and receiver
	"016",                      // standards identifier
	"010", "011", "012", "013", // authorization and security
	"014", "015", // date and time
	"019", "020", // acknowledgment requested, test indicator
}

// mildNotes are the TA1 notes of header fields that do not stop the interchange from
// being routed and read: the interchange is accepted with the error noted (TA104 E)
// rather than rejected.
var mildNotes = map[string]bool{
	"010": true, "011": true, "012": true, "013": true, // authorization and security information
	"014": true, "015": true, // interchange date and time
	"016": true, // standards identifier
	"019": true, // acknowledgment requested
	"020": true, // test indicator
}

// ta1Errors returns the interchange's defects that carry a TA1 note code: its own, and
// those of its groups' headers (an invalid GS is TA1 note 024).
func ta1Errors(ic *x12.Interchange) []*x12.SyntaxError {
	var out []*x12.SyntaxError
	add := func(errs []*x12.SyntaxError) {
		for _, e := range errs {
			if e.Severity == syntax.Error && strings.HasPrefix(e.Code, "TA1:") {
				out = append(out, e)
			}
		}
	}
	add(ic.Errors)
	for _, g := range ic.Groups {
		add(g.Errors)
	}
	return out
}

// TA1Due reports whether an interchange calls for a TA1: its sender asked for one
// (ISA14 = 1), or its envelope has an error with a TA1 note code. An interchange that
// only carries TA1 segments (an interchange acknowledgment itself) is never answered.
func TA1Due(ic *x12.Interchange) bool {
	if ic.TA1 > 0 && len(ic.Groups) == 0 {
		return false
	}
	return ic.AckRequested || len(ta1Errors(ic)) > 0
}

// interchangeStatus returns TA104 and TA105 for an interchange: A/000 without
// envelope errors; otherwise the note of the most significant error, with R, or E when
// every error is mild (mildNotes) or tolerated by the options.
func interchangeStatus(ic *x12.Interchange, opts *Options) (status, note string) {
	errs := ta1Errors(ic)
	if len(errs) == 0 {
		return "A", "000"
	}
	best, rank := "", len(noteRank)+1
	status = "E"
	for _, e := range errs {
		code := strings.TrimPrefix(e.Code, "TA1:")
		r := len(noteRank)
		for i, c := range noteRank {
			if c == code {
				r = i
				break
			}
		}
		if r < rank {
			best, rank = code, r
		}
		if !mildNotes[code] && !opts.tolerated(e.Code) {
			status = "R"
		}
	}
	return status, best
}

// BuildTA1 builds the TA1 interchange acknowledgment of ic:
//
//	ISA ... TA1*<ISA13>*<ISA09>*<ISA10>*<A|E|R>*<note>~IEA*0*<own ISA13>~
//
// The note is 000 when the envelope is sound, else the code of its most significant
// error (see the package documentation for the order and for when E is used instead of
// R). BuildTA1 does not decide whether a TA1 is due; see TA1Due and Acknowledge.
func BuildTA1(ic *x12.Interchange, opts Options) (*Ack, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	// The TA1 belongs to the envelope standard the partner used: answer in its ISA12.
	isa12 := ic.Version
	if !isaRelease(isa12) {
		isa12 = "00401"
	}
	e, err := newEnvelope(ic, &opts, isa12)
	if err != nil {
		return nil, err
	}
	status, note := interchangeStatus(ic, &opts)
	e.add("TA1", clean(e.d, ic.Control, 9), clean(e.d, ic.Date, 6), clean(e.d, ic.Time, 4), status, note)
	e.add("IEA", "0", e.control)
	return &Ack{
		Kind:        TA1,
		Interchange: ic.Control,
		Control:     e.control,
		Status:      status,
		Codes:       []string{note},
		Segments:    e.segs,
		Delims:      e.d,
		Newline:     opts.Newline,
	}, nil
}
