// Package blob stores the bytes icss keeps: carrier files as received,
// harmonized records, exam lists, exam evidence and the result files the
// partner agency reads.
//
// # Contract
//
// A Store is a flat namespace of immutable objects under slash-separated keys
// (ValidateKey). Put is create-only: storing onto an existing key fails with
// ErrExists and leaves the object as it was, so a retried or duplicated job
// can never replace what was kept. When the caller knows the SHA-256 it passes
// it in PutOptions and the store refuses different bytes (ErrDigestMismatch);
// either way Info.SHA256 holds the digest of what was stored. Raw files and
// evidence are content-addressed (ContentKey), which makes storing the same
// bytes twice a no-op the caller detects as ErrExists.
//
// Two implementations pass one contract suite (package blobtest):
//
//   - Dir, a local directory: the embedded default. Atomic, durable,
//     create-only writes (temporary file, fsync, link, directory fsync).
//   - s3blob.Store, any S3 server through minio-go: If-None-Match for
//     create-only puts, multipart uploads for large objects, presigned GET
//     URLs, and object-lock retention for evidence.
//
// Each Purpose gets its own store (a directory, or an S3 bucket or prefix), so
// access can be granted per purpose.
//
// # Usage
//
//	st, err := blob.OpenDir("/var/lib/icss/raw")
//	...
//	key := blob.ContentKey("", sum)
//	_, err = st.Put(ctx, key, f, size, blob.PutOptions{SHA256: sum})
//	if errors.Is(err, blob.ErrExists) {
//		// already kept: same key, same bytes
//	}
package blob
