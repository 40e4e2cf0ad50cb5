package s3blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/icss/icss/storage/blob"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Connection says how to reach the S3 server.
type Connection struct {
	// Endpoint is host[:port] of the S3 API, without scheme.
	Endpoint string `json:"endpoint" yaml:"endpoint"`
	// Region defaults to us-east-1.
	Region string `json:"region" yaml:"region"`
	// AccessKey and SecretKey are the account's credentials. The secret is
	// never logged or put in an error message.
	AccessKey string `json:"access_key" yaml:"access_key"`
	SecretKey string `json:"-" yaml:"secret_key"`
	// Insecure selects plain HTTP; only for loopback test servers.
	Insecure bool `json:"insecure" yaml:"insecure"`
	// CAFile, when set, is a PEM file of the certificate authorities that
	// sign the server's certificate (an on-premises S3 with a private CA);
	// the system's roots are used otherwise.
	CAFile string `json:"ca_file" yaml:"ca_file"`
}

// Validate reports a missing or malformed field.
func (c Connection) Validate() error {
	switch {
	case c.Endpoint == "":
		return errors.New("s3: Endpoint is empty")
	case strings.Contains(c.Endpoint, "://"):
		return fmt.Errorf("s3: Endpoint %q must be host[:port] without a scheme (use Insecure for http)", c.Endpoint)
	case c.AccessKey == "":
		return errors.New("s3: AccessKey is empty")
	case c.SecretKey == "":
		return errors.New("s3: SecretKey is empty")
	case c.CAFile != "" && c.Insecure:
		return errors.New("s3: CAFile is set but Insecure selects plain HTTP")
	}
	return nil
}

// String describes the connection without its secret.
func (c Connection) String() string {
	scheme := "https"
	if c.Insecure {
		scheme = "http"
	}
	return fmt.Sprintf("%s://%s (access key %s)", scheme, c.Endpoint, c.AccessKey)
}

// NewClient returns a minio-go client for the connection.
func NewClient(c Connection) (*minio.Client, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	region := c.Region
	if region == "" {
		region = "us-east-1"
	}
	opts := &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: !c.Insecure,
		Region: region,
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("s3: CAFile: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("s3: CAFile %s: no PEM certificate in it", c.CAFile)
		}
		tr, err := minio.DefaultTransport(true)
		if err != nil {
			return nil, fmt.Errorf("s3 %s: %w", c, err)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		opts.Transport = tr
	}
	cl, err := minio.New(c.Endpoint, opts)
	if err != nil {
		return nil, fmt.Errorf("s3 %s: %w", c, err)
	}
	return cl, nil
}

// Config is one store: a bucket, or a prefix in a bucket.
type Config struct {
	// Bucket holds the objects.
	Bucket string `json:"bucket" yaml:"bucket"`
	// Prefix, when set, ends with "/" and is prepended to every key, so that
	// several purposes can share a bucket. A bucket per purpose is better:
	// bucket policies then grant exactly one purpose.
	Prefix string `json:"prefix" yaml:"prefix"`
	// PartSize is the multipart part size; objects larger are uploaded in
	// parts, the memory used is about PartSize × Threads. 0 means 16 MiB;
	// S3 requires at least 5 MiB.
	PartSize uint64 `json:"part_size" yaml:"part_size"`
	// Threads is how many parts are uploaded at once; 0 means 2.
	Threads uint `json:"threads" yaml:"threads"`
	// Retention, when set, puts every new object under object-lock retention
	// (evidence). The bucket must have been created with object lock.
	Retention *Retention `json:"retention,omitempty" yaml:"retention,omitempty"`
	// SpoolDir is where Put without a known SHA-256 spools content larger
	// than PartSize to hash it before upload; "" means os.TempDir().
	SpoolDir string `json:"spool_dir" yaml:"spool_dir"`
	// Now is the clock used for retention dates; nil means time.Now.
	Now func() time.Time `json:"-" yaml:"-"`
}

