package tabular

import (
	"encoding/csv"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/icss/icss/transforms/harmonized"
)

// allFields maps every field path to a sample value and the record value it must give.
var allFields = []struct {
	field, value string
	got          func(r *harmonized.Record) any
	want         any
}{
	{"bill.number", "bl1", func(r *harmonized.Record) any { return r.Key }, "MAEUBL1"},
	{"bill.issuer_scac", "maeu", func(r *harmonized.Record) any { return r.Bill.IssuerSCAC }, "MAEU"},
	{"bill.master_number", "m1", func(r *harmonized.Record) any { return r.Bill.MasterKey + "/" + string(r.Bill.Kind) }, "ONEYM1/house"},
	{"bill.master_scac", "oney", nil, nil},
	{"bill.kind", "House", func(r *harmonized.Record) any { return r.Bill.Kind }, harmonized.BillHouse},
	{"bill.type_code", "00", func(r *harmonized.Record) any { return r.Bill.TypeCode }, "00"},
	{"bill.pieces", "12", func(r *harmonized.Record) any { return r.Bill.Pieces }, 12.0},
	{"bill.piece_unit", "CTN", func(r *harmonized.Record) any { return r.Bill.PieceUnit }, "CTN"},
	{"bill.weight", "1000", func(r *harmonized.Record) any { return r.Bill.Weight.KG }, 1000.0},
	{"bill.volume", "35.3147", func(r *harmonized.Record) any { return r.Bill.Volume.M3 }, 1.0},
	{"bill.cargo_control_number", "9313X", func(r *harmonized.Record) any { return r.Bill.CargoControlNumber }, "9313X"},
	{"bill.booking", "BK1", func(r *harmonized.Record) any { return r.Bill.Booking }, "BK1"},
	{"filing.type", "Replace", func(r *harmonized.Record) any { return r.Filing.Type }, harmonized.FilingAmend},
	{"filing.sequence", "42", func(r *harmonized.Record) any { return r.Filing.Sequence }, int64(42)},
	{"filing.filer", "FILER", func(r *harmonized.Record) any { return r.Filing.Filer }, "FILER"},
	{"filing.filed_at", "20261127", func(r *harmonized.Record) any { return r.Filing.FiledAt.Time.Format("2006-01-02") }, "2026-11-27"},
	{"filing.received_at", "20261128", func(r *harmonized.Record) any { return r.Filing.ReceivedAt.Time.Format("2006-01-02") }, "2026-11-28"},
	{"filing.manifest_type", "W", func(r *harmonized.Record) any { return r.Filing.ManifestType }, "W"},
	{"filing.amendment_type", "R", func(r *harmonized.Record) any { return r.Filing.AmendmentType }, "R"},
	{"filing.amendment_code", "01", func(r *harmonized.Record) any { return r.Filing.AmendmentCode }, "01"},
	{"conveyance.mode", "Train", func(r *harmonized.Record) any { return r.Conveyance.Mode }, harmonized.ModeRail},
	{"conveyance.transport_method", "R", func(r *harmonized.Record) any { return r.Conveyance.TransportMethod }, "R"},
	{"conveyance.vessel_name", "MAERSK ESSEN", func(r *harmonized.Record) any { return r.Conveyance.VesselName }, "MAERSK ESSEN"},
	{"conveyance.imo", "IMO 9778791", func(r *harmonized.Record) any { return r.Conveyance.IMO }, "9778791"},
	{"conveyance.vessel_flag", "DNK", func(r *harmonized.Record) any { return r.Conveyance.VesselFlag }, "DK"},
	{"conveyance.voyage", "648E", func(r *harmonized.Record) any { return r.Conveyance.Voyage }, "648E"},
	{"conveyance.carrier_scac", "maeu", func(r *harmonized.Record) any { return r.Conveyance.CarrierSCAC }, "MAEU"},
	{"conveyance.rail_carrier_scac", "cn", func(r *harmonized.Record) any { return r.Conveyance.RailCarrierSCAC }, "CN"},
	{"conveyance.train", "Q118", func(r *harmonized.Record) any { return r.Conveyance.Train }, "Q118"},
	{"conveyance.manifest_reference", "MR1", func(r *harmonized.Record) any { return r.Conveyance.ManifestReference }, "MR1"},
	{"itinerary.transshipment", "KR PUS; Busan", func(r *harmonized.Record) any {
		return r.Itinerary.Transshipment[0].UNLOCODE + "/" + r.Itinerary.Transshipment[1].Name
	}, "KRPUS/Busan"},
	{"itinerary.departure", "20261101", func(r *harmonized.Record) any { return r.Itinerary.Departure.Precision }, harmonized.PrecisionDate},
	{"itinerary.arrival", "20261118", func(r *harmonized.Record) any { return r.Itinerary.Arrival.Time.Day() }, 18},
	{"itinerary.place_of_receipt.name", "Shanghai", func(r *harmonized.Record) any { return r.Itinerary.PlaceOfReceipt.Name }, "Shanghai"},
	{"itinerary.port_of_loading.unlocode", "cn sha", func(r *harmonized.Record) any { return r.Itinerary.PortOfLoading.UNLOCODE }, "CNSHA"},
	{"itinerary.port_of_discharge.unlocode", "CAPRR", func(r *harmonized.Record) any { return r.Itinerary.PortOfDischarge.UNLOCODE }, "CAPRR"},
	{"itinerary.port_of_arrival.schedule_d", "3604", func(r *harmonized.Record) any { return r.Itinerary.PortOfArrival.ScheduleD }, "3604"},
	{"itinerary.port_of_arrival.firms", "M029", func(r *harmonized.Record) any { return r.Itinerary.PortOfArrival.FIRMS }, "M029"},
	{"itinerary.port_of_loading.schedule_k", "57035", func(r *harmonized.Record) any { return r.Itinerary.PortOfLoading.ScheduleK }, "57035"},
	{"itinerary.place_of_delivery.state", "IL", func(r *harmonized.Record) any { return r.Itinerary.PlaceOfDelivery.State }, "IL"},
	{"itinerary.final_destination.country", "USA", func(r *harmonized.Record) any { return r.Itinerary.FinalDestination.Country }, "US"},
	{"itinerary.place_of_delivery.raw", "CHI", func(r *harmonized.Record) any { return r.Itinerary.PlaceOfDelivery.Raw }, "CHI"},
	{"parties.shipper.name", "ORIENT", func(r *harmonized.Record) any { return r.Party(harmonized.RoleShipper).Name }, "ORIENT"},
	{"parties.shipper.address", "1 ROAD", func(r *harmonized.Record) any { return strings.Join(r.Party(harmonized.RoleShipper).Address, "|") }, "1 ROAD"},
	{"parties.shipper.city", "SHANGHAI", func(r *harmonized.Record) any { return r.Party(harmonized.RoleShipper).City }, "SHANGHAI"},
	{"parties.shipper.state", "SH", func(r *harmonized.Record) any { return r.Party(harmonized.RoleShipper).State }, "SH"},
	{"parties.shipper.postal_code", "200000", func(r *harmonized.Record) any { return r.Party(harmonized.RoleShipper).PostalCode }, "200000"},
	{"parties.shipper.country", "chn", func(r *harmonized.Record) any { return r.Party(harmonized.RoleShipper).Country }, "CN"},
	{"parties.consignee.id", "12-345", func(r *harmonized.Record) any { return r.Party(harmonized.RoleConsignee).Identifiers[0] }, harmonized.Identifier{Scheme: "irs", Value: "12-345"}},
	{"parties.stuffer.name", "CFS ONE", func(r *harmonized.Record) any { return r.Party(harmonized.RoleStuffer).Name }, "CFS ONE"},
	{"equipment.number", "mscu 1234566", func(r *harmonized.Record) any { return r.Equipment[0].Number + "/" + string(r.Equipment[0].Check) }, "MSCU1234566/valid"},
	{"equipment.kind", "CN", func(r *harmonized.Record) any { return r.Equipment[0].Kind }, "CN"},
	{"equipment.size_type", "45g1", func(r *harmonized.Record) any { return r.Equipment[0].SizeType }, "45G1"},
	{"equipment.status", "laden", func(r *harmonized.Record) any { return r.Equipment[0].Status }, harmonized.StatusFull},
	{"equipment.seal", "a1/a2", func(r *harmonized.Record) any { return len(r.Equipment[0].Seals) }, 2},
	{"equipment.seal_class", "high security", func(r *harmonized.Record) any { return r.Equipment[0].Seals[1].Class }, "H"},
	{"equipment.seal_issuer", "CU", func(r *harmonized.Record) any { return r.Equipment[0].Seals[0].Issuer }, "customs"},
	{"goods.description", "LAMPS", func(r *harmonized.Record) any { return r.Goods[0].Description }, "LAMPS"},
	{"goods.marks", "N/M", func(r *harmonized.Record) any { return r.Goods[0].Marks }, "N/M"},
	{"goods.hs", "9405.40.8440", func(r *harmonized.Record) any { return r.Goods[0].HS + "/" + r.Goods[0].HS6 }, "9405408440/940540"},
	{"goods.hs_scheme", "A", func(r *harmonized.Record) any { return r.Goods[0].HSScheme }, "A"},
	{"goods.quantity", "12", func(r *harmonized.Record) any { return r.Goods[0].Quantity }, 12.0},
	{"goods.package_type", "CTN", func(r *harmonized.Record) any { return r.Goods[0].PackageType }, "CTN"},
	{"goods.weight", "1000", func(r *harmonized.Record) any { return r.Goods[0].Weight.KG }, 1000.0},
	{"goods.net_weight", "900", func(r *harmonized.Record) any { return r.Goods[0].NetWeight.KG }, 900.0},
	{"goods.volume", "1000", func(r *harmonized.Record) any { return r.Goods[0].Volume.M3 }, 1.0},
	{"goods.value", "15000", func(r *harmonized.Record) any { return r.Goods[0].Value }, "15000"},
	{"goods.currency", "usd", func(r *harmonized.Record) any { return r.Goods[0].Currency }, "USD"},
	{"goods.origin_country", "CHN", func(r *harmonized.Record) any { return r.Goods[0].OriginCountry }, "CN"},
	{"goods.un_number", "UN3480", func(r *harmonized.Record) any { return r.Goods[0].Hazmat[0].UNNumber }, "3480"},
	{"goods.hazmat_class", "9", func(r *harmonized.Record) any { return r.Goods[0].Hazmat[0].Class }, "9"},
	{"in_bond.entry_type", "62", func(r *harmonized.Record) any { return r.InBond[0].EntryType }, "62"},
	{"in_bond.number", "V1", func(r *harmonized.Record) any { return r.InBond[0].Number }, "V1"},
	{"in_bond.destination", "3901", func(r *harmonized.Record) any { return r.InBond[0].Destination }, "3901"},
	{"in_bond.foreign_destination", "58886", func(r *harmonized.Record) any { return r.InBond[0].ForeignDestination }, "58886"},
	{"in_bond.bonded_carrier_scac", "cn", func(r *harmonized.Record) any { return r.InBond[0].BondedCarrierSCAC }, "CN"},
	{"in_transit.arrival_country", "CAN", func(r *harmonized.Record) any {
		return r.InTransit.ArrivalCountry + ">" + r.InTransit.DestinationCountry + " " + string(r.InTransit.Status)
	}, "CA>US in_transit"},
	{"in_transit.destination_country", "US", nil, nil},
	{"provenance.interchange_control", "BATCH7", func(r *harmonized.Record) any { return r.Provenance.InterchangeControl }, "BATCH7"},
	{"provenance.set_control", "S1", func(r *harmonized.Record) any { return r.Provenance.SetControl }, "S1"},
	{"reference.PO", "PO-1", func(r *harmonized.Record) any { return r.References[0] }, harmonized.Reference{Qualifier: "PO", Value: "PO-1"}},
	{"extra.outcome", "clean", func(r *harmonized.Record) any { return r.Extra["outcome"] }, "clean"},
	{"ignore", "whatever", nil, nil},
}

