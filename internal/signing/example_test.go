package signing_test

import (
	"crypto/ed25519"
	"fmt"

	"github.com/icss/icss/internal/signing"
)

func Example() {
	priv, _ := signing.Generate()
	pub := priv.Public().(ed25519.PublicKey)
	manifest := []byte(`{"seq":1,"files":[]}`)
	sig := signing.Sign(priv, manifest) // the content of manifest-1.json.sig
	fmt.Println(signing.Verify(pub, manifest, sig))
	fmt.Println(signing.Verify(pub, []byte(`{"seq":2,"files":[]}`), sig))
	// Output:
	// <nil>
	// signature does not verify
}