// Retention is an object-lock retention applied to each new object.
type Retention struct {
	// Mode is "GOVERNANCE" (privileged users may lift it) or "COMPLIANCE"
	// (nobody may, until it expires).
	Mode string `json:"mode" yaml:"mode"`
	// Period is how long each object is retained from its upload.
	Period time.Duration `json:"period" yaml:"period"`
}

// MinPartSize is S3's smallest multipart part.
const MinPartSize = 5 << 20

// Validate reports a missing or malformed field.
func (c Config) Validate() error {
	switch {
	case c.Bucket == "":
		return errors.New("s3: Bucket is empty")
	case c.Prefix != "" && !strings.HasSuffix(c.Prefix, "/"):
		return fmt.Errorf("s3: Prefix %q must end with \"/\"", c.Prefix)
	case c.Prefix != "" && blob.ValidateKey(strings.TrimSuffix(c.Prefix, "/")) != nil:
		return fmt.Errorf("s3: Prefix %q: %w", c.Prefix, blob.ValidateKey(strings.TrimSuffix(c.Prefix, "/")))
	case c.PartSize != 0 && c.PartSize < MinPartSize:
		return fmt.Errorf("s3: PartSize %d is below S3's minimum of %d", c.PartSize, MinPartSize)
	}
	if r := c.Retention; r != nil {
		if r.Mode != string(minio.Governance) && r.Mode != string(minio.Compliance) {
			return fmt.Errorf("s3: Retention.Mode %q is not GOVERNANCE or COMPLIANCE", r.Mode)
		}
		if r.Period <= 0 {
			return fmt.Errorf("s3: Retention.Period %s is not positive", r.Period)
		}
	}
	return nil
}

// Store is a blob.Store in an S3 bucket.
type Store struct {
	c    *minio.Client
	cfg  Config
	now  func() time.Time
	bufs sync.Pool // part buffers of PartSize, reused across puts
}

var (
	_ blob.Store     = (*Store)(nil)
	_ blob.Presigner = (*Store)(nil)
)

// New returns the store of cfg on the client's server. It does not contact
// the server; EnsureBucket does.
func New(c *minio.Client, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = 16 << 20
	}
	if cfg.Threads == 0 {
		cfg.Threads = 2
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	st := &Store{c: c, cfg: cfg, now: now}
	st.bufs.New = func() any { b := make([]byte, cfg.PartSize); return &b }
	return st, nil
}

// Client is the underlying minio-go client.
func (s *Store) Client() *minio.Client { return s.c }

// Bucket is the store's bucket.
func (s *Store) Bucket() string { return s.cfg.Bucket }

// EnsureBucket creates the bucket when missing, with object lock when the
// store has a Retention, and checks that an existing bucket with Retention
// has object lock enabled (else retention would silently not apply).
func (s *Store) EnsureBucket(ctx context.Context) error {
	ok, err := s.c.BucketExists(ctx, s.cfg.Bucket)
	if err != nil {
		return fmt.Errorf("s3 bucket %s: %w", s.cfg.Bucket, err)
	}
	if !ok {
		err := s.c.MakeBucket(ctx, s.cfg.Bucket, minio.MakeBucketOptions{ObjectLocking: s.cfg.Retention != nil})
		if err != nil && minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" {
			return fmt.Errorf("s3 bucket %s: create: %w", s.cfg.Bucket, err)
		}
	}
	if s.cfg.Retention != nil {
		enabled, _, _, _, err := s.c.GetObjectLockConfig(ctx, s.cfg.Bucket)
		if err != nil || enabled != "Enabled" {
			return fmt.Errorf("s3 bucket %s: Retention is configured but the bucket has no object lock (%v)", s.cfg.Bucket, err)
		}
	}
	return nil
}

func (s *Store) object(key string) string { return s.cfg.Prefix + key }

