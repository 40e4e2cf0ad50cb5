// Package mail sends e-mail through a configured SMTP relay: the exam lists to
// each port's staff, with the workbook attached.
//
// The Sender upgrades every connection with STARTTLS (or speaks TLS from the start
// on port 465) and verifies the relay's certificate; plain SMTP is allowed only to a
// loopback relay, for tests. It authenticates when a username is configured, with
// AUTH PLAIN (or LOGIN where that is all the relay offers), only ever inside TLS.
// Every session is bounded by Config.Timeout and by the caller's context.
//
// ExamListMessage builds one message per exam list to the port's recipients: a
// short plain-text body naming the list, the port, the cut-off, the number of rows
// and, when given, a presigned link, and the workbook attached (base64, with its
// file name). Its Message-ID is derived from the list ID, so a resend of the same
// list is recognisable by recipients' mail programs and by the relay's logs; the
// daemon's ledger keeps a list from being sent twice in the first place.
package mail
