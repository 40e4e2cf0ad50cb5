package x12

// 350 Customs Status Information: what customs tells a carrier, terminal or filer about
// the status of its cargo (EDI.md §3): a release, a hold, an exam. icss sends it to the
// carriers that filed in X12 when CBSA selects containers for exam and when the exam
// ends (transforms/notices).
//
// The 4010 table, as the digest gives it:
//
//	ST, M10?, P4 loop{P4, V9*, K1*, N9 loop{N9, K1*}, X4 loop{X4, K1*, N7*}},
//	BA1 loop (export){BA1, X4 loop{X4, K1*, N7*}}, SE
//
// Later releases (the ACE truck 4060 and 6010 guides) add VEH, NM1 and a VID loop
// (VID, M7, M7A) inside the P4 loop; they are accepted from 4030 on, where GS01
// changed from SO to AU. Two rules of the guides are not in the table and so are not
// checked here: P4 and BA1 loops exclude each other, and M10 must be present with P4.
// Maximum uses the digest leaves open are unbounded or generous: a false rejection of a
// status message costs more than a missed over-use.

var (
	// X4 Customs Release Information. The disposition code's element reference
	// number could not be verified from public material (EDI.md §8), so it is 0: an
	// acknowledgment never quotes a guessed number. Its values are in the CBP and CBSA
	// appendices, not public, so it takes any code of its length. The syntax notes are
	// what the elements' meaning requires (a time needs its date, a house bill's SCAC
	// the house bill, an equipment initial its number); the standard's own notes were
	// not available either.
	segX4 = seg("X4", "Customs Release Information",
		el(598, "Bill of Lading/Waybill Number", "M AN 1/12"),
		el(380, "Quantity", "O R 1/15"),
		el(581, "Customs Entry Type Code", "O ID 2/2").codes(codes581),
		el(601, "Customs Entry Number", "O AN 1/15"),
		el(373, "Date", "O DT 8/8"),
		el(337, "Time", "X TM 4/8"),
		el(0, "Customs Disposition Code", "O ID 1/3"),
		el(598, "Bill of Lading/Waybill Number (house bill)", "O AN 1/12"),
		el(140, "Standard Carrier Alpha Code (bill issuer)", "O ID 2/4"),
		el(140, "Standard Carrier Alpha Code (house bill issuer)", "X ID 2/4"),
		el(206, "Equipment Initial", "X AN 1/4"),
		el(207, "Equipment Number", "X AN 1/10"),
		el(310, "Location Identifier (Schedule D port)", "O AN 1/30"),
		el(310, "Location Identifier (FIRMS code)", "O AN 1/30"),
	).rules("C0605", "C1008", "P1112")
	// From 4030 a bill may be a CBSA cargo control number of up to 25 characters, as
	// in the 309's M11 (EDI.md §2).
	segX4late = func() *SegmentSpec {
		s := segX4.With(3, codes581) // a copy with its own elements
		s.Elements[0].Max, s.Elements[7].Max = 30, 30
		return s
	}()
	segBA1 = loose("BA1", "Export Shipment Identifying Information", 12,
		el(1073, "Yes/No Condition or Response Code", "M ID 1/1"),
		el(91, "Transportation Method/Type Code", "M ID 1/2"))
	segM7A = loose("M7A", "Seal Numbers", 8)
)

// x4Loop is the release information of one bill or piece of equipment, with remarks
// and equipment details.
func x4Loop(x4, n7 *SegmentSpec) Node {
	return lo(0,
		sm(x4, 1),
		so(segK1, 10),
		so(n7, 10))
}

// exportLoop is the export release information (BA1), exclusive of the P4 loops.
func exportLoop(x4, n7 *SegmentSpec) Node {
	return lo(0,
		sm(segBA1, 1),
		x4Loop(x4, n7))
}

// n9Loop350 is a reference with its remarks; n9Loop350late has the 5030 N9 (a
// reference of up to 80 characters, segments.go).
var (
	n9Loop350 = lo(10,
		sm(segN9, 1),
		so(segK1, 10))
	n9Loop350late = lo(10,
		sm(segN9late, 1),
		so(segK1, 10))
)

// spec350v4010 is the 350 of 4010 to 4020 (GS01 SO).
var spec350v4010 = &SetSpec{
	ID: "350", Name: "Customs Status Information", From: "004010", To: "004029",
	Body: []Node{
		so(segM10, 1),
		lo(0,
			sm(segP4, 1),
			so(segV9, 10),
			so(segK1, 10),
			n9Loop350,
			x4Loop(segX4, segN7)),
		exportLoop(segX4, segN7),
	},
}

// spec350v4030 is the 350 from 4030 on (GS01 AU), 5010 included: the P4 loop gains
// the vehicle, the crew or party names and the conveyance (VID) loop with its seals.
// VID and N7 take their 5030 tables (equipment numbers of up to 15, segments.go and
// spec_309.go), like the 309 of those releases.
var spec350v4030 = &SetSpec{
	ID: "350", Name: "Customs Status Information", From: "004030",
	Body: []Node{
		so(segM10, 1),
		lo(0,
			sm(segP4, 1),
			so(segV9, 10),
			so(segK1, 10),
			so(segVEH, 10),
			so(segNM1, 10),
			n9Loop350late,
			lo(999,
				sm(segVIDlate, 1),
				so(segM7, 5),
				so(segM7A, 22)),
			x4Loop(segX4late, segN7late)),
		exportLoop(segX4late, segN7late),
	},
}
