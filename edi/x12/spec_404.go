package x12

// 404 Rail Carrier Shipment Information: the rail waybill (EDI.md §3), not a customs
// set but the Prince Rupert to US leg. The segments icss reads (BX, M3, N9, CM, N7, M7,
// M12, F9, D9, N1, R2, LX, L5, L0, LH1) are described element by element, the rest
// loosely (element count, mandatory elements and lengths of the first ones).
//
// Sources (issue 12 audit):
//   - Set tables: the BOTS grammars (bots-edi/bots-grammars) x12/4010/404004010.py and
//     x12/{4030,4040,4050,4060,5010,5020,5030}/404NNNNNN.py. What changed: 4030 raised
//     the VC loop under N7 to 30 (36 from 4040), the N1 loop to 15 and the hazardous
//     material loop to 1000, and gave each LH1 its own party loop (N1, N3, N4, PER);
//     4060 lets LH4 repeat 4 times; 5020 adds N9 to the REF loop under N7, a CD
//     loop under PI and makes R2 mandatory. Each step has its own spec below. In
//     every release N9, the N1 loop and the LX loop (with its L5) are mandatory, BX
//     is optional, and LS opens a loop of LH1 loops that LE must close.
//   - Segment tables: BOTS x12/4010/records004010.py (count, M/C, lengths) for the 4010
//     spec; x12/5030/records005030.py for the specs from 4030 on (segs404late: LH1 with
//     twelve elements, LH2 thirteen, LFH eight, L1 22, R9 9, M12 14, PI 16, MEA 12,
//     X1 17, VC 13, NA 12, BL02 and BL03 optional, longer references, equipment
//     numbers and contact numbers), the releases in between taking the 5030 forms
//     (tolerant). Names and reference numbers of BX from the Stedi and kasoftware BX
//     pages (3030, 4030).
//   - The 4010 heading (BX optional, N9 mandatory 30 times, N7 loop mandatory 500
//     times, VC loop 21) was checked again against the Stedi (x12-004010/404) and
//     kasoftware (00401/messages/404) tables.
//   - Releases before 4010 (the specs start at 3000) were not checked: they take the
//     4010 tables; releases after 5030 are not in the grammars: they take 5030's.
//     CD (5020 on) has the same eleven elements in the 4010 and 5030
//     dictionaries.

