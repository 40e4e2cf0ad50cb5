package x12

// The segment dictionary shared by the built-in transaction-set specs: element
// reference numbers, requirements, types, lengths and syntax notes as the X12 standard
// tables print them. The plain tables are 4010's; where a later release changed a
// table, its 5030 form (segN9late, segN7late ..., built with widened and optional)
// serves the specs of 4030 and later. Where a set's implementation guide narrows a
// segment, the set's spec derives a copy (With, WithReq, lenient).
//
// Sources (issue 12 audit). Element counts, requirements (M, or C for both O and X),
// lengths and types were checked against the segment dictionaries of the BOTS grammars
// (bots-edi/bots-grammars x12/4010/records004010.py and x12/5030/records005030.py),
// which mark ID elements as AN and N0 as R; reference numbers, names and syntax notes
// come from the X12 segment pages of the Stedi and kasoftware references where the
// earlier tables lacked them. An element whose reference number could not be verified
// carries 0, so that an acknowledgment never quotes a guessed number (AK402 is left
// out). Syntax notes and code lists were not in those dictionaries and are as before.
//
// Segments the built-in sets carry but whose contents matter to nobody here (the rarer
// 404 and 322 segments) are "loose": their first elements are described and the rest
// accept any text up to the 4010 element count, so their position, use count, element
// count and mandatory elements are still checked.

// loose describes a segment by its first elements; up to n elements in all are
// accepted, the others as optional text.
func loose(id, name string, n int, first ...Element) *SegmentSpec {
	s := seg(id, name, first...)
	for len(s.Elements) < n {
		s.Elements = append(s.Elements, el(0, "not modelled", "O AN 1/999"))
	}
	return s
}

// bare describes an element by its requirement, type and length only, for loose
// segments whose element reference numbers were not verified (AK4 quotes none).
func bare(def string) Element { return el(0, "not modelled", def) }

