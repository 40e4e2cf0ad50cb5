package x12

import (
	"strings"
	"testing"

	"github.com/icss/icss/edi/syntax"
)

// FuzzStructure feeds arbitrary set bodies, in envelopes of the built-in sets and
// releases, to the validator with the structure checker. It must not panic, every
// finding must carry its set position, and every element finding (AK4, IK4) must
// follow the AK3 8 record of its segment, as acknowledgments group them.
func FuzzStructure(f *testing.F) {
	f.Add("309", "004010", strings.Join(base309, "~")+"~N1*SH*X~VID*CN*ABCU*1*******L~N10*1*A~H1*2319~H2*X")
	f.Add("309", "005010", "M10*SCAC*O*SG*1*V*1*1*1*W~NM1*CN*2*X~P4*1803*230620  ~LX*1~N3*A^B>C")
	f.Add("997", "004010", "AK1*SO*1~AK2*309*0001~AK3*N1*6*N1*8~AK4*2>1>3*93*6*X~AK5*R*5~AK9*R*1*1*0")
	f.Add("999", "005010X231A1", "AK1*HC*28*005010X223A2~AK2*837*0028~IK3*NM*17**1~CTX*A>B~IK4*1**I10~IK5*R*5~AK9*R*1*1*0")
	f.Add("315", "004010", "B4***VA*20220901*0807~R4*L*UN*USMEM~DTM*140*20221103*1255*LT~LX*1")
	f.Add("322", "004010", "Q5*A*20160526*214520~N7*HASU*431617~DTM*1~DTM*2~DTM*3~R4*5~N1*RR*X")
	f.Add("404", "004010", "BX*04*R*PP~M3*R~N7*MRSU*1~M12*62~F9**X~D9**Y~LX*1~L0*1~PI*CT*X")
	f.Fuzz(func(t *testing.T, set, version, body string) {
		if len(set) != 3 || strings.ContainsAny(set+version, "~*>^\n") || len(version) > 12 {
			t.Skip()
		}
		segs := strings.Split(body, "~")
		var ok []string
		for _, s := range segs {
			if s != "" && !strings.HasPrefix(s, "ISA") && !strings.HasPrefix(s, "IEA") && !strings.HasPrefix(s, "GS") &&
				!strings.HasPrefix(s, "GE") && !strings.HasPrefix(s, "ST") && !strings.HasPrefix(s, "SE") && !strings.ContainsAny(s, "\r\n") {
				ok = append(ok, s)
			}
		}
		v := &Validator{Structure: NewStructureChecker()}
		v.OnInterchange = func(ic *Interchange) {
			for _, g := range ic.Groups {
				for _, s := range g.Sets {
					lastAK3 := -1
					for _, e := range s.Errors {
						if e.SetIndex == 0 {
							continue
						}
						if e.SetIndex < 2 || e.SetIndex > s.Segments {
							t.Errorf("finding %v at set index %d, the set has %d segments", e, e.SetIndex, s.Segments)
						}
						if e.Code == "AK3:8" {
							lastAK3 = e.SetIndex
						}
						if e.Severity == syntax.Error && (strings.HasPrefix(e.Code, "AK4:") || strings.HasPrefix(e.Code, "IK4:")) && lastAK3 != e.SetIndex {
							t.Errorf("element finding %v does not follow its segment's AK3:8", e)
						}
					}
				}
			}
		}
		if _, err := v.Validate(NewReader(strings.NewReader(interchange(version, set, ok)))); err != nil {
			t.Fatal(err)
		}
	})
}
