package x12

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12/x12gen"
)

// finding is what a test asserts of a structure SyntaxError.
type finding struct {
	Code       string // "" for a warning
	Seg        string
	Index      int
	Loop       string
	Elem, Comp int
	Ref        int
	Value      string
}

func (f finding) String() string {
	return fmt.Sprintf("{%s %s #%d loop=%s %d.%d ref=%d %q}", f.Code, f.Seg, f.Index, f.Loop, f.Elem, f.Comp, f.Ref, f.Value)
}

// interchange wraps set bodies (segments without terminators, ST and SE excluded) in
// an envelope of the given GS08 version, with correct counts and control numbers.
func interchange(version, setID string, bodies ...[]string) string {
	isaVer, rep := "00401", "U"
	if version >= "005010" {
		isaVer, rep = "00501", "^"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261127*1200*%s*%s*000000001*0*P*>~\n", rep, isaVer)
	fmt.Fprintf(&b, "GS*XX*SENDER*RECEIVER*20261127*1200*1*X*%s~\n", version)
	for i, body := range bodies {
		fmt.Fprintf(&b, "ST*%s*%04d~\n", setID, i+1)
		for _, s := range body {
			b.WriteString(s + "~\n")
		}
		fmt.Fprintf(&b, "SE*%d*%04d~\n", len(body)+2, i+1)
	}
	fmt.Fprintf(&b, "GE*%d*1~\nIEA*1*000000001~\n", len(bodies))
	return b.String()
}

// structureFindings validates in with checker and returns the structure findings of
// every set (those with a SetIndex), errors and warnings apart.
func structureFindings(t *testing.T, checker SetChecker, in string) (errs, warns []finding) {
	t.Helper()
	v := &Validator{Structure: checker}
	v.OnInterchange = func(ic *Interchange) {
		for _, g := range ic.Groups {
			for _, s := range g.Sets {
				for _, e := range s.Errors {
					if e.SetIndex == 0 {
						continue // envelope findings
					}
					f := finding{Code: e.Code, Seg: e.SegmentID, Index: e.SetIndex, Loop: e.Loop, Elem: e.Element, Comp: e.Component, Ref: e.ElementRef, Value: e.Value}
					if e.Severity == syntax.Warning {
						warns = append(warns, f)
					} else {
						errs = append(errs, f)
					}
				}
			}
		}
	}
	outside, err := v.Validate(NewReader(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range outside { // a bare set's findings
		if e.SetIndex != 0 {
			f := finding{Code: e.Code, Seg: e.SegmentID, Index: e.SetIndex, Loop: e.Loop, Elem: e.Element, Comp: e.Component, Ref: e.ElementRef, Value: e.Value}
			if e.Severity == syntax.Warning {
				warns = append(warns, f)
			} else {
				errs = append(errs, f)
			}
		}
	}
	return errs, warns
}

// A minimal valid 4010 309: heading, one port, one bill.
var base309 = []string{
	"M10*SCAC*O*SG*9283186*VESSEL*320N*REF*1*W",
	"P4*1803*20230620*1*M029",
	"LX*1",
	"M11*BILL1*35177*1*PKG*100*K***00***SCAC",
}

func with(base []string, extra ...string) []string {
	return append(append([]string(nil), base...), extra...)
}

// TestStructureCodes provokes each AK3 and AK4 code with a minimal set and asserts the
// findings exactly: code, segment, position in the set, loop, element and the copy of
// the bad data.
func TestStructureCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		version string
		set     string
		body    []string
		want    []finding
	}{
		{"Valid309", "004010", "309", base309, nil},
		{"AK3_1_UnrecognizedSegmentID", "004010", "309", with(base309, "ZZZ*1"),
			[]finding{{Code: "AK3:1", Seg: "ZZZ", Index: 6, Loop: "LX"}}},
		{"AK3_1_MalformedTag", "004010", "309", with(base309, "n1*SH*X"),
			[]finding{{Code: "AK3:1", Seg: "n1", Index: 6, Loop: "LX"}}},
		{"AK3_6_SegmentNotInSet", "004010", "309", with(base309, "BEG*00*SA"),
			[]finding{{Code: "AK3:6", Seg: "BEG", Index: 6, Loop: "LX"}}},
		{"AK3_2_UnexpectedSegment", "004010", "309", with(base309, "H2*LOOSE TEXT"),
			[]finding{{Code: "AK3:2", Seg: "H2", Index: 6, Loop: "LX"}}},
		{"AK3_7_OutOfSequence", "004010", "309", with(base309, "N1*SH*SHIPPER", "M13*SCAC*1803*A*BILL1*****SCAC"),
			[]finding{{Code: "AK3:7", Seg: "M13", Index: 7, Loop: "N1"}}},
		{"AK3_3_MandatorySegmentMissing", "004010", "309", base309[1:],
			[]finding{{Code: "AK3:3", Seg: "M10", Index: 2}}},
		{"AK3_3_MandatoryLoopMissingAtEnd", "004010", "309", base309[:1],
			[]finding{{Code: "AK3:3", Seg: "P4", Index: 3, Loop: "P4"}}},
		{"AK3_4_LoopOverMax", "004010", "309", with(base309, "M12*61*123456789", "M12*62*123456780"),
			[]finding{{Code: "AK3:4", Seg: "M12", Index: 7, Loop: "M12"}}},
		{"AK3_5_SegmentOverMax", "004010", "309", with(base309, "N1*SH*SHIPPER", "N3*A", "N3*B", "N3*C"),
			[]finding{{Code: "AK3:5", Seg: "N3", Index: 9, Loop: "N1"}}},
		{"AK4_1_MandatoryElementMissing", "004010", "309", with(base309[:3], "M11**35177*1*PKG*100*K***00***SCAC"),
			[]finding{{Code: "AK3:8", Seg: "M11", Index: 5, Loop: "LX"}, {Code: "AK4:1", Seg: "M11", Index: 5, Loop: "LX", Elem: 1, Ref: 598}}},
		{"AK4_2_ConditionalMissing", "004010", "309", with(base309, "N1*SH"),
			[]finding{{Code: "AK3:8", Seg: "N1", Index: 6, Loop: "N1"}, {Code: "AK4:2", Seg: "N1", Index: 6, Loop: "N1", Elem: 2, Ref: 93}}},
		{"AK4_2_PairedMissing", "004010", "309", with(base309, "VID*CN*ABCU*1234567", "N10*1*GOODS***J"),
			[]finding{{Code: "AK3:8", Seg: "N10", Index: 7, Loop: "N10"}, {Code: "AK4:2", Seg: "N10", Index: 7, Loop: "N10", Elem: 4, Ref: 23}}},
		{"AK4_2_ConditionalNote", "004010", "315", []string{"B4***VA", "R4*L*UN*USMEM", "DTM*140*20221103**LT"},
			[]finding{{Code: "AK3:8", Seg: "DTM", Index: 4, Loop: "R4"}, {Code: "AK4:2", Seg: "DTM", Index: 4, Loop: "R4", Elem: 3, Ref: 337}}},
		{"AK4_3_TooManyElements", "004010", "309", with(base309[:2], "LX*1*2"),
			[]finding{{Code: "AK3:8", Seg: "LX", Index: 4, Loop: "LX"}, {Code: "AK4:3", Seg: "LX", Index: 4, Loop: "LX", Elem: 2, Value: "2"}}},
		{"AK4_4_TooShort", "004010", "309", with([]string{"M10*S*O*SG*9283186*VESSEL*320N*REF*1*W"}, base309[1:]...),
			[]finding{{Code: "AK3:8", Seg: "M10", Index: 2}, {Code: "AK4:4", Seg: "M10", Index: 2, Elem: 1, Ref: 140, Value: "S"}}},
		{"AK4_5_TooLong", "004010", "309", with(base309[:3], "M11*BILL123456789*35177*1*PKG*100*K***00***SCAC"),
			[]finding{{Code: "AK3:8", Seg: "M11", Index: 5, Loop: "LX"}, {Code: "AK4:5", Seg: "M11", Index: 5, Loop: "LX", Elem: 1, Ref: 598, Value: "BILL123456789"}}},
		{"AK4_5_NumberLengthIgnoresSignAndPoint", "004010", "309", with(base309[:3], "M11*BILL1*35177*-1234567890.12345*PKG*100*K***00***SCAC"),
			nil},
		{"AK4_6_InvalidCharacter", "004010", "309", with(base309, "N1*SH*JOE’S"),
			[]finding{{Code: "AK3:8", Seg: "N1", Index: 6, Loop: "N1"}, {Code: "AK4:6", Seg: "N1", Index: 6, Loop: "N1", Elem: 2, Ref: 93, Value: "JOE’S"}}},
		{"AK4_6_NotANumber", "004010", "309", with(base309[:2], "LX*1A"),
			[]finding{{Code: "AK3:8", Seg: "LX", Index: 4, Loop: "LX"}, {Code: "AK4:6", Seg: "LX", Index: 4, Loop: "LX", Elem: 1, Ref: 554, Value: "1A"}}},
		{"AK4_7_InvalidCode", "004010", "309", with([]string{"M10*SCAC*O*SG*9283186*VESSEL*320N*REF*1*Q"}, base309[1:]...),
			[]finding{{Code: "AK3:8", Seg: "M10", Index: 2}, {Code: "AK4:7", Seg: "M10", Index: 2, Elem: 9, Ref: 256, Value: "Q"}}},
		{"AK4_7_LoadEmpty", "004010", "309", with(base309, "VID*CN*ABCU*1234567*******X"),
			[]finding{{Code: "AK3:8", Seg: "VID", Index: 6, Loop: "VID"}, {Code: "AK4:7", Seg: "VID", Index: 6, Loop: "VID", Elem: 10, Ref: 322, Value: "X"}}},
		{"AK4_8_InvalidDate", "004010", "309", with(base309[:1], "P4*1803*20231340*1*M029", "LX*1"),
			[]finding{{Code: "AK3:8", Seg: "P4", Index: 3, Loop: "P4"}, {Code: "AK4:8", Seg: "P4", Index: 3, Loop: "P4", Elem: 2, Ref: 373, Value: "20231340"}}},
		{"AK4_9_InvalidTime", "004010", "309", with(base309[:1], "P4*1803*20231130*1*M029*2461", "LX*1"),
			[]finding{{Code: "AK3:8", Seg: "P4", Index: 3, Loop: "P4"}, {Code: "AK4:9", Seg: "P4", Index: 3, Loop: "P4", Elem: 5, Ref: 337, Value: "2461"}}},
		{"AK4_12_RepetitionInSimpleElement", "005010", "309", with(base309, "N1*SH*SHIPPER^2"),
			[]finding{{Code: "AK3:8", Seg: "N1", Index: 6, Loop: "N1"}, {Code: "AK4:12", Seg: "N1", Index: 6, Loop: "N1", Elem: 2, Ref: 93, Value: "SHIPPER^2"}}},
		{"AK4_13_ComponentInSimpleElement", "004010", "309", with(base309, "N1*SH*A>B"),
			[]finding{{Code: "AK3:8", Seg: "N1", Index: 6, Loop: "N1"}, {Code: "AK4:13", Seg: "N1", Index: 6, Loop: "N1", Elem: 2, Ref: 93, Value: "A>B"}}},
		{"AK4_13_TooManyComponents", "004010", "997", []string{"AK1*SO*1", "AK2*309*0001", "AK3*N1*6*N1*8", "AK4*2>1>3>9*93*6", "AK5*R*5", "AK9*R*1*1*0"},
			[]finding{{Code: "AK3:8", Seg: "AK4", Index: 5, Loop: "AK3"}, {Code: "AK4:13", Seg: "AK4", Index: 5, Loop: "AK3", Elem: 1, Comp: 4, Value: "9"}}},
		{"AK4_1_MandatoryComponentMissing", "004010", "997", []string{"AK1*SO*1", "AK2*309*0001", "AK3*N1*6*N1*8", "AK4*>1*93*6", "AK5*R*5", "AK9*R*1*1*0"},
			[]finding{{Code: "AK3:8", Seg: "AK4", Index: 5, Loop: "AK3"}, {Code: "AK4:1", Seg: "AK4", Index: 5, Loop: "AK3", Elem: 1, Comp: 1, Ref: 722}}},
		{"Valid997", "004010", "997", []string{"AK1*SO*1", "AK2*309*0001", "AK3*N1*6*N1*8", "AK4*2>1*93*6*JOE", "AK5*R*5", "AK9*R*1*1*0"}, nil},
		{"AK4_7_AckCode", "004010", "997", []string{"AK1*SO*1", "AK9*Q*1*1*0"},
			[]finding{{Code: "AK3:8", Seg: "AK9", Index: 3}, {Code: "AK4:7", Seg: "AK9", Index: 3, Elem: 1, Ref: 715, Value: "Q"}}},
		{"UnknownSetPasses", "004010", "810", []string{"ZZZ*anything", "BIG*x"}, nil},
		{"UnknownVersionPasses", "003040", "309", []string{"ZZZ*anything"}, nil},
		{"LaterRelease309Heading", "006010", "309", with(base309[:1], "N9*XC*CCN123", "NM1*CN*2*CONSIGNEE", "N3*1 MAIN ST", base309[1], base309[2],
			"M11*BILL12345678901234567*35177*1*PKG*100*K***00***SCAC"), nil},
		{"HeadingNM1Is4010OutOfPlace", "004010", "309", with(base309[:1], "NM1*CN*2*CONSIGNEE", base309[1], base309[2]),
			[]finding{{Code: "AK3:6", Seg: "NM1", Index: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			errs, _ := structureFindings(t, NewStructureChecker(), interchange(tt.version, tt.set, tt.body))
			if !reflect.DeepEqual(errs, tt.want) {
				t.Errorf("findings\n got %v\nwant %v", errs, tt.want)
			}
		})
	}
}

// TestStructureWarnings checks the tolerated departures: reported, never rejected.
func TestStructureWarnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body []string
		want []finding
	}{
		{"YYMMDDPaddedDate", with(base309[:1], "P4*1803*230620  *1*M029", "LX*1"),
			[]finding{{Seg: "P4", Index: 3, Loop: "P4", Elem: 2, Ref: 373, Value: "230620  "}}},
		{"YYMMDDDate", with(base309[:1], "P4*1803*230620*1*M029", "LX*1"),
			[]finding{{Seg: "P4", Index: 3, Loop: "P4", Elem: 2, Ref: 373, Value: "230620"}}},
		{"ExtraElementsInText", with(base309, "VID*CN*ABCU*1234567", "N10**SAID TO CONTAIN*MARKS*J*090111*100*K*10*R*PKG*BR*US*USD*STRAY TEXT"),
			[]finding{{Seg: "N10", Index: 7, Loop: "N10", Elem: 14, Value: "STRAY TEXT"}}},
		// 4010 has no repetition separator: "^" is data there.
		{"SeparatorsInFreeText", with(base309, "N1*SH*SHIPPER", "N3*UNIT 4>B*FLOOR ^2"),
			[]finding{{Seg: "N3", Index: 7, Loop: "N1", Elem: 1, Ref: 166, Value: "UNIT 4>B"}}},
		{"ContinuationN10", with(base309, "VID*CN*ABCU*1234567", "N10*1*FIRST LINE*MARKS*J*090111*100*K*10", "N10**CONTINUED TEXT", "H1*2319", "N10**MORE"), nil},
		{"UnknownOpenCode", with(base309, "VID*ZQ*ABCU*1234567"),
			[]finding{{Seg: "VID", Index: 6, Loop: "VID", Elem: 1, Ref: 40, Value: "ZQ"}}},
		{"FinalDestinationWithoutQualifier", with(base309, "N1*FS*USJAX**USJAX"),
			[]finding{{Seg: "N1", Index: 6, Loop: "N1", Elem: 3, Ref: 66}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			errs, warns := structureFindings(t, NewStructureChecker(), interchange("004010", "309", tt.body))
			if len(errs) != 0 {
				t.Errorf("errors %v, want none", errs)
			}
			if !reflect.DeepEqual(warns, tt.want) {
				t.Errorf("warnings\n got %v\nwant %v", warns, tt.want)
			}
		})
	}
}

