// Package harmonizedtest holds test helpers for code built on package harmonized: the
// contract suite every harmonized.VersionStore must pass (the in-memory Ledger does; a
// database ledger should too).
package harmonizedtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/icss/icss/transforms/harmonized"
)

// version builds a small valid filing of a bill.
func version(key string, ft harmonized.FilingType, filed time.Time, qty float64) *harmonized.Record {
	r := harmonized.New()
	r.Key = key
	r.Bill = harmonized.Bill{IssuerSCAC: "MAEU", Number: key[4:], Kind: harmonized.BillSimple}
	r.Filing = harmonized.Filing{Type: ft, FiledAt: &harmonized.DateTime{Time: filed, Precision: harmonized.PrecisionMinute, Raw: filed.Format(time.RFC3339)}}
	r.Provenance = harmonized.Provenance{File: "suite", Standard: harmonized.StandardCSV}
	if ft != harmonized.FilingDelete {
		r.Parties = []harmonized.Party{{Role: harmonized.RoleShipper, Name: "S"}, {Role: harmonized.RoleConsignee, Name: "C"}}
		r.Goods = []harmonized.GoodsItem{{Line: 1, Description: "TIRES", HSOriginal: "401120", HS: "401120", HS6: "401120", Quantity: qty}}
	}
	return r.Check()
}

// RunVersionStore runs the VersionStore contract against fresh stores from newStore:
// versions come back in the order they were appended, every version is kept, Apply
// numbers them, and the current view follows filing order whatever the arrival order.
func RunVersionStore(t *testing.T, newStore func(t *testing.T) harmonized.VersionStore) {
	t.Helper()
	day := func(d int) time.Time { return time.Date(2026, 11, d, 8, 0, 0, 0, time.UTC) }
	t.Run("EmptyHasNoVersions", func(t *testing.T) {
		s := newStore(t)
		vs, err := s.Versions("MAEUNONE")
		if err != nil || len(vs) != 0 {
			t.Fatalf("Versions of an unknown bill = %v, %v", vs, err)
		}
	})
	t.Run("KeepsEveryVersionInOrder", func(t *testing.T) {
		s := newStore(t)
		for i := 1; i <= 3; i++ {
			if _, err := harmonized.Apply(s, version("MAEUB1", harmonized.FilingAmend, day(i), float64(i))); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := harmonized.Apply(s, version("MAEUB2", harmonized.FilingOriginal, day(1), 9)); err != nil {
			t.Fatal(err)
		}
		vs, err := s.Versions("MAEUB1")
		if err != nil || len(vs) != 3 {
			t.Fatalf("versions = %d, %v", len(vs), err)
		}
		for i, v := range vs {
			if v.Filing.Version != i+1 || v.Goods[0].Quantity != float64(i+1) || v.Key != "MAEUB1" {
				t.Fatalf("version %d = %d, quantity %v", i+1, v.Filing.Version, v.Goods[0].Quantity)
			}
		}
	})
	t.Run("CurrentFollowsFilingOrder", func(t *testing.T) {
		s := newStore(t)
		// Received in this order: the original (filed the 1st), an amendment filed the
		// 3rd, then a late amendment filed the 2nd, which must not win.
		steps := []struct {
			ft  harmonized.FilingType
			day int
			qty float64
		}{{harmonized.FilingOriginal, 1, 1}, {harmonized.FilingAmend, 3, 3}, {harmonized.FilingAmend, 2, 2}}
		var cur *harmonized.Record
		for _, st := range steps {
			var err error
			if cur, err = harmonized.Apply(s, version("MAEUB3", st.ft, day(st.day), st.qty)); err != nil {
				t.Fatal(err)
			}
		}
		if cur == nil || cur.Goods[0].Quantity != 3 {
			t.Fatalf("current = %+v", cur)
		}
		cur, err := harmonized.Apply(s, version("MAEUB3", harmonized.FilingDelete, day(4), 0))
		if err != nil || cur != nil {
			t.Fatalf("after delete: %v, %v", cur, err)
		}
		vs, _ := s.Versions("MAEUB3")
		if harmonized.Current(vs) != nil || len(vs) != 4 {
			t.Fatalf("%d versions, current %v", len(vs), harmonized.Current(vs))
		}
	})
	t.Run("RoundTripsTheRecord", func(t *testing.T) {
		s := newStore(t)
		r := version("MAEUB4", harmonized.FilingOriginal, day(1), 5)
		r.Extra = map[string]string{"label": "1"}
		if _, err := harmonized.Apply(s, r); err != nil {
			t.Fatal(err)
		}
		vs, err := s.Versions("MAEUB4")
		if err != nil || len(vs) != 1 {
			t.Fatal(err)
		}
		want, got := string(r.AppendJSON(nil)), string(vs[0].AppendJSON(nil))
		if want != got {
			t.Fatalf("stored record differs:\n got %s\nwant %s", got, want)
		}
	})
	t.Run("ManyBills", func(t *testing.T) {
		s := newStore(t)
		for i := 0; i < 200; i++ {
			if _, err := harmonized.Apply(s, version(fmt.Sprintf("MAEUM%04d", i), harmonized.FilingOriginal, day(1), 1)); err != nil {
				t.Fatal(err)
			}
		}
		if vs, _ := s.Versions("MAEUM0199"); len(vs) != 1 {
			t.Fatalf("bill 199 has %d versions", len(vs))
		}
	})
}
