package harmonized

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func version(ft FilingType, at string, seq int64, mutate func(r *Record)) *Record {
	r := fullRecord()
	r.Flags = nil
	r.Filing = Filing{Type: ft, Sequence: seq}
	if at != "" {
		t, _ := time.Parse(time.RFC3339, at)
		r.Filing.FiledAt = &DateTime{Time: t, Precision: PrecisionMinute, Raw: at}
	}
	if mutate != nil {
		mutate(r)
	}
	return r.Check()
}

func flagCodes(r *Record) string {
	var c []string
	for _, f := range r.Flags {
		c = append(c, f.Code)
	}
	return strings.Join(c, ",")
}

func TestLedgerAppliesInFilingOrder(t *testing.T) {
	t.Parallel()
	l := NewLedger()
	orig := version(FilingOriginal, "2026-11-01T08:00:00Z", 1, nil)
	cur, err := l.Apply(orig)
	if err != nil || cur == nil || orig.Filing.Version != 1 {
		t.Fatalf("original: %v, %v, version %d", cur, err, orig.Filing.Version)
	}
	// A full amendment replaces the goods.
	amend := version(FilingAmend, "2026-11-02T08:00:00Z", 2, func(r *Record) { r.Goods[0].Quantity = 400 })
	cur, _ = l.Apply(amend)
	if cur.Goods[0].Quantity != 400 || cur.Filing.Type != FilingAmend || amend.Filing.Version != 2 {
		t.Fatalf("after amend: quantity %v, filing %+v", cur.Goods[0].Quantity, cur.Filing)
	}
	// An amendment filed earlier but received later is replayed in its place: the later
	// amendment still wins.
	late := version(FilingAmend, "2026-11-01T12:00:00Z", 3, func(r *Record) { r.Goods[0].Quantity = 395 })
	cur, _ = l.Apply(late)
	if cur.Goods[0].Quantity != 400 || late.Filing.Version != 3 {
		t.Fatalf("late amendment changed the current view: quantity %v", cur.Goods[0].Quantity)
	}
	// A partial amendment (only the equipment) keeps parties and goods.
	partial := version(FilingAmend, "2026-11-03T08:00:00Z", 4, func(r *Record) {
		r.Parties, r.Goods = nil, nil
		r.Equipment[0].Seals = []Seal{{Number: "NEW123", Raw: "NEW123"}}
	})
	if !strings.Contains(flagCodes(partial), FlagPartyMissing) {
		t.Fatalf("the partial version itself should be flagged for its missing parties: %s", flagCodes(partial))
	}
	cur, _ = l.Apply(partial)
	if len(cur.Parties) != 2 || cur.Goods[0].Quantity != 400 || cur.Equipment[0].Seals[0].Number != "NEW123" {
		t.Fatalf("partial amendment: %d parties, goods %+v, seals %+v", len(cur.Parties), cur.Goods, cur.Equipment[0].Seals)
	}
	if strings.Contains(flagCodes(cur), FlagPartyMissing) || strings.Contains(flagCodes(cur), FlagNoGoods) {
		t.Fatalf("current view keeps flags that no longer hold: %s", flagCodes(cur))
	}
	// Delete, then file again.
	if cur, _ = l.Apply(version(FilingDelete, "2026-11-04T08:00:00Z", 5, nil)); cur != nil {
		t.Fatalf("after delete the current view is %v", cur.Key)
	}
	if l.Current(orig.Key) != nil {
		t.Fatal("Current after delete is not nil")
	}
	cur, _ = l.Apply(version(FilingOriginal, "2026-11-05T08:00:00Z", 6, nil))
	if cur == nil || !strings.Contains(flagCodes(cur), FlagFilingAfterDelete) {
		t.Fatalf("re-filing after delete: %v", cur)
	}
	if n := len(l.History(orig.Key)); n != 6 {
		t.Fatalf("history has %d versions, want 6", n)
	}
	for i, v := range l.History(orig.Key) {
		if v.Filing.Version != i+1 {
			t.Errorf("version %d numbered %d", i+1, v.Filing.Version)
		}
	}
	if keys := l.Keys(); len(keys) != 1 || keys[0] != orig.Key {
		t.Fatalf("keys = %v", keys)
	}
}

