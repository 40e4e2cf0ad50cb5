package x12

// 309 Customs Manifest (U.S. Customs Manifest in 4010): the ocean and rail manifest a
// carrier sends CBP, and the Automated Manifest Download (AMD) CBP sends back. See
// ../shared/EDI.md §2 for the tree and the elements.
//
// Sources (issue 12 audit):
//   - Set tables: the BOTS grammars (bots-edi/bots-grammars) x12/4010/309004010.py and
//     x12/{4030,4040,4050,4060,5010,5020,5030}/309NNNNNN.py, and the OopFactory X12
//     parser's Ansi-309-4010Specification.xml (Inteligenz/X12Parser), which agree for
//     4010. The steps: 4030 drops P5, puts R4 in the M12 loop, lets the N1 loop
//     repeat 20 times with X1 and adds M7 to the VID loop (VC 30 times in 4030, 36
//     in 4040, accepted 36 times for both); 4050 moves VC into the N10 loop with MAN
//     (999 each) and lets H1 repeat 99 times; 5010 adds the heading VEH, CII and the
//     NM1 party loop (REF twice in 5010, 10 times from 5020). 6010 and later are not
//     in public material: their spec is 5030's with the heading N9 and M7 EDI.md
//     reports (after the ACE guides), kept tolerant.
//   - Segment tables: BOTS x12/4010/records004010.py for the 4010 spec (M13's M1309
//     SCAC is mandatory there, as the kasoftware 00401 M13 page also shows; P5 has
//     three mandatory elements); x12/5030/
//     records005030.py for the specs from 4030 on: M10 has 17 elements (M1003, M1006
//     and M1009 optional), M11 24 (bill numbers up to 25 characters; M1103 to M1106
//     optional), M12 14, M13 12 (M1309 optional), P4 7, VID 18, VEH 26, DMG 11, DMA
//     18, CII 5. The releases between 4030 and 5020 take those 5030 tables (tolerant).
//   - 4010's VID loop has no M7 and its M12 loop no R4; EDI.md (after later releases
//     and the CBP AMD) has them, so the 4010 spec accepts both there (tolerant).

