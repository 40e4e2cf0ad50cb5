package harmonizedtest_test

import (
	"testing"

	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/harmonized/harmonizedtest"
)

func TestLedgerPassesTheContract(t *testing.T) {
	harmonizedtest.RunVersionStore(t, func(*testing.T) harmonized.VersionStore { return harmonized.NewLedger() })
}
