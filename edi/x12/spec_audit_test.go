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

// ocean315 is a minimal valid 315 (the R4 loop is mandatory in every release).
func ocean315(b4 string, extra ...string) []string {
	return append([]string{b4, "N9*BM*BILL1", "R4*L*UN*KRPUS*PUSAN*KR", "DTM*140*20221103*1255*LT"}, extra...)
}

func TestAudit315(t *testing.T) {
	t.Parallel()
	b4 := "B4***VA*20221114*1450**TCKU*724880*L**MAPTM*UN*7"
	runAudit(t, []auditCase{
		{"valid 315", "004010", "315", ocean315(b4), nil},
		{"R4 loop is mandatory", "004010", "315", []string{b4, "N9*BM*BILL1"},
			[]finding{{Code: "AK3:3", Seg: "R4", Index: 4, Loop: "R4"}}},
		{"B4 has thirteen elements", "004010", "315", ocean315(b4 + "*X"),
			[]finding{{Code: "AK3:8", Seg: "B4", Index: 2}, {Code: "AK4:3", Seg: "B4", Index: 2, Elem: 14, Value: "X"}}},
		{"4010 B405 is HHMM", "004010", "315", ocean315("B4***VA*20221114*145000"),
			[]finding{{Code: "AK3:8", Seg: "B4", Index: 2}, {Code: "AK4:5", Seg: "B4", Index: 2, Elem: 5, Ref: 161, Value: "145000"}}},
		{"5030 B405 takes seconds", "005030", "315", ocean315("B4***VA*20221114*145000"), nil},
		{"4010 B408 up to 10", "004010", "315", ocean315("B4***VA*20221114*1450**TCKU*72488012345"),
			[]finding{{Code: "AK3:8", Seg: "B4", Index: 2}, {Code: "AK4:5", Seg: "B4", Index: 2, Elem: 8, Ref: 207, Value: "72488012345"}}},
		{"5030 B408 up to 15", "005030", "315", ocean315("B4***VA*20221114*1450**TCKU*72488012345"), nil},
		{"SG01 is optional", "004010", "315", []string{b4, "SG**ABC", "R4*L*UN*KRPUS"}, nil},
		{"5030 N902 up to 80", "005030", "315", append([]string{b4, "N9*BM*" + repeatChar('B', 80)}, ocean315(b4)[2:]...), nil},
		{"4010 N902 over 30", "004010", "315", append([]string{b4, "N9*BM*" + repeatChar('B', 31)}, ocean315(b4)[2:]...),
			[]finding{{Code: "AK3:8", Seg: "N9", Index: 3}, {Code: "AK4:5", Seg: "N9", Index: 3, Elem: 2, Ref: 127, Value: repeatChar('B', 31)}}},
	})
}

