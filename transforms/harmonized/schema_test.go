package harmonized

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// fullRecord returns a record with every field set, so that the schema test sees every
// property the Go types can write.
func fullRecord() *Record {
	pos := Position{Offset: 219, Line: 6, Segment: 6}
	dt := func(s string) *DateTime {
		t, _ := time.Parse(time.RFC3339, s)
		return &DateTime{Time: t, Precision: PrecisionMinute, Zone: "UT", Raw: s}
	}
	loc := func(code string) *Location {
		return &Location{UNLOCODE: code, ScheduleD: "3604", ScheduleK: "35177", FIRMS: "M029", Name: "Somewhere", State: "BC", Country: code[:2], Raw: "UN:" + code}
	}
	prov := Provenance{File: "in.edi", Standard: StandardX12, Version: "004010", Message: "309", InterchangeControl: "000002910",
		GroupControl: "2910", SetControl: "3899", Start: pos, End: Position{Offset: 900, Line: 30, Segment: 30}, Sheet: "Sheet1"}
	r := New()
	r.Key = BillKey("MAEU", "123456789")
	r.Bill = Bill{IssuerSCAC: "MAEU", Number: "123456789", Kind: BillHouse, MasterKey: "MAEU000000001", HouseKeys: []string{"ABCD1"},
		TypeCode: "00", Pieces: 390, PieceUnit: "PKG", Weight: &Weight{KG: 14404, Value: 14404, Unit: "K"},
		Volume: &Volume{M3: 46, Value: 46, Unit: "X"}, CargoControlNumber: "9313ABC", Booking: "BK1"}
	r.Filing = Filing{Type: FilingAmend, Version: 2, Sequence: 7, Filer: "MAEU", FiledAt: dt("2023-05-25T20:48:00Z"),
		ReceivedAt: dt("2023-05-25T21:00:00Z"), ManifestType: "Y", AmendmentType: "R", AmendmentCode: "01"}
	r.Provenance = prov
	r.Conveyance = Conveyance{Mode: ModeRail, TransportMethod: "R", VesselName: "MONTE CERVANTES", IMO: "9283186", VesselFlag: "SG",
		Voyage: "320N", CarrierSCAC: "MAEU", RailCarrierSCAC: "CN", Train: "Q1234", ManifestReference: "0185320N"}
	r.Itinerary = Itinerary{PlaceOfReceipt: loc("CNSHA"), PortOfLoading: loc("CNSHA"), Transshipment: []Location{*loc("KRPUS")},
		PortOfDischarge: loc("CAPRR"), PlaceOfDelivery: loc("USCHI"), FinalDestination: loc("USCHI"), PortOfArrival: loc("CAPRR"),
		Departure: dt("2023-06-01T10:00:00Z"), Arrival: dt("2023-06-20T10:00:00Z")}
	r.Parties = []Party{{Role: RoleShipper, RoleCode: "SH", Name: "Shipper Ltd", Address: []string{"1 Road"}, City: "Shanghai", State: "SH",
		PostalCode: "200000", Country: "CN", Identifiers: []Identifier{{Scheme: "duns", Value: "123456789"}}, Source: &pos},
		{Role: RoleConsignee, Name: "Consignee Inc", Country: "US"}}
	r.Goods = []GoodsItem{{Line: 1, Description: "TRUCK TIRES", Marks: "99999/23", HSOriginal: "4011.20.00", HS: "40112000", HS6: "401120",
		HSScheme: "J", Quantity: 390, PackageType: "PKG", Weight: &Weight{KG: 14404, Value: 14404, Unit: "K"},
		NetWeight: &Weight{KG: 14000, Value: 14000, Unit: "KGM"},
		Volume:    &Volume{M3: 46, Value: 46, Unit: "X"}, Value: "288085", Currency: "USD", OriginCountry: "BR",
		Hazmat:     []Hazmat{{UNNumber: "2319", Class: "3", PackingGroup: "III", Description: "TERPENE HYDROCARBONS"}},
		Containers: []string{"HASU5044950"}, Source: &pos}}
	r.Equipment = []Equipment{{Number: "HASU5044950", Raw: "HASU|5044950", Encoding: EncodingNumberWithCheck, Check: CheckValid, Kind: "4B",
		SizeType: "45G1", Status: StatusFull, GrossWeight: &Weight{KG: 16404, Value: 16404, Unit: "KGM"}, Seals: []Seal{{Number: "MLBR3014246", Raw: "mlbr 3014246", Issuer: "carrier", IssuerCode: "CA",
			Class: "H", Condition: "1"}}, Source: &pos}}
	r.InBond = []InBond{{EntryType: "62", Number: "V12345678", Destination: "3604", ForeignDestination: "35177", Value: "1000",
		ControlNumber: "C1", BondedCarrierSCAC: "CN", References: []Reference{{Qualifier: "XC", Value: "9313ABC"}}}}
	r.References = []Reference{{Qualifier: "BN", Value: "BK1", Text: "booking"}}
	r.Events = []Event{{Kind: EventRampIn, Code: "I", At: dt("2023-06-21T10:00:00Z"), Location: loc("CAPRR"), Container: "HASU5044950",
		Bill: r.Key, Vessel: "MONTE CERVANTES", Voyage: "320N", Train: "Q1234", CarrierSCAC: "CN", Destination: loc("USCHI"), Provenance: prov}}
	r.InTransit = InTransit{Status: TransitYes, ArrivalCountry: "CA", DestinationCountry: "US", Basis: "test"}
	r.Extra = map[string]string{"outcome": "1"}
	r.Flags = []Flag{{Code: "test_flag", Message: "a message", Field: "key"}}
	return r
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("schema.json: %v", err)
	}
	return s
}

