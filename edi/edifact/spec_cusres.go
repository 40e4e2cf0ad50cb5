package edifact

// CUSRES D00B, the customs response (EDI.md §4.3, segment table from php-edifact's
// mapping/d00b/messages/cusres.xml): what customs answers to a declaration or a cargo
// report. icss sends it to the carriers that filed in EDIFACT when CBSA selects
// containers for exam and when the exam ends (transforms/notices): BGM 961 (general
// response), RFF+ACW pointing at the filing answered, EQD for the container, and the
// disposition as an application error code (SG4 ERP, ERC, FTX+AAO).
//
// Besides the segment table, the elements the message's meaning rests on are checked
// against the D00B segment directory: mandatory ones present (ERC C901/9321, RFF
// C506/1153, CNT C270, the group triggers' qualifiers), the lengths of the references
// a partner correlates on (BGM document number, RFF reference, EQD equipment number,
// ERC code), and the number of data elements of the segments icss writes. Code lists
// are left open: the response and error codes (1001, 9321) are each agency's own.

// cusres is a segment with its rules and its number of data elements in D00B.
func cusres(tag string, min, max, elems int, rules ...ElementRule) Node {
	return maxElems(seg(tag, min, max, rules...), elems)
}

// an is a conditional alphanumeric element or component of at most n characters.
func an(elem, comp int, name string, n int) ElementRule {
	return ElementRule{Elem: elem, Comp: comp, Name: name, MaxLen: n}
}

// mandatoryAN is a mandatory alphanumeric element or component of at most n characters.
func mandatoryAN(elem, comp int, name string, n int) ElementRule {
	r := an(elem, comp, name, n)
	r.Mandatory = true
	return r
}

var (
	cusresBGM = cusres("BGM", mand, 1, 4, an(1, 1, "C002/1001", 3), an(2, 1, "C106/1004", 35), an(3, 1, "1225", 3), an(4, 1, "4343", 3))
	cusresDTM = func(max int) Node {
		return cusres("DTM", cond, max, 1, mandatoryAN(1, 1, "C507/2005", 3), an(1, 2, "C507/2380", 35), an(1, 3, "C507/2379", 3))
	}
	cusresRFF = func(min, max int) Node {
		return cusres("RFF", min, max, 1, mandatoryAN(1, 1, "C506/1153", 3), an(1, 2, "C506/1154", 70))
	}
	cusresFTX = func(max int) Node { return cusres("FTX", cond, max, 6, mandatoryAN(1, 1, "4451", 3)) }
	cusresEQD = cusres("EQD", cond, 999, 6, mandatoryAN(1, 1, "8053", 3), an(2, 1, "C237/8260", 17))
	cusresLOC = func(min, max int) Node { return cusres("LOC", min, max, 5, mandatoryAN(1, 1, "3227", 3)) }
	cusresTDT = func(max int) Node { return seg("TDT", cond, max, mandatoryAN(1, 1, "8051", 3)) }
	cusresGIS = func(max int) Node { return cusres("GIS", cond, max, 1, mandatoryAN(1, 1, "C529/7365", 3)) }
	cusresNAD = cusres("NAD", mand, 1, 9, mandatoryAN(1, 1, "3035", 3))
	cusresCTA = cusres("CTA", mand, 1, 2)
	cusresCOM = cusres("COM", cond, 9, 1, mandatoryAN(1, 1, "C076/3148", 512), mandatoryAN(1, 2, "C076/3155", 3))
	cusresERP = cusres("ERP", mand, 1, 2)
	cusresERC = cusres("ERC", cond, 99, 1, mandatoryAN(1, 1, "C901/9321", 8))
	cusresTAX = cusres("TAX", mand, 1, 8, mandatoryAN(1, 1, "5283", 3))
	cusresMOA = func(min, max int) Node {
		return cusres("MOA", min, max, 1, mandatoryAN(1, 1, "C516/5025", 3))
	}
	cusresCNT = cusres("CNT", cond, 9, 1, mandatoryAN(1, 1, "C270/6069", 3),
		ElementRule{Elem: 1, Comp: 2, Name: "C270/6066", Mandatory: true, MaxLen: 18, Numeric: true})
	cusresAUT = cusres("AUT", mand, 1, 2, mandatoryAN(1, 1, "9280", 35))
	cusresDOC = cusres("DOC", mand, 1, 5, mandatoryAN(1, 1, "C002/1001", 3), an(2, 1, "C503/1004", 35))

	// cusresErrors is the error (here: disposition) group: where, which reference, the
	// codes and their text. SG4 at message level, SG13 under a document.
	cusresErrors = func(name string) Node {
		return grp(name, cond, 99, cusresERP, cusresRFF(cond, 9), cusresERC, cusresFTX(99))
	}
	cusresTaxes = func(name string, max int) Node {
		return grp(name, cond, max, cusresTAX, cusresMOA(cond, 9), cusresGIS(9))
	}
)

var cusresD00B = &MessageSpec{Type: "CUSRES", Version: "D", Release: "00B", Agency: "UN", Body: []Node{
	cusresBGM, cusresDTM(9), cusresFTX(99), cusresTDT(9), cusresLOC(cond, 99), cusresGIS(10), cusresEQD,
	grp("SG1", cond, 9, cusresNAD, grp("SG2", cond, 9, cusresCTA, cusresCOM)),
	grp("SG3", cond, 999, cusresRFF(mand, 1), cusresDTM(9), cusresLOC(cond, 9)),
	cusresErrors("SG4"),
	cusresTaxes("SG5", 99),
	grp("SG6", cond, many, cusresDOC, c("PAC", 9), cusresRFF(cond, 9), c("PCI", 9), cusresFTX(99), cusresTDT(9), cusresLOC(cond, 99), cusresDTM(9), cusresGIS(10), mea(cond, 9), cusresEQD,
		grp("SG7", cond, 9, cusresNAD, grp("SG8", cond, 9, cusresCTA, cusresCOM)),
		grp("SG9", cond, 99, cusresMOA(mand, 1), c("CUX", 9)),
		cusresTaxes("SG10", 99),
		grp("SG11", cond, 999, c("CST", 1), cusresFTX(9), cusresTaxes("SG12", 99)),
		cusresErrors("SG13")),
	cusresCNT,
	grp("SG14", cond, 99, cusresAUT, cusresDTM(9)),
}}
