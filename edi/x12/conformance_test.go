package x12

import (
	"strings"
	"testing"

	"github.com/icss/icss/edi/syntax"
)

// envelopeErrors validates in and returns the codes of the interchange-level errors and
// whether every set was accepted.
func envelopeErrors(t *testing.T, in string) (codes []string, setsOK bool) {
	t.Helper()
	setsOK = true
	v := NewValidator()
	v.OnInterchange = func(ic *Interchange) {
		for _, e := range ic.Errors {
			if e.Severity == syntax.Error {
				codes = append(codes, e.SegmentID+" "+e.Code)
			}
		}
		for _, g := range ic.Groups {
			setsOK = setsOK && g.Accepted()
		}
	}
	if _, err := v.Validate(NewReader(strings.NewReader(in))); err != nil {
		t.Fatal(err)
	}
	return codes, setsOK
}

// TestInterchangeControlSegments: X12.5 allows an ISB (grade of service request) and an
// ISE (deferred delivery request) right after the ISA, and TA1 and TA3 between groups;
// anywhere else they are misplaced.
func TestInterchangeControlSegments(t *testing.T) {
	t.Parallel()
	valid := interchange("004010", "309", base309)
	isa, rest, _ := strings.Cut(valid, "\n")
	gs, rest, _ := strings.Cut(rest, "\n")
	tests := []struct {
		name string
		in   string
		want string // space-separated "SEG code" errors
	}{
		{"ISB", isa + "\nISB*1~\n" + gs + "\n" + rest, ""},
		{"ISE", isa + "\nISE*261128*1200~\n" + gs + "\n" + rest, ""},
		{"ISB and ISE", isa + "\nISB*1~\nISE*261128*1200~\n" + gs + "\n" + rest, ""},
		{"TA3 between groups", isa + "\nTA3*X~\n" + gs + "\n" + rest, ""},
		{"ISE before ISB", isa + "\nISE*261128*1200~\nISB*1~\n" + gs + "\n" + rest, "ISB TA1:024"},
		{"ISB twice", isa + "\nISB*1~\nISB*1~\n" + gs + "\n" + rest, "ISB TA1:024"},
		{"ISB after a group", strings.Replace(valid, "IEA*", "ISB*1~\nIEA*", 1), "ISB TA1:024"},
		{"ISE bad date", isa + "\nISE*261399*1200~\n" + gs + "\n" + rest, "ISE TA1:024"},
		{"ISB bad code", isa + "\nISB*X~\n" + gs + "\n" + rest, "ISB TA1:024"},
	}
	for _, tt := range tests {
		codes, ok := envelopeErrors(t, tt.in)
		if got := strings.Join(codes, " "); got != tt.want || !ok {
			t.Errorf("%s: errors %q (sets accepted %v), want %q", tt.name, got, ok, tt.want)
		}
	}
}

// TestSegmentTags: a segment ID is two or three upper-case letters and digits starting
// with a letter, also in a set no spec describes (850 here), where the structure
// checker does not look.
func TestSegmentTags(t *testing.T) {
	t.Parallel()
	for _, tag := range []string{"", "Nd4", "NM31", "1AB", "N", "n1"} {
		errs, _ := structureFindings(t, NewStructureChecker(), interchange("004010", "850", []string{"BEG*00*SA*1**20261127", tag + "*X"}))
		want := []finding{{Code: "AK3:1", Seg: tag, Index: 3}}
		if len(errs) != 1 || errs[0] != want[0] {
			t.Errorf("tag %q: findings %v, want %v", tag, errs, want)
		}
	}
	errs, _ := structureFindings(t, NewStructureChecker(), interchange("004010", "850", []string{"BEG*00*SA*1**20261127", "N1*ST*X", "N9*ZZ*1"}))
	if len(errs) != 0 {
		t.Errorf("valid tags: findings %v", errs)
	}
}

// TestCTXRepeats: CTX01 repeats up to 10 times in the 999 (005010X231).
func TestCTXRepeats(t *testing.T) {
	t.Parallel()
	body := func(ctx string) []string {
		return []string{"AK1*SO*1*004010", "AK2*309*0001", "IK3*N1*6*N1*8", "CTX*" + ctx, "IK4*2*93*6", "IK5*R*5", "AK9*R*1*1*0"}
	}
	ctx := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "SITUATIONAL TRIGGER>N10" + string(rune('0'+i%10))
		}
		return strings.Join(parts, "^")
	}
	for _, tt := range []struct {
		n    int
		want []finding
	}{
		{1, nil},
		{3, nil},
		{10, nil},
		{11, []finding{{Code: "AK3:8", Seg: "CTX", Index: 5, Loop: "IK3"}, {Code: "AK4:12", Seg: "CTX", Index: 5, Loop: "IK3", Elem: 1, Value: "SITUATIONAL TRIGGER>N100"}}},
	} {
		errs, _ := structureFindings(t, NewStructureChecker(), interchange("005010X231A1", "999", body(ctx(tt.n))))
		if !equalFindings(errs, tt.want) {
			t.Errorf("CTX01 repeated %d times: findings %v, want %v", tt.n, errs, tt.want)
		}
	}
}

