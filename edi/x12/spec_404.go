package x12

// 404 Rail Carrier Shipment Information: the rail waybill (EDI.md §3), not a customs
// set but the Prince Rupert to US leg. Its 4010 table is long; the segments icss reads
// (BX, M3, N9, CM, N7, M7, M12, F9, D9, N1, R2, LX, L5, L0) are described element by
// element, the rest loosely. Maximum uses the standard leaves at ">1" are unbounded.

var (
	segBX = seg("BX", "General Shipment Information",
		el(353, "Transaction Set Purpose Code", "M ID 2/2"),
		el(91, "Transportation Method/Type Code", "M ID 1/2"),
		el(146, "Shipment Method of Payment", "M ID 2/2"),
		el(145, "Shipment Identification Number", "O AN 1/30"),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
		el(188, "Weight Unit Code", "O ID 1/1"),
		el(147, "Shipment Qualifier", "O ID 1/1"),
		el(1073, "Yes/No Condition or Response Code", "O ID 1/1"),
		el(0, "(later releases)", "O AN 1/30"),
		el(0, "(later releases)", "O AN 1/30"))
	segBNX = loose("BNX", "Rail Shipment Information", 6)
	segM3  = seg("M3", "Release",
		el(132, "Release Code", "M ID 1/1"),
		el(373, "Date", "X DT 8/8"),
		el(337, "Time", "X TM 4/8"),
		el(623, "Time Code", "O ID 2/2"))
	segCM = loose("CM", "Cargo Manifest", 12,
		el(55, "Flight/Voyage Number", "M AN 2/10"),
		el(115, "Port or Terminal Function Code", "M ID 1/1").codes(codes115),
		el(114, "Port Name", "O AN 2/30"))
	segM1 = loose("M1", "Insurance", 12)
	segEM = loose("EM", "Equipment Characteristics", 10)
	segN5 = loose("N5", "Equipment Ordered", 9)
	segIC = loose("IC", "Intermodal Chassis Equipment", 10)
	segIM = loose("IM", "Intermodal Movement Information", 6)
	segE1 = loose("E1", "Empty Car Disposition - Pended Destination Consignee", 5)
	segE4 = loose("E4", "Empty Car Disposition - Pended Destination City", 4)
	segE5 = loose("E5", "Empty Car Disposition - Pended Destination Route", 4)
	segGA = loose("GA", "Canadian Grain Information", 10)
	segF9 = loose("F9", "Origin Station", 8, el(154, "Standard Point Location Code", "O ID 6/9"), el(19, "City Name", "M AN 2/30"))
	segD9 = loose("D9", "Destination Station", 8, el(154, "Standard Point Location Code", "O ID 6/9"), el(19, "City Name", "M AN 2/30"))
	segBL = loose("BL", "Billing Information", 10)
	segS1 = loose("S1", "Stop-off Name", 5)
	segS2 = loose("S2", "Stop-off Address", 3)
	segS9 = loose("S9", "Stop-off Station", 6)
	segR2 = seg("R2", "Route Information",
		el(140, "Standard Carrier Alpha Code", "M ID 2/4"),
		el(133, "Routing Sequence Code", "M ID 1/2"),
		el(19, "City Name", "O AN 2/30"),
		el(154, "Standard Point Location Code", "O ID 6/9"),
		el(177, "Intermodal Service Code", "O ID 1/2"),
		el(91, "Transportation Method/Type Code", "O ID 1/2"),
		el(296, "Intermediate Switch Carrier", "X ID 2/4"),
		el(296, "Intermediate Switch Carrier", "O ID 2/4"),
		el(76, "Invoice Number", "O AN 1/22"),
		el(373, "Date", "O DT 8/8"),
		el(369, "Free-form Description", "O AN 1/45"),
		el(56, "Type of Service Code", "O ID 2/2"),
		el(742, "Route Description", "O AN 1/35"))
	segR9  = loose("R9", "Route Code Identification", 6)
	segPS  = loose("PS", "Protective Service Instructions", 14)
	segL1  = loose("L1", "Rate and Charges", 21)
	segT1  = loose("T1", "Transit Inbound Origin", 8)
	segT2  = loose("T2", "Transit Inbound Lading", 10)
	segT3  = loose("T3", "Transit Inbound Rates", 7)
	segT6  = loose("T6", "Transit Inbound Rates", 4)
	segT8  = loose("T8", "Free-form Transit Data", 2)
	segLS  = loose("LS", "Loop Header", 1)
	segLE  = loose("LE", "Loop Trailer", 1)
	segLH1 = seg("LH1", "Hazardous Identification Information",
		el(355, "Unit or Basis for Measurement Code", "M ID 2/2"),
		el(80, "Lading Quantity", "M N0 1/7"),
		el(277, "UN/NA Identification Code", "O ID 6/6"),
		el(200, "Hazardous Materials Page", "O AN 1/6"),
		el(22, "Commodity Code", "O AN 1/30"),
		el(355, "Unit or Basis for Measurement Code", "O ID 2/2"),
		el(380, "Quantity", "O R 1/15"),
		el(595, "Compartment ID Code", "O ID 1/1"),
		el(665, "Residue Indicator Code", "O ID 1/1"),
		el(254, "Packing Group Code", "O ID 1/3"),
		el(1375, "Interim Hazardous Material Regulatory Number", "O AN 1/5"))
	segLH2 = loose("LH2", "Hazardous Classification Information", 11)
	segLH3 = loose("LH3", "Hazardous Material Shipping Name", 4)
	segLFH = loose("LFH", "Freeform Hazardous Material Information", 7)
	segLEP = loose("LEP", "EPA Required Data", 4)
	segLH4 = loose("LH4", "Canadian Dangerous Requirements", 12)
	segLHT = loose("LHT", "Transborder Hazardous Requirements", 3)
	segLHR = loose("LHR", "Hazardous Material Identifying Reference Numbers", 4)
	segLH6 = loose("LH6", "Hazardous Certification", 5)
	segXH  = loose("XH", "Pro Forma B13 Information", 7)
	segX7  = loose("X7", "Customs Information", 2)
)

