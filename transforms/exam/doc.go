// Package exam holds the shapes shared by the stages after the risk score: the
// exam list a port receives (Entry, one row per container), what an officer
// fills in and sends back (Return), and the exam result icss records as
// evidence and reports to the partner agency (Result, JSON lines described by
// schema.json). It also holds the vocabularies both sides of the spreadsheet
// use: exam types and outcomes with their plain-word labels.
//
// The package has no I/O: transforms/examlist writes and reads workbooks,
// storage/evidence keeps what was returned, transforms/results tells the
// partner. Keeping the shapes here lets those stages change independently.
package exam