func equalFindings(a, b []finding) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Test404Hazardous: LH1 has eleven elements in 4010 (LH109 residue indicator, LH110
// packing group, LH111 interim regulatory number), and from 4030 (BOTS 404004030; it
// was thought to come with 5030) the LH1 loop holds an N1 loop, which 4010 does not
// have there.
func Test404Hazardous(t *testing.T) {
	t.Parallel()
	lh1 := "LH1*UN*10*UN1830*****A*N*II*ABCDE"
	body := func(mid ...string) []string {
		return rail404(append(append([]string{"LS*0100"}, mid...), "LE*0100")...)
	}
	tests := []struct {
		name, version string
		body          []string
		want          []finding
	}{
		{"LH1 with eleven elements", "004010", body(lh1), nil},
		{"LH1 with twelve elements", "004010", body(lh1 + "*X"),
			[]finding{{Code: "AK3:8", Seg: "LH1", Index: 13, Loop: "LH1"}, {Code: "AK4:3", Seg: "LH1", Index: 13, Loop: "LH1", Elem: 12, Value: "X"}}},
		{"LH110 packing group too long", "004010", body("LH1*UN*10*UN1830*******IIII"),
			[]finding{{Code: "AK3:8", Seg: "LH1", Index: 13, Loop: "LH1"}, {Code: "AK4:5", Seg: "LH1", Index: 13, Loop: "LH1", Elem: 10, Ref: 254, Value: "IIII"}}},
		{"4030 N1 loop under LH1", "004030", body(lh1, "N1*ZZ*EMERGENCY CONTACT", "PER*EM*DESK*TE*8005551234"), nil},
		{"5030 N1 loop under LH1", "005030", body(lh1, "N1*ZZ*EMERGENCY CONTACT", "PER*EM*DESK*TE*8005551234"), nil},
		{"4010 has no N1 under LH1", "004010", body(lh1, "N1*ZZ*EMERGENCY CONTACT"),
			[]finding{{Code: "AK3:7", Seg: "N1", Index: 14, Loop: "LH1"}}},
	}
	for _, tt := range tests {
		errs, _ := structureFindings(t, NewStructureChecker(), interchange(tt.version, "404", tt.body))
		if !equalFindings(errs, tt.want) {
			t.Errorf("%s: findings %v, want %v", tt.name, errs, tt.want)
		}
	}
}

// TestDelimiterProblems: each unusable delimiter is named, with the TA1 note code of
// that delimiter.
func TestDelimiterProblems(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		d    Delimiters
		code string
		says string
	}{
		{Delimiters{Element: '*', Component: '>', Segment: 0xE2}, "TA1:004", "segment terminator (the character after ISA16) is byte 0xE2"},
		{Delimiters{Element: 'A', Component: '>', Segment: '~'}, "TA1:026", "element separator (ISA04) is 'A'"},
		{Delimiters{Element: '*', Component: '~', Segment: '~'}, "TA1:027", "component separator (ISA16) is '~', the same as the segment terminator"},
		{Delimiters{Element: '*', Component: '>', Segment: '~', Repetition: '*'}, "TA1:016", "repetition separator (ISA11) is '*', the same as the element separator"},
		{Delimiters{Element: '\n', Component: '>', Segment: '~'}, "TA1:026", "is a line break"},
		{Delimiters{Element: '*', Component: ' ', Segment: '~'}, "TA1:027", "is a blank"},
	} {
		e := tt.d.problem()
		if e == nil {
			t.Errorf("%+v: no problem found, want %s", tt.d, tt.code)
		} else if e.Code != tt.code || !strings.Contains(e.Error(), tt.says) {
			t.Errorf("%+v: %v (%s), want %s saying %q", tt.d, e, e.Code, tt.code, tt.says)
		}
	}
	if e := DefaultDelimiters.problem(); e != nil {
		t.Errorf("default delimiters: %v", e)
	}
}