// testSpec exercises what the built-in sets do not: every syntax note kind, repeating
// elements, and an implementation guide's codes.
func testSpec(impl string) *SetSpec {
	rul := seg("RUL", "Rules",
		el(1, "A", "O AN 1/5"), el(2, "B", "O AN 1/5"),
		el(3, "C", "O AN 1/5"), el(4, "D", "O AN 1/5"),
		el(5, "E", "O AN 1/5"), el(6, "F", "O AN 1/5"),
		el(7, "G", "O AN 1/5"), el(8, "H", "O AN 1/5"),
		el(9, "I", "O AN 1/5"), el(10, "J", "O AN 1/5"),
	).rules("P0102", "R0304", "E0506", "C070809", "L091001")
	twoRep := el(11, "Repeating", "O AN 1/5").repeat(2)
	twoRep.MinRepeat = 2
	rep := seg("REP", "Repeats",
		twoRep,
		composite("Repeating composite", "O", el(12, "X", "M ID 2/2"), el(13, "Y", "O N0 1/2")).repeat(2),
		el(14, "Not used", "N AN 1/5"),
		el(17, "Even", "O N0 1/4").pattern("an even number", func(v []byte) bool { return (v[len(v)-1]-'0')%2 == 0 }))
	nu := seg("NUS", "Not used", el(15, "A", "O AN 1/5"))
	lst := seg("LST", "At least two", el(16, "A", "O AN 1/5"))
	return &SetSpec{ID: "990", From: "005010", Impl: impl, Body: []Node{
		sm(rul, 1),
		so(rep, 1),
		SegmentNode(nu, ReqNotUsed, 1),
		so(lst, 5).AtLeast(2),
	}}
}

