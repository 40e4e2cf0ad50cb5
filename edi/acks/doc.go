// Package acks answers an EDI input with the acknowledgments its standard calls for:
// TA1 and 997/999 for X12 (package edi/x12/ack), one CONTRL per interchange for
// EDIFACT. It is the code behind `icss edi ack` and the daemon's ingest job, so that
// a file acknowledged by hand and one acknowledged by the daemon get the same answer.
//
// Acknowledge reads the input once, streaming, and hands each acknowledgment to a
// callback as soon as its interchange is validated; control numbers come from
// ack.Options.Controls (the ledger's counters, so they are never reused).
package acks
