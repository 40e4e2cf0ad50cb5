package x12_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/icss/icss/edi/x12"
)

const example = `ISA*00*          *00*          *02*MAEU           *ZZ*CBSAPILOT      *261127*0815*U*00401*000000001*0*P*>~
GS*SO*MAEU*CBSAPILOT*20261127*0815*1*X*004010~
ST*309*0001~
M10*MAEU*O*DK*9778791*MAERSK ESSEN*648E*MAEU648E1*1*W~
P4*3001*20261205*1*M029~
LX*1~
M11*SHA10000000*57035*12*PKG*1200*K*3*X*00***MAEU~
N1*SH*ORIENT TRADING CO LTD~
N4*SHANGHAI***CN~
VID*CN*MSKU*7351770*MA1234567*****45G1*L*PP~
N10*12*WOODEN FURNITURE FOR BEDROOM*PO1*J*940360**K*1200~
SE*10*0001~
GE*1*1~
IEA*1*000000001~
`

// Reading segments: accessors are 1-based, like the implementation guides.
func ExampleReader() {
	r := x12.NewReader(strings.NewReader(example))
	for {
		seg, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		if seg.Tag() == "VID" {
			fmt.Printf("container %s%s sealed %s, line %d\n", seg.Elem(2), seg.Elem(3), seg.Elem(4), seg.Pos.Line)
		}
	}
	// Output: container MSKU7351770 sealed MA1234567, line 10
}

// Inspecting validates envelopes and structure; the SE01 here is wrong.
func ExampleInspect() {
	bad := strings.Replace(example, "SE*10*0001", "SE*9*0001", 1)
	rep, err := x12.Inspect(strings.NewReader(bad), "manifest.x12", nil, nil)
	if err != nil {
		panic(err)
	}
	set := rep.Interchanges[0].Groups[0].Sets[0]
	fmt.Println("valid:", rep.Valid())
	for _, is := range set.Issues {
		fmt.Printf("line %d %s%02d [%s] %s\n", is.Pos.Line, is.SegmentID, is.Element, is.Code, is.Message)
	}
	// Output:
	// valid: false
	// line 12 SE01 [AK5:4] count does not match: SE01 is "9", the set has 10 segments
}

// Writing with other delimiters re-delimits every segment, the ISA included.
func ExampleWriter() {
	r := x12.NewReader(strings.NewReader(example))
	w := x12.NewWriter(os.Stdout)
	w.Delims = x12.Delimiters{Element: '|', Component: ':', Segment: '\n'}
	for i := 0; i < 3; i++ {
		seg, _ := r.Read()
		w.WriteSegment(seg)
	}
	w.Flush()
	// Output:
	// ISA|00|          |00|          |02|MAEU           |ZZ|CBSAPILOT      |261127|0815|U|00401|000000001|0|P|:
	// GS|SO|MAEU|CBSAPILOT|20261127|0815|1|X|004010
	// ST|309|0001
}