func TestSyntaxNotesAndRepetitions(t *testing.T) {
	t.Parallel()
	c, err := NewStructureCheckerFor(testSpec(""))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body []string
		want []finding
	}{
		{"AllSatisfied", []string{"RUL*a*b*c"}, nil},
		{"Paired", []string{"RUL*a**c"},
			[]finding{{Code: "AK3:8", Seg: "RUL", Index: 2}, {Code: "AK4:2", Seg: "RUL", Index: 2, Elem: 2, Ref: 2}}},
		{"Required", []string{"RUL"},
			[]finding{{Code: "AK3:8", Seg: "RUL", Index: 2}, {Code: "AK4:2", Seg: "RUL", Index: 2, Elem: 3, Ref: 3}}},
		{"AK4_10_Exclusion", []string{"RUL***c**e*f"},
			[]finding{{Code: "AK3:8", Seg: "RUL", Index: 2}, {Code: "AK4:10", Seg: "RUL", Index: 2, Elem: 6, Ref: 6, Value: "f"}}},
		{"Conditional", []string{"RUL***c****g"},
			[]finding{{Code: "AK3:8", Seg: "RUL", Index: 2}, {Code: "AK4:2", Seg: "RUL", Index: 2, Elem: 8, Ref: 8}, {Code: "AK4:2", Seg: "RUL", Index: 2, Elem: 9, Ref: 9}}},
		{"ListConditional", []string{"RUL***c******i"},
			[]finding{{Code: "AK3:8", Seg: "RUL", Index: 2}, {Code: "AK4:2", Seg: "RUL", Index: 2, Elem: 10, Ref: 10}}},
		{"ListConditionalSatisfied", []string{"RUL***c******i*k"}, nil},
		{"Repetitions", []string{"RUL***c", "REP*a^b*AB>1^CD"}, nil},
		{"AK4_12_TooManyRepetitions", []string{"RUL***c", "REP*a^b^c"},
			[]finding{{Code: "AK3:8", Seg: "REP", Index: 3}, {Code: "AK4:12", Seg: "REP", Index: 3, Elem: 1, Ref: 11, Value: "c"}}},
		{"RepeatedCompositeChecked", []string{"RUL***c", "REP**AB>1^C>x"},
			[]finding{{Code: "AK3:8", Seg: "REP", Index: 3}, {Code: "AK4:4", Seg: "REP", Index: 3, Elem: 2, Comp: 1, Ref: 12, Value: "C"},
				{Code: "AK4:6", Seg: "REP", Index: 3, Elem: 2, Comp: 2, Ref: 13, Value: "x"}}},
		{"NotUsedIgnoredOutsideImplementations", []string{"RUL***c", "REP***z", "NUS*a"}, nil},
		{"PatternIsAWarningInABaseSpec", []string{"RUL***c", "REP*a***3"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, _ := structureFindings(t, c, interchange("005010", "990", tt.body))
			if !reflect.DeepEqual(errs, tt.want) {
				t.Errorf("findings\n got %v\nwant %v", errs, tt.want)
			}
		})
	}
}

