package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/blob/blobtest"
)

// TestDirSurvivesKill9 kills a process in the middle of writing objects
// (Put and PutBatch),
// again and again, and checks that every object the store then shows is
// complete and matches its recorded SHA-256, and that the store keeps working.
func TestDirSurvivesKill9(t *testing.T) {
	if os.Getenv("ICSS_BLOB_CRASH_WRITER") != "" {
		crashWriter(os.Getenv("ICSS_BLOB_CRASH_WRITER"))
		return
	}
	if testing.Short() {
		t.Skip("kill -9 loop skipped in -short")
	}
	root := t.TempDir()
	for round := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDirSurvivesKill9$")
		cmd.Env = append(os.Environ(), "ICSS_BLOB_CRASH_WRITER="+root)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+round*70) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		if bytes.Contains(out.Bytes(), []byte("WRITER FAILED")) {
			t.Fatalf("round %d: writer failed:\n%s", round, out.String())
		}
	}
	st, err := blob.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	n := 0
	err = st.List(ctx, "", func(info blob.Info) error {
		n++
		rc, _, err := st.Get(ctx, info.Key)
		if err != nil {
			return err
		}
		defer rc.Close()
		h := sha256.New()
		size, err := io.Copy(h, rc)
		if err != nil {
			return err
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != info.SHA256 || size != info.Size || blob.ContentKey("", got) != info.Key {
			return fmt.Errorf("%s: torn object: %d bytes, sha %s, recorded %d bytes sha %s", info.Key, size, got, info.Size, info.SHA256)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the writers stored nothing before being killed")
	}
	t.Logf("%d objects intact after 5 kill -9", n)
	if _, err := st.Put(ctx, "after-crash", bytes.NewReader([]byte("ok")), 2, blob.PutOptions{}); err != nil {
		t.Fatalf("Put after the crashes: %v", err)
	}
}

// crashWriter puts content-addressed objects of varied sizes until killed:
// one by one, and in batches (PutBatch, ordered and not) of small ones.
func crashWriter(root string) {
	st, err := blob.OpenDir(root)
	if err != nil {
		fmt.Println("WRITER FAILED", err)
		os.Exit(1)
	}
	object := func(size int, seed uint64) blob.BatchObject {
		data := blobtest.Data(size, seed)
		h := sha256.Sum256(data)
		sum := hex.EncodeToString(h[:])
		return blob.BatchObject{Key: blob.ContentKey("", sum), Body: bytes.NewReader(data), Size: int64(len(data)), Options: blob.PutOptions{SHA256: sum}}
	}
	seed := uint64(time.Now().UnixNano())
	for i := uint64(0); ; i++ {
		if i%2 == 0 {
			o := object(int(1+(seed+i)%(3<<20)), seed+i)
			_, err = st.Put(context.Background(), o.Key, o.Body, o.Size, o.Options)
		} else {
			var batch []blob.BatchObject
			for j := range 1 + (seed+i)%64 {
				batch = append(batch, object(int(1+(seed+i+j)%(64<<10)), seed+i<<8+j))
			}
			_, err = st.PutBatch(context.Background(), batch, i%4 == 1)
		}
		if err != nil {
			fmt.Println("WRITER FAILED", err)
			os.Exit(1)
		}
	}
}