func TestCurrentDoesNotChangeVersions(t *testing.T) {
	t.Parallel()
	a := version(FilingOriginal, "", 1, nil)
	b := version(FilingAmend, "", 2, func(r *Record) { r.Parties = nil })
	before, _ := json.Marshal([]*Record{a, b})
	cur := Current([]*Record{b, a}) // any order
	cur.Parties[0].Name = "CHANGED"
	cur.Flags = append(cur.Flags, Flag{Code: "x", Message: "y"})
	after, _ := json.Marshal([]*Record{a, b})
	if string(before) != string(after) {
		t.Fatal("deriving the current view changed a version")
	}
}

func TestCurrentOrderFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		versions []*Record
		want     string
		deleted  bool
	}{
		{"AmendWithoutOriginal", []*Record{version(FilingAmend, "", 1, nil)}, FlagAmendWithoutOriginal, false},
		{"DuplicateOriginal", []*Record{version(FilingOriginal, "", 1, nil), version(FilingOriginal, "", 2, nil)}, FlagDuplicateOriginal, false},
		{"DeleteOnly", []*Record{version(FilingDelete, "", 1, nil)}, "", true},
		{"Empty", nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cur := Current(tt.versions)
			if tt.deleted {
				if cur != nil {
					t.Fatalf("want no current view, got %s", cur.Key)
				}
				return
			}
			if !strings.Contains(flagCodes(cur), tt.want) {
				t.Fatalf("flags %s lack %s", flagCodes(cur), tt.want)
			}
		})
	}
}

func TestApplyWithoutKey(t *testing.T) {
	t.Parallel()
	r := New()
	if _, err := NewLedger().Apply(r); !errors.Is(err, ErrNoKey) {
		t.Fatalf("err = %v", err)
	}
}

func TestFilingOrderFallsBackToSequence(t *testing.T) {
	t.Parallel()
	a := version(FilingOriginal, "2026-11-01T08:00:00Z", 2, nil)
	b := version(FilingAmend, "", 1, nil)
	if !FilingOrder(b, a) {
		t.Fatal("without both dates the sequence decides")
	}
	c := version(FilingAmend, "2026-10-01T08:00:00Z", 3, nil)
	if !FilingOrder(c, a) {
		t.Fatal("with both dates the date decides")
	}
}

func TestAttachEvent(t *testing.T) {
	t.Parallel()
	r := fullRecord()
	r.Events = nil
	at := func(s string) *DateTime {
		tm, _ := time.Parse(time.RFC3339, s)
		return &DateTime{Time: tm, Precision: PrecisionMinute, Raw: s}
	}
	byContainer := &Event{Kind: EventRampIn, Container: "HASU5044950", At: at("2023-06-22T10:00:00Z"), Provenance: Provenance{File: "a", SetControl: "1"}}
	byBill := &Event{Kind: EventDischarge, Bill: r.Bill.Number, At: at("2023-06-21T10:00:00Z"), Provenance: Provenance{File: "b", SetControl: "2"}}
	other := &Event{Kind: EventDischarge, Bill: "NOPE", Container: "MSKU7351770", Provenance: Provenance{File: "c"}}
	if !AttachEvent(r, byContainer) || !AttachEvent(r, byBill) || AttachEvent(r, other) {
		t.Fatal("matching is wrong")
	}
	AttachEvent(r, byContainer) // twice: kept once
	if len(r.Events) != 2 || r.Events[0].Kind != EventDischarge {
		t.Fatalf("events = %+v", r.Events)
	}
}

func TestLinkHouses(t *testing.T) {
	t.Parallel()
	master := version(FilingOriginal, "", 1, func(r *Record) {
		r.Key, r.Bill.Kind, r.Bill.MasterKey, r.Bill.HouseKeys = "MAEUM1", BillSimple, "", nil
	})
	h2 := version(FilingOriginal, "", 2, func(r *Record) { r.Key, r.Bill.MasterKey = "ABCDH2", "MAEUM1" })
	h1 := version(FilingOriginal, "", 3, func(r *Record) { r.Key, r.Bill.MasterKey = "ABCDH1", "MAEUM1" })
	orphan := version(FilingOriginal, "", 4, func(r *Record) { r.Key, r.Bill.MasterKey = "ABCDH3", "NOPE" })
	cur := map[string]*Record{master.Key: master, h1.Key: h1, h2.Key: h2, orphan.Key: orphan}
	LinkHouses(cur)
	if master.Bill.Kind != BillMaster || strings.Join(master.Bill.HouseKeys, ",") != "ABCDH1,ABCDH2" {
		t.Fatalf("master = %+v", master.Bill)
	}
	LinkHouses(cur)
	if len(master.Bill.HouseKeys) != 2 {
		t.Fatalf("linking twice duplicated keys: %v", master.Bill.HouseKeys)
	}
}
