// Package evidence keeps exam evidence so that it cannot be changed
// unnoticed: the photos and returned workbooks byte for byte, and one signed
// manifest per recorded exam result, the manifests linked into one hash
// chain.
//
// # Layout in the evidence blob store
//
//	objects/sha256/ab/abcdef…      a photo or returned workbook, exactly as received,
//	                               under the SHA-256 of its bytes (blob.ContentKey)
//	manifests/000000000001.json    the first manifest of the chain
//	manifests/000000000002.json    …
//
// A manifest file is an envelope: the manifest itself (JSON, kept as the
// exact bytes that were signed), the ID of the signing key and the ed25519
// signature of those bytes. The manifest holds the whole exam.Result (exam ID,
// container, seals, officer, times, outcome, the SHA-256 and size of every
// photo and of the workbook, the rule set and the assessments that selected
// the container), its position Seq in the chain and Previous, the SHA-256 of
// the manifest bytes at Seq-1. A manifest's SHA-256 is the SHA-256 of its
// manifest bytes: the value exam.Result.ManifestSHA256 and Supersedes carry.
//
// # A linear chain with several writers
//
// The chain position is the manifest's key, and blob stores are create-only
// (link(2) under the directory store's lock; If-None-Match: * on S3). So the
// store itself is the lock: a writer reads the head, builds manifest head+1
// pointing at it and puts it; when another node put head+1 first, the put
// fails with blob.ErrExists, the writer reads the winner's manifest, makes it
// its head and tries head+2. At most one manifest ever exists per position,
// and each points at the one that really is before it, whichever node wrote
// it. The same step serializes the decision "is this result new?": a writer
// catches up with the chain before each append, so two nodes importing the
// same return record it once. No ledger lock is needed, and a chain kept in a
// directory or a bucket is safe without any database; the ledger, when
// given, is an index (state.Ledger evidence methods) rebuilt from the chain
// when it falls behind.
//
// RecordAll appends a run of results in one go: it seals up to appendBatch
// manifests in memory against the head, puts them with blob.PutAll ordered
// (on a directory store: one sync round for their files, each link made
// durable before the next, so a crash never leaves a gap), and on
// blob.ErrExists at some position keeps what was put before it, catches up
// and seals the rest again. Record is RecordAll of one; PutObjects stores
// many photos at once the same way.
//
// # Verification
//
// Verify re-reads every object and every manifest and reports, each at its
// place (key, chain position, exam ID): objects whose bytes no longer hash
// to their key, objects a manifest names that are missing or differ in size,
// manifests missing from the chain (a gap in the positions), broken links
// (Previous not the SHA-256 of the manifest before), bad signatures and
// manifests that do not parse. On S3 the objects and manifests are under
// object-lock retention (s3blob.EvidenceRetention), so the icss account can
// neither delete nor replace them.
package evidence
