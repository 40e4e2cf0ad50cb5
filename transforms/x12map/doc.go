// Package x12map maps X12 transaction sets onto harmonized records and events: the 309
// Customs Manifest (ocean and rail, 4010 and later) into one Record per bill of lading,
// and the 315, 322 and 404 status sets into container events.
//
// # 309 business assembly
//
// A 309 set is M10 (carrier, mode, vessel or train, manifest type), P4 (port of arrival),
// then one LX loop per bill: M13 (amendment), M11 (bill), N9 references, N1 parties with
// N3/N4, M12 in-bond, and VID containers with M7 seals, N10 cargo lines and H1 hazmat.
// The mapper follows the business structure, not the X12 loop tree (EDI.md §2, §7):
//
//   - N10s with neither quantity nor commodity code continue the cargo line above: their
//     description and marks are joined to it as sent, so text split mid-word is whole;
//   - H1 attaches to the last quantity-bearing N10, even when continuations follow it;
//   - containers are normalised from VID02 + VID03 (7 digits with the check digit) or
//     VID20 (a separate check digit), checked with ISO 6346 and flagged, never dropped;
//   - the bill key is M11-12 + M11-01; M11-11/13 make the LX a house bill whose master
//     is M11-12 + M11-01;
//   - M10-09 (X, Y, V) and M13-03 (D delete, A add, others amend) give the filing type;
//   - rail (M10-02 R) sets the rail carrier and train from M10-01/06.
//
// # Events
//
// 315 (B4 status, N9 BM/EQ, Q2 vessel, R4 activity location and destination), 322 (Q5
// status, N7 equipment with its N718 check digit, R4 ramps) and 404 (rail waybill: N7,
// N9 BM, CM vessel and voyage, D9 destination) each become one harmonized.Event, linked
// to bills by bill number and container (harmonized.AttachEvent).
//
// # Nothing dropped
//
// With Options.Unmapped set, every segment or element that no mapping used is reported
// with its position; syntax errors become flags on the bill they interrupt.
//
// # Performance
//
// BenchmarkMap309 (generated 309, 20,000 bills, validation included) on one core of
// the shared 2-core build machine: about 225,000-235,000 bills/s, 135 MB/s, 6
// allocations and 4.6 KB per bill: element strings come from an append-only arena and a
// bill's small parts from slabs (alloc.go). Memory stays flat
// (TestStreamingMemoryIsFlat: 200,000 bills streamed with about 2 MiB of heap in use).
// With each record also written as JSON (BenchmarkNormalize309 in transforms/normalize)
// it is about 120,000-135,000 bills/s.
package x12map
