// Package results turns recorded exam results (transforms/exam.Result) into the
// signed result batches icss sends the partner agency, and delivers them.
//
// # Batches
//
// Build takes every result not yet sent (by exam ID and version) and writes batch
// <seq> into a directory: per port of examination, results-<port>-<seq>.jsonl (one
// Row per line, row.schema.json) and the same rows as CSV, then
// manifest-<seq>.json (Manifest, manifest.schema.json: sequence number, time,
// counts, SHA-256 and size of every file, the SHA-256 of the previous manifest,
// the signing key's ID) and manifest-<seq>.json.sig, the detached ed25519
// signature of the manifest's bytes (internal/signing). Sequence numbers start
// at 1 and increase without gaps, so a poller knows when it missed one; the chain
// of previous-manifest hashes lets it prove that nothing was changed or left out.
// A batch is complete only once its .sig exists: every file is written under a
// temporary name, fsynced and renamed, the signature last, and an incomplete
// batch left by a crash is removed and rebuilt by the next Build. The batches in
// the directory are the record of what was sent: building again from the same
// results writes nothing.
//
// Officers appear under a pseudonym (Pseudonym): an HMAC-SHA256 of the officer
// ID, keyed with OfficerKey, itself an HMAC-SHA256 of the signing key's seed over
// a fixed label. The partner can tell two exams by the same officer apart from
// two by different officers, and nothing more; rotating the signing key rotates
// the pseudonyms.
//
// CSV cells that a spreadsheet would read as a formula (starting with = + - @,
// a tab or a carriage return) are prefixed with an apostrophe: carrier and
// officer text is never executed where a partner opens the CSV. The JSON lines
// carry the text unchanged and are the authoritative form.
//
// # Delivery
//
// Deliver publishes every complete batch, in sequence order and the signature of
// each batch last, on every Channel: the partner's SFTP inbox (SFTPChannel, over
// storage/sftp's atomic, no-overwrite push) and the results bucket the partner's
// read-only account polls (BucketChannel, create-only puts). Each file on each
// channel is a ledger row (state.Ledger deliveries: pending, then sent), retried
// with exponential backoff and parked as failed after MaxAttempts. A file found
// already published with the same SHA-256 (a crash between the upload and the
// ledger update) counts as delivered; a different file under the name is a
// conflict that is never overwritten.
//
// The partner's side, pull and check, is package partner; the README's "For partner integrators" is
// the integrators' summary. TestDeliverSurvivesKill9 kills delivery processes
// at 20 random moments against a real sshd and versitygw and checks that every
// file reached both channels exactly once.
//
// # Performance
//
// BenchmarkBuild100k, 100,000 results (149 MB of JSON lines) to one batch of
// two ports (JSON lines, CSV, manifest, signature, every file fsynced), on the
// project's 2-core machine shared with other developers' builds: 2.1 s per
// batch at load average 4, 2.8-3.5 s at 11-13; by hand, `icss
// results build` took 1.5 s user + 0.2 s system CPU, 67 MB peak RSS (8 s wall
// at load 16). Memory does not grow with the batch: rows stream to their
// files; what grows is the set of exam IDs already sent.
package results
