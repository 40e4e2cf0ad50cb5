package ack

import (
	"bytes"
	"strings"
	"testing"

	"github.com/icss/icss/edi/x12"
)

// A 309 with two bills of lading (LX loops), each identified by M1101.
const twoBills = `ISA*00*          *00*          *ZZ*CARRIER        *ZZ*CBSAICSS       *261120*0930*^*00501*000000009*0*P*>~
GS*AQ*CARRIER*CBSAICSS*20261120*0930*9*X*005010~
ST*309*0001~
M10*MAEU*O*DK*9321483*MAERSK ELBA*W455**2*W*L~
P4*3604*20261121*2*M029~
LX*1~
M11*MAEU26110001*35177*10*PKG*1200*K~
N1*SH*PACIFIC EXPORTS~
LX*2~
M11*MAEU26110002*35177*4*PKG*800*K~
N1*SH*NORTHERN GOODS~
SE*10*0001~
GE*1*9~
IEA*1*000000009~
`

func TestUnits(t *testing.T) {
	units := NewUnits()
	var ic *x12.Interchange
	v := x12.NewValidator()
	v.OnSegment = units.Observe
	v.OnInterchange = func(got *x12.Interchange) { ic = got }
	if _, err := v.Validate(x12.NewReader(strings.NewReader(twoBills))); err != nil {
		t.Fatal(err)
	}
	s := ic.Groups[0].Sets[0]
	tests := []struct {
		pos               int
		wantName, wantVal string
	}{
		{2, "", ""}, // M10: heading, no unit
		{3, "", ""}, // P4 ends any unit
		{5, "M1101", "MAEU26110001"},
		{6, "M1101", "MAEU26110001"},
		{7, "M1101", "MAEU26110002"},
		{9, "M1101", "MAEU26110002"},
	}
	for _, tt := range tests {
		name, val := units.Context(s, &x12.SyntaxError{SetIndex: tt.pos})
		if name != tt.wantName || val != tt.wantVal {
			t.Errorf("position %d: %s=%s, want %s=%s", tt.pos, name, val, tt.wantName, tt.wantVal)
		}
	}

	// The 999 names the bill of the segment in error.
	s.Errors = append(s.Errors, &x12.SyntaxError{SetIndex: 9, SegmentID: "N1", Loop: "N1", Code: "AK3:8"},
		&x12.SyntaxError{SetIndex: 9, SegmentID: "N1", Element: 1, Code: "AK4:7", Value: "SH"})
	opts := testOptions()
	opts.Context = units.Context
	a, err := Build999(ic, ic.Groups[0], opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := body(a); !strings.Contains(got, "IK3*N1*9*N1*8\nCTX*M1101>MAEU26110002\nIK4*1**7*SH\n") {
		t.Errorf("999 without the bill's CTX:\n%s", got)
	}
	checkReadsBack(t, a)
	// A 997 has no CTX.
	if a, _ := Build997(ic, ic.Groups[0], opts); bytes.Contains(a.Bytes(), []byte("CTX")) {
		t.Errorf("997 with a CTX:\n%s", a.Bytes())
	}
	units.Forget(ic)
	if name, _ := units.Context(s, &x12.SyntaxError{SetIndex: 9}); name != "" {
		t.Error("Forget kept the set's units")
	}
}
