package edifactmap_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/icss/icss/transforms/edifactmap"
)

// A CUSCAR consignment whose goods item is linked (SGP) to a container of the
// equipment section, with its seal.
func ExampleMapper() {
	in := "UNB+UNOC:3+CARRIER+CBSA+261127:0815+1'UNH+1+CUSCAR:D:95B:UN'BGM+85+DOC1+9'" +
		"TDT+20+V1+1++MAEU:172:166+++9778791:146::MAERSK ESSEN'LOC+60+CAPRR:139:6'" +
		"EQD+CN+MSKU7351770:6346:5+45G1:102:5++3+5'SEL+ML123+CA'" +
		"CNI+1+B1'RFF+BM:B1'RFF+AAZ:MAEU'LOC+11+CAPRR::139'LOC+8+USCHI::139'" +
		"NAD+CZ++ORIENT TRADING'NAD+CN++MIDWEST LLC'GID+1+10:CT'FTX+AAA+++TIRES'PIA+5+401120:HS'" +
		"MEA+AAE+G+KGM:2000'SGP+MSKU7351770+10'UNT+19+1'UNZ+1+1'"
	m := edifactmap.New(strings.NewReader(in), edifactmap.Options{File: "example.edi"})
	for {
		it, err := m.Read()
		if err == io.EOF {
			break
		}
		r := it.Record
		fmt.Println(r.Key, r.Conveyance.VesselName, r.Conveyance.IMO)
		fmt.Println(r.Goods[0].Description, r.Goods[0].HS6, r.Equipment[0].Number, r.Equipment[0].Seals[0].Number)
		fmt.Println(r.InTransit.Status, r.InTransit.ArrivalCountry, "→", r.InTransit.DestinationCountry)
	}
	// Output:
	// MAEUB1 MAERSK ESSEN 9778791
	// TIRES 401120 MSKU7351770 ML123
	// in_transit CA → US
}