// TestEveryField maps one row with a column for every field and checks each value,
// and that the list covers every fixed field the mapping accepts.
func TestEveryField(t *testing.T) {
	t.Parallel()
	var yaml strings.Builder
	yaml.WriteString("name: all\ndate_format: CCYYMMDD\ncolumns:\n")
	var hdr, row []string
	covered := map[string]bool{}
	for i, f := range allFields {
		col := fmt.Sprintf("c%d", i)
		opts := ""
		switch f.field {
		case "equipment.seal":
			opts = `, split: "/"`
		case "parties.consignee.id":
			opts = ", scheme: irs"
		case "goods.volume":
			opts = ", unit: LTR"
		case "bill.volume":
			opts = ", unit: CFT"
		}
		fmt.Fprintf(&yaml, "  - {column: %s, field: %s%s}\n", col, f.field, opts)
		hdr, row = append(hdr, col), append(row, f.value)
		covered[f.field] = true
	}
	var missing []string
	for name := range fields {
		if !covered[name] && name != "key" {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("fields without a test: %v", missing)
	}
	m, err := ParseMapping([]byte(yaml.String()))
	if err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	w := csv.NewWriter(&in)
	w.Write(hdr)
	w.Write(row)
	w.Flush()
	r, err := NewCSVReader(strings.NewReader(in.String()), m, "all.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, r)
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	rec := recs[0]
	for _, f := range allFields {
		if f.got == nil {
			continue
		}
		if got := f.got(rec); fmt.Sprint(got) != fmt.Sprint(f.want) {
			t.Errorf("%s = %v, want %v", f.field, got, f.want)
		}
	}
	// Every value is valid, so nothing is flagged.
	if len(rec.Flags) != 0 {
		t.Errorf("unexpected flags %v", rec.Flags)
	}
}

func TestBadCells(t *testing.T) {
	t.Parallel()
	m, err := ParseMapping([]byte(`name: bad
date_format: CCYYMMDD
columns:
  - {column: BL, field: bill.number, required: true}
  - {column: Qty, field: goods.quantity}
  - {column: When, field: filing.filed_at}
  - {column: Type, field: filing.type}
  - {column: Mode, field: conveyance.mode}
  - {column: Kind, field: bill.kind}
  - {column: FE, field: equipment.status}
  - {column: Seal, field: equipment.seal}
  - {column: Class, field: equipment.seal_class}
  - {column: Seq, field: filing.sequence}
  - {column: Vessel, field: conveyance.vessel_name}
`))
	if err != nil {
		t.Fatal(err)
	}
	in := "BL,Qty,When,Type,Mode,Kind,FE,Seal,Class,Seq,Vessel\n" +
		"B1,12x,2026-13-45,maybe,air,odd,half,S1,Z,x1,ONE\n" +
		"B1,,,,,,,,,,TWO\n" +
		",1,,,,,,,,,\n"
	r, err := NewCSVReader(strings.NewReader(in), m, "bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, r)
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	var got []string
	for _, f := range recs[0].Flags {
		got = append(got, f.Code+"@"+f.Field)
	}
	for _, want := range []string{"number_invalid@goods[0].quantity", "date_invalid@filing.filed_at", "unmapped_value@filing.type",
		"unmapped_value@conveyance.mode", "unmapped_value@bill.kind", "structure@equipment.status", "structure@equipment.seal",
		"structure@equipment.seal_class", "number_invalid@filing.sequence", "structure@conveyance.vessel_name"} {
		if !strings.Contains(strings.Join(got, " "), want) {
			t.Errorf("flags %v lack %s", got, want)
		}
	}
	// The row without a key continues the bill: its goods item is kept.
	if len(recs[0].Goods) != 2 {
		t.Errorf("goods %+v", recs[0].Goods)
	}
	// A seal on a row without a container is kept in extra, not dropped.
	if recs[0].Extra["equipment.seal"] != "S1" {
		t.Errorf("extra %v", recs[0].Extra)
	}
}
