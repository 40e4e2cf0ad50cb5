// Package s3blob is the blob.Store on S3 (any server minio-go speaks to:
// AWS, MinIO, versitygw, Ceph RGW ...).
//
// Each purpose (raw, records, exam-lists, evidence, results) gets a bucket
// or a prefix (SetConfig, DefaultSetConfig). Puts are create-only through
// If-None-Match: *, large objects go up in multipart uploads of
// Config.PartSize with bounded memory, the content's SHA-256 travels as user
// metadata and is verified while uploading, and evidence can be put under
// object-lock retention. PresignGet hands out time-limited read URLs, and
// GrantRead sets the bucket policy that lets another account (the partner
// agency) read a bucket and do nothing else.
package s3blob