// metaSHA256 is the user-metadata name holding the content's SHA-256.
const metaSHA256 = "sha256"

// Put implements blob.Store. The upload carries If-None-Match: * so the
// server refuses to replace an existing object, also for multipart uploads
// (the header goes with the completion). The content passes through a
// verifying reader: a wrong size or digest aborts the upload before it
// completes. When opts.SHA256 is empty the content is first read to learn
// its digest, which S3 needs in the headers: in memory up to PartSize,
// through a temporary file in SpoolDir beyond.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts blob.PutOptions) (blob.Info, error) {
	if err := blob.ValidateKey(key); err != nil {
		return blob.Info{}, err
	}
	if size < -1 {
		return blob.Info{}, fmt.Errorf("put %s: size %d is negative", key, size)
	}
	if opts.SHA256 != "" && !blob.ValidSHA256(opts.SHA256) {
		return blob.Info{}, fmt.Errorf("put %s: PutOptions.SHA256 %q is not 64 hex digits", key, opts.SHA256)
	}
	if err := blob.CheckMetadata(opts.Metadata); err != nil {
		return blob.Info{}, fmt.Errorf("put %s: %w", key, err)
	}
	// Refuse early rather than upload gigabytes the server will reject.
	if _, err := s.Stat(ctx, key); err == nil {
		return blob.Info{}, fmt.Errorf("put %s: %w", key, blob.ErrExists)
	} else if !errors.Is(err, blob.ErrNotExist) {
		return blob.Info{}, err
	}
	sum := strings.ToLower(opts.SHA256)
	if sum == "" {
		// Content that fits in one part is hashed in memory; larger content
		// is spooled to disk, so memory stays bounded whatever the size.
		bp := s.bufs.Get().(*[]byte)
		defer s.bufs.Put(bp)
		n, err := io.ReadFull(ctxReader{ctx, r}, *bp)
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			if size >= 0 && int64(n) != size {
				return blob.Info{}, fmt.Errorf("put %s: %w: got %d bytes, want %d", key, blob.ErrSizeMismatch, n, size)
			}
			h := sha256.Sum256((*bp)[:n])
			r, size, sum = bytes.NewReader((*bp)[:n]), int64(n), hex.EncodeToString(h[:])
		case err != nil:
			return blob.Info{}, fmt.Errorf("put %s: %w", key, err)
		default:
			f, n, digest, err := s.spool(ctx, key, io.MultiReader(bytes.NewReader(*bp), r), size)
			if err != nil {
				return blob.Info{}, err
			}
			defer f.Close()
			r, size, sum = f, n, digest
		}
	}
	md := map[string]string{}
	for k, v := range opts.Metadata {
		md[strings.ToLower(k)] = v
	}
	md[metaSHA256] = sum
	ct := opts.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	po := minio.PutObjectOptions{
		ContentType:  ct,
		UserMetadata: md,
		PartSize:     s.cfg.PartSize,
	}
	if rt := s.cfg.Retention; rt != nil {
		po.Mode = minio.RetentionMode(rt.Mode)
		po.RetainUntilDate = s.now().Add(rt.Period).UTC()
	}
	rec := &errRecorder{r: blob.NewVerifyReader(r, key, size, sum)}
	var err error
	if size >= 0 && size <= int64(s.cfg.PartSize) {
		err = s.putSingle(ctx, key, rec, size, po)
	} else {
		err = s.putMultipart(ctx, key, rec, po)
	}
	if err != nil {
		// minio-go does not wrap reader errors with %w: recover the verifier's.
		if errors.Is(rec.err, blob.ErrDigestMismatch) || errors.Is(rec.err, blob.ErrSizeMismatch) {
			return blob.Info{}, rec.err
		}
		return blob.Info{}, s.mapErr("put", key, err)
	}
	return s.Stat(ctx, key)
}