var (
	segM10 = seg("M10", "Manifest Identifying Information",
		el(140, "Standard Carrier Alpha Code", "M ID 2/4"),
		el(91, "Transportation Method/Type Code", "M ID 1/2"),
		el(26, "Country Code", "M ID 2/3"),
		el(597, "Vessel Code", "X ID 1/8"),
		el(182, "Vessel Name", "X AN 2/28"),
		el(55, "Flight/Voyage Number", "M AN 2/10"),
		el(127, "Reference Identification", "O AN 1/30"),
		el(380, "Quantity", "O R 1/15"),
		el(256, "Manifest Type Code", "M ID 1/1").codes(codes256),
		el(897, "Vessel Code Qualifier", "X ID 1/1"),
		el(1073, "Yes/No Condition or Response Code", "O ID 1/1"),
		el(127, "Reference Identification", "O AN 1/30"),
	).rules("R0405")
	segP4 = seg("P4", "Port Information",
		el(310, "Location Identifier", "M AN 1/30"),
		el(373, "Date", "M DT 8/8"),
		el(380, "Quantity", "O R 1/15"),
		el(310, "Location Identifier", "O AN 1/30"),
		el(337, "Time", "O TM 4/8"))
	segM13 = seg("M13", "Manifest Amendment Details",
		el(140, "Standard Carrier Alpha Code", "M ID 2/4"),
		el(310, "Location Identifier", "M AN 1/30"),
		el(580, "Amendment Type Code", "O ID 1/1").codes(codes580),
		el(598, "Bill of Lading/Waybill Number", "M AN 1/12"),
		el(380, "Quantity", "O R 1/15"),
		el(393, "Amendment Code", "O ID 2/2"),
		el(306, "Action Code", "O ID 1/2"),
		el(598, "Bill of Lading/Waybill Number", "X AN 1/12"),
		el(140, "Standard Carrier Alpha Code", "M ID 2/4"),
		el(140, "Standard Carrier Alpha Code", "X ID 2/4"))
	segM11 = seg("M11", "Manifest Bill of Lading Details",
		el(598, "Bill of Lading/Waybill Number", "M AN 1/12"),
		el(310, "Location Identifier", "M AN 1/30"),
		el(380, "Quantity", "M R 1/15"),
		el(599, "Manifest Unit Code", "M ID 1/3"),
		el(81, "Weight", "M R 1/10"),
		el(188, "Weight Unit Code", "M ID 1/1"),
		el(183, "Volume", "X R 1/8"),
		el(184, "Volume Unit Qualifier", "X ID 1/1"),
		el(582, "Bill of Lading Type Code", "O ID 2/2"),
		el(600, "Place of Receipt by Pre-carrier", "O AN 1/17"),
		el(598, "Bill of Lading/Waybill Number", "X AN 1/12"),
		el(140, "Standard Carrier Alpha Code", "M ID 2/4"),
		el(140, "Standard Carrier Alpha Code", "X ID 2/4"),
		el(140, "Standard Carrier Alpha Code", "X ID 2/4"),
		el(140, "Standard Carrier Alpha Code", "X ID 2/4"),
		el(1302, "Shipper's Export Declaration Requirements", "O AN 1/2"),
		el(1578, "Export Exception Code", "O ID 2/2"),
		el(140, "Standard Carrier Alpha Code", "X ID 2/4"),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
	).rules("P0708")
	segVID = seg("VID", "Conveyance Identification",
		el(40, "Equipment Description Code", "M ID 2/2").codes(codes40),
		el(206, "Equipment Initial", "O AN 1/4"),
		el(207, "Equipment Number", "M AN 1/10"),
		el(225, "Seal Number", "O AN 2/15"),
		el(225, "Seal Number", "O AN 2/15"),
		el(567, "Equipment Length", "O N0 4/5"),
		el(65, "Height", "O R 1/8"),
		el(189, "Width", "O R 1/8"),
		el(24, "Equipment Type", "O ID 4/4"),
		el(322, "Load/Empty Status Code", "O ID 1/1").codes(codes322),
		el(56, "Type of Service Code", "O ID 2/2"),
		el(310, "Location Identifier", "O AN 1/30"),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"))
	// N10 is the cargo line. Its text runs on over continuation N10s with an empty N1001
	// (EDI.md §2), all valid: N1001 is optional.
	segN10 = seg("N10", "Quantity and Description",
		el(380, "Quantity", "O R 1/15"),
		el(369, "Free-form Description", "O AN 1/45"),
		el(87, "Marks and Numbers", "O AN 1/48"),
		el(23, "Commodity Code Qualifier", "X ID 1/1"),
		el(22, "Commodity Code", "X AN 1/30"),
		el(602, "Customs Shipment Value", "X AN 2/8"),
		el(188, "Weight Unit Code", "X ID 1/1"),
		el(81, "Weight", "X R 1/10"),
		el(127, "Reference Identification", "O AN 1/30"),
		el(599, "Manifest Unit Code", "O ID 1/3"),
		el(26, "Country Code", "O ID 2/3"),
		el(26, "Country Code", "O ID 2/3"),
		el(100, "Currency Code", "X ID 3/3"),
	).rules("P0405", "P0708").text()
	segMAN = seg("MAN", "Marks and Numbers",
		el(88, "Marks and Numbers Qualifier", "M ID 1/2"),
		el(87, "Marks and Numbers", "M AN 1/48"),
		el(87, "Marks and Numbers", "O AN 1/48"),
		el(88, "Marks and Numbers Qualifier", "X ID 1/2"),
		el(87, "Marks and Numbers", "X AN 1/48"),
		el(87, "Marks and Numbers", "O AN 1/48"),
	).rules("P0405").text()
	segNM1 = seg("NM1", "Individual or Organizational Name",
		el(98, "Entity Identifier Code", "M ID 2/3"),
		el(1065, "Entity Type Qualifier", "M ID 1/1"),
		el(1035, "Name Last or Organization Name", "X AN 1/60"),
		el(1036, "Name First", "O AN 1/35"),
		el(1037, "Name Middle", "O AN 1/25"),
		el(1038, "Name Prefix", "O AN 1/10"),
		el(1039, "Name Suffix", "O AN 1/10"),
		el(66, "Identification Code Qualifier", "X ID 1/2"),
		el(67, "Identification Code", "X AN 2/80"),
		el(706, "Entity Relationship Code", "X ID 2/2"),
		el(98, "Entity Identifier Code", "O ID 2/3"),
		el(1035, "Name Last or Organization Name", "O AN 1/60"),
	).rules("P0809", "C1110")
	segDMG = loose("DMG", "Demographic Information", 11,
		el(1250, "Date Time Period Format Qualifier", "X ID 2/3"),
		el(1251, "Date Time Period", "X AN 1/35")).rules("P0102")
	segDMA = loose("DMA", "Additional Demographic Information", 18)
	segVEH = loose("VEH", "Vehicle Information", 26)
	// CII (5010 on): four of its five elements are mandatory.
	segCII = loose("CII", "Conveyance Insurance Information", 5,
		bare("M AN 1/60"), bare("M AN 1/80"), bare("M R 4/4"), bare("O ID 3/3"), bare("M N2 1/15"))
	segP5 = loose("P5", "Port Information", 3, bare("M ID 1/1"), bare("M ID 1/2"), bare("M AN 1/30"))

	// The 309's N1 narrows N101 to the manifest parties. The CBP AMD writes the final
	// destination as N1*FS*USJAX**USJAX: an identification code without its qualifier
	// (P0304 broken), which loses nothing, so that note is a warning here.
	segN1manifest = segN1.With(1, codes98manifest).lenient("P0304")

	// The 5030 tables (used from 4030 on). M1101 carries a Canadian cargo control
	// number of up to 25 characters (EDI.md §2; it was accepted up to 30 here).
	segM10late = segM10.optional(3, 6, 9).widened([]int{7, 80, 12, 80},
		bare("O ID 2/2"), bare("O ID 2/2"), bare("O ID 1/1"), bare("O ID 2/2"), bare("O ID 1/1"))
	segM11late = segM11.optional(3, 4, 5, 6).widened([]int{1, 25, 11, 25},
		bare("O AN 1/30"), bare("O AN 1/30"), bare("O ID 1/2"), bare("O ID 3/3"), bare("O AN 1/30"))
	segM12late = segM12.widened([]int{9, 80},
		bare("O ID 1/1"), el(373, "Date", "O DT 8/8"), bare("O AN 1/30"))
	segM13late = segM13.optional(9).widened([]int{4, 25, 8, 25}, bare("O ID 1/2"), bare("O AN 2/80"))
	segP4late  = segP4.widened(nil, el(373, "Date", "O DT 8/8"), el(337, "Time", "O TM 4/8"))
	// VID from 5030: an equipment number of up to 15 and the licence plate data
	// (VID14 to VID18); VID19 and the check digit in VID20 come from EDI.md (later
	// releases, not verified) and are accepted.
	segVIDlate = segVID.widened([]int{3, 15},
		bare("O AN 1/80"), bare("O ID 2/2"), bare("O ID 2/3"), bare("O AN 1/80"), bare("O AN 1/3"),
		el(0, "not verified (after 5030)", "O AN 1/35"),
		el(761, "Equipment Number Check Digit", "O N0 1/1"))
)

// spec309v4010 is the 309 of 4010 to 4020 (GS01 SO).
var spec309v4010 = &SetSpec{
	ID: "309", Name: "U.S. Customs Manifest", From: "004010", To: "004029",
	Body: []Node{
		sm(segM10, 1),
		lm(20,
			sm(segP4, 1),
			lm(9999,
				sm(segLX, 1),
				so(segM13, 1),
				so(segM11, 1),
				so(segN9, 999),
				lo(5,
					sm(segN1manifest, 1),
					so(segN3, 2),
					so(segN4, 1),
					so(segDTM, 1),
					so(segPER, 1)),
				lo(1,
					sm(segM12, 1),
					so(segP5, 5),
					so(segR4, 10)),
				lo(999,
					sm(segVID, 1),
					so(segM7, 5),
					so(segVC, 21),
					lo(999,
						sm(segN10, 1),
						lo(10,
							sm(segH1, 1),
							so(segH2, 99)))))),
	},
}

// The 309 from 4030 on (GS01 AQ), by release.
var (
	spec309v4030 = &SetSpec{ID: "309", Name: "Customs Manifest", From: "004030", To: "004049",
		Body: body309(nil, vidLoop309v4030())}
	spec309v4050 = &SetSpec{ID: "309", Name: "Customs Manifest", From: "004050", To: "005009",
		Body: body309(nil, vidLoop309())}
	spec309v5010 = &SetSpec{ID: "309", Name: "Customs Manifest", From: "005010", To: "005019",
		Body: body309(heading309(2), vidLoop309())}
	spec309v5020 = &SetSpec{ID: "309", Name: "Customs Manifest", From: "005020", To: "005999",
		Body: body309(heading309(10), vidLoop309())}
	// spec309v6010: releases after 5030 were not in public material; EDI.md (after the
	// ACE guides) adds the heading references and seals, with 6010's maximum uses.
	spec309v6010 = &SetSpec{ID: "309", Name: "Customs Manifest", From: "006000",
		Body: body309(append([]Node{so(segN9late, 5), so(segVEH, 10), so(segM7, 1)}, heading309(10)[1:]...), vidLoop309())}
)

// heading309 is the heading after M10 from 5010 on: the vehicle, conveyance
// insurance and the NM1 party loop (crew, brokers, in-bond participants), whose REF
// is used refs times.
func heading309(refs int) []Node {
	return []Node{
		so(segVEH, 10),
		so(segCII, 3),
		lo(999,
			sm(segNM1, 1),
			so(segDMG, 1),
			so(segDMA, 1),
			so(segREFlate, refs),
			so(segN3, 2),
			so(segN4late, 1)),
	}
}

// vidLoop309v4030 is the conveyance loop of 4030 and 4040: VC at VID level.
func vidLoop309v4030() Node {
	return lo(999,
		sm(segVIDlate, 1),
		so(segVClate, 36),
		so(segM7, 5),
		lo(999,
			sm(segN10late, 1),
			lo(99,
				sm(segH1, 1),
				so(segH2, 99))))
}

// vidLoop309 is the conveyance loop from 4050 on: VC and MAN in the N10 loop.
func vidLoop309() Node {
	return lo(999,
		sm(segVIDlate, 1),
		so(segM7, 5),
		lo(999,
			sm(segN10late, 1),
			so(segVClate, 999),
			so(segMAN, 999),
			lo(99,
				sm(segH1, 1),
				so(segH2, 99))))
}

// body309 is the 309's table from 4030 on with the given heading (after M10) and
// conveyance loop.
func body309(heading []Node, vid Node) []Node {
	return append(append([]Node{sm(segM10late, 1)}, heading...),
		lm(20,
			sm(segP4late, 1),
			lm(9999,
				sm(segLX, 1),
				so(segM13late, 1),
				so(segM11late, 1),
				so(segN9late, 999),
				lo(20,
					sm(segN1manifest, 1),
					so(segN3, 2),
					so(segN4late, 1),
					so(segDTM, 1),
					so(segPERlate, 1),
					so(segX1late, 1)),
				lo(1,
					sm(segM12late, 1),
					so(segR4, 10)),
				vid)))
}
