package x12

// 315 Status Details (Ocean) and 322 Terminal Operations and Intermodal Ramp Activity:
// container events from ocean carriers, terminals and rail ramps (EDI.md §3).
//
// Sources (issue 12 audit):
//   - Set tables: the BOTS grammars (bots-edi/bots-grammars) x12/4010/315004010.py and
//     322004010.py, and for later releases 322004030, 322004040, 322004050,
//     322004060, 322005010, 322005030 and 315005030.py. The 315 has not changed from
//     4010 to 5030; its R4 loop is mandatory (it was optional here). The 322's R4
//     loop under N7 is mandatory too; from 4030 its L0 loop holds a hazardous
//     material loop (LH1, 100 repeats in 4030 and 4040, 1000 from 4050, LH4 used 4
//     times from 4060), so 322 has a table per step.
//   - Segment tables: BOTS x12/4010/records004010.py (element count, M/C, lengths) for
//     the 4010 specs, x12/5030/records005030.py for those of 4030 on (B405 time with
//     seconds; equipment numbers in B408, Q510, N702 and W202 of up to 15; references
//     of up to 80; W2 with 18 elements, NA 12, LH1 12; the releases in between take
//     the 5030 forms, tolerant); element names and syntax notes of Q5 from the Stedi
//     and kasoftware Q5 pages (3050, 4030), which show Q501 to Q503 optional.
//   - Releases before 4010 (the specs start at 3000) were not checked: they take the
//     4010 tables; releases after 5030 are not in the grammars: they take 5030's.
//     Syntax notes and code lists are not in the grammars and were not re-verified.

var (
	segB4 = seg("B4", "Beginning Segment for Inquiry or Reply",
		el(152, "Special Handling Code", "O ID 2/3"),
		el(71, "Inquiry Request Number", "O N0 1/3"),
		el(157, "Shipment Status Code", "O ID 1/2").codes(codes157),
		el(373, "Date", "O DT 8/8"),
		el(161, "Status Time", "O TM 4/4"),
		el(159, "Status Location", "O AN 3/5"),
		el(206, "Equipment Initial", "X AN 1/4"),
		el(207, "Equipment Number", "X AN 1/10"),
		el(578, "Equipment Status Code", "O ID 1/2"),
		el(24, "Equipment Type", "O ID 4/4"),
		el(310, "Location Identifier", "X AN 1/30"),
		el(309, "Location Qualifier", "X ID 1/2"),
		el(761, "Equipment Number Check Digit", "O N0 1/1"),
	).rules("P1112")
	segQ2 = seg("Q2", "Status Details (Ocean)",
		el(597, "Vessel Code", "O ID 1/8"),
		el(26, "Country Code", "O ID 2/3"),
		el(373, "Date", "O DT 8/8"),
		el(373, "Date", "O DT 8/8"),
		el(373, "Date", "O DT 8/8"),
		el(80, "Lading Quantity", "O N0 1/7"),
		el(81, "Weight", "X R 1/10"),
		el(187, "Weight Qualifier", "X ID 1/2"),
		el(55, "Flight/Voyage Number", "O AN 2/10"),
		el(128, "Reference Identification Qualifier", "O ID 2/3"),
		el(127, "Reference Identification", "X AN 1/30"),
		el(897, "Vessel Code Qualifier", "O ID 1/1"),
		el(182, "Vessel Name", "O AN 2/28"),
		el(183, "Volume", "X R 1/8"),
		el(184, "Volume Unit Qualifier", "X ID 1/1"),
		el(188, "Weight Unit Code", "O ID 1/1"),
	).rules("P0708", "P1415")
	// SG: every element is optional in 4010.
	segSG = loose("SG", "Shipment Status", 6,
		el(157, "Shipment Status Code", "O ID 1/2").codes(codes157),
		el(641, "Status Reason Code", "O ID 3/3"),
		bare("O ID 2/2"),
		el(373, "Date", "O DT 8/8"),
		el(337, "Time", "O TM 4/8"),
		el(623, "Time Code", "O ID 2/2"))
	segV9 = loose("V9", "Event Detail", 20,
		el(304, "Event Code", "M ID 3/3"))

	// Q5 has eighteen elements in 4010, all optional (the status, date and time
	// included); it used to stop at Q508, so equipment, reference and position data in
	// Q509 on were rejected as too many elements.
	segQ5 = seg("Q5", "Status Details",
		el(157, "Shipment Status Code", "O ID 1/2").codes(codes157),
		el(373, "Date", "O DT 8/8"),
		el(337, "Time", "O TM 4/8"),
		el(623, "Time Code", "O ID 2/2"),
		el(641, "Status Reason Code", "O ID 3/3"),
		el(19, "City Name", "X AN 2/30"),
		el(156, "State or Province Code", "O ID 2/2"),
		el(26, "Country Code", "O ID 2/3"),
		el(206, "Equipment Initial", "O AN 1/4"),
		el(207, "Equipment Number", "O AN 1/10"),
		el(128, "Reference Identification Qualifier", "X ID 2/3"),
		el(127, "Reference Identification", "X AN 1/30"),
		bare("O ID 1/1"),
		bare("O ID 2/3"),
		bare("O AN 1/30"),
		bare("O ID 1/1"),
		bare("O R 1/10"),
		bare("O ID 1/2"),
	).rules("C0706", "P1112")
	// The 5030 forms (from 4030 on): B405 time of 4 to 8, equipment number and
	// references longer, W2 with eighteen elements.
	segB4late = segB4.widened([]int{5, 8, 8, 15})
	segQ2late = segQ2.widened([]int{11, 80})
	segQ5late = segQ5.widened([]int{10, 15, 12, 80, 15, 80})
	segV4     = loose("V4", "Cargo Location Reference", 1, bare("M AN 1/12"))
	segW09    = loose("W09", "Equipment and Temperature", 9, bare("M ID 2/2"))
	// W2: W204 (equipment description) and W205 (equipment status) are mandatory.
	segW2 = loose("W2", "Equipment Identification", 16,
		el(206, "Equipment Initial", "M AN 1/4"),
		el(207, "Equipment Number", "M AN 1/10"),
		bare("O AN 1/30"),
		el(40, "Equipment Description Code", "M ID 2/2").codes(codes40),
		bare("M ID 1/2"))
	segW2late = segW2.widened([]int{2, 15, 12, 15}, bare("O ID 1/1"), bare("O ID 1/1"))
	segGR5    = loose("GR5", "Loading Details", 5, bare("M ID 2/3"))
	segY7     = loose("Y7", "Priority", 5)
	segV1     = loose("V1", "Vessel Identification", 9)
	segL3     = loose("L3", "Total Weight and Charges", 15)
)

