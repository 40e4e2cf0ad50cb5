package x12map_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/icss/icss/transforms/x12map"
)

// A 309 whose cargo line runs on over a continuation N10, with a hazmat H1 in between.
func ExampleMapper() {
	in := "ISA*00*          *00*          *02*MAEU           *ZZ*CBSA           *261127*0815*U*00401*000000001*0*P*>~" +
		"GS*SO*MAEU*CBSA*20261127*0815*1*X*004010~ST*309*0001~M10*MAEU*O*DK*9778791*MAERSK ESSEN*648E**1*W~" +
		"P4*3001*20261205*1*M029~LX*1~M11*SHA123*57035*10*PKG*2000*K***00***MAEU~" +
		"N1*SH*ORIENT TRADING~N4*SHANGHAI***CN~N1*CN*MIDWEST LLC~N4*CHICAGO*IL*60632*US~" +
		"VID*CN*HASU*5044950*ML123*****45G1*L~N10*10*SODIUM HYDROXIDE SOL*PO1*J*281511**K*2000~H1*1823*8~" +
		"N10**ID IN DRUMS~SE*14*0001~GE*1*1~IEA*1*000000001~"
	m := x12map.New(strings.NewReader(in), x12map.Options{File: "example.x12"})
	for {
		it, err := m.Read()
		if err == io.EOF {
			break
		}
		r := it.Record
		g := r.Goods[0]
		fmt.Println(r.Key, r.Equipment[0].Number, r.Equipment[0].Check)
		fmt.Println(g.Description, "|", g.HS6, g.Hazmat[0].UNNumber, g.Weight.KG, "kg")
		fmt.Println(r.InTransit.Status, len(r.Flags), "flags")
	}
	// Output:
	// MAEUSHA123 HASU5044950 valid
	// SODIUM HYDROXIDE SOLID IN DRUMS | 281511 1823 2000 kg
	// domestic 0 flags
}
