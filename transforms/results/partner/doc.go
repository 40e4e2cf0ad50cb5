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
// whether the officer proceeds or refers.
package partner
