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
//
// # Transaction-set structure
//
// NewValidator's Structure is a StructureChecker with the built-in specs (BuiltinSpecs):
// 309 and 350 (4010 and 4030 on), 315, 322, 404, 997, 999 and the 999 guide 005010X231A1. A
// spec is data: a SetSpec lists the segments and loops between ST and SE with their
// requirement and maximum use, and each SegmentSpec its elements (requirement, type,
// length, code list) and syntax notes, written as the standard prints them (el(98,
// "Entity Identifier Code", "M ID 2/3"), rules("R0203", "P0304")). The checker compiles
// specs into tables and keeps only a stack of open loops while the set streams by.
// Findings carry 997 codes ("AK3:7" segment out of sequence, "AK4:5" element too
// long ...), the segment's position in the set (SetIndex) and loop (Loop); a segment
// with element errors gets an "AK3:8" record before its AK4s. Departures that lose
// nothing (a YYMMDD date in a CCYYMMDD element, extra elements in free text, a code
// outside an open list) are warnings. Sets without a spec pass with envelope checks.
package x12
