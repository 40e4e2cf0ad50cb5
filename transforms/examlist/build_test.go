package examlist

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/risk"
)

// bill is a compact description of one record and its assessment for table tests.
type bill struct {
	key        string
	version    int
	delete     bool
	containers []string
	shipper    string
	port, day  string
	selected   bool
	path       string
	score      float64
	exams      []string
	reasons    []string
	referral   string
}

func (b bill) record() *harmonized.Record {
	rec := harmonized.New()
	rec.Key = b.key
	rec.Bill.IssuerSCAC, rec.Bill.Number = b.key[:4], b.key[4:]
	rec.Filing.Version = max(b.version, 1)
	if b.delete {
		rec.Filing.Type = harmonized.FilingDelete
	}
	rec.Conveyance = harmonized.Conveyance{Mode: harmonized.ModeOcean, VesselName: "MAERSK ESSEN", Voyage: "648E"}
	rec.Itinerary.PortOfArrival = &harmonized.Location{ScheduleD: "3001", FIRMS: "M029"}
	rec.Itinerary.Arrival = &harmonized.DateTime{Time: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), Precision: harmonized.PrecisionDate}
	rec.Parties = append(rec.Parties, harmonized.Party{Role: harmonized.RoleShipper, Name: b.shipper}, harmonized.Party{Role: harmonized.RoleConsignee, Name: "PRAIRIE LOGISTICS LLC"})
	for _, c := range b.containers {
		check := harmonized.CheckValid
		if harmonized.CheckContainer(c) != nil {
			check = harmonized.CheckInvalid
		}
		rec.Equipment = append(rec.Equipment, harmonized.Equipment{Number: c, Raw: c, Check: check, Status: harmonized.StatusFull,
			Seals: []harmonized.Seal{{Number: "SL" + c[4:], Raw: "SL" + c[4:]}}})
		rec.Goods = append(rec.Goods, harmonized.GoodsItem{Line: len(rec.Goods) + 1, HS6: "940360", Description: "WOODEN FURNITURE", OriginCountry: "VN", Containers: []string{c}})
	}
	return rec
}

// inputs returns the records and assessments JSON lines of bills, in order.
func inputs(t testing.TB, bills []bill) (assessments, records []byte) {
	t.Helper()
	var as, rs bytes.Buffer
	for i, b := range bills {
		rs.Write(b.record().AppendJSON(nil))
		rs.WriteByte('\n')
		a := risk.Assessment{Key: b.key, Index: int64(i), Score: b.score, Selected: b.selected, Path: b.path, Exams: b.exams,
			RuleSet: "icss-default@1.0.0", Port: cmpOr(b.port, "D:3001"), Day: cmpOr(b.day, "2026-12-05"), Referral: b.referral}
		if a.Exams == nil {
			a.Exams = []string{}
		}
		for j, r := range b.reasons {
			a.Reasons = append(a.Reasons, risk.Reason{Rule: "R", Contribution: float64(10 - j), Text: r})
		}
		if err := json.NewEncoder(&as).Encode(a); err != nil {
			t.Fatal(err)
		}
	}
	return as.Bytes(), rs.Bytes()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var issued = time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)

func build(t testing.TB, bills []bill, o BuildOptions) ([]List, error) {
	t.Helper()
	as, rs := inputs(t, bills)
	if o.IssuedAt.IsZero() {
		o.IssuedAt = issued
	}
	return Build(context.Background(), bytes.NewReader(as), bytes.NewReader(rs), o)
}

