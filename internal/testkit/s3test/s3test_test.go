package s3test_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/icss/icss/internal/testkit/s3test"
	"github.com/minio/minio-go/v7"
)

func TestStartBucketAndUsers(t *testing.T) {
	srv := s3test.Start(t)
	ctx := context.Background()
	bucket := srv.Bucket(t, false)
	c := srv.Client(t)
	if _, err := c.PutObject(ctx, bucket, "a/b", bytes.NewReader([]byte("hello")), 5, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	o, err := c.GetObject(ctx, bucket, "a/b", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(o)
	if err != nil || string(b) != "hello" {
		t.Fatalf("read back %q, %v", b, err)
	}

	secret := srv.CreateUser(t, "stranger", "user")
	if _, err := srv.ClientAs(t, "stranger", secret).StatObject(ctx, bucket, "a/b", minio.StatObjectOptions{}); err == nil {
		t.Fatal("a new user read the root account's bucket without a policy")
	}
	if _, err := srv.ClientAs(t, "stranger", "wrong-secret").ListBuckets(ctx); err == nil {
		t.Fatal("a wrong secret was accepted")
	}

	srv.Stop()
	srv.Stop()
	if _, err := c.ListBuckets(ctx); err == nil {
		t.Fatal("gateway still answers after Stop")
	}

	// Back on the same port with the same objects and accounts: clients made before
	// the outage work again.
	srv.Restart(t)
	o, err = c.GetObject(ctx, bucket, "a/b", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(o); err != nil || string(b) != "hello" {
		t.Fatalf("after Restart: read back %q, %v", b, err)
	}
	if _, err := srv.ClientAs(t, "stranger", secret).ListBuckets(ctx); err != nil {
		t.Fatalf("after Restart the account is gone: %v", err)
	}
}

func TestStartTLS(t *testing.T) {
	srv := s3test.StartTLS(t)
	if srv.CAFile == "" {
		t.Fatal("no CAFile")
	}
	ctx := context.Background()
	bucket := srv.Bucket(t, false)
	if _, err := srv.Client(t).PutObject(ctx, bucket, "k", bytes.NewReader([]byte("x")), 1, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	secret := srv.CreateUser(t, "tlsuser", "user") // the admin API works too
	if secret == "" {
		t.Fatal("no secret")
	}
}
