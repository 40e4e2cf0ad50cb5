package x12

// 997 Functional Acknowledgment and 999 Implementation Acknowledgment (EDI.md §3):
// what partners send back about our own transmissions.

var (
	compC030 = composite("Position in Segment", "M",
		el(722, "Element Position in Segment", "M N0 1/2"),
		el(1528, "Component Data Element Position in Composite", "O N0 1/2"),
		el(1686, "Repeating Data Element Position", "O N0 1/4"))
	segAK1 = seg("AK1", "Functional Group Response Header",
		el(479, "Functional Identifier Code", "M ID 2/2"),
		el(28, "Group Control Number", "M N0 1/9"),
		el(480, "Version / Release / Industry Identifier Code", "O AN 1/12"))
	segAK2 = seg("AK2", "Transaction Set Response Header",
		el(143, "Transaction Set Identifier Code", "M ID 3/3"),
		el(329, "Transaction Set Control Number", "M AN 4/9"),
		el(1705, "Implementation Convention Reference", "O AN 1/35"))
	segAK3 = seg("AK3", "Data Segment Note",
		el(721, "Segment ID Code", "M ID 2/3"),
		el(719, "Segment Position in Transaction Set", "M N0 1/10"),
		el(447, "Loop Identifier Code", "O AN 1/4"),
		el(720, "Segment Syntax Error Code", "O ID 1/3").codes(codes720))
	segAK4 = seg("AK4", "Data Element Note",
		compC030,
		el(725, "Data Element Reference Number", "O N0 1/4"),
		el(723, "Data Element Syntax Error Code", "M ID 1/3").codes(codes723),
		el(724, "Copy of Bad Data Element", "O AN 1/99"))
	segAK5 = seg("AK5", "Transaction Set Response Trailer",
		el(717, "Transaction Set Acknowledgment Code", "M ID 1/1").codes(codes717),
		el(718, "Transaction Set Syntax Error Code", "O ID 1/3").codes(codes718),
		el(718, "Transaction Set Syntax Error Code", "O ID 1/3").codes(codes718),
		el(718, "Transaction Set Syntax Error Code", "O ID 1/3").codes(codes718),
		el(718, "Transaction Set Syntax Error Code", "O ID 1/3").codes(codes718),
		el(718, "Transaction Set Syntax Error Code", "O ID 1/3").codes(codes718))
	segAK9 = seg("AK9", "Functional Group Response Trailer",
		el(715, "Functional Group Acknowledge Code", "M ID 1/1").codes(codes715),
		el(97, "Number of Transaction Sets Included", "M N0 1/6"),
		el(123, "Number of Received Transaction Sets", "M N0 1/6"),
		el(2, "Number of Accepted Transaction Sets", "M N0 1/6"),
		el(716, "Functional Group Syntax Error Code", "O ID 1/3").codes(codes716),
		el(716, "Functional Group Syntax Error Code", "O ID 1/3").codes(codes716),
		el(716, "Functional Group Syntax Error Code", "O ID 1/3").codes(codes716),
		el(716, "Functional Group Syntax Error Code", "O ID 1/3").codes(codes716),
		el(716, "Functional Group Syntax Error Code", "O ID 1/3").codes(codes716))

	segIK3 = seg("IK3", "Implementation Data Segment Note",
		el(721, "Segment ID Code", "M ID 2/3"),
		el(719, "Segment Position in Transaction Set", "M N0 1/10"),
		el(447, "Loop Identifier Code", "O AN 1/4"),
		el(620, "Implementation Segment Syntax Error Code", "M ID 1/3").codes(codes620))
	segCTX = seg("CTX", "Context",
		composite("Context Identification", "M",
			el(9999, "Context Name", "M AN 1/35"),
			el(9998, "Context Reference", "O AN 1/35")).repeat(10),
		el(721, "Segment ID Code", "O ID 2/3"),
		el(719, "Segment Position in Transaction Set", "X N0 1/10"),
		el(447, "Loop Identifier Code", "O AN 1/4"),
		composite("Position in Segment", "O",
			el(722, "Element Position in Segment", "M N0 1/2"),
			el(1528, "Component Data Element Position in Composite", "O N0 1/2"),
			el(1686, "Repeating Data Element Position", "O N0 1/4")),
		composite("Reference in Segment", "O",
			el(725, "Data Element Reference Number", "M N0 1/4"),
			el(725, "Data Element Reference Number", "O N0 1/4")),
	).rules("P0203")
	segIK4 = seg("IK4", "Implementation Data Element Note",
		compC030,
		el(725, "Data Element Reference Number", "O N0 1/4"),
		el(621, "Implementation Data Element Syntax Error Code", "M ID 1/3").codes(codes621),
		el(724, "Copy of Bad Data Element", "X AN 1/99"))
	segIK5 = seg("IK5", "Implementation Transaction Set Response Trailer",
		el(717, "Transaction Set Acknowledgment Code", "M ID 1/1").codes(codes717),
		el(618, "Implementation Transaction Set Syntax Error Code", "O ID 1/3").codes(codes618),
		el(618, "Implementation Transaction Set Syntax Error Code", "O ID 1/3").codes(codes618),
		el(618, "Implementation Transaction Set Syntax Error Code", "O ID 1/3").codes(codes618),
		el(618, "Implementation Transaction Set Syntax Error Code", "O ID 1/3").codes(codes618),
		el(618, "Implementation Transaction Set Syntax Error Code", "O ID 1/3").codes(codes618))
)

