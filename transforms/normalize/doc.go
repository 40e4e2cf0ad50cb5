// Package normalize turns a batch of input files (X12, EDIFACT, carrier CSV/XLSX tables)
// into harmonized records, one per bill version, with the container events of the batch
// attached to the bills they concern. It is what `icss normalize` runs, and what the
// processing job calls.
//
// Bills stream: memory holds one bill at a time (plus the batch's events, which are few
// and small), unless Options.Current asks for the current view of every bill, which
// needs them all.
package normalize
