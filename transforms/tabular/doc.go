// Package tabular reads carriers' own spreadsheets (CSV and XLSX) into harmonized
// records through a YAML column mapping, so that a new layout needs a mapping file, not
// code.
//
// # Mapping
//
// A Mapping names each source column (by header text or by index) and the record field
// it fills, with per-column options: a fixed unit or a unit column for weights and
// volumes, a date format and time zone, a split separator for lists, a value
// translation table, a default. Constants fill a field on every record. Columns no entry
// maps are kept in Record.Extra under their header (unmapped: extra, the default), so
// an outcome label or a carrier's own code is never dropped.
//
//	name: carrier-x
//	date_format: CCYYMMDD
//	time_zone: America/Vancouver
//	constants:
//	  conveyance.mode: rail
//	columns:
//	  - {column: BL No, field: bill.number, required: true}
//	  - {column: SCAC, field: bill.issuer_scac}
//	  - {column: Cntr, field: equipment.number}
//	  - {column: Seal, field: equipment.seal, split: "/"}
//	  - {column: Gross, field: goods.weight, unit_column: Unit}
//	  - {column: Unit, field: ignore}
//	  - {column: HS, field: goods.hs}
//	  - {column: Consignee, field: parties.consignee.name}
//
// Fields lists every field path. The default carrier template's mapping is
// DefaultMapping (WriteTemplate writes its workbook; `icss template` on the command
// line); KCSMapping reads the labelled KCS declaration history.
//
// # Rows and bills
//
// Each row is one goods line, with the container it is in. Adjacent rows with the same
// bill key (issuer SCAC + bill number, or a key column) form one record; the bill's header
// columns may be repeated or left blank on its later rows. A conflicting repeated value is
// flagged and the first kept. Bad cells never stop reading: they become flags on the
// record, naming the file, row and column.
//
// # Streaming
//
// Reader holds one bill at a time. XLSX is read with excelize's row iterator and raw cell
// values (dates as serial numbers, converted here), never the whole-sheet getters.
package tabular
