// Package examlist turns the selected risk assessments into the exam lists a port
// works from, writes them as workbooks for the officers, and reads back what the
// officers filled in.
//
// Build groups the selected assessments by port of examination and cut-off (a day by
// default) and makes one row per container, never twice in a list: a container
// selected for several bills carries every bill, every reason and every exam type.
// Rows are ordered referrals first, then by score, then by container number, and
// numbered in that order, so the same input always gives the same exam IDs
// (exam.ExamID).
//
// Write streams a List into an xlsx workbook (excelize StreamWriter, memory flat in
// the number of rows):
//
//   - "Exam list": one row per container. The read columns are locked by sheet
//     protection (no password: it guards against slips, the hidden copy below guards
//     the identity of each row); the entry columns are unlocked and each has data
//     validation: dropdowns of exam types and outcomes, a date no earlier than the
//     list and no later than today, a time, whole-number photo counts, text lengths.
//     Header styled, panes frozen, autofilter on, referral rows highlighted.
//   - "About": port, cut-off, counts by selection path and exam type, the rule set,
//     and how to fill in and return the list, photos included.
//   - a veryHidden sheet holding the issued entries as JSON (identity, bills with keys
//     and versions, seals, exams, selection), so a returned copy carries what was
//     issued (ReadIssued).
//
// Carrier text is untrusted: every value lands as a plain inline string cell, never
// a formula, whatever it starts with (=, +, -, @); control and bidirectional-override
// characters are removed and over-long text is cut with a visible marker.
//
// ReadReturns reads the filled-in rows back with excelize's streaming row iterator
// and raw cell values (dates as serials, parsed here). Rows left empty are not yet
// examined and skipped; each malformed cell is an *exam.CellError naming file, sheet,
// row and column header; rows with errors are never handed on half-read. The
// cross-checks against the list as issued (unknown exam IDs, changed containers,
// dates, bolt seals) belong to the import (transforms/examimport).
//
// # Exams performed
//
// An officer often performs more than one exam on a container (NII x-ray, then
// devanning). "Exam performed" is a dropdown of the exam types for the main exam;
// "Other exams performed" takes any further ones as labels (or codes) separated by
// ";", checked when the list is read back. Return.Performed holds them all, without
// repeats, in canonical order.
package examlist
