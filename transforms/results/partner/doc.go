// Package partner is the partner agency's reference client for icss result
// batches (transforms/results): Pull fetches new batches from the partner's
// SFTP inbox (a local directory) or the results bucket, in sequence order,
// and verifies each one completely before it is indexed: the manifest's
// ed25519 signature against icss's published public key, its sequence number
// and the SHA-256 link to the previous manifest, and the size and SHA-256 of
// every file. A missing batch, a changed file, a replayed batch and a
// signature by another key are refused and reported, and nothing of that
// batch or any later one is indexed.
//
// The index is a small SQLite file holding every verified row. Check answers
// the land-border question for one container from it: RISK NEGATED, SEAL
// MISMATCH, EXAMINED WITH FINDINGS, SELECTED, NOT EXAMINED or UNKNOWN, and
// whether the officer proceeds or refers. A number with no result that fails
// the ISO 6346 check digit is an error rather than UNKNOWN: a mistyped
// container must not proceed.
//
// BenchmarkPull100k: one batch of 100,000 rows verified and indexed in 4-6 s
// on the project's 2-core machine while it was loaded by other builds (load
// average 7-9); `icss partner pull` of that batch used 3 s of CPU and 38 MB.
// `icss partner check` answers in a quarter of a second from the index.
package partner
