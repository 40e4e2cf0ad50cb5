package harmonized

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

func codes(flags []Flag) []string {
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		out = append(out, f.Code+"@"+f.Field)
	}
	sort.Strings(out)
	return out
}

func TestValidateCleanRecord(t *testing.T) {
	t.Parallel()
	r := fullRecord()
	r.Flags = nil
	if got := r.Validate(); len(got) != 0 {
		t.Fatalf("a clean record got flags: %v", got)
	}
}

func TestValidateFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(r *Record)
		want   string
	}{
		{"NoKey", func(r *Record) { r.Key = "" }, "bill_key_missing@key"},
		{"BadIssuerSCAC", func(r *Record) { r.Bill.IssuerSCAC = "M4" }, "scac_invalid@bill.issuer_scac"},
		{"BadCarrierSCAC", func(r *Record) { r.Conveyance.CarrierSCAC = "TOOLONG" }, "scac_invalid@conveyance.carrier_scac"},
		{"BadIMO", func(r *Record) { r.Conveyance.IMO = "9283187" }, "imo_invalid@conveyance.imo"},
		{"BadFlag", func(r *Record) { r.Conveyance.VesselFlag = "QQ" }, "country_invalid@conveyance.vessel_flag"},
		{"BadLOCODE", func(r *Record) { r.Itinerary.PortOfLoading.UNLOCODE = "CNSH1" }, "unlocode_invalid@itinerary.port_of_loading.unlocode"},
		{"BadScheduleD", func(r *Record) { r.Itinerary.PortOfArrival.ScheduleD = "180" }, "schedule_d_invalid@itinerary.port_of_arrival.schedule_d"},
		{"BadScheduleK", func(r *Record) { r.Itinerary.PortOfArrival.ScheduleK = "3517A" }, "schedule_k_invalid@itinerary.port_of_arrival.schedule_k"},
		{"ArrivalBeforeDeparture", func(r *Record) {
			r.Itinerary.Arrival, r.Itinerary.Departure = r.Itinerary.Departure, r.Itinerary.Arrival
		},
			"date_order@itinerary.arrival"},
		{"NoShipper", func(r *Record) { r.Parties = r.Parties[1:] }, "party_missing@parties"},
		{"NamelessParty", func(r *Record) { r.Parties[1].Name = " " }, "party_name_missing@parties[1].name"},
		{"BadPartyCountry", func(r *Record) { r.Parties[0].Country = "ZZ" }, "country_invalid@parties[0].country"},
		{"NoGoods", func(r *Record) { r.Goods = nil }, "goods_missing@goods"},
		{"BadHS", func(r *Record) { r.Goods[0].HSOriginal = "40-11" }, "hs_invalid@goods[0].hs_original"},
		{"NoHS", func(r *Record) { r.Goods[0].HSOriginal = "" }, "hs_missing@goods[0].hs_original"},
		{"NoContainer", func(r *Record) { r.Conveyance.TransportMethod, r.Equipment, r.Goods[0].Containers = "O", nil, nil }, "equipment_missing@equipment"},
		{"BadWeightUnit", func(r *Record) { r.Goods[0].Weight.Unit = "Q" }, "unit_unknown@goods[0].weight.unit"},
		{"NegativeWeight", func(r *Record) { r.Goods[0].Weight.Value = -1 }, "weight_invalid@goods[0].weight"},
		{"WeightMismatch", func(r *Record) { r.Goods[0].Weight.KG = 100 }, "weight_mismatch@bill.weight"},
		{"BadUN", func(r *Record) { r.Goods[0].Hazmat[0].UNNumber = "23" }, "un_number_invalid@goods[0].hazmat[0].un_number"},
		{"GoodsInUnknownContainer", func(r *Record) { r.Goods[0].Containers = []string{"MSKU7351770"} }, "structure@goods[0].containers"},
		{"BadCheckDigit", func(r *Record) {
			r.Equipment[0] = equipmentOf(ParseContainer("", "HLXU1234560", ""))
		}, "container_check_digit@equipment[0].number"},
		{"BadContainerFormat", func(r *Record) {
			r.Equipment[0] = equipmentOf(ParseContainer("XXXX", "1234567", ""))
		}, "container_format@equipment[0].number"},
		{"DuplicateContainer", func(r *Record) { r.Equipment = append(r.Equipment, r.Equipment[0]) }, "container_duplicate@equipment[1].number"},
		{"BadSizeType", func(r *Record) { r.Equipment[0].SizeType = "451G" }, "size_type_invalid@equipment[0].size_type"},
		{"NoSealOnFull", func(r *Record) { r.Equipment[0].Seals = nil }, "seal_missing@equipment[0].seals"},
		{"BadSeal", func(r *Record) { r.Equipment[0].Seals[0].Number = "#" }, "seal_invalid@equipment[0].seals[0].number"},
		{"BadSealClass", func(r *Record) { r.Equipment[0].Seals[0].Class = "X" }, "seal_class_invalid@equipment[0].seals[0].class"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := fullRecord()
			tt.mutate(r)
			got := codes(r.Validate())
			found := false
			for _, c := range got {
				if c == tt.want {
					found = true
				}
			}
			if !found {
				t.Fatalf("flags %v do not contain %s", got, tt.want)
			}
		})
	}
}