// putSingle uploads in one request with If-None-Match: *.
func (s *Store) putSingle(ctx context.Context, key string, r io.Reader, size int64, po minio.PutObjectOptions) error {
	po.DisableMultipart = true
	po.SetMatchETagExcept("*")
	_, err := s.c.PutObject(ctx, s.cfg.Bucket, s.object(key), r, size, po)
	return err
}

// putMultipart uploads parts of PartSize, Threads at a time, and completes
// the upload with If-None-Match: *. It drives the multipart API itself
// because minio-go's PutObject drops custom headers from the completion
// request, and with them the create-only condition (minio-go v7.4.1,
// completeUploadOpts). Content that turns out to fit in one part goes up in
// a single request. Any failure, including the verifier's at the end of the
// content, aborts the upload so that nothing is committed.
func (s *Store) putMultipart(ctx context.Context, key string, r io.Reader, po minio.PutObjectOptions) (err error) {
	obj := s.object(key)
	var held []*[]byte // every buffer taken from the pool, returned at the end
	defer func() {
		for _, b := range held {
			s.bufs.Put(b)
		}
	}()
	take := func() []byte {
		b := s.bufs.Get().(*[]byte)
		held = append(held, b)
		return *b
	}
	buf := take()
	n, rerr := io.ReadFull(r, buf)
	if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
		return s.putSingle(ctx, key, bytes.NewReader(buf[:n]), int64(n), po)
	}
	if rerr != nil {
		return rerr
	}
	core := minio.Core{Client: s.c}
	uploadID, err := core.NewMultipartUpload(ctx, s.cfg.Bucket, obj, po)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			s.abort(ctx, core, obj, uploadID)
		}
	}()
	free := make(chan []byte, s.cfg.Threads)
	for range s.cfg.Threads - 1 {
		free <- take()
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		parts    []minio.CompletePart
		firstErr error
	)
	// A failure stops reading new parts but lets the parts in flight finish:
	// a part the server is still receiving when the upload is aborted can
	// outlive the abort and leave storage behind (S3 documents this).
	failed := func() bool { mu.Lock(); defer mu.Unlock(); return firstErr != nil }
	fail := func(e error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = e
		}
		mu.Unlock()
	}
	for num := 1; ; num++ {
		wg.Add(1)
		go func(num int, b []byte) {
			defer wg.Done()
			defer func() { free <- b[:cap(b)] }()
			p, err := core.PutObjectPart(ctx, s.cfg.Bucket, obj, uploadID, num, bytes.NewReader(b), int64(len(b)), minio.PutObjectPartOptions{})
			if err != nil {
				fail(fmt.Errorf("part %d: %w", num, err))
				return
			}
			mu.Lock()
			parts = append(parts, minio.CompletePart{PartNumber: num, ETag: p.ETag})
			mu.Unlock()
		}(num, buf[:n])
		if rerr != nil { // the short last part has been sent
			break
		}
		buf = <-free
		if failed() || ctx.Err() != nil {
			free <- buf
			break
		}
		n, rerr = io.ReadFull(r, buf)
		if rerr == io.EOF {
			free <- buf
			break
		}
		if rerr != nil && rerr != io.ErrUnexpectedEOF {
			fail(rerr)
			free <- buf
			break
		}
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].PartNumber < parts[j].PartNumber })
	var copts minio.PutObjectOptions
	copts.SetMatchETagExcept("*")
	_, err = core.CompleteMultipartUpload(ctx, s.cfg.Bucket, obj, uploadID, parts, copts)
	return err
}

// abort aborts a multipart upload, also when the caller's context is done.
// When the context was cancelled, parts may still be arriving at the server,
// so the abort is repeated a little later to catch them.
func (s *Store) abort(ctx context.Context, core minio.Core, obj, uploadID string) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	core.AbortMultipartUpload(actx, s.cfg.Bucket, obj, uploadID)
	if ctx.Err() != nil {
		go func() {
			time.Sleep(2 * time.Second)
			actx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			core.AbortMultipartUpload(actx, s.cfg.Bucket, obj, uploadID)
		}()
	}
}