func TestSchemaValidatesFullRecord(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t)
	b, err := json.Marshal(fullRecord())
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	c := &schemaChecker{root: schema, seen: map[string]bool{}}
	if errs := c.check(schema, doc, "$"); len(errs) > 0 {
		t.Fatalf("full record does not validate against schema.json:\n%s", strings.Join(errs, "\n"))
	}
	// Every property the schema declares must have been exercised by the full record, so
	// that the schema cannot drift from the Go types in either direction.
	var missing []string
	for _, p := range c.declared(schema, "$") {
		if !c.seen[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("schema properties not written by the Go types (or not set in fullRecord):\n%s", strings.Join(missing, "\n"))
	}
}

func TestSchemaValidatesNewRecord(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t)
	r := New()
	r.Key = "X"
	r.Provenance.Standard = StandardCSV
	r.Check()
	b, _ := json.Marshal(r)
	var doc any
	_ = json.Unmarshal(b, &doc)
	c := &schemaChecker{root: schema, seen: map[string]bool{}}
	if errs := c.check(schema, doc, "$"); len(errs) > 0 {
		t.Fatalf("minimal record does not validate:\n%s", strings.Join(errs, "\n"))
	}
}

func TestSchemaRejects(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t)
	tests := []struct {
		name   string
		mutate func(m map[string]any)
		want   string
	}{
		{"UnknownProperty", func(m map[string]any) { m["bogus"] = 1 }, "bogus"},
		{"MissingRequired", func(m map[string]any) { delete(m, "key") }, "key"},
		{"BadEnum", func(m map[string]any) { m["filing"].(map[string]any)["type"] = "replace" }, "filing.type"},
		{"WrongType", func(m map[string]any) { m["goods"] = "x" }, "goods"},
		{"BadPattern", func(m map[string]any) { m["goods"].([]any)[0].(map[string]any)["hs6"] = "40112" }, "hs6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(fullRecord())
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			tt.mutate(m)
			c := &schemaChecker{root: schema, seen: map[string]bool{}}
			errs := c.check(schema, m, "$")
			if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), tt.want) {
				t.Fatalf("want an error about %q, got %q", tt.want, errs)
			}
		})
	}
}

// schemaChecker validates a decoded JSON document against the subset of JSON Schema 2020-12
// that schema.json uses: type, properties, required, additionalProperties, items, enum,
// const, pattern, minimum, format date-time and local $ref.
type schemaChecker struct {
	root map[string]any
	// seen records the schema paths (with $refs resolved to their name) that the document
	// exercised, e.g. "$defs/bill.weight".
	seen map[string]bool
}

func (c *schemaChecker) resolve(s map[string]any) (map[string]any, string) {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/$defs/")
		return c.root["$defs"].(map[string]any)[name].(map[string]any), "$defs/" + name
	}
	return s, ""
}

func (c *schemaChecker) check(s map[string]any, v any, path string) []string {
	return c.checkAt(s, v, path, "$")
}

func (c *schemaChecker) checkAt(s map[string]any, v any, path, spath string) []string {
	s, named := c.resolve(s)
	if named != "" {
		spath = named
	}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	if want, ok := s["const"]; ok && v != want {
		fail("want const %v, got %v", want, v)
	}
	if enum, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if e == v {
				found = true
			}
		}
		if !found {
			fail("%v is not one of %v", v, enum)
		}
	}
	typ, _ := s["type"].(string)
	switch typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			fail("want object, got %T", v)
			return errs
		}
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := m[r.(string)]; !ok {
				fail("missing required property %q", r)
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k].(map[string]any); ok {
				c.seen[spath+"."+k] = true
				errs = append(errs, c.checkAt(ps, m[k], path+"."+k, spath+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					fail("property %q is not in the schema", k)
				}
			case map[string]any:
				errs = append(errs, c.checkAt(ap, m[k], path+"."+k, spath+".*")...)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			fail("want array, got %T", v)
			return errs
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range a {
				errs = append(errs, c.checkAt(items, e, fmt.Sprintf("%s[%d]", path, i), spath+"[]")...)
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			fail("want string, got %T", v)
			return errs
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			fail("%q does not match %s", str, p)
		}
		if s["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				fail("%q is not a date-time", str)
			}
		}
	case "number", "integer":
		n, ok := v.(float64)
		if !ok {
			fail("want %s, got %T", typ, v)
			return errs
		}
		if typ == "integer" && n != float64(int64(n)) {
			fail("%v is not an integer", n)
		}
		if min, ok := s["minimum"].(float64); ok && n < min {
			fail("%v is below the minimum %v", n, min)
		}
	}
	return errs
}

// declared lists every property path the schema declares, in the same notation as seen.
func (c *schemaChecker) declared(s map[string]any, spath string) []string {
	var out []string
	visited := map[string]bool{}
	var walk func(s map[string]any, spath string)
	walk = func(s map[string]any, spath string) {
		s, named := c.resolve(s)
		if named != "" {
			if visited[named] {
				return
			}
			visited[named] = true
			spath = named
		}
		if props, ok := s["properties"].(map[string]any); ok {
			for k, ps := range props {
				out = append(out, spath+"."+k)
				walk(ps.(map[string]any), spath+"."+k)
			}
		}
		if items, ok := s["items"].(map[string]any); ok {
			walk(items, spath+"[]")
		}
	}
	walk(s, spath)
	return out
}
