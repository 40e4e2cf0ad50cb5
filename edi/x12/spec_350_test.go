package x12

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/internal/testkit/golden"
)

// A minimal valid 350 hold notice: the manifest echoed, the port, one container of one
// bill with its disposition and a remark.
var base350 = []string{
	"M10*MAEU*O*DK*9283186*MAERSK KOWLOON*320N**1*W",
	"P4*0809*20261204",
	"X4*MAEU123456*1*61*123456789*20261204*1200*1H**MAEU**MSKU*7351770*3604",
	"K1*HELD FOR CBSA EXAMINATION",
}

// TestStructure350 checks the 350 specs of both release families with valid and broken
// sets, asserting every finding: code, segment, position, loop, element, reference and
// the copy of the bad data.
func TestStructure350(t *testing.T) {
	t.Parallel()
	x4 := func(elems string) []string { return with(base350[:2], "X4*"+elems) }
	tests := []struct {
		name    string
		version string
		body    []string
		want    []finding
	}{
		{"Valid4010", "004010", base350, nil},
		{"Valid5010", "005010", base350, nil},
		{"ValidRelease", "004010", with(base350[:2], "X4*MAEU123456****20261205*0930*1R**MAEU**MSKU*7351770", "K1*RELEASED*EXAMINED NO FINDING"), nil},
		{"ValidSeveralContainersAndPorts", "004010", with(base350, "X4*MAEU123456****20261204**1H**MAEU**TGHU*1234567", "N7*TGHU*1234567", "P4*3604*20261206", "X4*MAEU999*1"), nil},
		{"ValidReferences", "004010", with(base350[:2], "V9*EAA", "K1*NOTE", "N9*BM*MAEU123456", "K1*REMARK", base350[2]), nil},
		{"ValidExport", "004010", []string{"BA1*N*O", "X4*MAEU123456"}, nil},
		{"ValidNoManifestHeader", "004010", base350[1:], nil},
		{"LateVehicleAndConveyance5010", "005010", with(base350[:2], "VEH*1", "NM1*CA*2*CARRIER", "VID*CN*MSKU*7351770", "M7*SEAL1", "M7A*OLD*NEW", base350[2]), nil},
		{"LongBill5010", "005010", x4("CCN1234567890123456789012*1"), nil},
		{"AK4_5_LongBill4010", "004010", x4("CCN1234567890123456789012*1"),
			[]finding{{Code: "AK3:8", Seg: "X4", Index: 4, Loop: "X4"}, {Code: "AK4:5", Seg: "X4", Index: 4, Loop: "X4", Elem: 1, Ref: 598, Value: "CCN1234567890123456789012"}}},
		{"AK3_6_VIDIs4030On", "004010", with(base350[:2], "VID*CN*MSKU*7351770", base350[2]),
			[]finding{{Code: "AK3:6", Seg: "VID", Index: 4, Loop: "P4"}}},
		{"AK4_1_BillMissing", "004010", x4("*1"),
			[]finding{{Code: "AK3:8", Seg: "X4", Index: 4, Loop: "X4"}, {Code: "AK4:1", Seg: "X4", Index: 4, Loop: "X4", Elem: 1, Ref: 598}}},
		{"AK4_2_TimeWithoutDate", "004010", x4("MAEU123456*****1200"),
			[]finding{{Code: "AK3:8", Seg: "X4", Index: 4, Loop: "X4"}, {Code: "AK4:2", Seg: "X4", Index: 4, Loop: "X4", Elem: 5, Ref: 373}}},
		{"AK4_2_EquipmentInitialWithoutNumber", "004010", x4("MAEU123456**********MSKU"),
			[]finding{{Code: "AK3:8", Seg: "X4", Index: 4, Loop: "X4"}, {Code: "AK4:2", Seg: "X4", Index: 4, Loop: "X4", Elem: 12, Ref: 207}}},
		{"AK4_2_HouseSCACWithoutHouseBill", "004010", x4("MAEU123456*********NVOC"),
			[]finding{{Code: "AK3:8", Seg: "X4", Index: 4, Loop: "X4"}, {Code: "AK4:2", Seg: "X4", Index: 4, Loop: "X4", Elem: 8, Ref: 598}}},
		{"AK4_5_DispositionTooLong", "004010", x4("MAEU123456******HOLD"),
			[]finding{{Code: "AK3:8", Seg: "X4", Index: 4, Loop: "X4"}, {Code: "AK4:5", Seg: "X4", Index: 4, Loop: "X4", Elem: 7, Value: "HOLD"}}},
		{"AK4_8_InvalidDate", "004010", x4("MAEU123456****20261340"),
			[]finding{{Code: "AK3:8", Seg: "X4", Index: 4, Loop: "X4"}, {Code: "AK4:8", Seg: "X4", Index: 4, Loop: "X4", Elem: 5, Ref: 373, Value: "20261340"}}},
		{"AK4_3_TooManyElements", "004010", x4("MAEU123456*************FIRMS*EXTRA"),
			[]finding{{Code: "AK3:8", Seg: "X4", Index: 4, Loop: "X4"}, {Code: "AK4:3", Seg: "X4", Index: 4, Loop: "X4", Elem: 15, Value: "EXTRA"}}},
		{"AK3_6_SegmentNotInSet", "004010", with(base350, "M11*BILL1*35177*1*PKG*100*K***00***SCAC"),
			[]finding{{Code: "AK3:6", Seg: "M11", Index: 6, Loop: "X4"}}},
		{"AK3_5_TooManyRemarks", "004010", with(base350, strings.Split(strings.Repeat("K1*MORE~", 10), "~")[:10]...),
			[]finding{{Code: "AK3:5", Seg: "K1", Index: 15, Loop: "X4"}}},
		{"AK3_7_RemarkBeforeReferenceAfterRelease", "004010", with(base350, "N9*BM*MAEU123456"),
			[]finding{{Code: "AK3:7", Seg: "N9", Index: 6, Loop: "X4"}}},
		{"AK3_2_ReleaseBeforePort", "004010", with(base350[:1], base350[2:]...),
			[]finding{{Code: "AK3:2", Seg: "X4", Index: 3}, {Code: "AK3:2", Seg: "K1", Index: 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			errs, _ := structureFindings(t, NewStructureChecker(), interchange(tt.version, "350", tt.body))
			if !reflect.DeepEqual(errs, tt.want) {
				t.Errorf("findings\n got %v\nwant %v", errs, tt.want)
			}
		})
	}
}

func TestSpecSelection350(t *testing.T) {
	t.Parallel()
	c := NewStructureChecker()
	for _, tt := range []struct {
		version string
		want    *SetSpec
	}{{"004010", spec350v4010}, {"004020", spec350v4010}, {"004030", spec350v4030}, {"005010", spec350v4030}, {"", spec350v4010}, {"003040", nil}} {
		c.Begin(NewSegment(DefaultDelimiters, "ST", "350", "0001"), tt.version)
		if got := c.Spec(); got != tt.want {
			t.Errorf("350 in %q: spec %v, want %v", tt.version, specName(got), specName(tt.want))
		}
		c.End(nil, func(*SyntaxError) {})
	}
}

// TestGolden350 inspects the hand-written 350 interchanges under testdata/350 (a hold
// and a release in 4010, a 5010 notice to a terminal, and broken ones) and compares the
// reports with testdata/golden/350/<name>.json (go test -run Golden350 -update).
// Each file's first line says whether it must be valid.
func TestGolden350(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "350", "*.x12"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no 350 test files: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".x12")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Inspect(strings.NewReader(string(data)), name+".x12", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if wantValid := strings.HasPrefix(name, "valid_"); rep.Valid() != wantValid {
				t.Errorf("Valid() = %v, want %v; issues %v", rep.Valid(), wantValid, allIssues(rep))
			}
			got, err := json.MarshalIndent(rep, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, filepath.Join("testdata", "golden", "350", name+".json"), append(got, '\n'))
		})
	}
}

// allIssues lists every issue of a report, for failure messages.
func allIssues(rep *syntax.Report) []syntax.Issue {
	out := append([]syntax.Issue(nil), rep.Issues...)
	for _, ic := range rep.Interchanges {
		out = append(out, ic.Issues...)
		for _, g := range ic.Groups {
			out = append(out, g.Issues...)
			for _, s := range g.Sets {
				out = append(out, s.Issues...)
			}
		}
	}
	return out
}
