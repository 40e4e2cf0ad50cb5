// Package x12 reads, writes and validates ASC X12 interchanges, streaming.
//
// # Grammar
//
// An interchange is ISA, optional TA1 segments, functional groups (GS ... GE) each
// holding transaction sets (ST ... SE), and IEA. The ISA is fixed-width and defines the
// delimiters: the element separator is its 4th character, the repetition separator its
// 83rd (from version 00402), the component separator its 105th and the segment
// terminator its 106th. X12 has no escape character: a delimiter inside text splits it.
//
// # Reading
//
// Reader works like encoding/csv: NewReader, then Read until io.EOF. Segments point into
// the reader's buffer and are valid until the next Read; accessors are 1-based like the
// implementation guides (seg.Elem(2) is N102):
//
//	r := x12.NewReader(f)
//	for {
//		seg, err := r.Read()
//		if err == io.EOF {
//			break
//		}
//		var se *x12.SyntaxError
//		if errors.As(err, &se) && se.Severity == syntax.Warning {
//			// a workaround was applied; seg is usable
//		} else if err != nil {
//			// a malformed segment was skipped
//			continue
//		}
//		_ = seg.Elem(1)
//	}
//
// # Validating
//
// Validator consumes segments and checks envelopes (control numbers, counts, functional
// identifiers, dates) and, through its SetChecker, the structure of each transaction set
// against a declarative spec. Every defect is a *SyntaxError carrying its position and
// the acknowledgment code the standard prescribes; package ack turns the results into
// 997, 999 and TA1 acknowledgments.
package x12