func equipmentOf(id ContainerID) Equipment {
	return Equipment{Number: id.Number, Raw: id.Raw, Encoding: id.Encoding, Check: id.Check, Status: StatusEmpty}
}

func TestDeleteNeedsNoParties(t *testing.T) {
	t.Parallel()
	r := New()
	r.Key = "MAEU1"
	r.Filing.Type = FilingDelete
	if got := r.Validate(); len(got) != 0 {
		t.Fatalf("a delete got flags %v", got)
	}
}

func TestCheckKeepsRecordAndDeduplicates(t *testing.T) {
	t.Parallel()
	r := fullRecord()
	r.Flags = nil
	r.Equipment[0].Seals = nil
	r.InTransit = InTransit{Status: TransitUnknown}
	r.Check().Check()
	if got := codes(r.Flags); strings.Join(got, ",") != "seal_missing@equipment[0].seals" {
		t.Fatalf("flags after two Checks = %v", got)
	}
	if len(r.Equipment) != 1 {
		t.Fatal("Check dropped equipment")
	}
	if r.InTransit.Status != TransitYes || r.InTransit.ArrivalCountry != "CA" || r.InTransit.DestinationCountry != "US" {
		t.Fatalf("in-transit = %+v", r.InTransit)
	}
}

func TestDetermineInTransit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		r      func() *Record
		status TransitStatus
		arr    string
		dst    string
	}{
		{"PrinceRupertToChicago", func() *Record {
			r := New()
			r.Itinerary.PortOfDischarge = &Location{UNLOCODE: "CAPRR"}
			r.Itinerary.FinalDestination = &Location{UNLOCODE: "USCHI"}
			return r
		}, TransitYes, "CA", "US"},
		{"ScheduleDArrivalUSConsignee", func() *Record {
			r := New()
			r.Itinerary.PortOfArrival = &Location{ScheduleD: "1803", FIRMS: "M029"}
			r.Parties = append(r.Parties, Party{Role: RoleConsignee, Country: "US"})
			return r
		}, TransitDomestic, "US", "US"},
		{"InBondDestination", func() *Record {
			r := New()
			r.Itinerary.PortOfArrival = &Location{UNLOCODE: "CAMTR"}
			r.InBond = []InBond{{EntryType: "62", Destination: "3604"}}
			return r
		}, TransitYes, "CA", "US"},
		{"NothingKnown", func() *Record { return New() }, TransitUnknown, "", ""},
		{"NoDestination", func() *Record {
			r := New()
			r.Itinerary.PortOfDischarge = &Location{Country: "CAN"}
			return r
		}, TransitUnknown, "CA", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := DetermineInTransit(tt.r())
			if got.Status != tt.status || got.ArrivalCountry != tt.arr || got.DestinationCountry != tt.dst || got.Basis == "" {
				t.Fatalf("got %+v, want %s %s→%s", got, tt.status, tt.arr, tt.dst)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	r := fullRecord()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(&back)
	if string(b) != string(b2) {
		t.Fatalf("round trip differs:\n%s\n%s", b, b2)
	}
}

func ExampleParseContainer() {
	for _, c := range []ContainerID{
		ParseContainer("", "CSQU3054383", ""), // EQD, N9*EQ: 11 characters
		ParseContainer("HASU", "5044950", ""), // VID02 + VID03: 7 digits with the check digit
		ParseContainer("MRSU", "360296", "5"), // N701 + N702 + N718
		ParseContainer("", "GMCU6094137", ""), // a keying error
	} {
		fmt.Println(c.Number, c.Encoding, c.Check)
	}
	// Output:
	// CSQU3054383 full valid
	// HASU5044950 number_with_check valid
	// MRSU3602965 number_plus_check valid
	// GMCU6094137 full invalid
}

func ExampleRecord_Check() {
	r := New()
	r.Key = BillKey("MAEU", "123456")
	r.Provenance.Standard = StandardCSV
	id := ParseContainer("", "HLXU1234560", "")
	r.Equipment = append(r.Equipment, Equipment{Number: id.Number, Raw: id.Raw, Encoding: id.Encoding, Check: id.Check, Status: StatusFull})
	r.Itinerary.PortOfDischarge = &Location{UNLOCODE: "CAPRR"}
	r.Itinerary.FinalDestination = &Location{UNLOCODE: "USCHI"}
	r.Check()
	fmt.Println(r.InTransit.Status, r.InTransit.ArrivalCountry, "→", r.InTransit.DestinationCountry)
	for _, f := range r.Flags {
		fmt.Println(f)
	}
	// Output:
	// in_transit CA → US
	// party_missing parties: no shipper is named
	// party_missing parties: no consignee is named
	// goods_missing goods: the bill declares no goods
	// container_check_digit equipment[0].number: container HLXU1234560 has a wrong check digit (expected 1)
	// seal_missing equipment[0].seals: loaded container HLXU1234560 has no seal
}

func ExampleNormalizeHS() {
	digits, hs6, err := NormalizeHS("4011.20.00")
	fmt.Println(digits, hs6, err)
	// Output: 40112000 401120 <nil>
}
