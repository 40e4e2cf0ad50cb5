package tabular

import (
	"bytes"
	_ "embed" // the default mapping
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/icss/icss/transforms/harmonized"
)

// Mapping says how a carrier's table maps onto harmonized records. It is read from YAML
// (see the package documentation for an example) and checked by Validate.
type Mapping struct {
	// Name identifies the layout; it goes into Provenance.Version of every record.
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	// Sheet is the XLSX worksheet to read; empty means the first one.
	Sheet string `yaml:"sheet,omitempty"`
	// Delimiter is the CSV field separator (one character; default ",").
	Delimiter string `yaml:"delimiter,omitempty"`
	// HeaderRow is the 1-based row holding the column names (default 1). Rows above it
	// are skipped; with Columns given by Index only, set it to 0 for a file without
	// a header.
	HeaderRow *int `yaml:"header_row,omitempty"`
	// DecimalComma reads "14.404,26" as 14404.26.
	DecimalComma bool `yaml:"decimal_comma,omitempty"`
	// DateFormat and TimeZone are the defaults for date columns: a named format
	// (CCYYMMDD, YYMMDD, an EDIFACT 2379 code), a Go layout, or "excel" for XLSX serial
	// numbers; the zone is an IANA name, an X12 time code or an offset.
	DateFormat string `yaml:"date_format,omitempty"`
	TimeZone   string `yaml:"time_zone,omitempty"`
	// Unmapped says what happens to columns no entry maps: "extra" (default) keeps
	// them in Record.Extra under their header; "ignore" drops them (they are still
	// reported by Reader.Unmapped).
	Unmapped string `yaml:"unmapped,omitempty"`
	// Constants set fields to the same value on every record (e.g. conveyance.mode: rail).
	Constants map[string]string `yaml:"constants,omitempty"`
	// Columns map source columns to record fields.
	Columns []Column `yaml:"columns"`
}

// Column maps one source column to one record field.
type Column struct {
	// Column is the header text (matched ignoring case and surrounding blanks), or
	// Index the 1-based column number; one of them is required.
	Column string `yaml:"column,omitempty"`
	Index  int    `yaml:"index,omitempty"`
	// Field is the record field (see Fields for the list).
	Field string `yaml:"field"`
	// Format and Zone override the mapping's date defaults for this column.
	Format string `yaml:"format,omitempty"`
	Zone   string `yaml:"zone,omitempty"`
	// Unit is the unit of a weight or volume column (default KG and M3); UnitColumn
	// names another column that holds the unit per row.
	Unit       string `yaml:"unit,omitempty"`
	UnitColumn string `yaml:"unit_column,omitempty"`
	// Scheme names the identifier scheme of a parties.<role>.id column.
	Scheme string `yaml:"scheme,omitempty"`
	// Split separates several values in one cell (seals; transshipment ports, where it
	// defaults to ";").
	Split string `yaml:"split,omitempty"`
	// Values translates source codes before use ({"F": "full", "E": "empty"}).
	Values map[string]string `yaml:"values,omitempty"`
	// Default is used when the cell is empty.
	Default string `yaml:"default,omitempty"`
	// Required flags rows whose cell is empty.
	Required bool `yaml:"required,omitempty"`
	// Optional lets the column be absent from the file.
	Optional bool `yaml:"optional,omitempty"`
	// Description explains the column in the template's guide sheet.
	Description string `yaml:"description,omitempty"`
}

// label names the column in messages.
func (c *Column) label() string {
	if c.Column != "" {
		return fmt.Sprintf("column %q", c.Column)
	}
	return fmt.Sprintf("column %d", c.Index)
}

// fieldLevel says which part of the record a field belongs to; rows are assembled level
// by level so that a seal finds its container whatever the column order.
type fieldLevel int

const (
	levelKey fieldLevel = iota
	levelBill
	levelEquipment
	levelEquipmentDetail
	levelGoods
)

// fieldSpec describes a mappable field.
type fieldSpec struct {
	level fieldLevel
	kind  valueKind
	doc   string
}

type valueKind int

const (
	kindText valueKind = iota
	kindDate
	kindWeight
	kindVolume
	kindNumber
	kindInt
)