func repeatChar(c byte, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

// ramp322 is a minimal valid 322 with extra segments in its N7 loop.
func ramp322(q5 string, extra ...string) []string {
	return append([]string{q5, "N7*HASU*431617", "R4*5*UN*USSTP*SAINT PAUL"}, extra...)
}

func TestAudit322(t *testing.T) {
	t.Parallel()
	q5 := "Q5*A*20160526*2145*LT**SAINT PAUL*MN*US"
	runAudit(t, []auditCase{
		{"valid 322", "004010", "322", ramp322(q5), nil},
		{"Q5 has eighteen elements", "004010", "322", ramp322(q5 + "*HASU*431617*BM*B1*N*BN*K1*Y*12.5*AB"), nil},
		{"Q5 nineteenth element", "004010", "322", ramp322(q5 + "*HASU*431617*BM*B1*N*BN*K1*Y*12.5*AB*X"),
			[]finding{{Code: "AK3:8", Seg: "Q5", Index: 2}, {Code: "AK4:3", Seg: "Q5", Index: 2, Elem: 19, Value: "X"}}},
		{"Q501 to Q503 are optional", "004010", "322", ramp322("Q5*****ZZZ*SAINT PAUL*MN"), nil},
		{"Q507 needs Q506", "004010", "322", ramp322("Q5*A*20160526*2145****MN"),
			[]finding{{Code: "AK3:8", Seg: "Q5", Index: 2}, {Code: "AK4:2", Seg: "Q5", Index: 2, Elem: 6, Ref: 19}}},
		{"R4 loop is mandatory", "004010", "322", []string{q5, "N7*HASU*431617", "N9*BM*B1"},
			[]finding{{Code: "AK3:3", Seg: "R4", Index: 4, Loop: "R4"}}},
		{"W204 is mandatory", "004010", "322", append(ramp322(q5)[:2], "W2*HASU*431617", "R4*5"),
			[]finding{{Code: "AK3:8", Seg: "W2", Index: 4, Loop: "N7"}, {Code: "AK4:1", Seg: "W2", Index: 4, Loop: "N7", Elem: 4, Ref: 40}, {Code: "AK4:1", Seg: "W2", Index: 4, Loop: "N7", Elem: 5}}},
		{"W2 sixteen elements", "004010", "322", append(ramp322(q5)[:2], "W2*HASU*431617**CC*L********0***Y", "R4*5"), nil},
		{"V4 has one element", "004010", "322", append(ramp322(q5)[:2], "V4*A1*B", "R4*5"),
			[]finding{{Code: "AK3:8", Seg: "V4", Index: 4, Loop: "N7"}, {Code: "AK4:3", Seg: "V4", Index: 4, Loop: "N7", Elem: 2, Value: "B"}}},
		{"4010 N702 up to 10", "004010", "322", []string{q5, "N7*HASU*43161712345", "R4*5"},
			[]finding{{Code: "AK3:8", Seg: "N7", Index: 3, Loop: "N7"}, {Code: "AK4:5", Seg: "N7", Index: 3, Loop: "N7", Elem: 2, Ref: 207, Value: "43161712345"}}},
		{"5030 N702 up to 15", "005030", "322", []string{q5, "N7*HASU*43161712345", "R4*5"}, nil},
		{"4010 has no LH1 under L0", "004010", "322", ramp322(q5, "L0*1", "LH1*UN*10"),
			[]finding{{Code: "AK3:6", Seg: "LH1", Index: 6, Loop: "L0"}}},
		{"4030 LH1 under L0", "004030", "322", ramp322(q5, "L0*1", "LH1*UN*10", "LH2*X"), nil},
		{"4050 LH4 once", "004050", "322", ramp322(q5, "L0*1", "LH1*UN*10", "LH4*A", "LH4*B"),
			[]finding{{Code: "AK3:5", Seg: "LH4", Index: 8, Loop: "LH1"}}},
		{"4060 LH4 four times", "004060", "322", ramp322(q5, "L0*1", "LH1*UN*10", "LH4*A", "LH4*B"), nil},
		{"5030 LH1 has twelve elements", "005030", "322", ramp322(q5, "L0*1", "LH1*UN*10*UN1830*****A*N*II*ABCDE*X"), nil},
	})
}

func TestAudit309(t *testing.T) {
	t.Parallel()
	late := func(extra ...string) []string {
		return append([]string{"M10*SCAC*R*US*9283186*VESSEL*320N*REF*1*W", "P4*3604*20230620*1*M029", "LX*1"}, extra...)
	}
	runAudit(t, []auditCase{
		{"4010 M1309 is mandatory", "004010", "309", with(base309[:3], "M13*SCAC*1803*A*BILL1"),
			[]finding{{Code: "AK3:8", Seg: "M13", Index: 5, Loop: "LX"}, {Code: "AK4:1", Seg: "M13", Index: 5, Loop: "LX", Elem: 9, Ref: 140}}},
		{"5030 M1309 is optional", "005030", "309", late("M13*SCAC*1803*A*BILL1"), nil},
		{"5030 M10 has seventeen elements", "005030", "309", append([]string{"M10*SCAC*R*CA*9283186*VESSEL*TRAIN1*REF*1*W*L*Y*REF2*AB*CD*Y*EF*N"}, late()[1:]...), nil},
		{"4010 M10 has twelve", "004010", "309", append([]string{"M10*SCAC*O*SG*9283186*VESSEL*320N*REF*1*W*L*Y*REF2*AB"}, base309[1:]...),
			[]finding{{Code: "AK3:8", Seg: "M10", Index: 2}, {Code: "AK4:3", Seg: "M10", Index: 2, Elem: 13, Value: "AB"}}},
		{"5030 M1101 cargo control number of 25", "005030", "309", late("M11*" + repeatChar('9', 25) + "*35177*1*PKG*100*K***00***SCAC"), nil},
		{"5030 M1101 over 25", "005030", "309", late("M11*" + repeatChar('9', 26) + "*35177*1*PKG*100*K***00***SCAC"),
			[]finding{{Code: "AK3:8", Seg: "M11", Index: 5, Loop: "LX"}, {Code: "AK4:5", Seg: "M11", Index: 5, Loop: "LX", Elem: 1, Ref: 598, Value: repeatChar('9', 26)}}},
		{"5010 heading has no N9", "005010", "309", append([]string{late()[0], "N9*XC*CCN1"}, late()[1:]...),
			[]finding{{Code: "AK3:2", Seg: "N9", Index: 3}}},
		{"5010 heading NM1 loop", "005010", "309", append([]string{late()[0], "VEH*1", "NM1*CN*2*CONSIGNEE", "REF*XX*1", "REF*YY*2"}, late()[1:]...), nil},
		{"5010 NM1 REF twice", "005010", "309", append([]string{late()[0], "NM1*CN*2*CONSIGNEE", "REF*XX*1", "REF*YY*2", "REF*ZZ*3"}, late()[1:]...),
			[]finding{{Code: "AK3:5", Seg: "REF", Index: 6, Loop: "NM1"}}},
		{"5020 NM1 REF ten times", "005020", "309", append([]string{late()[0], "NM1*CN*2*CONSIGNEE", "REF*XX*1", "REF*YY*2", "REF*ZZ*3"}, late()[1:]...), nil},
		{"4040 VC at VID level", "004040", "309", late("VID*CN*ABCU*1234567", "VC*CAR", "N10*1*GOODS"), nil},
		{"4050 VC in the N10 loop", "004050", "309", late("VID*CN*ABCU*1234567", "N10*1*GOODS", "VC*CAR", "MAN*GM*MARKS"), nil},
		{"4040 has no MAN", "004040", "309", late("VID*CN*ABCU*1234567", "N10*1*GOODS", "MAN*GM*MARKS"),
			[]finding{{Code: "AK3:6", Seg: "MAN", Index: 7, Loop: "N10"}}},
		{"4030 N1 loop repeats 20 times", "004030", "309", late(repeat("N1*SH*SHIPPER", 11)...), nil},
		{"4010 N1 loop repeats 5 times", "004010", "309", with(base309, repeat("N1*SH*SHIPPER", 6)...),
			[]finding{{Code: "AK3:4", Seg: "N1", Index: 11, Loop: "N1"}}},
		{"P5 has three elements", "004010", "309", with(base309, "M12*61*123456789", "P5*A*B*1803*X"),
			[]finding{{Code: "AK3:8", Seg: "P5", Index: 7, Loop: "M12"}, {Code: "AK4:3", Seg: "P5", Index: 7, Loop: "M12", Elem: 4, Value: "X"}}},
		{"P503 is mandatory", "004010", "309", with(base309, "M12*61*123456789", "P5*A*B"),
			[]finding{{Code: "AK3:8", Seg: "P5", Index: 7, Loop: "M12"}, {Code: "AK4:1", Seg: "P5", Index: 7, Loop: "M12", Elem: 3}}},
		{"4010 VID03 up to 10", "004010", "309", with(base309, "VID*CN*ABCU*12345678901"),
			[]finding{{Code: "AK3:8", Seg: "VID", Index: 6, Loop: "VID"}, {Code: "AK4:5", Seg: "VID", Index: 6, Loop: "VID", Elem: 3, Ref: 207, Value: "12345678901"}}},
		{"4010 VID has thirteen elements", "004010", "309", with(base309, "VID*CN*ABCU*1234567**********SCAC*PLATE"),
			[]finding{{Code: "AK3:8", Seg: "VID", Index: 6, Loop: "VID"}, {Code: "AK4:3", Seg: "VID", Index: 6, Loop: "VID", Elem: 14, Value: "PLATE"}}},
		{"5030 VID licence plate and 15-character number", "005030", "309", late("VID*CN*ABCU*123456789012345**********SCAC*PLATE*ON*CAN"), nil},
	})
}

func TestAudit404Late(t *testing.T) {
	t.Parallel()
	lh1 := "LH1*UN*10*UN1830*****A*N*II*ABCDE*RQ1"
	runAudit(t, []auditCase{
		{"5030 LH1 has twelve elements", "005030", "404", rail404("LS*1", lh1, "LE*1"), nil},
		{"4010 LH1 has eleven", "004010", "404", rail404("LS*1", lh1, "LE*1"),
			[]finding{{Code: "AK3:8", Seg: "LH1", Index: 13, Loop: "LH1"}, {Code: "AK4:3", Seg: "LH1", Index: 13, Loop: "LH1", Elem: 12, Value: "RQ1"}}},
		{"5030 M12 has fourteen elements", "005030", "404", insertAfter(rail404(), "N7", "M12*62**1001*30107*$20 PER***S4*58-179737300***Y*20230601*X"), nil},
		{"5030 BL02 is optional", "005030", "404", insertAfter(rail404(), "N1", "BL*PP"), nil},
		{"4010 BL02 is mandatory", "004010", "404", insertAfter(rail404(), "N1", "BL*PP"),
			[]finding{{Code: "AK3:8", Seg: "BL", Index: 9, Loop: "N1"}, {Code: "AK4:1", Seg: "BL", Index: 9, Loop: "N1", Elem: 2}, {Code: "AK4:1", Seg: "BL", Index: 9, Loop: "N1", Elem: 3}}},
	})
}