var (
	segBX = seg("BX", "General Shipment Information",
		el(353, "Transaction Set Purpose Code", "M ID 2/2"),
		el(91, "Transportation Method/Type Code", "M ID 1/2"),
		el(146, "Shipment Method of Payment", "M ID 2/2"),
		el(145, "Shipment Identification Number", "O AN 1/30"),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
		el(188, "Weight Unit Code", "O ID 1/1"),
		el(147, "Shipment Qualifier", "O ID 1/1"),
		el(226, "Section Seven Code", "O ID 1/1"),
		el(195, "Capacity Load Code", "O ID 1/1"),
		el(160, "Status Report Request Code", "O ID 1/1"),
		el(501, "Customs Documentation Handling Code", "O ID 2/2"),
		el(199, "Confidential Billing Request Code", "O ID 1/1"),
		bare("O ID 1/1"),
		bare("O ID 2/2"))
	segBNX = loose("BNX", "Rail Shipment Information", 4, bare("O ID 1/1"), bare("O AN 1/13"), bare("O ID 1/1"), bare("O R 5/5"))
	segM3  = seg("M3", "Release",
		el(132, "Release Code", "M ID 1/1"),
		el(373, "Date", "X DT 8/8"),
		el(337, "Time", "X TM 4/8"),
		el(623, "Time Code", "O ID 2/2"))
	// CM: seventeen elements in 4010, none mandatory; the port name is 2 to 24.
	segCM = loose("CM", "Cargo Manifest", 17,
		el(55, "Flight/Voyage Number", "O AN 2/10"),
		el(115, "Port or Terminal Function Code", "O ID 1/1").codes(codes115),
		el(114, "Port Name", "O AN 2/24"),
		el(373, "Date", "O DT 8/8"),
		bare("O AN 1/17"),
		el(140, "Standard Carrier Alpha Code", "O ID 2/4"),
		bare("O AN 2/4"),
		el(373, "Date", "O DT 8/8"),
		el(182, "Vessel Name", "O AN 2/28"))
	segM1 = loose("M1", "Insurance", 12, bare("M ID 2/3"))
	segEM = loose("EM", "Equipment Characteristics", 7)
	segN5 = loose("N5", "Equipment Ordered", 9)
	segIC = loose("IC", "Intermodal Chassis Equipment", 8, bare("M AN 1/4"), bare("M AN 1/10"))
	segIM = loose("IM", "Intermodal Movement Information", 3)
	segE1 = loose("E1", "Empty Car Disposition - Pended Destination Consignee", 3, bare("M AN 2/30"))
	segE4 = loose("E4", "Empty Car Disposition - Pended Destination City", 4,
		el(19, "City Name", "M AN 2/30"),
		el(156, "State or Province Code", "M ID 2/2"))
	segE5 = loose("E5", "Empty Car Disposition - Pended Destination Route", 4,
		el(140, "Standard Carrier Alpha Code", "M ID 2/4"),
		el(133, "Routing Sequence Code", "M ID 1/2"))
	segGA = loose("GA", "Canadian Grain Information", 17)
	// F9 and D9 have twelve elements in 4010: F901 is a 1 to 5 character code (not the
	// SPLC, which is F908), and the state or province (F903) is mandatory.
	segF9 = stationSeg("F9", "Origin Station")
	segD9 = stationSeg("D9", "Destination Station")
	segBL = loose("BL", "Billing Information", 17, bare("M ID 2/2"), bare("M AN 1/5"), bare("M AN 1/5"))
	segS1 = loose("S1", "Stop-off Name", 6, bare("M R 1/3"), bare("M AN 2/30"),
		bare("O ID 1/2"), bare("O AN 2/80"), bare("O ID 2/4"), bare("M ID 1/1"))
	segS2 = loose("S2", "Stop-off Address", 3, bare("M R 1/3"), bare("M AN 1/55"), bare("O AN 1/55"))
	segS9 = loose("S9", "Stop-off Station", 8, bare("M R 1/3"), el(154, "Standard Point Location Code", "O ID 6/9"),
		el(19, "City Name", "M AN 2/30"), el(156, "State or Province Code", "M ID 2/2"), el(26, "Country Code", "O ID 2/3"),
		bare("M ID 2/2"))
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
	segR9  = loose("R9", "Route Code Identification", 8, bare("M AN 1/13"))
	segPS  = loose("PS", "Protective Service Instructions", 14, bare("M AN 3/9"), bare("M AN 1/4"))
	segL1  = loose("L1", "Rate and Charges", 21)
	segT1  = loose("T1", "Transit Inbound Origin", 9, bare("M R 1/6"))
	segT2  = loose("T2", "Transit Inbound Lading", 12, bare("M R 1/6"))
	segT3  = loose("T3", "Transit Inbound Rates", 7, bare("M R 1/6"), bare("M ID 2/4"))
	segT6  = loose("T6", "Transit Inbound Rates", 7, bare("M R 1/6"))
	segT8  = loose("T8", "Free-form Transit Data", 2, bare("M R 1/6"), bare("M AN 1/80"))
	segLS  = loose("LS", "Loop Header", 1, bare("M AN 1/6"))
	segLE  = loose("LE", "Loop Trailer", 1, bare("M AN 1/6"))
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
	segLFH = loose("LFH", "Freeform Hazardous Material Information", 7, bare("M ID 3/3"), bare("M AN 1/25"))
	segLEP = loose("LEP", "EPA Required Data", 4)
	segLH4 = loose("LH4", "Canadian Dangerous Requirements", 12)
	segLHT = loose("LHT", "Transborder Hazardous Requirements", 3)
	segLHR = loose("LHR", "Hazardous Material Identifying Reference Numbers", 3, bare("M ID 2/3"), bare("M AN 1/30"))
	segLH6 = loose("LH6", "Hazardous Certification", 4)
	segXH  = loose("XH", "Pro Forma B13 Information", 7, bare("M ID 3/3"))
	segX7  = loose("X7", "Customs Information", 2, bare("M AN 1/30"))
	segCD  = loose("CD", "Car Destination", 11, bare("M AN 1/3"))

	// The 5030 forms (BOTS x12/5030/records005030.py), used from 4030 on.
	segLH1late = segLH1.widened(nil, bare("O AN 1/30"))
	segLH2late = segLH2.widened(nil, bare("O ID 1/1"), bare("O R 1/10"))
	segLFHlate = segLFH.widened(nil, bare("O DT 8/8"))
	segLHRlate = segLHR.widened([]int{2, 80})
	segL1late  = segL1.widened(nil, bare("O R 2/9"))
	segR9late  = segR9.widened(nil, bare("O AN 1/13"))
	segE1late  = segE1.widened([]int{1, 60})
	segE4late  = segE4.widened(nil, bare("O AN 1/55"))
)

