package x12

// 315 Status Details (Ocean) and 322 Terminal Operations and Intermodal Ramp Activity:
// container events from ocean carriers, terminals and rail ramps (EDI.md §3).

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
		el(0, "(later releases)", "O AN 1/35"),
		el(0, "(later releases)", "O AN 1/35"),
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
		el(0, "(later releases)", "O AN 1/35"),
		el(0, "(later releases)", "O AN 1/35"),
	).rules("P0708", "P1415")
	segSG = loose("SG", "Shipment Status", 6,
		el(157, "Shipment Status Code", "M ID 1/2").codes(codes157))
	segV9 = loose("V9", "Event Detail", 21,
		el(304, "Event Code", "M ID 3/3"))

	segQ5 = seg("Q5", "Status Details",
		el(157, "Shipment Status Code", "M ID 1/2").codes(codes157),
		el(373, "Date", "M DT 8/8"),
		el(337, "Time", "M TM 4/8"),
		el(623, "Time Code", "O ID 2/2"),
		el(641, "Status Reason Code", "O ID 3/3"),
		el(19, "City Name", "O AN 2/30"),
		el(156, "State or Province Code", "O ID 2/2"),
		el(26, "Country Code", "O ID 2/3"),
		el(0, "(later releases)", "O AN 1/35"))
	segV4  = loose("V4", "Cargo Location Reference", 8)
	segW09 = loose("W09", "Equipment and Temperature", 10)
	segW2  = loose("W2", "Equipment Identification", 14,
		el(206, "Equipment Initial", "M AN 1/4"),
		el(207, "Equipment Number", "M AN 1/10"))
	segGR5 = loose("GR5", "Loading Details", 12)
	segY7  = loose("Y7", "Priority", 5)
	segV1  = loose("V1", "Vessel Identification", 10)
	segL3  = loose("L3", "Total Weight and Charges", 15)
)

// spec315 is the 315 of every release (its structure has not changed).
var spec315 = &SetSpec{
	ID: "315", Name: "Status Details (Ocean)", From: "003000",
	Body: []Node{
		sm(segB4, 1),
		so(segN9, 30),
		so(segQ2, 1),
		so(segSG, 15),
		lo(20,
			sm(segR4, 1),
			so(segDTM, 15)),
		so(segV9, 10),
	},
}

// spec322 is the 322 of every release (4010 layout, per the OTI guide).
var spec322 = &SetSpec{
	ID: "322", Name: "Terminal Operations and Intermodal Ramp Activity", From: "003000",
	Body: []Node{
		so(segZC1, 1),
		sm(segQ5, 1),
		lm(1000,
			sm(segN7, 1),
			so(segV4, 1),
			so(segDTM, 2),
			so(segM7, 5),
			so(segW09, 1),
			so(segW2, 1),
			so(segNA, 30),
			so(segGR5, 10),
			so(segY7, 1),
			so(segV1, 1),
			lo(20,
				sm(segR4, 1),
				so(segDTM, 15)),
			so(segH3, 6),
			lo(10,
				sm(segN1, 1),
				so(segN3, 2),
				so(segN4, 1)),
			so(segK1, 2),
			so(segN9, 10),
			lo(999,
				sm(segL0, 1),
				so(segL5, 1),
				so(segH1, 3)),
			so(segL3, 2)),
	},
}
