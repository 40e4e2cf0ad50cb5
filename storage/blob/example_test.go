package blob_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/icss/icss/storage/blob"
)

// A raw carrier file is kept under its content's address, so storing the same
// bytes again is noticed instead of duplicated.
func Example() {
	root, _ := os.MkdirTemp("", "blobs")
	defer os.RemoveAll(root)
	st, err := blob.OpenDir(root)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	ctx := context.Background()
	content := "ISA*00*          *00*          *ZZ*ACME...~"
	h := sha256.Sum256([]byte(content))
	sum := hex.EncodeToString(h[:])
	key := blob.ContentKey("", sum)

	info, err := st.Put(ctx, key, strings.NewReader(content), int64(len(content)), blob.PutOptions{
		SHA256:   sum,
		Metadata: map[string]string{"endpoint": "acme-rail", "remote-name": "IN309_0001.edi"},
	})
	fmt.Println(info.Key == key, info.Size, info.Metadata["remote-name"], err)

	_, err = st.Put(ctx, key, strings.NewReader(content), int64(len(content)), blob.PutOptions{SHA256: sum})
	fmt.Println(errors.Is(err, blob.ErrExists))

	rc, _, _ := st.Get(ctx, key)
	b, _ := io.ReadAll(rc)
	rc.Close()
	fmt.Println(string(b) == content)
	// Output:
	// true 43 IN309_0001.edi <nil>
	// true
	// true
}

func ExampleContentKey() {
	fmt.Println(blob.ContentKey("evidence/", "AB12cd"))
	// Output: evidence/sha256/ab/ab12cd
}
