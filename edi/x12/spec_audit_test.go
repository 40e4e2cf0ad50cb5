package x12

import "testing"

// Tests of the issue 12 audit of the 309, 315, 322 and 404 tables against the releases
// they claim (sources in the spec files' header comments). Each case shows a verdict
// the old tables got wrong: an element or segment the release has is accepted, and one
// too many, a bad length or a missing mandatory one gets its AK3 or AK4 code.

// rail404 is a minimal valid 404 (every release: N9, the N1 loop and the LX loop with
// L5 are mandatory; R2 is from 5020) with extra segments before SE.
func rail404(extra ...string) []string {
	return append([]string{
		"BX*00*R*PP*WB1*CPRS",
		"M3*B",
		"N9*BM*WB1",
		"N7*TTGX*123456*40000*N********RR",
		"F9**PRINCE RUPERT*BC",
		"D9**CHICAGO*IL",
		"N1*SH*SHIPPER",
		"R2*CN*S",
		"LX*1",
		"L5*1*FURNITURE*4611110*T",
	}, extra...)
}

// auditCase is one set checked against the built-in specs.
type auditCase struct {
	name, version, set string
	body               []string
	want               []finding
}

func runAudit(t *testing.T, tests []auditCase) {
	t.Helper()
	for _, tt := range tests {
		errs, _ := structureFindings(t, NewStructureChecker(), interchange(tt.version, tt.set, tt.body))
		if !equalFindings(errs, tt.want) {
			t.Errorf("%s (%s %s): findings\n got %v\nwant %v", tt.name, tt.set, tt.version, errs, tt.want)
		}
	}
}

func repeat(seg string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = seg
	}
	return out
}

// without returns body without the segments whose tag is tag.
func without(body []string, tag string) []string {
	var out []string
	for _, s := range body {
		if s != tag && (len(s) <= len(tag) || s[:len(tag)+1] != tag+"*") {
			out = append(out, s)
		}
	}
	return out
}

// insertAfter returns body with segs inserted after the first segment tagged tag.
func insertAfter(body []string, tag string, segs ...string) []string {
	for i, s := range body {
		if len(s) > len(tag) && s[:len(tag)+1] == tag+"*" {
			out := append(append([]string(nil), body[:i+1]...), segs...)
			return append(out, body[i+1:]...)
		}
	}
	panic("no " + tag)
}

