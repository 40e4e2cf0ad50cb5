package s3blob_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/s3test"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/blob/blobtest"
	"github.com/icss/icss/storage/blob/s3blob"
	"github.com/minio/minio-go/v7"
)

// newStore starts one gateway per top-level test and gives each subtest a
// fresh bucket.
func storeMaker(t testing.TB, cfg s3blob.Config) func(testing.TB) blob.Store {
	srv := s3test.Start(t)
	return func(t testing.TB) blob.Store {
		c := cfg
		c.Bucket = srv.Bucket(t, c.Retention != nil)
		st, err := s3blob.New(srv.Client(t), c)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
}

func TestS3Contract(t *testing.T) {
	blobtest.Suite{New: storeMaker(t, s3blob.Config{PartSize: s3blob.MinPartSize}), LargeSize: 12 << 20}.Run(t)
}

func TestS3ContractWithPrefix(t *testing.T) {
	blobtest.Suite{New: storeMaker(t, s3blob.Config{Prefix: "purpose/"})}.Run(t)
}

func BenchmarkS3(b *testing.B) {
	blobtest.Suite{New: storeMaker(b, s3blob.Config{})}.Bench(b)
}

func TestPresignGet(t *testing.T) {
	srv := s3test.Start(t)
	st, err := s3blob.New(srv.Client(t), s3blob.Config{Bucket: srv.Bucket(t, false)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.Put(ctx, "results/r1.csv", strings.NewReader("a,b\n"), 4, blob.PutOptions{ContentType: "text/csv"}); err != nil {
		t.Fatal(err)
	}
	u, err := st.PresignGet(ctx, "results/r1.csv", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u) // no credentials: the URL is the credential
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "a,b\n" {
		t.Fatalf("GET presigned URL: %s %q", resp.Status, body)
	}
	// Tampering with the URL breaks the signature.
	resp, err = http.Get(strings.Replace(u, "r1.csv", "r2.csv", 1))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("GET of a tampered URL: %s, want 403", resp.Status)
	}
	// An expired URL no longer reads.
	short, err := st.PresignGet(ctx, "results/r1.csv", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	resp, err = http.Get(short)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("GET of an expired URL: %s, want 403", resp.Status)
	}
	for _, d := range []time.Duration{0, 8 * 24 * time.Hour} {
		if _, err := st.PresignGet(ctx, "results/r1.csv", d); err == nil {
			t.Errorf("PresignGet with expiry %s succeeded", d)
		}
	}
}

// Evidence under retention cannot be deleted, or overwritten, by anyone
// using the store, and carries its retain-until date.
func TestRetentionProtectsEvidence(t *testing.T) {
	srv := s3test.Start(t)
	st, err := s3blob.New(srv.Client(t), s3blob.Config{
		Bucket:    srv.Bucket(t, true),
		Retention: &s3blob.Retention{Mode: "GOVERNANCE", Period: 24 * time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := st.EnsureBucket(ctx); err != nil {
		t.Fatal(err)
	}
	img := blobtest.Data(100_000, 11)
	key := blob.ContentKey("", sha(img))
	if _, err := st.Put(ctx, key, bytes.NewReader(img), int64(len(img)), blob.PutOptions{SHA256: sha(img), ContentType: "image/jpeg"}); err != nil {
		t.Fatal(err)
	}
	// versitygw answers GetObjectRetention with an XML root minio-go does
	// not expect, so read the lock headers of a HEAD instead.
	oi, err := srv.Client(t).StatObject(ctx, st.Bucket(), key, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mode := oi.Metadata.Get("X-Amz-Object-Lock-Mode")
	until, _ := time.Parse(time.RFC3339, oi.Metadata.Get("X-Amz-Object-Lock-Retain-Until-Date"))
	if mode != "GOVERNANCE" || until.Before(time.Now().Add(23*time.Hour)) || until.After(time.Now().Add(25*time.Hour)) {
		t.Fatalf("retention = %q until %v, want GOVERNANCE for about a day (headers %v)", mode, until, oi.Metadata)
	}
	if err := st.Delete(ctx, key); err == nil {
		t.Fatal("Delete of retained evidence succeeded")
	}
	if _, err := st.Stat(ctx, key); err != nil {
		t.Fatalf("retained evidence gone after a refused Delete: %v", err)
	}
}

// A store with Retention refuses a bucket without object lock instead of
// silently keeping evidence unprotected.
func TestEnsureBucketChecksObjectLock(t *testing.T) {
	srv := s3test.Start(t)
	ctx := context.Background()
	st, _ := s3blob.New(srv.Client(t), s3blob.Config{Bucket: srv.Bucket(t, false), Retention: &s3blob.EvidenceRetention})
	if err := st.EnsureBucket(ctx); err == nil {
		t.Fatal("EnsureBucket accepted a bucket without object lock for a store with Retention")
	}
	st, _ = s3blob.New(srv.Client(t), s3blob.Config{Bucket: "fresh-evidence", Retention: &s3blob.EvidenceRetention})
	if err := st.EnsureBucket(ctx); err != nil {
		t.Fatalf("EnsureBucket of a new bucket: %v", err)
	}
	if err := st.EnsureBucket(ctx); err != nil {
		t.Fatalf("EnsureBucket twice: %v", err)
	}
}

// The partner agency's account reads and lists the results bucket and can
// do nothing else: not write there, not read any other purpose's bucket.
func TestLeastPrivilegePartnerReadsResultsOnly(t *testing.T) {
	srv := s3test.Start(t)
	ctx := context.Background()
	conn := s3blob.Connection{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Insecure: true}
	set, err := s3blob.OpenSet(ctx, s3blob.DefaultSetConfig(conn, "icss-"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range blob.Purposes() {
		st, _ := set.Get(p)
		if _, err := st.Put(ctx, "doc-"+string(p), strings.NewReader("data"), 4, blob.PutOptions{}); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	results, _ := set.Get(blob.Results)
	secret := srv.CreateUser(t, "agency", "user")
	if err := results.(*s3blob.Store).GrantRead(ctx, "agency"); err != nil {
		t.Fatal(err)
	}

	agency := s3blob.Connection{Endpoint: srv.Endpoint, AccessKey: "agency", SecretKey: secret, Insecure: true}
	cl, err := s3blob.NewClient(agency)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range blob.Purposes() {
		st, _ := s3blob.New(cl, s3blob.Config{Bucket: "icss-" + string(p)})
		_, _, getErr := st.Get(ctx, "doc-"+string(p))
		var listed []string
		listErr := st.List(ctx, "", func(i blob.Info) error { listed = append(listed, i.Key); return nil })
		_, putErr := st.Put(ctx, "agency-wrote", strings.NewReader("x"), 1, blob.PutOptions{})
		delErr := st.Delete(ctx, "doc-"+string(p))
		if p == blob.Results {
			if getErr != nil || listErr != nil || len(listed) != 1 {
				t.Errorf("agency on %s: get %v, list %v %v; want both allowed", p, getErr, listed, listErr)
			}
		} else if getErr == nil || listErr == nil {
			t.Errorf("agency on %s: get %v, list %v; want both denied", p, getErr, listErr)
		}
		if putErr == nil || delErr == nil {
			t.Errorf("agency on %s: put %v, delete %v; want both denied", p, putErr, delErr)
		}
	}
	// And the objects are untouched.
	for _, p := range blob.Purposes() {
		st, _ := set.Get(p)
		if _, err := st.Stat(ctx, "doc-"+string(p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  s3blob.Config
		want string
	}{
		{"NoBucket", s3blob.Config{}, "Bucket"},
		{"PrefixWithoutSlash", s3blob.Config{Bucket: "b", Prefix: "raw"}, "Prefix"},
		{"PrefixTraversal", s3blob.Config{Bucket: "b", Prefix: "../"}, "Prefix"},
		{"SmallParts", s3blob.Config{Bucket: "b", PartSize: 1 << 20}, "PartSize"},
		{"BadMode", s3blob.Config{Bucket: "b", Retention: &s3blob.Retention{Mode: "forever", Period: time.Hour}}, "Retention.Mode"},
		{"NoPeriod", s3blob.Config{Bucket: "b", Retention: &s3blob.Retention{Mode: "COMPLIANCE"}}, "Retention.Period"},
		{"OK", s3blob.Config{Bucket: "b", Prefix: "raw/", Retention: &s3blob.EvidenceRetention}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate() = %v, want an error naming %q", err, tt.want)
			}
		})
	}
	conn := s3blob.Connection{Endpoint: "http://x:9000", AccessKey: "a", SecretKey: "topsecret"}
	if err := conn.Validate(); err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("Connection.Validate() = %v, want an error on the scheme without the secret", err)
	}
	if strings.Contains(conn.String(), "topsecret") {
		t.Fatal("Connection.String() shows the secret")
	}
	if err := (s3blob.SetConfig{Connection: s3blob.Connection{Endpoint: "x", AccessKey: "a", SecretKey: "s"}}).Validate(); err == nil || !strings.Contains(err.Error(), "Stores[raw]") {
		t.Fatalf("SetConfig without stores: %v", err)
	}
}

func sha(b []byte) string {
	v := blob.NewVerifyReader(bytes.NewReader(b), "", -1, "")
	io.Copy(io.Discard, v)
	return v.Sum()
}

// Two multipart uploads racing for one key both pass the existence check;
// If-None-Match on the completion must let exactly one of them in.
func TestConcurrentMultipartPutsOneWins(t *testing.T) {
	srv := s3test.Start(t)
	st, err := s3blob.New(srv.Client(t), s3blob.Config{Bucket: srv.Bucket(t, false), PartSize: s3blob.MinPartSize})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const n = 3
	errs := make(chan error, n)
	for i := range n {
		go func() {
			data := blobtest.Data(11<<20, uint64(40+i))
			_, err := st.Put(ctx, "big", bytes.NewReader(data), int64(len(data)), blob.PutOptions{SHA256: sha(data), Metadata: map[string]string{"writer": string(rune('0' + i))}})
			errs <- err
		}()
	}
	won := 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			won++
		case !errors.Is(err, blob.ErrExists):
			t.Fatalf("losing multipart Put: %v, want ErrExists", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d multipart puts succeeded, want exactly 1", won)
	}
	rc, info, err := st.Get(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	i := int(info.Metadata["writer"][0] - '0')
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, blobtest.Data(11<<20, uint64(40+i))) {
		t.Fatalf("stored bytes are not writer %d's", i)
	}
}

// A multipart upload refused at the end (wrong digest, lost race, reader
// failure) is aborted: no parts are left on the server costing storage.
func TestFailedMultipartUploadsAreAborted(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.Bucket(t, false)
	st, err := s3blob.New(srv.Client(t), s3blob.Config{Bucket: bucket, PartSize: s3blob.MinPartSize})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	data := blobtest.Data(12<<20, 21)
	if _, err := st.Put(ctx, "bad", bytes.NewReader(data), int64(len(data)), blob.PutOptions{SHA256: sha([]byte("other"))}); !errors.Is(err, blob.ErrDigestMismatch) {
		t.Fatalf("Put: %v, want ErrDigestMismatch", err)
	}
	if _, err := st.Put(ctx, "unknown-size", bytes.NewReader(data), -1, blob.PutOptions{SHA256: sha([]byte("other"))}); !errors.Is(err, blob.ErrDigestMismatch) {
		t.Fatalf("Put of unknown size: %v, want ErrDigestMismatch", err)
	}
	core := minio.Core{Client: srv.Client(t)}
	res, err := core.ListMultipartUploads(ctx, bucket, "", "", "", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploads) != 0 {
		t.Fatalf("%d multipart uploads left open: %+v", len(res.Uploads), res.Uploads)
	}
}

// Without a known digest the content is spooled to learn it: the object
// still carries its SHA-256, and the spool file is gone afterwards.
func TestPutWithoutDigestSpools(t *testing.T) {
	srv := s3test.Start(t)
	spool := t.TempDir()
	st, err := s3blob.New(srv.Client(t), s3blob.Config{Bucket: srv.Bucket(t, false), SpoolDir: spool, PartSize: s3blob.MinPartSize})
	if err != nil {
		t.Fatal(err)
	}
	data := blobtest.Data(7<<20, 22)
	info, err := st.Put(context.Background(), "k", io.MultiReader(bytes.NewReader(data)), -1, blob.PutOptions{})
	if err != nil || info.SHA256 != sha(data) || info.Size != int64(len(data)) {
		t.Fatalf("Put = %+v, %v", info, err)
	}
	if left, _ := os.ReadDir(spool); len(left) != 0 {
		t.Fatalf("spool files left: %v", left)
	}
}

// An S3 with a private CA is reached through Connection.CAFile; without it
// the certificate is refused rather than trusted.
func TestConnectionCAFile(t *testing.T) {
	srv := s3test.StartTLS(t)
	bucket := srv.Bucket(t, false)
	ctx := context.Background()
	conn := s3blob.Connection{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CAFile: srv.CAFile}
	cl, err := s3blob.NewClient(conn)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := s3blob.New(cl, s3blob.Config{Bucket: bucket})
	if _, err := st.Put(ctx, "over-tls", strings.NewReader("x"), 1, blob.PutOptions{}); err != nil {
		t.Fatalf("Put over TLS with the CA: %v", err)
	}
	conn.CAFile = ""
	cl, _ = s3blob.NewClient(conn)
	st, _ = s3blob.New(cl, s3blob.Config{Bucket: bucket})
	if _, err := st.Stat(ctx, "over-tls"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Stat without the CA: %v, want a certificate error", err)
	}
	for _, c := range []s3blob.Connection{
		{Endpoint: srv.Endpoint, AccessKey: "a", SecretKey: "s", CAFile: srv.CAFile, Insecure: true},
		{Endpoint: srv.Endpoint, AccessKey: "a", SecretKey: "s", CAFile: "/nonexistent/ca.pem"},
		{Endpoint: srv.Endpoint, AccessKey: "a", SecretKey: "s", CAFile: "s3blob_test.go"},
	} {
		if _, err := s3blob.NewClient(c); err == nil {
			t.Errorf("NewClient(%+v) succeeded", c)
		}
	}
}

// With every purpose in one bucket, the partner agency still reads and
// lists the results prefix only.
func TestLeastPrivilegeSharedBucket(t *testing.T) {
	srv := s3test.Start(t)
	ctx := context.Background()
	conn := s3blob.Connection{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Insecure: true}
	set, err := s3blob.OpenSet(ctx, s3blob.SharedBucketSetConfig(conn, "icss-shared"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range blob.Purposes() {
		st, _ := set.Get(p)
		if _, err := st.Put(ctx, "doc", strings.NewReader("data"), 4, blob.PutOptions{}); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	results, _ := set.Get(blob.Results)
	secret := srv.CreateUser(t, "agency", "user")
	if err := results.(*s3blob.Store).GrantRead(ctx, "agency"); err != nil {
		t.Fatal(err)
	}
	cl, err := s3blob.NewClient(s3blob.Connection{Endpoint: srv.Endpoint, AccessKey: "agency", SecretKey: secret, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range blob.Purposes() {
		st, _ := s3blob.New(cl, s3blob.Config{Bucket: "icss-shared", Prefix: string(p) + "/"})
		_, _, getErr := st.Get(ctx, "doc")
		var listed []string
		listErr := st.List(ctx, "", func(i blob.Info) error { listed = append(listed, i.Key); return nil })
		_, putErr := st.Put(ctx, "agency-wrote", strings.NewReader("x"), 1, blob.PutOptions{})
		if p == blob.Results {
			if getErr != nil || listErr != nil || fmt.Sprint(listed) != "[doc]" {
				t.Errorf("agency on %s: get %v, list %v %v; want both allowed", p, getErr, listed, listErr)
			}
		} else if getErr == nil || listErr == nil {
			t.Errorf("agency on %s: get %v, list %v %v; want both denied", p, getErr, listed, listErr)
		}
		if putErr == nil {
			t.Errorf("agency on %s: put allowed", p)
		}
	}
	// Listing the whole bucket would show every purpose's keys: denied.
	whole, _ := s3blob.New(cl, s3blob.Config{Bucket: "icss-shared"})
	if err := whole.List(ctx, "", func(blob.Info) error { return nil }); err == nil {
		t.Error("agency listed the whole shared bucket")
	}
	// Evidence in the shared bucket is still retained.
	ev, _ := set.Get(blob.Evidence)
	if err := ev.Delete(ctx, "doc"); err == nil {
		t.Error("retained evidence deleted from the shared bucket")
	}
}
