package x12_test

import (
	"fmt"
	"strings"

	"github.com/icss/icss/edi/x12"
)

// A 309 whose bill has no SCAC (M1112, mandatory) and a container whose load/empty
// status is not a code of the standard: the findings carry the 997 codes, the segment's
// position in the set and its loop, ready for an AK3/AK4 acknowledgment.
func ExampleNewStructureChecker() {
	const in = `ISA*00*          *00*          *ZZ*CARRIER        *ZZ*CBP            *261127*1200*U*00401*000000001*0*P*>~
GS*SO*CARRIER*CBP*20261127*1200*1*X*004010~
ST*309*0001~
M10*SCAC*O*SG*9283186*MONTE CERVANTES*320N**1*W~
P4*1803*20230620*1*M029~
LX*1~
M11*BILL1*35177*1*PKG*100*K~
VID*CN*HASU*5044950*******X~
SE*7*0001~
GE*1*1~
IEA*1*000000001~
`
	v := &x12.Validator{Structure: x12.NewStructureChecker()}
	v.OnInterchange = func(ic *x12.Interchange) {
		for _, e := range ic.Groups[0].Sets[0].Errors {
			fmt.Printf("%-6s %s%02d at %d in loop %s: %v\n", e.Code, e.SegmentID, e.Element, e.SetIndex, e.Loop, e.Err)
		}
	}
	if _, err := v.Validate(x12.NewReader(strings.NewReader(in))); err != nil {
		fmt.Println(err)
	}
	// Output:
	// AK3:8  M1100 at 5 in loop LX: segment has data element errors
	// AK4:1  M1112 at 5 in loop LX: mandatory element is missing
	// AK3:8  VID00 at 6 in loop VID: segment has data element errors
	// AK4:7  VID10 at 6 in loop VID: element has an invalid code value: "X" is not in code list 322 Load/Empty Status Code
}