// Code lists. Closed lists are the standard's complete list (or what this project's
// partners are held to); open lists are what we know to be in use, the rest of the
// standard's values only being warned about.
var (
	// 256 Manifest Type Code (M1009), union of the 4010-7010 lists.
	codes256 = closed("256 Manifest Type Code", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
		"P", "S", "T", "V", "W", "X", "Y", "Z")
	// 322 Load/Empty Status Code (VID10).
	codes322 = closed("322 Load/Empty Status Code", "E", "L")
	// 580 Amendment Type Code (M1303): the CBP manifest amendment types in use.
	codes580 = open("580 Amendment Type Code", "A", "B", "C", "D", "N", "R", "S")
	// 40 Equipment Description Code (VID01, N711): the container and railcar codes in use.
	codes40 = open("40 Equipment Description Code", "2B", "4B", "20", "40", "AC", "AF", "AL", "AP", "BR", "BX", "CC", "CH",
		"CN", "CP", "CZ", "DD", "DF", "FF", "FH", "FN", "FR", "FT", "HC", "HT", "LU", "OT", "PT", "RA", "RC", "RR", "RT",
		"SS", "ST", "TA", "TC", "TF", "TK", "TL", "TN", "TP", "TR", "TV", "TW", "UY", "VA")
	// 157 Shipment Status Code (B403, Q501): the ocean, rail and terminal statuses in use.
	codes157 = open("157 Shipment Status Code", "1", "2", "3", "4", "A", "A1", "A2", "A3", "A4", "AA", "AC", "AD", "AE",
		"AF", "AG", "AH", "AI", "AJ", "AL", "AM", "AN", "AO", "AP", "AR", "AV", "AW", "B", "BA", "BC", "BD", "BE", "BF",
		"BR", "C", "CA", "CB", "CC", "CR", "CS", "CT", "CU", "CV", "D", "DA", "DC", "DP", "DR", "DS", "DT", "E", "EA",
		"EE", "ER", "F", "FP", "FT", "G", "GO", "H", "HA", "HB", "HC", "HD", "I", "J", "K", "L", "MT", "N", "ND", "NF",
		"NH", "NT", "O", "OA", "OB", "P", "PA", "PB", "PC", "PD", "PE", "PF", "PG", "PH", "PI", "PJ", "PK", "PL", "PM",
		"PN", "PO", "PP", "PQ", "PR", "PS", "PT", "PU", "PV", "PW", "PX", "PY", "PZ", "R", "RA", "RB", "RC", "RD", "RL",
		"RM", "RR", "RS", "RT", "S", "SC", "SD", "T", "TM", "TR", "U", "UR", "UV", "V", "VA", "VD", "VL", "VR", "W",
		"X", "X1", "X2", "X3", "X4", "X5", "X6", "X8", "XB", "Y", "Z")
	// 115 Port or Terminal Function Code (R401, CM02).
	codes115 = open("115 Port or Terminal Function Code", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D",
		"E", "I", "L", "M", "N", "O", "P", "R", "S", "T", "U", "V", "W")
	// 581 Customs Entry Type Code (M1201): the in-bond types CBP uses (61 IT, 62 T&E,
	// 63 IE, 69 rail T-train, 70 ...).
	codes581 = open("581 Customs Entry Type Code", "00", "61", "62", "63", "64", "65", "66", "67", "68", "69", "70")
	// 98 Entity Identifier Code as the CBP 309 uses it in N101.
	codes98manifest = open("98 Entity Identifier Code (manifest parties)", "SH", "CN", "N1", "N2", "FS", "UC", "CB",
		"BY", "SE", "MF", "MP", "CS", "FW", "LG", "CA", "ZZ")

	// Acknowledgment codes.
	codes717 = closed("717 Transaction Set Acknowledgment Code", "A", "E", "M", "R", "W", "X")
	codes715 = closed("715 Functional Group Acknowledge Code", "A", "E", "M", "P", "R", "W", "X")
	codes718 = closed("718 Transaction Set Syntax Error Code", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
		"12", "13", "14", "15", "16", "17", "18", "19", "23", "24", "25", "26", "27")
	codes618 = closed("618 Implementation Transaction Set Syntax Error Code", "1", "2", "3", "4", "5", "6", "7", "8", "9",
		"10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "23", "24", "25", "26", "27", "I5", "I6")
	codes716 = closed("716 Functional Group Syntax Error Code", "1", "2", "3", "4", "5", "6", "17", "18", "19", "20", "21",
		"22", "23", "24", "25", "26")
	codes720 = closed("720 Segment Syntax Error Code", "1", "2", "3", "4", "5", "6", "7", "8")
	codes620 = closed("620 Implementation Segment Syntax Error Code", "1", "2", "3", "4", "5", "6", "7", "8", "I4", "I6",
		"I7", "I8", "I9")
	codes723 = closed("723 Data Element Syntax Error Code", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "12", "13",
		"14", "15")
	codes621 = closed("621 Implementation Data Element Syntax Error Code", "1", "2", "3", "4", "5", "6", "7", "8", "9",
		"10", "12", "13", "I6", "I9", "I10", "I11", "I12", "I13")
)

// Common segments.
var (
	segLX = seg("LX", "Assigned Number", el(554, "Assigned Number", "M N0 1/6"))
	segN1 = seg("N1", "Name",
		el(98, "Entity Identifier Code", "M ID 2/3"),
		el(93, "Name", "X AN 1/60"),
		el(66, "Identification Code Qualifier", "X ID 1/2"),
		el(67, "Identification Code", "X AN 2/80"),
		el(706, "Entity Relationship Code", "O ID 2/2"),
		el(98, "Entity Identifier Code", "O ID 2/3"),
	).rules("R0203", "P0304")
	segN2 = seg("N2", "Additional Name Information",
		el(93, "Name", "M AN 1/60"),
		el(93, "Name", "O AN 1/60")).text()
	segN3 = seg("N3", "Address Information",
		el(166, "Address Information", "M AN 1/55"),
		el(166, "Address Information", "O AN 1/55")).text()
	segN4 = seg("N4", "Geographic Location",
		el(19, "City Name", "O AN 2/30"),
		el(156, "State or Province Code", "O ID 2/2"),
		el(116, "Postal Code", "O ID 3/15"),
		el(26, "Country Code", "O ID 2/3"),
		el(309, "Location Qualifier", "X ID 1/2"),
		el(310, "Location Identifier", "O AN 1/30"),
	).rules("C0605")
	// C040: 4010 lengths (the reference identification is 1 to 30 there).
	compC040 = composite("Reference Identifier", "O",
		el(128, "Reference Identification Qualifier", "M ID 2/3"),
		el(127, "Reference Identification", "M AN 1/30"),
		el(128, "Reference Identification Qualifier", "X ID 2/3"),
		el(127, "Reference Identification", "X AN 1/30"),
		el(128, "Reference Identification Qualifier", "X ID 2/3"),
		el(127, "Reference Identification", "X AN 1/30"))
	segN9 = seg("N9", "Reference Identification",
		el(128, "Reference Identification Qualifier", "M ID 2/3"),
		el(127, "Reference Identification", "X AN 1/30"),
		el(369, "Free-form Description", "X AN 1/45"),
		el(373, "Date", "O DT 8/8"),
		el(337, "Time", "X TM 4/8"),
		el(623, "Time Code", "O ID 2/2"),
		compC040,
	).rules("R0203", "C0605").text()
	segREF = seg("REF", "Reference Identification",
		el(128, "Reference Identification Qualifier", "M ID 2/3"),
		el(127, "Reference Identification", "X AN 1/30"),
		el(352, "Description", "X AN 1/80"),
		compC040,
	).rules("R0203").text()
	segDTM = seg("DTM", "Date/Time Reference",
		el(374, "Date/Time Qualifier", "M ID 3/3"),
		el(373, "Date", "X DT 8/8"),
		el(337, "Time", "X TM 4/8"),
		el(623, "Time Code", "O ID 2/2"),
		el(1250, "Date Time Period Format Qualifier", "X ID 2/3"),
		el(1251, "Date Time Period", "X AN 1/35"),
	).rules("R020305", "C0403", "P0506")
	segPER = seg("PER", "Administrative Communications Contact",
		el(366, "Contact Function Code", "M ID 2/2"),
		el(93, "Name", "O AN 1/60"),
		el(365, "Communication Number Qualifier", "X ID 2/2"),
		el(364, "Communication Number", "X AN 1/80"),
		el(365, "Communication Number Qualifier", "X ID 2/2"),
		el(364, "Communication Number", "X AN 1/80"),
		el(365, "Communication Number Qualifier", "X ID 2/2"),
		el(364, "Communication Number", "X AN 1/80"),
		el(443, "Contact Inquiry Reference", "O AN 1/20"),
	).rules("P0304", "P0506", "P0708")
	segR4 = seg("R4", "Port or Terminal",
		el(115, "Port or Terminal Function Code", "M ID 1/1").codes(codes115),
		el(309, "Location Qualifier", "X ID 1/2"),
		el(310, "Location Identifier", "X AN 1/30"),
		el(114, "Port Name", "O AN 2/24"),
		el(26, "Country Code", "O ID 2/3"),
		el(174, "Terminal Name", "O AN 2/30"),
		el(113, "Pier Number", "O AN 1/4"),
		el(156, "State or Province Code", "O ID 2/2"),
	).rules("P0203")
	segM7 = seg("M7", "Seal Numbers",
		el(225, "Seal Number", "M AN 2/15"),
		el(225, "Seal Number", "O AN 2/15"),
		el(225, "Seal Number", "O AN 2/15"),
		el(225, "Seal Number", "O AN 2/15"),
		el(98, "Entity Identifier Code", "O ID 2/3"))
	segH1 = seg("H1", "Hazardous Material",
		el(62, "Hazardous Material Code", "M AN 4/10"),
		el(209, "Hazardous Material Class Code", "O AN 1/4"),
		el(208, "Hazardous Material Code Qualifier", "O ID 1/1"),
		el(64, "Hazardous Material Description", "O AN 2/30"),
		el(63, "Hazardous Material Contact", "O AN 1/24"),
		el(200, "Hazardous Materials Page", "O AN 1/6"),
		el(77, "Flashpoint Temperature", "X N0 1/3"),
		el(355, "Unit or Basis for Measurement Code", "X ID 2/2"),
		el(254, "Packing Group Code", "O ID 1/3"),
	).rules("P0708")
	segH2 = seg("H2", "Additional Hazardous Material Description",
		el(64, "Hazardous Material Description", "M AN 2/30"),
		el(274, "Hazardous Material Classification", "O AN 1/30"),
	).text()
	// H3: every element is optional in 4010 (H301 too).
	segH3 = loose("H3", "Special Handling Instructions", 5,
		el(152, "Special Handling Code", "O ID 2/3"),
		el(153, "Special Handling Description", "O AN 2/30"))
	segK1 = seg("K1", "Remarks",
		el(61, "Free-Form Message", "M AN 1/30"),
		el(61, "Free-Form Message", "O AN 1/30")).text()
	segN7 = seg("N7", "Equipment Details",
		el(206, "Equipment Initial", "O AN 1/4"),
		el(207, "Equipment Number", "M AN 1/10"),
		el(81, "Weight", "X R 1/10"),
		el(187, "Weight Qualifier", "X ID 1/2"),
		el(167, "Tare Weight", "X N0 3/8"),
		el(232, "Weight Allowance", "O N0 2/6"),
		el(205, "Dunnage", "O N0 1/6"),
		el(183, "Volume", "X R 1/8"),
		el(184, "Volume Unit Qualifier", "X ID 1/1"),
		el(102, "Ownership Code", "O ID 1/1"),
		el(40, "Equipment Description Code", "O ID 2/2").codes(codes40),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
		el(319, "Temperature Control", "O AN 3/6"),
		el(219, "Position", "O AN 1/3"),
		el(567, "Equipment Length", "O N0 4/5"),
		el(571, "Tare Qualifier Code", "X ID 1/1"),
		el(188, "Weight Unit Code", "O ID 1/1"),
		el(761, "Equipment Number Check Digit", "O N0 1/1"),
		el(56, "Type of Service Code", "O ID 2/2"),
		el(65, "Height", "O R 1/8"),
		el(189, "Width", "O R 1/8"),
		el(24, "Equipment Type", "O ID 4/4"),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
		el(301, "Car Type Code", "O ID 1/4"))
	segM12 = seg("M12", "In-bond Identifying Information",
		el(581, "Customs Entry Type Code", "M ID 2/2").codes(codes581),
		el(601, "Customs Entry Number", "X AN 1/15"),
		el(310, "Location Identifier", "O AN 1/30"),
		el(310, "Location Identifier", "O AN 1/30"),
		el(602, "Customs Shipment Value", "O AN 2/8"),
		el(603, "In-bond Control Number", "X AN 1/25"),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
		el(128, "Reference Identification Qualifier", "X ID 2/3"),
		el(127, "Reference Identification", "X AN 1/30"),
		el(91, "Transportation Method/Type Code", "X ID 1/2"),
		el(182, "Vessel Name", "X AN 2/28"),
	).rules("P0809")
	segL0 = seg("L0", "Line Item - Quantity and Weight",
		el(213, "Lading Line Item Number", "O N0 1/3"),
		el(220, "Billed/Rated-as Quantity", "X R 1/11"),
		el(221, "Billed/Rated-as Qualifier", "X ID 2/2"),
		el(81, "Weight", "X R 1/10"),
		el(187, "Weight Qualifier", "X ID 1/2"),
		el(183, "Volume", "X R 1/8"),
		el(184, "Volume Unit Qualifier", "X ID 1/1"),
		el(80, "Lading Quantity", "X N0 1/7"),
		el(211, "Packaging Form Code", "X ID 3/3"),
		el(458, "Dunnage Description", "O AN 2/25"),
		el(188, "Weight Unit Code", "O ID 1/1"),
		el(56, "Type of Service Code", "O ID 2/2"),
		el(380, "Quantity", "O R 1/15"),
		el(211, "Packaging Form Code", "O ID 3/3"),
		el(1073, "Yes/No Condition or Response Code", "O ID 1/1"),
	).rules("P0203", "P0405", "P0607", "P0809")
	segL5 = seg("L5", "Description, Marks and Numbers",
		el(213, "Lading Line Item Number", "O N0 1/3"),
		el(79, "Lading Description", "O AN 1/50"),
		el(22, "Commodity Code", "X AN 1/30"),
		el(23, "Commodity Code Qualifier", "X ID 1/1"),
		el(103, "Packaging Code", "O AN 3/5"),
		el(87, "Marks and Numbers", "O AN 1/48"),
		el(88, "Marks and Numbers Qualifier", "O ID 1/2"),
		el(23, "Commodity Code Qualifier", "O ID 1/1"),
		el(22, "Commodity Code", "X AN 1/30"),
		el(595, "Compartment ID Code", "O ID 1/1"),
	).rules("P0304").text()
	segNA = seg("NA", "Cross-Reference Equipment",
		el(128, "Reference Identification Qualifier", "O ID 2/3"),
		el(127, "Reference Identification", "X AN 1/30"),
		el(206, "Equipment Initial", "M AN 1/4"),
		el(207, "Equipment Number", "M AN 1/10"),
		el(231, "Cross Reference Type Code", "O ID 1/1"),
		el(219, "Position", "O AN 1/3"),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
		el(567, "Equipment Length", "O N0 4/5"),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
		el(845, "Chassis Type", "O ID 2/2"),
		el(1073, "Yes/No Condition or Response Code", "O ID 1/1"))
	// PI has fifteen elements in 4010, PI01 and PI02 mandatory.
	segPI = loose("PI", "Price Authority Identification", 15,
		el(128, "Reference Identification Qualifier", "M ID 2/3"),
		el(127, "Reference Identification", "M AN 1/30"))
	segMEA = loose("MEA", "Measurements", 10)
	segX1  = loose("X1", "Export License", 16)
	segVC  = loose("VC", "Motor Vehicle Control", 11, bare("M AN 1/25"))
	// ZC1: ZC103 to ZC108 are mandatory in 4010.
	segZC1 = loose("ZC1", "Beginning Segment for Data Correction or Change", 8,
		bare("O AN 1/30"), bare("O AN 1/4"), bare("M AN 1/10"), bare("M AN 1/15"), bare("M DT 8/8"),
		bare("M ID 2/2"), bare("M ID 2/4"), bare("M ID 1/2"))
)

// widened returns a copy of the segment spec in which the elements at the given
// 1-based positions have the new maximum lengths (position, max, position, max ...)
// and the extra elements are appended: a later release's form of a 4010 table.
func (s *SegmentSpec) widened(maxes []int, more ...Element) *SegmentSpec {
	c := *s
	c.Elements = append(append([]Element(nil), s.Elements...), more...)
	for i := 0; i+1 < len(maxes); i += 2 {
		e := &c.Elements[maxes[i]-1]
		if e.Type == TypeComposite {
			comps := append([]Element(nil), e.Components...)
			for j := range comps {
				if comps[j].Type == TypeAN {
					comps[j].Max = maxes[i+1]
				}
			}
			e.Components = comps
			continue
		}
		e.Max = maxes[i+1]
	}
	return &c
}

// optional returns a copy of the segment spec in which the elements at the given
// 1-based positions are optional (a later release relaxed them).
func (s *SegmentSpec) optional(positions ...int) *SegmentSpec {
	c := *s
	c.Elements = append([]Element(nil), s.Elements...)
	for _, p := range positions {
		c.Elements[p-1].Req = ReqOptional
	}
	return &c
}

// The 5030 forms of shared segments (BOTS x12/5030/records005030.py), which the specs
// of 4030 and later use: the releases in between were not checked one by one, and the
// 5030 tables only add elements, widen lengths and relax requirements, so they are the
// tolerant choice for them. The reference identification (127) grew from 30 to 80
// characters, the equipment number (207) from 10 to 15, the communication number (364)
// from 80 to 256.
var (
	segN9late  = segN9.widened([]int{2, 80, 7, 80})
	segREFlate = segREF.widened([]int{2, 80, 3, 80, 4, 80})
	segN4late  = segN4.widened(nil, el(1715, "Country Subdivision Code", "O ID 1/3"))
	segPERlate = segPER.widened([]int{4, 256, 6, 256, 8, 256})
	segN7late  = segN7.widened([]int{2, 15})
	segNAlate  = segNA.widened([]int{2, 80, 4, 15}, bare("O R 1/1"))
	segN10late = segN10.widened([]int{9, 80})
	segPIlate  = segPI.widened([]int{2, 80}, bare("O ID 2/2"))
	segMEAlate = segMEA.widened(nil, bare("O ID 1/3"), bare("O AN 1/30"))
	segX1late  = segX1.widened(nil, bare("O AN 1/30"))
	segVClate  = segVC.widened([]int{1, 30}, bare("O ID 1/1"), bare("O AN 1/30"))
	segZC1late = segZC1.widened([]int{3, 15, 4, 50}, bare("O R 1/1"))
)