// TestImplementationCodes checks that an implementation spec (ST03) reports the 999
// implementation codes where they differ from the standard's.
func TestImplementationCodes(t *testing.T) {
	t.Parallel()
	c, err := NewStructureCheckerFor(testSpec(""), testSpec("005010X999"))
	if err != nil {
		t.Fatal(err)
	}
	in := interchange("005010X999", "990", []string{"RUL***c", "REP*a**z*3", "NUS*a", "LST*a"})
	errs, _ := structureFindings(t, c, in)
	want := []finding{
		{Code: "AK3:8", Seg: "REP", Index: 3},
		{Code: "IK4:I11", Seg: "REP", Index: 3, Elem: 1, Ref: 11},
		{Code: "IK4:I10", Seg: "REP", Index: 3, Elem: 3, Ref: 14, Value: "z"},
		{Code: "IK4:I12", Seg: "REP", Index: 3, Elem: 4, Ref: 17, Value: "3"},
		{Code: "IK3:I4", Seg: "NUS", Index: 4},
		{Code: "IK3:I8", Seg: "LST", Index: 6},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("findings\n got %v\nwant %v", errs, want)
	}
	// The same set against the base spec (no ST03, GS08 without the guide) has none.
	errs, _ = structureFindings(t, c, interchange("005010", "990", []string{"RUL***c", "REP*a**z*4", "NUS*a", "LST*a"}))
	if len(errs) != 0 {
		t.Errorf("base spec findings %v, want none", errs)
	}
}