// errRecorder remembers the reader's first error so the cause of an aborted
// upload is not lost in minio-go's message.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// spool copies r to a temporary file (removed on Close) and returns it
// rewound with its size and SHA-256.
func (s *Store) spool(ctx context.Context, key string, r io.Reader, size int64) (*spoolFile, int64, string, error) {
	f, err := os.CreateTemp(s.cfg.SpoolDir, "icss-s3-spool-*")
	if err != nil {
		return nil, 0, "", fmt.Errorf("put %s: spool: %w", key, err)
	}
	sf := &spoolFile{f}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), ctxReader{ctx, r})
	if err == nil && size >= 0 && n != size {
		err = fmt.Errorf("%w: got %d bytes, want %d", blob.ErrSizeMismatch, n, size)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		sf.Close()
		return nil, 0, "", fmt.Errorf("put %s: spool: %w", key, err)
	}
	return sf, n, hex.EncodeToString(h.Sum(nil)), nil
}

type spoolFile struct{ *os.File }

func (f *spoolFile) Close() error {
	err := f.File.Close()
	os.Remove(f.Name())
	return err
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Get implements blob.Store.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	if err := blob.ValidateKey(key); err != nil {
		return nil, blob.Info{}, err
	}
	o, err := s.c.GetObject(ctx, s.cfg.Bucket, s.object(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, blob.Info{}, s.mapErr("get", key, err)
	}
	oi, err := o.Stat() // GetObject is lazy: this is the request
	if err != nil {
		o.Close()
		return nil, blob.Info{}, s.mapErr("get", key, err)
	}
	return o, s.info(key, oi), nil
}

// Stat implements blob.Store.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.ValidateKey(key); err != nil {
		return blob.Info{}, err
	}
	oi, err := s.c.StatObject(ctx, s.cfg.Bucket, s.object(key), minio.StatObjectOptions{})
	if err != nil {
		return blob.Info{}, s.mapErr("stat", key, err)
	}
	return s.info(key, oi), nil
}

func (s *Store) info(key string, oi minio.ObjectInfo) blob.Info {
	info := blob.Info{Key: key, Size: oi.Size, ModTime: oi.LastModified.UTC(), ContentType: oi.ContentType}
	for k, v := range oi.UserMetadata {
		k = strings.ToLower(strings.TrimPrefix(strings.ToLower(k), "x-amz-meta-"))
		if k == metaSHA256 {
			info.SHA256 = v
			continue
		}
		if info.Metadata == nil {
			info.Metadata = map[string]string{}
		}
		info.Metadata[k] = v
	}
	return info
}

// List implements blob.Store. S3 listings carry no user metadata, so the
// Info passed to fn has Key, Size and ModTime only; Stat gives the rest.
func (s *Store) List(ctx context.Context, prefix string, fn func(blob.Info) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops minio-go's listing goroutine when fn returns early
	for oi := range s.c.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: s.object(prefix), Recursive: true}) {
		if oi.Err != nil {
			return s.mapErr("list", prefix, oi.Err)
		}
		key := strings.TrimPrefix(oi.Key, s.cfg.Prefix)
		if strings.HasSuffix(key, "/") {
			continue // a "folder" marker some tools create
		}
		if err := fn(blob.Info{Key: key, Size: oi.Size, ModTime: oi.LastModified.UTC()}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Delete implements blob.Store. On a versioned bucket it deletes the
// current version itself rather than adding a delete marker, so that an
// object under retention is refused instead of merely hidden.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.ValidateKey(key); err != nil {
		return err
	}
	oi, err := s.c.StatObject(ctx, s.cfg.Bucket, s.object(key), minio.StatObjectOptions{})
	if err != nil {
		if err := s.mapErr("delete", key, err); !errors.Is(err, blob.ErrNotExist) {
			return err
		}
		return nil
	}
	err = s.c.RemoveObject(ctx, s.cfg.Bucket, s.object(key), minio.RemoveObjectOptions{VersionID: oi.VersionID})
	if err != nil {
		return s.mapErr("delete", key, err)
	}
	return nil
}

