// Package ack builds the X12 acknowledgments of validated interchanges: the TA1
// interchange acknowledgment, the 997 functional acknowledgment and the 999
// implementation acknowledgment (005010X231A1).
//
// It works on what x12.Validator learned about an interchange (x12.Interchange, its
// Groups and Sets, and the *x12.SyntaxError findings with their acknowledgment codes),
// so acknowledging is one pass over the input plus a few segments of output per set,
// whatever the input's size.
//
// # Usage
//
//	opts := ack.Options{Now: clock, Controls: ack.NewCounter()}
//	v := x12.NewValidator()
//	v.OnInterchange = func(ic *x12.Interchange) {
//		acks, err := ack.Acknowledge(ic, opts) // TA1 if due, then a 997/999 per group
//		...
//		for _, a := range acks {
//			a.WriteTo(w) // or a.Bytes(); a.FileName() suggests a name
//		}
//	}
//	outside, err := v.Validate(x12.NewReader(f))
//
// Build997, Build999, BuildGroup and BuildTA1 build one acknowledgment each, for callers
// with their own policy.
//
// # The acknowledgment interchange
//
// It goes back from the receiver of the acknowledged interchange to its sender: ISA05/06
// and ISA07/08 are swapped (Options.Sender overrides our side), and so are GS02 and GS03.
// ISA01-04 are 00 and blanks, the ISA is fixed-width, ISA14 is 0 (an acknowledgment is
// never acknowledged), ISA15 is copied (P when the input's is unreadable), and the
// delimiters are the input's unless Options.Delims says otherwise. Dates and times come
// from Options.Now; ISA13, GS06 and ST02 from Options.Controls (see ControlNumbers for
// the scopes).
//
// A 997 is written in the acknowledged group's release (GS08 = its first six digits, ISA12
// of the same release); a 999 in 005010X231A1 (ISA12 00501). FormatFor picks the 999 for
// groups of release 005010 and later, the 997 before, unless Options.Format forces one.
// A TA1 is written in the acknowledged interchange's ISA12.
//
// # 997 and 999
//
// One AK2 loop acknowledges every transaction set received, in order. Each segment in
// error gets an AK3 (IK3 in a 999) with its position in the set (ST is 1), loop ID and
// code — 8 when it only has element errors — followed by an AK4 (IK4) per element
// error: position as element[:component], element reference number when the spec knows
// it, code, and a copy of the bad data (delimiters and characters outside printable
// ASCII replaced by '?', cut to 99 characters). The acknowledgment must itself be valid
// X12, so identifiers echoed from a defective input are written in the nearest valid form
// (AK102 0 when GS06 is not a number, AK202 padded with zeros to 4 characters or cut to
// 9, a segment ID padded with X), their defect being reported by its own code.
//
// A 999 adds a CTX after the IK3 naming the business unit (a bill of lading in a 309)
// when Options.Context knows it; see Units. The CTX of a situational trigger is not
// written: the specs do not model the implementation guides' situational rules.
//
// AK5 (IK5) is A when the set has no error, R when it has any (with up to five codes:
// the set-level codes of the findings, and 5 — I5 in a 999 when only implementation-guide
// rules were broken — when segments are in error), and E when every error is one the
// partner agreement tolerates (Options.Tolerate). Warnings are findings the standard has
// no code for (a variable-width ISA, a GS01 that does not match the set): they never
// reject, and are not reported. Implementation codes ("I" codes) are mapped to the
// nearest standard code in a 997, which has none.
//
// AK9 counts the sets declared in GE01 (the sets received when the GE is missing or its
// count unreadable), received and accepted (A or E). It is R with the group code(s) when
// the group has an error of its own — GE missing (3), GS06 ≠ GE02 (4), GE01 wrong (5),
// bad (6) or duplicate (19) GS06, unsupported version (2) — whatever its sets; otherwise
// A when every set is accepted, E when some were accepted with errors noted, P when some
// but not all sets are accepted, and R (without a group code) when none is.
//
// # TA1
//
// A TA1 is due when ISA14 = 1 or when the envelope has an error with a TA1 note code,
// including a GS header with one (an invalid GS date is note 024). Its note is 000 for a
// sound envelope, else the code of the most significant error: premature end (023),
// separators (026, 027, 004), control structure (022), ISA13 ≠ IEA02 (001), bad control
// number (018), duplicate (025), group count (021), invalid content (024), versions,
// sender and receiver, and last the header fields. TA104 is R, except when every error is
// in a header field that does not prevent routing and reading the interchange —
// authorization and security (010-013), date and time (014, 015), standards identifier
// (016), acknowledgment requested (019), test indicator (020) — or is tolerated: then E.
//
// Acknowledge does not build the 997/999 of the groups of an interchange its TA1 rejects
// (R: the sender must send it again whole) unless Options.AckRejected is set, nor of
// groups that are acknowledgments themselves (GS01 FA), nor a TA1 for an interchange that
// only carries TA1 segments. Findings outside any interchange (a bare ST ... SE set)
// cannot be acknowledged: there is no envelope to answer to.
package ack