var placeNames = []string{"place_of_receipt", "port_of_loading", "port_of_discharge", "place_of_delivery", "final_destination", "port_of_arrival"}
var placeAttrs = []string{"unlocode", "schedule_d", "schedule_k", "firms", "name", "state", "country", "raw"}
var partyRoles = []harmonized.Role{harmonized.RoleShipper, harmonized.RoleConsignee, harmonized.RoleNotify, harmonized.RoleSeller,
	harmonized.RoleManufacturer, harmonized.RoleBuyer, harmonized.RoleStuffer, harmonized.RoleConsolidator, harmonized.RoleImporter,
	harmonized.RoleUltimateConsignee, harmonized.RoleCarrier, harmonized.RoleForwarder, harmonized.RoleOther}
var partyAttrs = []string{"name", "address", "city", "state", "postal_code", "country", "id"}

// fields lists the fixed field paths. Parametrised ones (itinerary.<place>.<attr>,
// parties.<role>.<attr>, reference.<qualifier>, extra.<name>) are resolved by spec.
var fields = map[string]fieldSpec{
	"ignore":                         {levelBill, kindText, "a known column with no field of its own (e.g. a unit column)"},
	"key":                            {levelKey, kindText, "the bill key, when the table has it ready-made (otherwise issuer SCAC + number)"},
	"bill.number":                    {levelKey, kindText, "bill of lading number"},
	"bill.issuer_scac":               {levelKey, kindText, "SCAC of the bill issuer"},
	"bill.master_number":             {levelBill, kindText, "master bill number of a house bill (issuer SCAC of the master in bill.master_scac)"},
	"bill.master_scac":               {levelBill, kindText, "SCAC of the master bill's issuer"},
	"bill.kind":                      {levelBill, kindText, "simple, master or house"},
	"bill.type_code":                 {levelBill, kindText, "bill type code"},
	"bill.pieces":                    {levelBill, kindNumber, "total pieces"},
	"bill.piece_unit":                {levelBill, kindText, "unit of the pieces"},
	"bill.weight":                    {levelBill, kindWeight, "total gross weight"},
	"bill.volume":                    {levelBill, kindVolume, "total volume"},
	"bill.cargo_control_number":      {levelBill, kindText, "CBSA cargo control number"},
	"bill.booking":                   {levelBill, kindText, "booking number"},
	"filing.type":                    {levelBill, kindText, "original, amend or delete"},
	"filing.sequence":                {levelBill, kindInt, "filing order among versions of the bill"},
	"filing.filer":                   {levelBill, kindText, "who filed"},
	"filing.filed_at":                {levelBill, kindDate, "when it was filed"},
	"filing.received_at":             {levelBill, kindDate, "when it was received"},
	"filing.manifest_type":           {levelBill, kindText, "manifest type code"},
	"filing.amendment_type":          {levelBill, kindText, "amendment type code"},
	"filing.amendment_code":          {levelBill, kindText, "amendment code"},
	"conveyance.mode":                {levelBill, kindText, "ocean, rail or road"},
	"conveyance.transport_method":    {levelBill, kindText, "transport method code"},
	"conveyance.vessel_name":         {levelBill, kindText, "vessel name"},
	"conveyance.imo":                 {levelBill, kindText, "IMO number"},
	"conveyance.vessel_flag":         {levelBill, kindText, "flag country"},
	"conveyance.voyage":              {levelBill, kindText, "voyage or trip"},
	"conveyance.carrier_scac":        {levelBill, kindText, "carrier SCAC"},
	"conveyance.rail_carrier_scac":   {levelBill, kindText, "rail carrier SCAC"},
	"conveyance.train":               {levelBill, kindText, "train number"},
	"conveyance.manifest_reference":  {levelBill, kindText, "manifest reference"},
	"itinerary.transshipment":        {levelBill, kindText, "transshipment ports (UN/LOCODEs or names, split)"},
	"itinerary.departure":            {levelBill, kindDate, "departure date"},
	"itinerary.arrival":              {levelBill, kindDate, "arrival date"},
	"equipment.number":               {levelEquipment, kindText, "container number (11 characters)"},
	"equipment.kind":                 {levelEquipmentDetail, kindText, "equipment description code"},
	"equipment.size_type":            {levelEquipmentDetail, kindText, "ISO size/type"},
	"equipment.status":               {levelEquipmentDetail, kindText, "full or empty"},
	"equipment.seal":                 {levelEquipmentDetail, kindText, "seal number(s)"},
	"equipment.seal_class":           {levelEquipmentDetail, kindText, "ISO 17712 class of the row's seals (I, S, H)"},
	"equipment.seal_issuer":          {levelEquipmentDetail, kindText, "who applied the row's seals"},
	"goods.description":              {levelGoods, kindText, "goods description"},
	"goods.marks":                    {levelGoods, kindText, "marks and numbers"},
	"goods.hs":                       {levelGoods, kindText, "HS code"},
	"goods.hs_scheme":                {levelGoods, kindText, "HS code qualifier"},
	"goods.quantity":                 {levelGoods, kindNumber, "package count"},
	"goods.package_type":             {levelGoods, kindText, "package type"},
	"goods.weight":                   {levelGoods, kindWeight, "gross weight"},
	"goods.net_weight":               {levelGoods, kindWeight, "net weight"},
	"goods.volume":                   {levelGoods, kindVolume, "volume"},
	"goods.value":                    {levelGoods, kindText, "declared value"},
	"goods.currency":                 {levelGoods, kindText, "currency of the value"},
	"goods.origin_country":           {levelGoods, kindText, "country of origin"},
	"goods.un_number":                {levelGoods, kindText, "hazmat UN number"},
	"goods.hazmat_class":             {levelGoods, kindText, "hazmat class"},
	"in_bond.entry_type":             {levelBill, kindText, "in-bond entry type"},
	"in_bond.number":                 {levelBill, kindText, "in-bond number"},
	"in_bond.destination":            {levelBill, kindText, "in-bond Schedule D destination"},
	"in_bond.foreign_destination":    {levelBill, kindText, "in-bond Schedule K destination"},
	"in_bond.bonded_carrier_scac":    {levelBill, kindText, "bonded carrier SCAC"},
	"in_transit.arrival_country":     {levelBill, kindText, "override: arrival country"},
	"in_transit.destination_country": {levelBill, kindText, "override: destination country"},
	"provenance.interchange_control": {levelBill, kindText, "source batch or file reference"},
	"provenance.set_control":         {levelBill, kindText, "source message reference"},
}