func TestSpecSelection(t *testing.T) {
	t.Parallel()
	c := NewStructureChecker()
	tests := []struct {
		st      string
		version string
		want    *SetSpec
	}{
		{"ST*309*1", "004010", spec309v4010},
		{"ST*309*1", "004020", spec309v4010},
		{"ST*309*1", "004040", spec309v4030},
		{"ST*309*1", "004060", spec309v4050},
		{"ST*309*1", "005010", spec309v5010},
		{"ST*309*1", "005030", spec309v5020},
		{"ST*309*1", "007010", spec309v6010},
		{"ST*309*1", "", spec309v4010}, // a bare set: the earliest spec
		{"ST*309*1", "003050", nil},
		{"ST*999*1*005010X231A1", "005010X231A1", spec999X231A1},
		{"ST*999*1", "005010X231A1", spec999X231A1},
		{"ST*999*1", "005010", spec999},
		{"ST*850*1", "004010", nil},
		{"ST*404*1", "004010", spec404},
		{"ST*404*1", "004030", spec404v4030},
		{"ST*404*1", "004050", spec404v4040},
		{"ST*404*1", "005010", spec404v4060},
		{"ST*404*1", "005020", spec404v5020},
		{"ST*404*1", "005030", spec404v5020},
		{"ST*404*1", "006020", spec404v5020},
		{"ST*315*1", "004010", spec315},
		{"ST*315*1", "005030", spec315v4030},
		{"ST*322*1", "004010", spec322},
		{"ST*322*1", "004040", spec322v4030},
		{"ST*322*1", "004050", spec322v4050},
		{"ST*322*1", "005030", spec322v4060},
	}
	for _, tt := range tests {
		st := NewSegment(DefaultDelimiters, "ST", strings.Split(tt.st, "*")[1:]...)
		c.Begin(st, tt.version)
		if got := c.Spec(); got != tt.want {
			t.Errorf("%s in %q: spec %v, want %v", tt.st, tt.version, specName(got), specName(tt.want))
		}
		c.End(nil, func(*SyntaxError) {})
	}
}

