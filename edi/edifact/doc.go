// Package edifact reads, validates, writes and acknowledges UN/EDIFACT interchanges
// (ISO 9735 syntax versions 1 to 4): the CUSCAR cargo reports, CUSRES customs
// responses, BAPLIE stow plans, COARRI terminal reports and IFTSTA status messages of
// the cross-border cargo pilot, and the CONTRL acknowledgements that answer them.
//
// # Grammar
//
// An input holds one or more interchanges, each optionally preceded by a UNA service
// string advice that sets its delimiters (a later interchange may change them again;
// one without UNA uses the defaults :+.? '):
//
//	[UNA:+.? ']UNB+syntax:version+sender+recipient+date:time+ref'
//	  [UNG+...+groupref'] UNH+msgref+TYPE:D:95B:UN' ... UNT+count+msgref' [UNE+count+groupref']
//	UNZ+count+ref'
//
// The release character (? by default) makes the next character data: ?' ?+ ?: ?? and,
// in version 4, ?*. Version 4 repeats a data element with the repetition separator (*
// by default; Segment.Repetitions and RepComponent read the repeats). A byte order mark
// and line breaks or blanks between segments are skipped; a line break inside a segment
// is data, reported as a warning. Under syntax level B without UNA the information
// separators IS1/IS3/IS4 are recognised.
//
// # Reading
//
// Reader is shaped like encoding/csv: NewReader, knobs set before the first Read,
// Read returns one *Segment (valid until the next Read, zero-copy) or io.EOF at the
// end. Element and component accessors are 1-based like the directories and return
// unescaped bytes without allocating unless the value holds a release character;
// Segment.String decodes the interchange's character set (UNOC Latin-1, UNOW UTF-8,
// and so on) to UTF-8. A malformed segment gives a *SyntaxError and the next Read
// carries on.
//
// # Validating
//
// Validator consumes segments one at a time and builds a syntax.Report: UNB/UNZ,
// UNG/UNE and UNH/UNT counts and references, envelope dates by syntax version,
// characters outside the declared syntax level, trailing separators, duplicate
// references, and for the registered message specifications (CUSCAR D95B, D03A, D03B;
// CUSRES D00B; CONTRL; BAPLIE D95B, D04B; COARRI D95B; IFTSTA D00B) the segment
// table: order, groups, mandatory segments, maximum use, mandatory elements and the
// code lists that matter. Other messages get envelope checks only. Every finding
// carries its position and the CONTRL syntax error code ("0085:29"). Inspect wires
// Reader and Validator together. Memory stays flat whatever the input size.
//
// # Acknowledging
//
// WriteCONTRL answers one inspected interchange with a CONTRL interchange (UCI, UCF,
// UCM, UCS, UCD with action and syntax error codes) that this package reads back as
// valid.
//
// # Performance
//
// On the 2-core development machine (AMD EPYC, shared with other builds, so figures
// vary by ±30 %), with a generated 100 MB CUSCAR D95B (internal/gen; cuscargen writes
// one of any size):
//
//	BenchmarkInspectCUSCAR          300-450 MB/s  39 k allocs for 3.85 M segments (0.01 per segment)
//	BenchmarkReadCUSCAR             400-540 MB/s  38 allocs per 100 MB
//	BenchmarkInspectStreamPeakHeap  256 MB streamed, peak heap in use ~9 MB
//
// Inspect of a 1 GiB CUSCAR piped into a process: peak RSS 21 MB (TestPeakRSS).
// `icss edi inspect` of the same file: 2.4 s of CPU, peak RSS 38 MB with text output.
package edifact
