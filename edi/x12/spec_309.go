package x12

// 309 Customs Manifest (U.S. Customs Manifest in 4010): the ocean and rail manifest a
// carrier sends CBP, and the Automated Manifest Download (AMD) CBP sends back. See
// ../shared/EDI.md §2 for the tree and the elements.

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
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
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
		el(207, "Equipment Number", "M AN 1/15"),
		el(225, "Seal Number", "O AN 2/15"),
		el(225, "Seal Number", "O AN 2/15"),
		el(567, "Equipment Length", "O N0 4/5"),
		el(65, "Height", "O R 1/8"),
		el(189, "Width", "O R 1/8"),
		el(24, "Equipment Type", "O ID 4/4"),
		el(322, "Load/Empty Status Code", "O ID 1/1").codes(codes322),
		el(56, "Type of Service Code", "O ID 2/2"),
		el(310, "Location Identifier", "O AN 1/30"),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
		el(0, "Licence plate data (later releases)", "O AN 1/35"),
		el(0, "Licence plate data (later releases)", "O AN 1/35"),
		el(0, "Licence plate data (later releases)", "O AN 1/35"),
		el(0, "Licence plate data (later releases)", "O AN 1/35"),
		el(0, "Licence plate data (later releases)", "O AN 1/35"),
		el(0, "(later releases)", "O AN 1/35"),
		el(761, "Equipment Number Check Digit", "O N0 1/1"))
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
	segDMA = loose("DMA", "Additional Demographic Information", 6)
	segVEH = loose("VEH", "Vehicle Information", 12)
	segCII = loose("CII", "Conveyance Insurance Information", 12)
	segP5  = loose("P5", "Port Information", 4)

	// The 309's N1 narrows N101 to the manifest parties. The CBP AMD writes the final
	// destination as N1*FS*USJAX**USJAX: an identification code without its qualifier
	// (P0304 broken), which loses nothing, so that note is a warning here.
	segN1manifest = segN1.With(1, codes98manifest).lenient("P0304")
	// From 5030 M1101 also carries a Canadian cargo control number of up to 25
	// characters (EDI.md §2).
	segM11late = func() *SegmentSpec {
		s := segM11.With(1, nil)
		s.Elements[0].Max = 30
		return s
	}()
)

// spec309v4010 is the 309 of 4010 to 4020 (GS01 SO). The standard's table puts VC in
// the VID loop and P5 in the M12 loop; EDI.md (after later releases) also has M7 seals
// after VID and R4 after M12, so both are accepted there.
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

// spec309v4030 is the 309 from 4030 on (GS01 AQ): the heading adds references, the
// vehicle, seals, conveyance insurance and the NM1 party loop (maximum uses of 6010);
// N1 loops gain X1, N10 loops VC and MAN.
var spec309v4030 = &SetSpec{
	ID: "309", Name: "Customs Manifest", From: "004030",
	Body: []Node{
		sm(segM10, 1),
		so(segN9, 5),
		so(segVEH, 10),
		so(segM7, 1),
		so(segCII, 3),
		lo(999,
			sm(segNM1, 1),
			so(segDMG, 1),
			so(segDMA, 1),
			so(segREF, 10),
			so(segN3, 2),
			so(segN4, 1)),
		lm(20,
			sm(segP4, 1),
			lm(9999,
				sm(segLX, 1),
				so(segM13, 1),
				so(segM11late, 1),
				so(segN9, 999),
				lo(10,
					sm(segN1manifest, 1),
					so(segN3, 2),
					so(segN4, 1),
					so(segDTM, 1),
					so(segPER, 1),
					so(segX1, 1)),
				lo(1,
					sm(segM12, 1),
					so(segR4, 10)),
				lo(999,
					sm(segVID, 1),
					so(segM7, 5),
					lo(999,
						sm(segN10, 1),
						so(segVC, 21),
						so(segMAN, 10),
						lo(10,
							sm(segH1, 1),
							so(segH2, 99)))))),
	},
}
