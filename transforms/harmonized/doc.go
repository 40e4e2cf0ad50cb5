// Package harmonized is the harmonized shipment record: one Record per version of a bill
// of lading, meaning the same whether it came from an X12 309, an EDIFACT CUSCAR or a
// carrier's spreadsheet, tracing back to the segments it came from.
//
// Everything downstream (risk scoring, exam lists, partner results) speaks this package;
// nothing upstream knows it. It imports only the standard library.
//
// # The record
//
// A Record is keyed by Key, the bill issuer's SCAC followed by the bill number (BillKey).
// House bills carry their master's key in Bill.MasterKey. Filing says whether the version
// is an original, an amendment or a deletion, who filed it and when; Provenance names the
// file, the standard and its control numbers, and the first and last segment (or row) of
// the bill. Conveyance, Itinerary, Parties, Goods, Equipment, InBond, References and
// Events hold the declared facts, normalised:
//
//   - container numbers as 11 ISO 6346 characters whichever of the three encodings they
//     came in, with the check-digit result (ParseContainer);
//   - seals upper-cased without blanks, with issuer and ISO 17712 class when stated;
//   - HS codes as sent (hs_original), as digits (hs) and as the 6-digit subheading (hs6);
//   - weights in kilograms and volumes in cubic metres, each with the value and unit as
//     sent;
//   - places as typed identifiers: UN/LOCODE, US Schedule D and K, FIRMS;
//   - dates with their precision and time zone (ParseX12Date, ParseEDIFACTDate).
//
// # Flags, never drops
//
// Bad content never drops a record. Validate returns a Flag {code, message, field} for
// every doubtful identifier, code or quantity; Check appends them to Record.Flags and
// determines the in-transit status. Flag codes are the Flag* constants and are stable.
//
// # Versions
//
// Every filing of a bill is a Record of its own, kept as filed. Apply numbers it as the
// bill's next version in a VersionStore (the in-memory Ledger, or a database) and returns
// the current view, which Current derives at any time by replaying the versions in filing
// order (FilingOrder: filed-at, then sequence): an original or amendment replaces the
// sections it carries and keeps the others, a delete removes the bill. Out-of-order
// arrivals, amendments without an original and filings after a delete are flagged.
//
// # JSON form
//
// A record is written as one JSON object with snake_case names (the struct tags), the
// layout named by "schema": "icss.harmonized/1". schema.json beside this file is its
// JSON Schema (draft 2020-12). Within a schema version fields are only added, never
// renamed or removed. Abridged:
//
//	{
//	  "schema": "icss.harmonized/1",
//	  "key": "XXXX99XXZ999999X",
//	  "bill": {"issuer_scac": "XXXX", "number": "99XXZ999999X", "kind": "simple",
//	           "pieces": 390, "piece_unit": "PKG",
//	           "weight": {"kg": 14404, "value": 14404, "unit": "K"}},
//	  "filing": {"type": "original", "version": 1, "sequence": 1, "filer": "XXXX",
//	             "filed_at": {"time": "2023-05-25T20:48:00Z", "precision": "minute", "raw": "20230525 2048"}},
//	  "provenance": {"file": "x.edi", "standard": "x12", "version": "004010", "message": "309",
//	                 "interchange_control": "000002910", "group_control": "2910", "set_control": "3899",
//	                 "start": {"offset": 219, "line": 6, "segment": 6}, "end": {…}},
//	  "conveyance": {"mode": "ocean", "vessel_name": "MONTE CERVANTES", "imo": "9283186",
//	                 "voyage": "320N", "carrier_scac": "XXXX"},
//	  "itinerary": {"port_of_loading": {"schedule_k": "35177", "raw": "K:35177"},
//	                "port_of_arrival": {"schedule_d": "1803", "firms": "M029"}, …},
//	  "parties": [{"role": "shipper", "role_code": "SH", "name": "…", "address": ["…"],
//	               "city": "SANTO ANDRE", "country": "BR"}, …],
//	  "goods": [{"line": 1, "description": "…", "hs_original": "401120", "hs": "401120",
//	             "hs6": "401120", "quantity": 390, "weight": {…}, "containers": ["HASU5044950"]}],
//	  "equipment": [{"number": "HASU5044950", "raw": "HASU|5044950", "encoding": "number_with_check",
//	                 "check": "valid", "size_type": "45G1", "status": "full",
//	                 "seals": [{"number": "MLBR3014246", "raw": "MLBR3014246"}]}],
//	  "in_transit": {"status": "domestic", "arrival_country": "US", "destination_country": "US"},
//	  "flags": [{"code": "container_check_digit", "field": "equipment[0].number", "message": "…"}]
//	}
//
// Empty optional fields are omitted; parties, goods and equipment are always arrays.
//
// # Identifiers
//
// The identifier functions (ParseContainer, CheckContainer, CheckSeal, SealClass,
// CheckSCAC, CheckLOCODE, Country, NormalizeHS, ToKG, ToM3, CheckIMO, CheckSizeType,
// ParseX12Date, ParseEDIFACTDate, ParseDateLayout) are exported so mappers normalise the
// same way; the ISO 3166-1 list is embedded (countries.tsv).
package harmonized
