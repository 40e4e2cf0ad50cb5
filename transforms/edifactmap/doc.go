// Package edifactmap maps UN/EDIFACT CUSCAR customs cargo reports (D95B and D03B) onto
// harmonized records, one per consignment (CNI), and COARRI, IFTSTA and BAPLIE messages
// onto container events, streaming.
//
// # Business assembly
//
// A CUSCAR message has a header (BGM document and function, DTM dates, RFF references,
// NAD sender and carrier, TDT main carriage with voyage, mode, carrier and vessel, LOC
// ports), an equipment section (EQD containers with SEL seals) and one CNI group per
// bill of lading. The mapper follows the segments rather than the group numbers, which
// differ between D95B and D03B (GIS or GEI, SG2 or SG5 for equipment):
//
//   - CNI starts a bill (C503 document number); RFF+BM gives its number, RFF+BH makes
//     it a house bill under the BM or MB master, RFF+AAZ its issuer's SCAC (else the
//     carrier's SCAC from TDT when it is one);
//   - BGM 1225 gives the filing type of every bill: 9 original, 5 replace and 4 change
//     amend, 1 cancellation and 3 deletion delete;
//   - NAD roles: CZ/OS shipper, CN consignee, NI/N1 notify, SE seller, SU/MF
//     manufacturer, BY buyer, CS consolidator, UC ultimate consignee, IM importer, CA
//     carrier, FW forwarder;
//   - GID starts a goods item (packages and type); FTX+AAA is its description, MEA its
//     gross weight (G, AAB, WT) or volume (AAW), PCI its marks, DGS its hazmat, PIA or
//     RFF+HS or CST its HS code, and SGP links it to a container of the equipment
//     section, which is then copied onto the bill with its seals;
//   - LOC 9/11/76/88/7/8/13/60 give the itinerary (UN/LOCODE with list 139, Schedule D
//     or K by length otherwise); header LOCs apply to every bill;
//   - a TDT inside the consignment with mode 2 (rail) gives the rail carrier and train.
//
// # Events
//
// COARRI (container discharge/loading report, SMDG D95B) gives one discharge or load
// event per EQD, at its DTM+203 moment of move, with the vessel and voyage of the TDT;
// IFTSTA (multimodal status, D00B) one event per CNI from its STS text, RFF bill and
// container, DTM+334 date, LOC+175 activity location and rail TDT; BAPLIE (SMDG 2.x
// bayplan) one load event per stowage cell with the container's ports. Read returns
// them as Items with Event set, for harmonized.AttachEvent.
package edifactmap