func specName(s *SetSpec) string {
	if s == nil {
		return "none"
	}
	return s.ID + " " + s.From + "-" + s.To + " " + s.Impl
}

func TestSpecValidation(t *testing.T) {
	t.Parallel()
	good := seg("AAA", "ok", el(1, "", "M AN 1/2"))
	tests := []struct {
		name string
		spec *SetSpec
		want string
	}{
		{"BadSetID", &SetSpec{ID: "30", Body: []Node{sm(good, 1)}}, "set ID"},
		{"LoopWithoutTrigger", &SetSpec{ID: "900", Body: []Node{{Loop: &LoopSpec{ID: "X"}}}}, "does not start with a segment"},
		{"RepeatingTrigger", &SetSpec{ID: "900", Body: []Node{lo(2, sm(good, 2))}}, "max use 1"},
		{"RuleOutOfRange", &SetSpec{ID: "900", Body: []Node{sm(seg("BBB", "", el(1, "", "O AN 1/2")).rules("P0102"), 1)}}, "names element 2"},
		{"BadLength", &SetSpec{ID: "900", Body: []Node{sm(seg("CCC", "", el(1, "", "O AN 3/2")), 1)}}, "not a valid range"},
		{"CodesOnAN", &SetSpec{ID: "900", Body: []Node{sm(seg("DDD", "", el(1, "", "O AN 1/2").codes(closed("x", "A"))), 1)}}, "code list"},
		{"BadTag", &SetSpec{ID: "900", Body: []Node{sm(seg("TOOLONG", ""), 1)}}, "not 2 or 3"},
		{"EmptyNode", &SetSpec{ID: "900", Body: []Node{{}}}, "is empty"},
	}
	for _, tt := range tests {
		_, err := NewStructureCheckerFor(tt.spec)
		if err == nil || !errors.Is(err, errSpec) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
	if _, err := NewStructureCheckerFor(BuiltinSpecs()...); err != nil {
		t.Errorf("built-in specs: %v", err)
	}
}

func TestParseRule(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"P0304", "R020305", "E0102", "C0605", "L010203"} {
		r, err := ParseRule(s)
		if err != nil || r.String() != s {
			t.Errorf("ParseRule(%q) = %v, %v", s, r, err)
		}
	}
	for _, s := range []string{"", "P03", "Q0304", "P03x4", "P030"} {
		if _, err := ParseRule(s); err == nil {
			t.Errorf("ParseRule(%q) accepted", s)
		}
	}
}

func TestNumericLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		decimal bool
		n       int
		ok      bool
	}{
		{"123", false, 3, true},
		{"-123", false, 3, true},
		{"12.5", true, 3, true},
		{"12.5", false, 2, false},
		{"1.2.3", true, 2, false},
		{"-", false, 0, false},
		{"1E5", true, 1, true},
		{"1E-5", true, 1, true},
		{"1E", true, 1, false},
		{".5", true, 1, true},
	}
	for _, tt := range tests {
		n, ok := numericLength([]byte(tt.in), tt.decimal)
		if n != tt.n || ok != tt.ok {
			t.Errorf("numericLength(%q, %v) = %d, %v; want %d, %v", tt.in, tt.decimal, n, ok, tt.n, tt.ok)
		}
	}
}

// TestStructureCheckerNoAllocs checks that a clean segment costs no allocation.
func TestStructureCheckerNoAllocs(t *testing.T) {
	segs := readSegments(t, interchange("004010", "309", with(base309, "N1*SH*SHIPPER", "N3*ADDRESS", "N4*CITY*ST*12345*US",
		"VID*CN*ABCU*1234567*SEAL1*****45G1*L*PP", "N10*1*GOODS*MARKS*J*090111*100*K*10", "H1*2319")))
	c := NewStructureChecker()
	report := func(e *SyntaxError) { t.Errorf("unexpected finding: %v", e) }
	st, body := segs[2], segs[3:len(segs)-3]
	allocs := testing.AllocsPerRun(100, func() {
		c.Begin(st, "004010")
		for i, s := range body {
			c.Segment(s, i+2, report)
		}
		c.End(segs[len(segs)-3], report)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per set, want 0", allocs)
	}
}

// readSegments reads every segment of in, cloned.
func readSegments(tb testing.TB, in string) []*Segment {
	tb.Helper()
	r := NewReader(strings.NewReader(in))
	var out []*Segment
	for {
		s, err := r.Read()
		if s == nil && err != nil {
			break
		}
		out = append(out, s.Clone())
	}
	return out
}

// TestBareSetChecked checks that a set outside any interchange is checked against the
// earliest spec of its ID, and its findings reported outside.
func TestBareSetChecked(t *testing.T) {
	t.Parallel()
	errs, _ := structureFindings(t, NewStructureChecker(), "ST*997*0001~AK1*PO*2~AK9*Q*1*1*0~SE*4*0001~")
	want := []finding{{Code: "AK3:8", Seg: "AK9", Index: 3}, {Code: "AK4:7", Seg: "AK9", Index: 3, Elem: 1, Ref: 715, Value: "Q"}}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("findings\n got %v\nwant %v", errs, want)
	}
}

