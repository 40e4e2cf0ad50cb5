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
// # Performance
//
// Measured with BenchmarkDir and s3blob's BenchmarkS3 (make bench) on the
// project's 2-core machine shared with other work (ranges over two runs),
// versitygw on loopback:
//
//	                 Dir Put        Dir Get    S3 Put         S3 Get
//	4 KiB objects    115-240/s      40-57k/s   220-290/s      ~1,000/s
//	1 MiB objects    77-175 MB/s    9.5 GB/s   78-134 MB/s    550-610 MB/s
//	32 MiB objects   153-530 MB/s   9.5 GB/s   58-147 MB/s    840-960 MB/s
//
// Dir's small puts are bound by their four fsyncs (content, sidecar and both
// directories): that is the price of an object that survives power loss.
// Many small objects go faster through PutAll: Dir's PutBatch (the optional
// BatchPutter capability) writes and fsyncs a batch's files several at once
// and fsyncs each directory once per batch, with the same guarantees; with
// ordered set it fsyncs the directory after each link instead, so that a
// crash keeps a prefix of the batch (evidence manifests need that).
// Memory per Put is constant: 39 KB for Dir whatever the size; for S3 about
// PartSize × Threads of pooled part buffers.
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