// The 315 by release: its table has not changed from 4010 to 5030 (BOTS); from 4030
// it takes the 5030 segment tables.
var (
	spec315 = &SetSpec{ID: "315", Name: "Status Details (Ocean)", From: "003000", To: "004029",
		Body: body315(segB4, segQ2, segN9)}
	spec315v4030 = &SetSpec{ID: "315", Name: "Status Details (Ocean)", From: "004030",
		Body: body315(segB4late, segQ2late, segN9late)}
)

func body315(b4, q2, n9 *SegmentSpec) []Node {
	return []Node{
		sm(b4, 1),
		so(n9, 30),
		so(q2, 1),
		so(segSG, 15),
		lm(20,
			sm(segR4, 1),
			so(segDTM, 15)),
		so(segV9, 10),
	}
}

// The 322 by release: 4010 and before, then each change of its hazardous material
// loop; from 4030 with the 5030 segment tables.
var (
	spec322 = &SetSpec{
		ID: "322", Name: "Terminal Operations and Intermodal Ramp Activity", From: "003000", To: "004029",
		Body: body322(segs322{q5: segQ5, n7: segN7, w2: segW2, na: segNA, n9: segN9, n4: segN4}),
	}
	spec322v4030 = &SetSpec{
		ID: "322", Name: "Terminal Operations and Intermodal Ramp Activity", From: "004030", To: "004049",
		Body: body322(late322, loopLH1of322(100, 1)),
	}
	spec322v4050 = &SetSpec{
		ID: "322", Name: "Terminal Operations and Intermodal Ramp Activity", From: "004050", To: "004059",
		Body: body322(late322, loopLH1of322(1000, 1)),
	}
	spec322v4060 = &SetSpec{
		ID: "322", Name: "Terminal Operations and Intermodal Ramp Activity", From: "004060",
		Body: body322(late322, loopLH1of322(1000, 4)),
	}
)

// segs322 are the segments whose table differs between 4010 and 5030.
type segs322 struct{ q5, n7, w2, na, n9, n4 *SegmentSpec }

var late322 = segs322{q5: segQ5late, n7: segN7late, w2: segW2late, na: segNAlate, n9: segN9late, n4: segN4late}

// loopLH1of322 is the 322's hazardous material loop under L0 (4030 on).
func loopLH1of322(max, lh4 int) Node {
	return lo(max,
		sm(segLH1late, 1),
		so(segLH2late, 4),
		so(segLH3, 10),
		so(segLFHlate, 25),
		so(segLEP, 3),
		so(segLH4, lh4),
		so(segLHT, 3),
		so(segLHRlate, 5),
		so(segPERlate, 5))
}

// body322 is the 322's table; lh1, when given, ends the L0 loop.
func body322(g segs322, lh1 ...Node) []Node {
	return []Node{
		so(segZC1, 1),
		sm(g.q5, 1),
		lm(1000,
			sm(g.n7, 1),
			so(segV4, 1),
			so(segDTM, 2),
			so(segM7, 5),
			so(segW09, 1),
			so(g.w2, 1),
			so(g.na, 30),
			so(segGR5, 10),
			so(segY7, 1),
			so(segV1, 1),
			lm(20,
				sm(segR4, 1),
				so(segDTM, 15)),
			so(segH3, 6),
			lo(10,
				sm(segN1, 1),
				so(segN3, 2),
				so(g.n4, 1)),
			so(segK1, 2),
			so(g.n9, 10),
			lo(999, append([]Node{
				sm(segL0, 1),
				so(segL5, 1),
				so(segH1, 3)}, lh1...)...),
			so(segL3, 2)),
	}
}
