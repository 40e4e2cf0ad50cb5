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

// A partner's implementation guide narrows the standard: here its 315s must carry the
// container (B407, B408) and at most one location loop. The guide is chosen for sets
// whose ST03 (or GS08) names it; the built-in specs serve the others.
func ExampleNewStructureCheckerFor() {
	b4 := &x12.SegmentSpec{ID: "B4", Name: "Beginning Segment for Inquiry or Reply", Elements: []x12.Element{
		{Ref: 152, Req: x12.ReqOptional, Type: x12.TypeID, Min: 2, Max: 3},
		{Ref: 71, Req: x12.ReqOptional, Type: x12.TypeN0, Min: 1, Max: 3},
		{Ref: 157, Req: x12.ReqMandatory, Type: x12.TypeID, Min: 1, Max: 2},
		{Ref: 373, Req: x12.ReqMandatory, Type: x12.TypeDT, Min: 8, Max: 8},
		{Ref: 161, Req: x12.ReqOptional, Type: x12.TypeTM, Min: 4, Max: 4},
		{Ref: 159, Req: x12.ReqOptional, Type: x12.TypeAN, Min: 3, Max: 5},
		{Ref: 206, Req: x12.ReqMandatory, Type: x12.TypeAN, Min: 4, Max: 4},
		{Ref: 207, Req: x12.ReqMandatory, Type: x12.TypeAN, Min: 6, Max: 6},
	}}
	r4 := &x12.SegmentSpec{ID: "R4", Name: "Port or Terminal", Elements: []x12.Element{
		{Ref: 115, Req: x12.ReqMandatory, Type: x12.TypeID, Min: 1, Max: 1},
		{Ref: 309, Req: x12.ReqMandatory, Type: x12.TypeID, Min: 1, Max: 2},
		{Ref: 310, Req: x12.ReqMandatory, Type: x12.TypeAN, Min: 5, Max: 5},
	}}
	guide := &x12.SetSpec{ID: "315", Name: "Partner 315", From: "004010", To: "004010", Impl: "004010PART",
		Body: []x12.Node{
			x12.SegmentNode(b4, x12.ReqMandatory, 1),
			x12.LoopNode(x12.ReqMandatory, 1, x12.SegmentNode(r4, x12.ReqMandatory, 1)),
		}}
	checker, err := x12.NewStructureCheckerFor(append(x12.BuiltinSpecs(), guide)...)
	if err != nil {
		fmt.Println(err)
		return
	}
	const in = `ISA*00*          *00*          *ZZ*CARRIER        *ZZ*PARTNER        *261127*1200*U*00401*000000001*0*P*>~
GS*QO*CARRIER*PARTNER*20261127*1200*1*X*004010PART~
ST*315*0001~
B4***VA*20261127*1200**GMCU~
R4*L*UN*USMEM~
R4*D*UN*USDAL~
SE*5*0001~
GE*1*1~
IEA*1*000000001~
`
	v := &x12.Validator{Structure: checker}
	v.OnInterchange = func(ic *x12.Interchange) {
		for _, e := range ic.Groups[0].Sets[0].Errors {
			fmt.Printf("%-6s %s%02d at %d: %v\n", e.Code, e.SegmentID, e.Element, e.SetIndex, e.Err)
		}
	}
	if _, err := v.Validate(x12.NewReader(strings.NewReader(in))); err != nil {
		fmt.Println(err)
	}
	// Output:
	// AK3:8  B400 at 2: segment has data element errors
	// AK4:1  B408 at 2: mandatory element is missing
	// AK3:4  R400 at 4: loop occurs more times than allowed: loop R4 repeats 2 times, at most 1
}