// segs404 are the segments whose table differs between 4010 and 5030.
type segs404 struct {
	n7, n9, ref, n4, per, na, n10, pi, mea, x1, vc, zc1 *SegmentSpec
	lh1, lh2, lfh, lhr, l1, r9, e1, e4, m12, bl         *SegmentSpec
}

var (
	segs404v4010 = segs404{n7: segN7, n9: segN9, ref: segREF, n4: segN4, per: segPER, na: segNA, n10: segN10, pi: segPI,
		mea: segMEA, x1: segX1, vc: segVC, zc1: segZC1, lh1: segLH1, lh2: segLH2, lfh: segLFH, lhr: segLHR, l1: segL1,
		r9: segR9, e1: segE1, e4: segE4, m12: segM12, bl: segBL}
	segs404late = segs404{n7: segN7late, n9: segN9late, ref: segREFlate, n4: segN4late, per: segPERlate, na: segNAlate,
		n10: segN10late, pi: segPIlate, mea: segMEAlate, x1: segX1late, vc: segVClate, zc1: segZC1late, lh1: segLH1late,
		lh2: segLH2late, lfh: segLFHlate, lhr: segLHRlate, l1: segL1late, r9: segR9late, e1: segE1late, e4: segE4late,
		m12: segM12late, bl: segBL.optional(2, 3)}
)

// stationSeg is the F9 (origin) or D9 (destination) station, alike in 4010.
func stationSeg(id, name string) *SegmentSpec {
	return seg(id, name,
		bare("O AN 1/5"),
		el(19, "City Name", "M AN 2/30"),
		el(156, "State or Province Code", "M ID 2/2"),
		el(26, "Country Code", "O ID 2/3"),
		bare("O AN 1/5"),
		el(19, "City Name", "O AN 2/30"),
		el(156, "State or Province Code", "O ID 2/2"),
		el(154, "Standard Point Location Code", "O ID 6/9"),
		el(116, "Postal Code", "O ID 3/15"),
		el(154, "Standard Point Location Code", "O ID 6/9"),
		el(116, "Postal Code", "O ID 3/15"),
		el(26, "Country Code", "O ID 2/3"))
}

// release404 is what changed in the 404's table from one release to the next.
type release404 struct {
	vc, n1, lh1, lh4 int  // maximum repeats of the VC loop under N7, the N1 loop, LH1 loop, LH4
	lh1Parties       bool // each LH1 has its N1 loop (4030 on)
	late             bool // 5020 on: N9 in the REF loop, CD under PI, R2 mandatory
	g                segs404
}

// The 404 by release.
var (
	spec404 = &SetSpec{ID: "404", Name: "Rail Carrier Shipment Information", From: "003000", To: "004029",
		Body: body404(release404{vc: 21, n1: 10, lh1: 100, lh4: 1, g: segs404v4010})}
	spec404v4030 = &SetSpec{ID: "404", Name: "Rail Carrier Shipment Information", From: "004030", To: "004039",
		Body: body404(release404{vc: 30, n1: 15, lh1: 1000, lh4: 1, lh1Parties: true, g: segs404late})}
	spec404v4040 = &SetSpec{ID: "404", Name: "Rail Carrier Shipment Information", From: "004040", To: "004059",
		Body: body404(release404{vc: 36, n1: 15, lh1: 1000, lh4: 1, lh1Parties: true, g: segs404late})}
	spec404v4060 = &SetSpec{ID: "404", Name: "Rail Carrier Shipment Information", From: "004060", To: "005019",
		Body: body404(release404{vc: 36, n1: 15, lh1: 1000, lh4: 4, lh1Parties: true, g: segs404late})}
	spec404v5020 = &SetSpec{ID: "404", Name: "Rail Carrier Shipment Information", From: "005020",
		Body: body404(release404{vc: 36, n1: 15, lh1: 1000, lh4: 4, lh1Parties: true, late: true, g: segs404late})}
)

