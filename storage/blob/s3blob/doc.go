// Package s3blob is the blob.Store on S3 (any server minio-go speaks to:
// AWS, MinIO, versitygw, Ceph RGW ...).
//
// # Layout
//
// Each purpose (raw, records, exam-lists, evidence, results) gets its own
// bucket (DefaultSetConfig) or its own prefix in one bucket
// (SharedBucketSetConfig). OpenSet creates what is missing, with object lock
// where evidence is retained.
//
// # Guarantees
//
//   - Create-only: every upload carries If-None-Match: *, also multipart
//     uploads, which this package drives itself because minio-go drops the
//     header from the completion request. A lost race is blob.ErrExists.
//   - Verified: the content's SHA-256 travels as user metadata ("sha256") and
//     is checked while uploading; a wrong size or digest aborts the upload,
//     and a failed multipart upload is aborted once its parts in flight are
//     done, so nothing is left behind.
//   - Bounded memory: parts of Config.PartSize, Threads at a time, from a
//     buffer pool; content of unknown digest larger than one part is spooled
//     to disk to hash it.
//   - Evidence under object-lock retention (Config.Retention) cannot be
//     deleted: Delete removes the current version itself rather than adding
//     a delete marker, so the lock refuses it.
//
// # Access
//
// PresignGet hands out time-limited read URLs. GrantRead sets the bucket
// policy that lets another account (the partner agency) list and read one
// purpose and nothing else; the tests show it against versitygw's IAM, for
// both layouts. Connection.CAFile trusts a private CA.
package s3blob