// A valid ISO 6346 number for each n.
func container(n int) string {
	s := "MSKU" + strings.Repeat("0", 6-len(itoa(n))) + itoa(n)
	return s + string(harmonized.ContainerCheckDigit(s))
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestBuildOneRowPerContainer(t *testing.T) {
	c1, c2, c3, c4 := container(1), container(2), container(3), container(4)
	bills := []bill{
		{key: "MAEUB1", containers: []string{c1, c2}, shipper: "ACME", selected: true, path: "rule", score: 50, exams: []string{"nii_xray"}, reasons: []string{"seal missing"}},
		{key: "MAEUB2", containers: []string{c2}, shipper: "OTHER CO", selected: true, path: "hits", score: 30, exams: []string{"wood_packaging", "devanning"}, reasons: []string{"wood packaging prone", "seal missing"}},
		{key: "MAEUB3", containers: []string{c3}, selected: false, score: 90},
		{key: "MAEUB4", containers: []string{c4}, selected: true, path: "referral", score: 5, referral: "partner CBP-NTC: R12"},
		{key: "MAEUB5", containers: []string{"MSKU0000000"}, selected: true, path: "random", score: 45},
	}
	lists, err := build(t, bills, BuildOptions{Port: "CAPRR"})
	if err != nil {
		t.Fatal(err)
	}
	if len(lists) != 1 {
		t.Fatalf("%d lists", len(lists))
	}
	l := lists[0]
	if l.Meta.ListID != "CAPRR-20261205" || l.Meta.Port != "CAPRR" || l.Meta.Rows != 4 || !l.Meta.Daily {
		t.Fatalf("meta %+v", l.Meta)
	}
	var got []string
	for _, e := range l.Entries {
		got = append(got, e.ExamID+" "+e.Container)
	}
	// Referral first, then score (50 twice: by container), then container.
	want := []string{"CAPRR-20261205-0001 " + c4, "CAPRR-20261205-0002 " + c1, "CAPRR-20261205-0003 " + c2, "CAPRR-20261205-0004 MSKU0000000"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows\n got %q\nwant %q", got, want)
	}
	shared := l.Entries[2]
	if len(shared.Bills) != 2 || shared.Bills[0].Key != "MAEUB1" || shared.Bills[1].Key != "MAEUB2" {
		t.Errorf("bills of the shared container: %+v", shared.Bills)
	}
	if !reflect.DeepEqual(shared.Exams, []string{"nii_xray", "devanning", "wood_packaging"}) {
		t.Errorf("exams %v", shared.Exams)
	}
	if !reflect.DeepEqual(shared.Selection.Reasons, []string{"seal missing", "wood packaging prone"}) {
		t.Errorf("reasons %v", shared.Selection.Reasons)
	}
	if shared.Selection.Path != "rule" || shared.Selection.Score != 50 || shared.Priority != 2 || shared.Shipper != "ACME; OTHER CO" {
		t.Errorf("selection %+v priority %d shipper %q", shared.Selection, shared.Priority, shared.Shipper)
	}
	if !reflect.DeepEqual(shared.Selection.Assessments, []string{"MAEUB1#0", "MAEUB2#1"}) {
		t.Errorf("assessments %v", shared.Selection.Assessments)
	}
	ref := l.Entries[0]
	if ref.Priority != 1 || ref.Selection.Referral != "partner CBP-NTC: R12" || !reflect.DeepEqual(ref.Exams, defaultExams) {
		t.Errorf("referral row %+v", ref)
	}
	if l.Entries[3].ContainerValid || !l.Entries[2].ContainerValid {
		t.Error("check digits")
	}
	if l.Meta.ByPath["referral"] != 1 || l.Meta.ByPath["rule"] != 2 || l.Meta.ByPath["random"] != 1 || l.Meta.ByExam["nii_xray"] != 4 {
		t.Errorf("counts %v %v", l.Meta.ByPath, l.Meta.ByExam)
	}

	again, err := build(t, bills, BuildOptions{Port: "CAPRR"})
	if err != nil || !reflect.DeepEqual(again, lists) {
		t.Errorf("a second build differs (%v)", err)
	}
}

func TestBuildGroupsAndVersions(t *testing.T) {
	c := container
	tests := []struct {
		name  string
		bills []bill
		opts  BuildOptions
		want  map[string][]string // list ID -> containers
		err   string
	}{
		{
			name: "ports and days",
			bills: []bill{
				{key: "MAEUA1", containers: []string{c(1)}, selected: true, path: "rule", port: "CAVAN"},
				{key: "MAEUA2", containers: []string{c(2)}, selected: true, path: "rule"},
				{key: "MAEUA3", containers: []string{c(3)}, selected: true, path: "rule", day: "2026-12-06"},
			},
			opts: BuildOptions{Port: "CAPRR"},
			want: map[string][]string{"CAVAN-20261205": {c(1)}, "CAPRR-20261205": {c(2)}, "CAPRR-20261206": {c(3)}},
		},
		{
			name: "one day",
			bills: []bill{
				{key: "MAEUA2", containers: []string{c(2)}, selected: true, path: "rule"},
				{key: "MAEUA3", containers: []string{c(3)}, selected: true, path: "rule", day: "2026-12-06"},
			},
			opts: BuildOptions{Port: "CAPRR", Day: "2026-12-06"},
			want: map[string][]string{"CAPRR-20261206": {c(3)}},
		},
		{
			name: "cut-off",
			bills: []bill{
				{key: "MAEUA2", containers: []string{c(2)}, selected: true, path: "rule"},
				{key: "MAEUA3", containers: []string{c(3)}, selected: true, path: "rule", day: "2026-12-06"},
			},
			opts: BuildOptions{Port: "CAPRR", Cutoff: time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC)},
			want: map[string][]string{"CAPRR-20261205-0600": {c(2), c(3)}},
		},
		{
			name: "a later version replaces, a delete removes",
			bills: []bill{
				{key: "MAEUV1", version: 1, containers: []string{c(1)}, selected: true, path: "rule"},
				{key: "MAEUV1", version: 2, containers: []string{c(2)}, selected: false},
				{key: "MAEUV2", version: 1, containers: []string{c(3)}, selected: true, path: "rule"},
				{key: "MAEUV2", version: 2, containers: []string{c(4)}, selected: true, path: "rule"},
				{key: "MAEUV3", version: 1, containers: []string{c(5)}, selected: true, path: "rule"},
				{key: "MAEUV3", version: 2, delete: true, containers: []string{c(5)}, selected: true, path: "rule"},
			},
			opts: BuildOptions{Port: "CAPRR"},
			want: map[string][]string{"CAPRR-20261205": {c(4)}},
		},
		{
			name:  "no port of examination",
			bills: []bill{{key: "MAEUA1", containers: []string{c(1)}, selected: true, path: "rule"}},
			err:   `bill MAEUA1: port "D:3001" is not a UN/LOCODE`,
		},
		{
			name:  "bad port option",
			bills: []bill{{key: "MAEUA1", containers: []string{c(1)}, selected: true, path: "rule"}},
			opts:  BuildOptions{Port: "Prince Rupert"},
			err:   `Port "Prince Rupert" is not a UN/LOCODE`,
		},
		{
			name:  "bad day option",
			bills: []bill{{key: "MAEUA1", containers: []string{c(1)}, selected: true, path: "rule"}},
			opts:  BuildOptions{Day: "5.12.2026"},
			err:   `Day "5.12.2026" is not a date`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lists, err := build(t, tt.bills, tt.opts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, l := range lists {
				for _, e := range l.Entries {
					got[l.Meta.ListID] = append(got[l.Meta.ListID], e.Container)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBuildBadInput(t *testing.T) {
	bills := []bill{{key: "MAEUA1", containers: []string{container(1)}, selected: true, path: "rule"}}
	as, rs := inputs(t, bills)
	for _, tt := range []struct {
		name       string
		as, rs     string
		wantSubstr string
	}{
		{"index past the records", strings.Replace(string(as), `"index":0`, `"index":7`, 1), string(rs), "names record index 7; the records have 1 lines"},
		{"key differs", strings.Replace(string(as), `"key":"MAEUA1"`, `"key":"MAEUZZ"`, 1), string(rs), "line 1: the assessment of index 0 is for bill MAEUZZ, the record is bill MAEUA1"},
		{"assessment not JSON", "{\"selected\":true,\n", string(rs), "assessments: line 1:"},
		{"record not JSON", string(as), "{\"key\":\"MAEUA1\",\n", "records: line 1:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(context.Background(), strings.NewReader(tt.as), strings.NewReader(tt.rs), BuildOptions{Port: "CAPRR"})
			if err == nil || !strings.Contains(err.Error(), tt.wantSubstr) {
				t.Fatalf("error %v, want %q", err, tt.wantSubstr)
			}
		})
	}
}

func TestBuildExamIDsValid(t *testing.T) {
	lists, err := build(t, []bill{{key: "MAEUA1", containers: []string{container(1)}, selected: true, path: "rule"}}, BuildOptions{Port: "CAPRR"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range lists[0].Entries {
		if !exam.ValidExamID(e.ExamID) {
			t.Errorf("%s is not a valid exam ID", e.ExamID)
		}
	}
}

func equalJSON(t testing.TB, a, b any) bool {
	t.Helper()
	x, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}
