package evidence

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/icss/icss/internal/testkit/s3test"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/blob/s3blob"
	"github.com/icss/icss/transforms/exam"
	"github.com/minio/minio-go/v7"
)

// On S3 the evidence bucket belongs to an administrator account, has object
// lock, and the icss account may only add and read evidence: it can neither
// delete a photo (even asking to bypass governance retention) nor replace
// its bytes, and the chain still verifies afterwards.
func TestS3EvidenceIcssAccountCannotDeleteOrOverwrite(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.Bucket(t, true) // created by the administrator (root), with object lock
	secret := srv.CreateUser(t, "icss", "user")
	policy, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{
			{"Effect": "Allow", "Principal": map[string][]string{"AWS": {"icss"}}, "Action": []string{"s3:ListBucket"}, "Resource": []string{"arn:aws:s3:::" + bucket}},
			{"Effect": "Allow", "Principal": map[string][]string{"AWS": {"icss"}}, "Action": []string{"s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObjectRetention", "s3:GetObjectRetention"}, "Resource": []string{"arn:aws:s3:::" + bucket + "/*"}},
		},
	})
	if err := srv.Client(t).SetBucketPolicy(ctx, bucket, string(policy)); err != nil {
		t.Fatal(err)
	}
	icss := srv.ClientAs(t, "icss", secret)
	st, err := s3blob.New(icss, s3blob.Config{Bucket: bucket, Retention: &s3blob.EvidenceRetention})
	if err != nil {
		t.Fatal(err)
	}
	key := newKey(t)
	s := New(st, Options{Key: key, Now: clock()})
	r := result(t, s, 1, exam.OutcomeNoFinding, "CAPRR-20261204-0001_1.jpg")
	record(t, s, r)
	photo := ObjectKey(r.Photos[0].SHA256)
	original := []byte("photo bytes of CAPRR-20261204-0001_1.jpg")

	oi, err := icss.StatObject(ctx, bucket, photo, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if mode := oi.Metadata.Get("X-Amz-Object-Lock-Mode"); mode != "GOVERNANCE" {
		t.Errorf("photo retention mode %q, want GOVERNANCE", mode)
	}
	if err := st.Delete(ctx, photo); err == nil {
		t.Error("the icss account deleted a retained photo")
	}
	if err := icss.RemoveObject(ctx, bucket, photo, minio.RemoveObjectOptions{VersionID: oi.VersionID, GovernanceBypass: true}); err == nil {
		t.Error("the icss account deleted a retained photo bypassing governance")
	}
	if err := icss.RemoveObject(ctx, bucket, ManifestKey(1), minio.RemoveObjectOptions{}); err == nil {
		if _, err := st.Stat(ctx, ManifestKey(1)); err != nil {
			t.Error("the icss account deleted a manifest")
		}
	}
	// Create-only through the store; a raw overwrite at most adds a version
	// and leaves the retained one as it was.
	if _, err := st.Put(ctx, photo, bytes.NewReader([]byte("forged")), 6, blob.PutOptions{}); err == nil {
		t.Error("the store replaced a photo")
	}
	if _, err := icss.PutObject(ctx, bucket, photo, bytes.NewReader([]byte("forged")), 6, minio.PutObjectOptions{}); err == nil {
		obj, err := icss.GetObject(ctx, bucket, photo, minio.GetObjectOptions{VersionID: oi.VersionID})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(obj)
		if err != nil || !bytes.Equal(got, original) {
			t.Errorf("retained version %s now reads %q, %v", oi.VersionID, got, err)
		}
		// Verify sees the current bytes: the forgery is reported at its place.
		rep, err := Verify(ctx, st, pub(key))
		if err != nil || rep.OK() || rep.Problems[0].Kind != ChangedObject || rep.Problems[0].Seq != 1 {
			t.Errorf("Verify after an overwrite = %v, %v; want the changed photo reported at manifest 1", rep.Problems, err)
		}
		return
	}
	rep, err := Verify(ctx, st, pub(key))
	if err != nil || !rep.OK() || rep.Manifests != 1 || rep.Objects != 2 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
}

// Two nodes append to one bucket at once: If-None-Match makes each chain
// position taken once, and the chain stays linear.
func TestS3ConcurrentNodesKeepTheChainLinear(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.Bucket(t, true)
	key := newKey(t)
	var nodes []*Store
	for range 2 {
		st, err := s3blob.New(srv.Client(t), s3blob.Config{Bucket: bucket, Retention: &s3blob.EvidenceRetention})
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, New(st, Options{Key: key, Now: clock()}))
	}
	const each = 12
	errs := make(chan error, 2*each)
	done := make(chan struct{})
	for n, s := range nodes {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range each {
				if _, _, err := s.Record(ctx, result(t, s, 1+n*each+i, exam.OutcomeNoFinding)); err != nil {
					errs <- err
				}
			}
		}()
	}
	<-done
	<-done
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep, err := Verify(ctx, nodes[0].Blobs(), pub(key))
	if err != nil || !rep.OK() || rep.Manifests != 2*each || rep.Head != 2*each {
		t.Fatalf("Verify = %d manifests, head %d, %v, %v", rep.Manifests, rep.Head, rep.Problems, err)
	}
}