// spec404 is the 404 up to 5020 (4010 layout).
var spec404 = &SetSpec{
	ID: "404", Name: "Rail Carrier Shipment Information", From: "003000", To: "005029",
	Body: body404(loopLH1()),
}

// spec404v5030 is the 404 from 5030, whose hazardous material loop (LH1) carries its
// own party loop (N1, N3, N4, PER): the emergency contact named for each material.
var spec404v5030 = &SetSpec{
	ID: "404", Name: "Rail Carrier Shipment Information", From: "005030",
	Body: body404(loopLH1(lo(0,
		sm(segN1, 1),
		so(segN3, 2),
		so(segN4, 1),
		so(segPER, 5)))),
}

// loopLH1 is the hazardous material loop; a release's additions come at its end.
func loopLH1(more ...Node) Node {
	return lo(0, append([]Node{
		sm(segLH1, 1),
		so(segLH2, 4),
		so(segLH3, 10),
		so(segLFH, 20),
		so(segLEP, 3),
		so(segLH4, 4),
		so(segLHT, 3),
		so(segLHR, 5),
		so(segPER, 5)}, more...)...)
}

// body404 is the 404's table with the given hazardous material loop.
func body404(lh1 Node) []Node {
	return []Node{
		so(segZC1, 1),
		sm(segBX, 1),
		so(segBNX, 1),
		sm(segM3, 1),
		so(segN9, 30),
		so(segCM, 2),
		so(segM1, 1),
		so(segDTM, 5),
		lo(500,
			sm(segN7, 1),
			so(segEM, 1),
			lo(0,
				sm(segVC, 1),
				lo(0,
					sm(segN1, 1),
					so(segN3, 2),
					so(segN4, 1),
					so(segH3, 1))),
			so(segM7, 5),
			so(segN5, 1),
			so(segIC, 1),
			so(segIM, 1),
			so(segM12, 2),
			lo(0,
				sm(segE1, 1),
				so(segE4, 1),
				so(segE5, 13),
				so(segPI, 1)),
			so(segGA, 15),
			lo(0,
				sm(segREF, 1),
				so(segN10, 15),
				lo(0,
					sm(segN1, 1),
					so(segN3, 1),
					so(segN4, 1)))),
		so(segNA, 10),
		sm(segF9, 1),
		sm(segD9, 1),
		lo(10,
			sm(segN1, 1),
			so(segN2, 2),
			so(segN3, 2),
			so(segN4, 1),
			so(segREF, 2),
			so(segPER, 2),
			so(segBL, 12)),
		lo(0,
			sm(segS1, 1),
			so(segS2, 2),
			so(segS9, 1),
			so(segN1, 1),
			so(segN2, 1),
			so(segN3, 1),
			so(segN4, 1),
			so(segPER, 1)),
		so(segR2, 13),
		so(segR9, 1),
		lo(0,
			sm(segE1, 1),
			so(segE4, 1),
			so(segE5, 13),
			so(segPI, 1)),
		so(segH3, 20),
		so(segPS, 5),
		lo(0,
			sm(segLX, 1),
			so(segL5, 15),
			lo(0,
				sm(segL0, 1),
				so(segMEA, 3),
				so(segL1, 10),
				so(segPI, 30)),
			so(segX1, 6)),
		lo(64,
			sm(segT1, 1),
			so(segT2, 30),
			so(segT3, 12),
			so(segT6, 1),
			so(segT8, 99)),
		so(segL3, 1),
		so(segLS, 1),
		lh1,
		so(segLE, 1),
		so(segPER, 5),
		so(segLH2, 6),
		so(segLHR, 1),
		so(segLH6, 5),
		so(segXH, 1),
		so(segX7, 10),
	}
}