func TestAudit404(t *testing.T) {
	t.Parallel()
	bx14 := "BX*00*R*PP*WB1*CPRS*K*B*N*Y*S*A1*N*Y*GS"
	runAudit(t, []auditCase{
		{"valid minimal 404", "004010", "404", rail404(), nil},
		{"BX has fourteen elements", "004010", "404", append([]string{bx14}, rail404()[1:]...), nil},
		{"BX fifteenth element", "004010", "404", append([]string{bx14 + "*X"}, rail404()[1:]...),
			[]finding{{Code: "AK3:8", Seg: "BX", Index: 2}, {Code: "AK4:3", Seg: "BX", Index: 2, Elem: 15, Value: "X"}}},
		{"BX is optional", "004010", "404", rail404()[1:], nil},
		{"N9 is mandatory", "004010", "404", without(rail404(), "N9"),
			[]finding{{Code: "AK3:3", Seg: "N9", Index: 4}}},
		{"N1 loop is mandatory", "004010", "404", without(rail404(), "N1"),
			[]finding{{Code: "AK3:3", Seg: "N1", Index: 8, Loop: "N1"}}},
		{"LX loop is mandatory", "004010", "404", without(without(rail404(), "LX"), "L5"),
			[]finding{{Code: "AK3:3", Seg: "LX", Index: 10, Loop: "LX"}}},
		{"L5 is mandatory in the LX loop", "004010", "404", without(rail404(), "L5"),
			[]finding{{Code: "AK3:3", Seg: "L5", Index: 11, Loop: "LX"}}},
		{"F9 has twelve elements", "004010", "404", insertAfter(without(rail404(), "F9"), "N7", "F9**PRINCE RUPERT*BC*CA**PRINCE RUPERT*BC*123456789*V8J3R8"), nil},
		{"F901 is not the SPLC", "004010", "404", insertAfter(without(rail404(), "F9"), "N7", "F9*123456789*PRINCE RUPERT*BC"),
			[]finding{{Code: "AK3:8", Seg: "F9", Index: 6}, {Code: "AK4:5", Seg: "F9", Index: 6, Elem: 1, Value: "123456789"}}},
		{"F903 state is mandatory", "004010", "404", insertAfter(without(rail404(), "F9"), "N7", "F9**PRINCE RUPERT"),
			[]finding{{Code: "AK3:8", Seg: "F9", Index: 6}, {Code: "AK4:1", Seg: "F9", Index: 6, Elem: 3, Ref: 156}}},
		{"CM has seventeen elements", "004010", "404", insertAfter(rail404(), "N9", "CM*314N*L*SHANGHAI**B1*MAEU*XXXX**ANNA*A*BC*DE*FG*HI*J*KL*M"), nil},
		{"CM01 and CM02 are optional", "004010", "404", insertAfter(rail404(), "N9", "CM***PRINCE RUPERT BC CA"), nil},
		{"CM03 port name over 24", "004010", "404", insertAfter(rail404(), "N9", "CM*314N*1*PRINCE RUPERT BRITISH COLUMBIA"),
			[]finding{{Code: "AK3:8", Seg: "CM", Index: 5}, {Code: "AK4:5", Seg: "CM", Index: 5, Elem: 3, Ref: 114, Value: "PRINCE RUPERT BRITISH COLUMBIA"}}},
		{"PI has fifteen elements", "004010", "404", rail404("L0*1***18274*N***2*PKG**K", "PI*CT*X1*TP**NS*X2*A*B*C*D*E*20230101*20231231*Y*N"), nil},
		{"GA has seventeen elements", "004010", "404", insertAfter(rail404(), "N7", "GA*1*2*3*4*5*1234*6*20230101*7*8*9*A*B*C*D*E*9"), nil},
		{"4010 N1 loop repeats 10 times", "004010", "404", insertAfter(rail404(), "N1", repeat("N1*CN*CONSIGNEE", 10)...),
			[]finding{{Code: "AK3:4", Seg: "N1", Index: 18, Loop: "N1"}}},
		{"4030 N1 loop repeats 15 times", "004030", "404", insertAfter(rail404(), "N1", repeat("N1*CN*CONSIGNEE", 10)...), nil},
		{"4010 VC loop repeats 21 times", "004010", "404", insertAfter(rail404(), "N7", repeat("VC*CAR", 22)...),
			[]finding{{Code: "AK3:4", Seg: "VC", Index: 27, Loop: "VC"}}},
		{"4040 VC loop repeats 36 times", "004040", "404", insertAfter(rail404(), "N7", repeat("VC*CAR", 36)...), nil},
		{"4010 LH4 once per LH1", "004010", "404", rail404("LS*1", "LH1*UN*10", "LH4*A", "LH4*B", "LE*1"),
			[]finding{{Code: "AK3:5", Seg: "LH4", Index: 15, Loop: "LH1"}}},
		{"4060 LH4 four times", "004060", "404", rail404("LS*1", "LH1*UN*10", "LH4*A", "LH4*B", "LE*1"), nil},
		{"LE closes the LS loop", "004010", "404", rail404("LS*1", "LH1*UN*10"),
			[]finding{{Code: "AK3:3", Seg: "LE", Index: 14, Loop: "LS"}}},
		{"LS needs an LH1", "004010", "404", rail404("LS*1", "LE*1"),
			[]finding{{Code: "AK3:3", Seg: "LH1", Index: 13, Loop: "LH1"}}},
		{"5020 R2 is mandatory", "005020", "404", without(rail404(), "R2"),
			[]finding{{Code: "AK3:3", Seg: "R2", Index: 9}}},
		{"4010 R2 is optional", "004010", "404", without(rail404(), "R2"), nil},
		{"5020 N9 in the REF loop", "005020", "404", insertAfter(rail404(), "N7", "REF*BM*1", "N9*XC*CCN1"), nil},
		{"5020 CD under PI", "005020", "404", rail404("L0*1", "PI*CT*X1", "CD*A"), nil},
	})
}