// body404 is the 404's table in a release.
func body404(r release404) []Node {
	g := r.g
	lh1 := []Node{
		sm(g.lh1, 1),
		so(g.lh2, 4),
		so(segLH3, 10),
		so(g.lfh, 20),
		so(segLEP, 3),
		so(segLH4, r.lh4),
		so(segLHT, 3),
		so(g.lhr, 5),
		so(g.per, 5)}
	if r.lh1Parties { // the emergency contacts named for each material
		lh1 = append(lh1, lo(10,
			sm(segN1, 1),
			so(segN3, 2),
			so(g.n4, 1),
			so(g.per, 2)))
	}
	ref := []Node{sm(g.ref, 1)}
	if r.late {
		ref = append(ref, so(g.n9, 10))
	}
	ref = append(ref,
		so(g.n10, 15),
		lo(5,
			sm(segN1, 1),
			so(segN3, 1),
			so(g.n4, 1)))
	pi := so(g.pi, 30)
	r2 := so(segR2, 13)
	if r.late {
		pi = lo(30, sm(g.pi, 1), so(segCD, 10))
		r2 = sm(segR2, 13)
	}
	emptyCar := lo(2,
		sm(g.e1, 1),
		so(g.e4, 1),
		so(segE5, 13),
		so(g.pi, 1))
	return []Node{
		so(g.zc1, 1),
		so(segBX, 1),
		so(segBNX, 1),
		sm(segM3, 1),
		sm(g.n9, 30),
		so(segCM, 2),
		so(segM1, 1),
		so(segDTM, 5),
		lm(500,
			sm(g.n7, 1),
			so(segEM, 1),
			lo(r.vc,
				sm(g.vc, 1),
				lo(2,
					sm(segN1, 1),
					so(segN3, 2),
					so(g.n4, 1),
					so(segH3, 1))),
			so(segM7, 5),
			so(segN5, 1),
			so(segIC, 1),
			so(segIM, 1),
			so(g.m12, 2),
			emptyCar,
			so(segGA, 15),
			lo(99, ref...)),
		so(g.na, 10),
		sm(segF9, 1),
		sm(segD9, 1),
		lm(r.n1,
			sm(segN1, 1),
			so(segN2, 2),
			so(segN3, 2),
			so(g.n4, 1),
			so(g.ref, 2),
			so(g.per, 2),
			so(g.bl, 12)),
		lo(12,
			sm(segS1, 1),
			so(segS2, 2),
			so(segS9, 1),
			so(segN1, 1),
			so(segN2, 1),
			so(segN3, 1),
			so(g.n4, 1),
			so(g.per, 1)),
		r2,
		so(g.r9, 1),
		emptyCar,
		so(segH3, 20),
		so(segPS, 5),
		lm(25,
			sm(segLX, 1),
			sm(segL5, 15),
			lo(25,
				sm(segL0, 1),
				so(g.mea, 3),
				so(g.l1, 10),
				pi),
			so(g.x1, 6)),
		lo(64,
			sm(segT1, 1),
			so(segT2, 30),
			so(segT3, 12),
			so(segT6, 1),
			so(segT8, 99)),
		so(segL3, 1),
		lo(1,
			sm(segLS, 1),
			lm(r.lh1, lh1...),
			sm(segLE, 1)),
		so(g.per, 5),
		so(g.lh2, 6),
		so(g.lhr, 1),
		so(segLH6, 5),
		so(segXH, 1),
		so(segX7, 10),
	}
}
