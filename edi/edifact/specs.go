package edifact

// Message structure tables. Sources: the UN/EDIFACT directories (the UNTDID D.95B
// BAPLIE segment table verbatim in its statuses and repeats) and as summarised in
// ../shared/EDI.md §4 (CUSCAR D95B/D03B from chrishumphreys/edifact-cuscar-tools,
// CUSRES D00B from php-edifact, IFTSTA D00B from apimeister/edifact-types, BAPLIE
// D95B per SMDG 2.x, COARRI D95B per ITG) and ISO 9735-1 for CONTRL. Where the digest
// gives no maximum use, the table is generous (99, 9999) rather than guess low: a
// false rejection costs more than a missed over-use. Code lists are enforced only where
// the message's meaning depends on them (CONTRL action and error codes, full/empty
// indicator in stowage and terminal reports).

const (
	many = 9999
	lots = 999999
	mand = 1
	cond = 0
)

// syntaxErrorCodes is the code list of data element 0085.
var syntaxErrorCodes = []string{"2", "7", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59", "60", "61", "62", "63"}

func withCodes(r ElementRule, codes []string) ElementRule {
	r.Codes = append([]string(nil), codes...)
	return r
}

func maxElems(n Node, m int) Node { n.MaxElems = m; return n }

var (
	bgm = func(min int) Node { return maxElems(seg("BGM", min, 1), 4) }
	dtm = func(max int) Node { return seg("DTM", cond, max, req(1, 1, "C507/2005")) }
	rff = func(min, max int) Node { return seg("RFF", min, max, req(1, 1, "C506/1153")) }
	loc = func(min, max int) Node { return seg("LOC", min, max, req(1, 1, "3227")) }
	nad = func(min, max int) Node { return seg("NAD", min, max, req(1, 1, "3035")) }
	tdt = func(min, max int) Node { return seg("TDT", min, max, req(1, 1, "8051")) }
	eqd = func(min, max int, rules ...ElementRule) Node {
		return seg("EQD", min, max, append([]ElementRule{req(1, 1, "8053")}, rules...)...)
	}
	ftx       = func(max int) Node { return seg("FTX", cond, max, req(1, 1, "4451")) }
	mea       = func(min, max int) Node { return seg("MEA", min, max, req(1, 1, "6311")) }
	fullEmpty = opt(6, 1, "8169", "4", "5")
)

func c(tag string, max int) Node { return seg(tag, cond, max) }

var cuscarD95B = &MessageSpec{Type: "CUSCAR", Version: "D", Release: "95B", Agency: "UN", Body: []Node{
	bgm(mand), dtm(9), rff(cond, 9), nad(cond, 9),
	grp("SG1", cond, 9, tdt(mand, 1), loc(cond, 99), dtm(99)),
	c("GIS", 9),
	grp("SG2", cond, many, eqd(mand, 1), c("TSR", 1), mea(cond, 9), c("DIM", 9), c("SEL", 9), nad(cond, 1), c("GIS", 9), loc(cond, 9),
		grp("SG3", cond, 9, c("TMP", 1), c("RNG", 1))),
	c("CNT", 9),
	grp("SG4", cond, many, seg("CNI", mand, 1), c("CNT", 9),
		grp("SG5", cond, many, rff(mand, 1), c("CNT", 9), c("MOA", 9), loc(cond, 99), c("GIS", 9), c("CUX", 9), c("CPI", 9),
			grp("SG6", cond, 9, tdt(mand, 1), loc(cond, 9), dtm(9), mea(cond, 9), grp("SG6A", cond, 9, rff(mand, 1), c("TSR", 1))),
			grp("SG7", cond, 99, nad(mand, 1), dtm(9), rff(cond, 9), grp("SG8", cond, 9, c("CTA", 1), c("COM", 9))),
			grp("SG9", cond, 99, c("QTY", 1), ftx(9)),
			grp("SG10", cond, many, seg("GID", mand, 1), c("PAC", 9), c("HAN", 9), ftx(99), mea(cond, 99), c("MOA", 9), c("SGP", many), c("DGS", 99), c("PCI", 99), c("CST", 9), loc(cond, 9), c("TMD", 9),
				grp("SG11", cond, 99, c("GIS", 1), dtm(9), c("DOC", 9), c("PAC", 9), mea(cond, 9)),
				grp("SG12", cond, 99, c("QTY", 1), ftx(9))))),
	grp("SG13", cond, 99, c("AUT", 1), dtm(9), rff(cond, 9)),
}}

var cuscarD03B = &MessageSpec{Type: "CUSCAR", Version: "D", Release: "03B", Agency: "UN", Body: []Node{
	bgm(mand), dtm(9), loc(cond, 9), c("QTY", 9),
	grp("SG1", cond, 99, rff(mand, 1), dtm(9)),
	grp("SG2", cond, 99, nad(mand, 1), dtm(9), grp("SG3", cond, 9, c("CTA", 1), c("COM", 9))),
	ftx(9),
	grp("SG4", cond, 9, tdt(mand, 1), loc(cond, 99), dtm(99)),
	c("GEI", 9),
	grp("SG5", cond, many, eqd(mand, 1), c("TSR", 1), mea(cond, 9), c("DIM", 9), c("SEL", 9), nad(cond, 9), c("GEI", 9), loc(cond, 9),
		grp("SG6", cond, 9, c("TMP", 1), c("RNG", 1))),
	c("CNT", 9),
	grp("SG7", cond, many, seg("CNI", mand, 1), c("CNT", 9),
		grp("SG8", cond, many, rff(mand, 1), c("CNT", 9), c("MOA", 9), loc(cond, 99), c("GEI", 9), c("CUX", 9), c("CPI", 9),
			grp("SG9", cond, 9, tdt(mand, 1), loc(cond, 9), dtm(9), mea(cond, 9), grp("SG10", cond, 9, rff(mand, 1), c("TSR", 1))),
			grp("SG11", cond, 99, nad(mand, 1), dtm(9), rff(cond, 9), grp("SG12", cond, 9, c("CTA", 1), c("COM", 9))),
			grp("SG13", cond, 99, c("QTY", 1), ftx(9)),
			grp("SG14", cond, many, seg("GID", mand, 1), c("PAC", 9), c("HAN", 9), ftx(99), mea(cond, 99), c("MOA", 9), c("SGP", many), c("DGS", 99), c("PCI", 99), c("CST", 9), loc(cond, 9), c("TMD", 9),
				grp("SG15", cond, 99, c("GEI", 1), dtm(9), c("DOC", 9), c("PAC", 9), mea(cond, 9)),
				grp("SG16", cond, 99, c("QTY", 1), ftx(9))))),
	grp("SG17", cond, 99, c("AUT", 1), dtm(9), rff(cond, 9)),
}}

func contrlSpec(version, release string) *MessageSpec {
	uci := maxElems(seg("UCI", mand, 1, req(1, 1, "0020"), req(2, 1, "S002/0004"), req(3, 1, "S003/0010"), req(4, 1, "0083", "4", "7", "8"), withCodes(opt(5, 1, "0085"), syntaxErrorCodes)), 7)
	ucm := maxElems(seg("UCM", mand, 1, req(1, 1, "0062"), req(2, 1, "S009/0065"), req(2, 2, "S009/0052"), req(2, 3, "S009/0054"), req(2, 4, "S009/0051"), req(3, 1, "0083", "4", "7"), withCodes(opt(4, 1, "0085"), syntaxErrorCodes)), 6)
	ucs := maxElems(seg("UCS", mand, 1, ElementRule{Elem: 1, Comp: 1, Name: "0096", Mandatory: true, MaxLen: 6, Numeric: true}, withCodes(opt(2, 1, "0085"), syntaxErrorCodes)), 2)
	ucd := maxElems(seg("UCD", cond, 99, withCodes(req(1, 1, "0085"), syntaxErrorCodes), ElementRule{Elem: 2, Comp: 1, Name: "S011/0098", Mandatory: true, MaxLen: 3, Numeric: true}), 2)
	ucf := maxElems(seg("UCF", mand, 1, req(1, 1, "0048"), req(4, 1, "0083", "4", "7"), withCodes(opt(5, 1, "0085"), syntaxErrorCodes)), 7)
	return &MessageSpec{Type: "CONTRL", Version: version, Release: release, Agency: "UN", Body: []Node{
		uci,
		grp("SG1", cond, lots, ucm, grp("SG2", cond, 999, ucs, ucd)),
		grp("SG3", cond, lots, ucf, grp("SG4", cond, lots, ucm, grp("SG5", cond, 999, ucs, ucd))),
	}}
}

func baplie(release string) *MessageSpec {
	return &MessageSpec{Type: "BAPLIE", Version: "D", Release: release, Agency: "UN", Body: []Node{
		bgm(mand), seg("DTM", mand, 1, req(1, 1, "C507/2005")), rff(cond, 1), nad(cond, 3),
		grp("SG1", mand, 3, tdt(mand, 1), loc(mand, 2), dtm(99), rff(cond, 1), ftx(1)),
		grp("SG2", cond, many, seg("LOC", mand, 1, req(1, 1, "3227", "147"), req(2, 1, "C517/3225")), c("GID", 1), c("GDS", 1), ftx(9), mea(mand, 9), c("DIM", 9), c("TMP", 1), c("RNG", 1), loc(cond, 9), rff(mand, 1),
			grp("SG3", cond, 3, eqd(mand, 1, fullEmpty), c("EQA", 9), nad(cond, 1)),
			grp("SG4", cond, 999, seg("DGS", mand, 1), ftx(1))),
	}}
}

func coarri(release string) *MessageSpec {
	return &MessageSpec{Type: "COARRI", Version: "D", Release: release, Agency: "UN", Body: []Node{
		bgm(mand), ftx(9), rff(cond, 9),
		grp("SG1", cond, 1, tdt(mand, 1), rff(cond, 9), loc(cond, 9), dtm(9)),
		grp("SG2", cond, 9, nad(mand, 1), c("CTA", 9)),
		grp("SG3", cond, many, eqd(mand, 1, fullEmpty), rff(cond, 9), c("TMD", 9), dtm(9), loc(cond, 9), mea(cond, 9), c("DIM", 9), c("TMP", 9), c("RNG", 9), c("SEL", 9), ftx(9), c("DGS", 99), c("EQA", 9), c("PIA", 9),
			grp("SG4", cond, 99, c("DAM", 1), c("COD", 1)),
			grp("SG5", cond, 9, tdt(mand, 1), loc(cond, 9), dtm(9)),
			nad(cond, 9)),
		c("CNT", 1),
	}}
}

var iftstaD00B = &MessageSpec{Type: "IFTSTA", Version: "D", Release: "00B", Agency: "UN", Body: []Node{
	bgm(mand), dtm(9), c("TSR", 1),
	grp("SG1", cond, 99, nad(mand, 1), grp("SG2", cond, 9, c("CTA", 1), c("COM", 9))),
	grp("SG3", cond, 99, rff(mand, 1), dtm(9)),
	loc(cond, 9), ftx(99), c("CNT", 9),
	grp("SG4", mand, lots, seg("CNI", mand, 1), loc(cond, 9), c("CNT", 9),
		grp("SG5", mand, 99, seg("STS", mand, 1), rff(cond, 999), dtm(9), c("DOC", 9), ftx(9), nad(cond, 9), loc(cond, 9), c("PCI", 9),
			grp("SG6", cond, 99, tdt(mand, 1), dtm(9), rff(cond, 9), grp("SG7", cond, 99, loc(mand, 1), dtm(9))),
			grp("SG8", cond, 999, eqd(mand, 1), mea(cond, 9), c("DIM", 9), c("SEL", 9), rff(cond, 9), c("TPL", 9), c("TMD", 9), grp("SG9", cond, 99, c("EQA", 1), c("SEL", 9))),
			grp("SG10", cond, 999, c("GID", 1), c("HAN", 9), grp("SG11", cond, 99, mea(mand, 1), c("EQN", 1)), grp("SG12", cond, 99, c("DIM", 1), c("EQN", 1)), grp("SG13", cond, 99, c("PCI", 1), c("GIN", 9))))),
}}

func init() {
	d03a := *cuscarD03B
	d03a.Release = "03A" // same segment table as D03B
	mustRegister(cuscarD95B, cuscarD03B, &d03a, cusresD00B,
		contrlSpec("D", "3"), contrlSpec("2", "2"), contrlSpec("4", "1"), contrlSpec("D", "2"),
		baplie("95B"), baplie("04B"), coarri("95B"), iftstaD00B)
}
