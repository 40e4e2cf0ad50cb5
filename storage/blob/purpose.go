package blob

import "fmt"

// Purpose names one of the separate stores icss keeps, each with its own
// bucket (or prefix) so that access can be granted per purpose: port staff
// read exam lists, the partner agency reads results and nothing else.
type Purpose string

// The purposes, in pipeline order.
const (
	Raw       Purpose = "raw"        // carrier files exactly as received, content-addressed
	Records   Purpose = "records"    // harmonized shipment records
	ExamLists Purpose = "exam-lists" // xlsx exam lists for port staff
	Evidence  Purpose = "evidence"   // exam images and reports, content-addressed, retained
	Results   Purpose = "results"    // result files the partner agency reads
)

// Purposes lists every purpose.
func Purposes() []Purpose { return []Purpose{Raw, Records, ExamLists, Evidence, Results} }

// ContentAddressed reports whether objects of this purpose are stored under
// ContentKey, so that the same bytes are kept once.
func (p Purpose) ContentAddressed() bool { return p == Raw || p == Evidence }

// Validate reports an unknown purpose.
func (p Purpose) Validate() error {
	for _, q := range Purposes() {
		if p == q {
			return nil
		}
	}
	return fmt.Errorf("unknown blob purpose %q (want one of %v)", string(p), Purposes())
}

// Set holds one Store per purpose.
type Set map[Purpose]Store

// Get returns the store of p, or an error naming the missing purpose.
func (s Set) Get(p Purpose) (Store, error) {
	st, ok := s[p]
	if !ok || st == nil {
		return nil, fmt.Errorf("no blob store configured for purpose %q", string(p))
	}
	return st, nil
}