// spec resolves a field path, parametrised ones included.
func spec(field string) (fieldSpec, bool) {
	if s, ok := fields[field]; ok {
		return s, true
	}
	parts := strings.Split(field, ".")
	switch {
	case len(parts) == 2 && (parts[0] == "extra" || parts[0] == "reference") && parts[1] != "":
		return fieldSpec{levelBill, kindText, parts[0]}, true
	case len(parts) == 3 && parts[0] == "itinerary" && contains(placeNames, parts[1]) && contains(placeAttrs, parts[2]):
		return fieldSpec{levelBill, kindText, "place"}, true
	case len(parts) == 3 && parts[0] == "parties" && containsRole(parts[1]) && contains(partyAttrs, parts[2]):
		return fieldSpec{levelBill, kindText, "party"}, true
	}
	return fieldSpec{}, false
}

// Fields lists every mappable field path; parametrised families are shown with <...>.
func Fields() []string {
	out := make([]string, 0, len(fields)+4)
	for f := range fields {
		out = append(out, f)
	}
	out = append(out, "itinerary.<"+strings.Join(placeNames, "|")+">.<"+strings.Join(placeAttrs, "|")+">",
		"parties.<role>.<"+strings.Join(partyAttrs, "|")+">", "reference.<qualifier>", "extra.<name>")
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsRole(s string) bool {
	for _, r := range partyRoles {
		if string(r) == s {
			return true
		}
	}
	return false
}

// Validate checks the mapping, naming the offending entry in its error.
func (m *Mapping) Validate() error {
	var errs []error
	if strings.TrimSpace(m.Name) == "" {
		errs = append(errs, errors.New("name: is required"))
	}
	if m.Delimiter != "" && len([]rune(m.Delimiter)) != 1 {
		errs = append(errs, fmt.Errorf("delimiter: %q is not one character", m.Delimiter))
	}
	if m.HeaderRow != nil && *m.HeaderRow < 0 {
		errs = append(errs, fmt.Errorf("header_row: %d is negative", *m.HeaderRow))
	}
	switch m.Unmapped {
	case "", "extra", "ignore":
	default:
		errs = append(errs, fmt.Errorf("unmapped: %q is not extra or ignore", m.Unmapped))
	}
	if len(m.Columns) == 0 {
		errs = append(errs, errors.New("columns: at least one column is required"))
	}
	noHeader := m.HeaderRow != nil && *m.HeaderRow == 0
	hasKey := false
	for f, v := range m.Constants {
		if _, ok := spec(f); !ok {
			errs = append(errs, fmt.Errorf("constants.%s: unknown field", f))
		}
		if f == "key" || f == "bill.number" {
			errs = append(errs, fmt.Errorf("constants.%s: the bill key cannot be a constant (value %q)", f, v))
		}
	}
	seen := map[string]int{}
	for i := range m.Columns {
		c := &m.Columns[i]
		at := fmt.Sprintf("columns[%d]", i)
		if (c.Column == "") == (c.Index == 0) {
			errs = append(errs, fmt.Errorf("%s: exactly one of column and index is required", at))
		}
		if c.Index < 0 {
			errs = append(errs, fmt.Errorf("%s.index: %d is negative", at, c.Index))
		}
		if noHeader && c.Column != "" {
			errs = append(errs, fmt.Errorf("%s.column: header_row is 0, so columns must be given by index", at))
		}
		s, ok := spec(c.Field)
		if !ok {
			errs = append(errs, fmt.Errorf("%s.field: unknown field %q (see tabular.Fields)", at, c.Field))
			continue
		}
		if s.level == levelKey {
			hasKey = true
		}
		// Seals and address lines may come from several columns; one value per field otherwise.
		if c.Field != "equipment.seal" && c.Field != "ignore" && !strings.HasSuffix(c.Field, ".address") {
			if j, dup := seen[c.Field]; dup {
				errs = append(errs, fmt.Errorf("%s.field: %q is already mapped by columns[%d]", at, c.Field, j))
			}
		}
		seen[c.Field] = i
		if c.Unit != "" {
			var err error
			switch s.kind {
			case kindWeight:
				_, err = harmonized.ToKG(1, c.Unit)
			case kindVolume:
				_, err = harmonized.ToM3(1, c.Unit)
			default:
				err = errors.New("is only for weight and volume fields")
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.unit: %q %v", at, c.Unit, err))
			}
		}
		if c.UnitColumn != "" && s.kind != kindWeight && s.kind != kindVolume {
			errs = append(errs, fmt.Errorf("%s.unit_column: is only for weight and volume fields", at))
		}
		if (c.Format != "" || c.Zone != "") && s.kind != kindDate {
			errs = append(errs, fmt.Errorf("%s.format: is only for date fields", at))
		}
	}
	if !hasKey {
		errs = append(errs, errors.New("columns: no column maps key or bill.number, so bills cannot be told apart"))
	}
	return errors.Join(errs...)
}

// ParseMapping reads a mapping from YAML, rejecting unknown keys, and validates it.
func ParseMapping(b []byte) (*Mapping, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("mapping %q: %w", m.Name, err)
	}
	return &m, nil
}

// LoadMapping reads and validates a mapping file.
func LoadMapping(path string) (*Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := ParseMapping(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

//go:embed mappings/default.yaml
var defaultYAML []byte

//go:embed mappings/kcs.yaml
var kcsYAML []byte

// DefaultMappingYAML returns the YAML of the default template's mapping.
func DefaultMappingYAML() []byte { return bytes.Clone(defaultYAML) }

// DefaultMapping returns the mapping of the default carrier template (icss template).
func DefaultMapping() *Mapping {
	m, err := ParseMapping(defaultYAML)
	if err != nil {
		panic("tabular: embedded default mapping: " + err.Error())
	}
	return m
}

// KCSMapping returns the mapping of the KCS labelled declaration history
// (../shared/data/kcs): one declaration per row, labels kept in Extra.
func KCSMapping() *Mapping {
	m, err := ParseMapping(kcsYAML)
	if err != nil {
		panic("tabular: embedded KCS mapping: " + err.Error())
	}
	return m
}