// spec997 is the 997 of every release.
var spec997 = &SetSpec{
	ID: "997", Name: "Functional Acknowledgment", From: "002000",
	Body: []Node{
		sm(segAK1, 1),
		lo(0,
			sm(segAK2, 1),
			lo(0,
				sm(segAK3, 1),
				so(segAK4, 99)),
			sm(segAK5, 1)),
		sm(segAK9, 1),
	},
}

func body999(ak1 *SegmentSpec) []Node {
	return []Node{
		sm(ak1, 1),
		lo(0,
			sm(segAK2, 1),
			lo(0,
				sm(segIK3, 1),
				so(segCTX, 10),
				lo(99,
					sm(segIK4, 1),
					so(segCTX, 10))),
			sm(segIK5, 1)),
		sm(segAK9, 1),
	}
}

// spec999 is the 999 of the base standard (5010 on).
var spec999 = &SetSpec{ID: "999", Name: "Implementation Acknowledgment", From: "005010", Body: body999(segAK1)}

// spec999X231A1 is the 999 implementation guide 005010X231A1, which requires AK103
// (the acknowledged group's version).
var spec999X231A1 = &SetSpec{
	ID: "999", Name: "Implementation Acknowledgment (005010X231A1)", From: "005010", To: "005010", Impl: "005010X231A1",
	Body: body999(segAK1.WithReq(3, ReqMandatory)),
}

// BuiltinSpecs returns the transaction-set specs NewStructureChecker applies: 309 (4010,
// 4030, 4050, 5010, 5020 and 6010 on), 315 (4010 and 4030 on), 322 (4010, 4030, 4050,
// 4060 on), 350 (4010 and 4030 on), 404 (4010, 4030, 4040, 4060, 5020 on), 997, 999 and
// the 999 guide 005010X231A1. The specs are shared: treat them as read-only.
func BuiltinSpecs() []*SetSpec {
	return []*SetSpec{spec309v4010, spec309v4030, spec309v4050, spec309v5010, spec309v5020, spec309v6010, spec315, spec315v4030, spec322, spec322v4030, spec322v4050, spec322v4060, spec350v4010, spec350v4030,
		spec404, spec404v4030, spec404v4040, spec404v4060, spec404v5020, spec997, spec999, spec999X231A1}
}
