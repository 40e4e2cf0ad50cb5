package s3blob_test

import (
	"fmt"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/blob/s3blob"
)

// The default layout gives each purpose its own bucket, and keeps evidence
// under object-lock retention.
func ExampleDefaultSetConfig() {
	conn := s3blob.Connection{Endpoint: "s3.example.internal:9000", AccessKey: "icss", SecretKey: "from-a-secret-file"}
	cfg := s3blob.DefaultSetConfig(conn, "prr-icss-")
	for _, p := range blob.Purposes() {
		st := cfg.Stores[p]
		if st.Retention != nil {
			fmt.Printf("%-10s %s (%s, %d days)\n", p, st.Bucket, st.Retention.Mode, int(st.Retention.Period.Hours()/24))
			continue
		}
		fmt.Printf("%-10s %s\n", p, st.Bucket)
	}
	fmt.Println(cfg.Validate())
	fmt.Println(conn) // never shows the secret
	// Output:
	// raw        prr-icss-raw
	// records    prr-icss-records
	// exam-lists prr-icss-exam-lists
	// evidence   prr-icss-evidence (GOVERNANCE, 2190 days)
	// results    prr-icss-results
	// <nil>
	// https://s3.example.internal:9000 (access key icss)
}

// The bucket policy that lets the partner agency read the results and
// nothing else.
func ExampleReadOnlyPolicy() {
	pol, _ := s3blob.ReadOnlyPolicy("prr-icss-results", "", "cbp-agency")
	fmt.Println(pol)
	// Output:
	// {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["cbp-agency"]},"Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::prr-icss-results"]},{"Effect":"Allow","Principal":{"AWS":["cbp-agency"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::prr-icss-results/*"]}]}
}