// TestPlain checks the word-at-a-time scan against a byte-by-byte one.
func TestPlain(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 20000; n++ {
		v := make([]byte, rng.IntN(40))
		for i := range v {
			if rng.IntN(8) == 0 {
				v[i] = byte(rng.IntN(256))
			} else {
				v[i] = byte(0x20 + rng.IntN(0x5f))
			}
		}
		comp, rep := byte('>'), byte(0)
		if n%2 == 0 {
			rep = '^'
		}
		want := true
		for _, b := range v {
			if b < 0x20 || b > 0x7e || b == comp || rep != 0 && b == rep {
				want = false
			}
		}
		if got := plain(v, broadcast(comp), broadcast(rep)); got != want {
			t.Fatalf("plain(%q, %q, %q) = %v, want %v", v, comp, rep, got, want)
		}
	}
}

// TestGeneratedManifestsAreClean checks the benchmark generator against the specs: its
// 309s, in both release families, must have no structure finding at all.
func TestGeneratedManifestsAreClean(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"004010", "005010"} {
		var buf strings.Builder
		if _, err := x12gen.New(x12gen.Options{Seed: 7, Bills: 200, BillsPerSet: 20, Version: version}).WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		errs, warns := structureFindings(t, NewStructureChecker(), buf.String())
		if len(errs)+len(warns) != 0 {
			t.Errorf("%s: errors %v, warnings %v", version, errs, warns)
		}
		// The sets are checked: a broken line number is found.
		broken := strings.Replace(buf.String(), "LX*1~", "LX*X~", 1)
		if errs, _ := structureFindings(t, NewStructureChecker(), broken); len(errs) != 2 || errs[1].Code != "AK4:6" {
			t.Errorf("%s: a broken LX01 gives %v", version, errs)
		}
	}
}