// MaxPresignExpiry is the longest lifetime SigV4 allows a presigned URL.
const MaxPresignExpiry = 7 * 24 * time.Hour

// PresignGet implements blob.Presigner: a URL that reads the object without
// credentials until expiry (at most MaxPresignExpiry) has passed.
func (s *Store) PresignGet(ctx context.Context, key string, expiry time.Duration) (string, error) {
	if err := blob.ValidateKey(key); err != nil {
		return "", err
	}
	if expiry < time.Second || expiry > MaxPresignExpiry {
		return "", fmt.Errorf("presign %s: expiry %s is not between 1s and %s", key, expiry, MaxPresignExpiry)
	}
	u, err := s.c.PresignedGetObject(ctx, s.cfg.Bucket, s.object(key), expiry, url.Values{})
	if err != nil {
		return "", s.mapErr("presign", key, err)
	}
	return u.String(), nil
}

// mapErr turns S3 error codes into the blob sentinels.
func (s *Store) mapErr(op, key string, err error) error {
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == "NoSuchKey" || resp.Code == "NotFound" && resp.StatusCode == http.StatusNotFound && op != "list":
		return fmt.Errorf("%s %s: %w", op, key, blob.ErrNotExist)
	case resp.Code == "PreconditionFailed" || resp.StatusCode == http.StatusPreconditionFailed:
		return fmt.Errorf("%s %s: %w", op, key, blob.ErrExists)
	}
	return fmt.Errorf("%s %s in bucket %s: %w", op, key, s.cfg.Bucket, err)
}

// ReadOnlyPolicy is a bucket policy letting the principals (S3 account
// names or ARNs) list and read the objects under prefix, and nothing else:
// the partner agency's view of the results. With a prefix (purposes sharing
// a bucket) listing is limited to it through the s3:prefix condition.
func ReadOnlyPolicy(bucket, prefix string, principals ...string) (string, error) {
	if bucket == "" || len(principals) == 0 {
		return "", errors.New("s3 policy: bucket and at least one principal are required")
	}
	type stmt struct {
		Effect    string
		Principal map[string][]string
		Action    []string
		Resource  []string
		Condition map[string]map[string][]string `json:",omitempty"`
	}
	list := stmt{"Allow", map[string][]string{"AWS": principals}, []string{"s3:ListBucket"}, []string{"arn:aws:s3:::" + bucket}, nil}
	if prefix != "" {
		list.Condition = map[string]map[string][]string{"StringLike": {"s3:prefix": {prefix + "*"}}}
	}
	p := struct {
		Version   string
		Statement []stmt
	}{
		Version: "2012-10-17",
		Statement: []stmt{
			list,
			{"Allow", map[string][]string{"AWS": principals}, []string{"s3:GetObject"}, []string{"arn:aws:s3:::" + bucket + "/" + prefix + "*"}, nil},
		},
	}
	b, err := json.Marshal(p)
	return string(b), err
}

// GrantRead sets the bucket's policy to ReadOnlyPolicy for the principals,
// replacing any policy it had.
func (s *Store) GrantRead(ctx context.Context, principals ...string) error {
	pol, err := ReadOnlyPolicy(s.cfg.Bucket, s.cfg.Prefix, principals...)
	if err != nil {
		return err
	}
	if err := s.c.SetBucketPolicy(ctx, s.cfg.Bucket, pol); err != nil {
		return fmt.Errorf("s3 bucket %s: set policy: %w", s.cfg.Bucket, err)
	}
	return nil
}
