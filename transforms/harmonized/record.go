package harmonized

import (
	"fmt"
	"time"
)

// SchemaVersion names the JSON form written by this package. It goes in Record.Schema so
// a consumer can tell which layout a stored line has; fields are only ever added to a
// version, never renamed or removed.
const SchemaVersion = "icss.harmonized/1"

// Record is one version of one bill of lading: everything the carrier declared about it,
// normalised so that it means the same whichever standard or layout it came from.
//
// A Record is never dropped for bad content: a mapper fills what it can, and Validate
// reports every doubtful value as a Flag.
type Record struct {
	// Schema is SchemaVersion.
	Schema string `json:"schema"`
	// Key identifies the bill across versions: issuer SCAC + bill number (BillKey).
	Key string `json:"key"`
	// Bill holds the bill-of-lading header.
	Bill Bill `json:"bill"`
	// Filing says how this version was filed: original, amendment or deletion.
	Filing Filing `json:"filing"`
	// Provenance traces the record to the file and segments it came from.
	Provenance Provenance `json:"provenance"`
	// Conveyance is the vessel or train that carries the bill.
	Conveyance Conveyance `json:"conveyance"`
	// Itinerary holds the places and dates of the voyage.
	Itinerary Itinerary `json:"itinerary"`
	// Parties are the shipper, consignee, notify party and the others named on the bill.
	Parties []Party `json:"parties"`
	// Goods are the cargo lines.
	Goods []GoodsItem `json:"goods"`
	// Equipment are the containers (or railcars, trailers) the goods ride in.
	Equipment []Equipment `json:"equipment"`
	// InBond holds in-bond movements (X12 M12, EDIFACT customs references).
	InBond []InBond `json:"in_bond,omitempty"`
	// References are other references quoted on the bill (booking, cargo control number…).
	References []Reference `json:"references,omitempty"`
	// Events are container and conveyance status events attached to the bill.
	Events []Event `json:"events,omitempty"`
	// InTransit says whether the cargo crosses one country in transit to the other.
	InTransit InTransit `json:"in_transit"`
	// Extra holds source columns or elements that have no field of their own but must not
	// be lost (for example the outcome label of a labelled history file).
	Extra map[string]string `json:"extra,omitempty"`
	// Flags are the data-quality findings about this version.
	Flags []Flag `json:"flags,omitempty"`
}

// BillKey returns the key of a bill: the issuer's SCAC followed by the bill number, both
// upper-cased and trimmed. A bill number that already starts with the SCAC (a common
// habit) is not prefixed twice. With no SCAC the key is the bill number alone.
func BillKey(scac, number string) string {
	scac = upperTrim(scac)
	number = upperTrim(number)
	if scac == "" || (len(number) > len(scac) && number[:len(scac)] == scac) {
		return number
	}
	return scac + number
}

// Bill is the bill-of-lading header.
type Bill struct {
	// IssuerSCAC is the SCAC of the carrier or NVOCC that issued the bill (X12 M11-12).
	IssuerSCAC string `json:"issuer_scac"`
	// Number is the bill number as filed, without the SCAC (X12 M11-01, EDIFACT RFF+BM).
	Number string `json:"number"`
	// Kind is master, house or simple (a bill with no house bills under it).
	Kind BillKind `json:"kind"`
	// MasterKey is the key of the master bill a house bill belongs to.
	MasterKey string `json:"master_key,omitempty"`
	// HouseKeys are the keys of the house bills filed under this master.
	HouseKeys []string `json:"house_keys,omitempty"`
	// TypeCode is the bill type code as sent (X12 M11-09, e.g. "00", "23" rail residue).
	TypeCode string `json:"type_code,omitempty"`
	// Pieces is the bill's total piece count and PieceUnit its unit (X12 M11-03/04).
	Pieces    float64 `json:"pieces,omitempty"`
	PieceUnit string  `json:"piece_unit,omitempty"`
	// Weight and Volume are the bill totals.
	Weight *Weight `json:"weight,omitempty"`
	Volume *Volume `json:"volume,omitempty"`
	// CargoControlNumber is the CBSA cargo control number (N9*XC, RFF+XC).
	CargoControlNumber string `json:"cargo_control_number,omitempty"`
	// Booking is the carrier's booking number.
	Booking string `json:"booking,omitempty"`
}

// BillKind tells a master bill from a house bill.
type BillKind string

// Bill kinds.
const (
	BillSimple BillKind = "simple"
	BillMaster BillKind = "master"
	BillHouse  BillKind = "house"
)

// Filing says how a version was filed and by whom.
type Filing struct {
	// Type is original, amend or delete.
	Type FilingType `json:"type"`
	// Version is the 1-based position of this version among the bill's versions, set by
	// an Applier; 0 until then.
	Version int `json:"version"`
	// Sequence orders filings of the same bill: versions are applied by (FiledAt,
	// Sequence). Mappers number the bills of an input in reading order.
	Sequence int64 `json:"sequence"`
	// Filer is who sent the filing (X12 ISA-06/GS-02, EDIFACT UNB sender).
	Filer string `json:"filer,omitempty"`
	// FiledAt is when the filer created it (GS-04/05, UNB S004, BGM/DTM+137).
	FiledAt *DateTime `json:"filed_at,omitempty"`
	// ReceivedAt is when icss received the file.
	ReceivedAt *DateTime `json:"received_at,omitempty"`
	// ManifestType is the manifest type code as sent (X12 M10-09: W original, X update, Y
	// amendment …; EDIFACT BGM 1225).
	ManifestType string `json:"manifest_type,omitempty"`
	// AmendmentType and AmendmentCode are the X12 M13-03 and M13-06 codes.
	AmendmentType string `json:"amendment_type,omitempty"`
	AmendmentCode string `json:"amendment_code,omitempty"`
}

// FilingType is original, amend or delete.
type FilingType string

// Filing types.
const (
	FilingOriginal FilingType = "original"
	FilingAmend    FilingType = "amend"
	FilingDelete   FilingType = "delete"
)

// Provenance traces a record to its bytes.
type Provenance struct {
	// File is the input's name as given to the mapper.
	File string `json:"file"`
	// Standard is x12, edifact, csv or xlsx.
	Standard Standard `json:"standard"`
	// Version is the standard's version (004010, D95B) or the mapping's name for tables.
	Version string `json:"version,omitempty"`
	// Message is the transaction set or message type (309, CUSCAR, 315) or "table".
	Message string `json:"message,omitempty"`
	// InterchangeControl, GroupControl and SetControl are ISA-13/GS-06/ST-02 (UNB 0020,
	// UNG 0048, UNH 0062 for EDIFACT).
	InterchangeControl string `json:"interchange_control,omitempty"`
	GroupControl       string `json:"group_control,omitempty"`
	SetControl         string `json:"set_control,omitempty"`
	// Start and End are the first and last segment (or row) of the bill in the input.
	Start Position `json:"start"`
	End   Position `json:"end"`
	// Sheet is the worksheet of an XLSX input.
	Sheet string `json:"sheet,omitempty"`
}

// Standard names an input family.
type Standard string

// Standards.
const (
	StandardX12     Standard = "x12"
	StandardEDIFACT Standard = "edifact"
	StandardCSV     Standard = "csv"
	StandardXLSX    Standard = "xlsx"
)

// Position locates a segment or row in an input. It mirrors edi/syntax.Position so that
// this package imports nothing from the project; for tables, Line is the row number and
// Segment the column (0 for the whole row).
type Position struct {
	Offset  int64 `json:"offset"`
	Line    int   `json:"line"`
	Segment int   `json:"segment"`
}

// String formats the position as "line L, segment S, offset O".
func (p Position) String() string {
	return fmt.Sprintf("line %d, segment %d, offset %d", p.Line, p.Segment, p.Offset)
}

// Conveyance is the means of transport.
type Conveyance struct {
	// Mode is ocean, rail, road or unknown.
	Mode Mode `json:"mode"`
	// TransportMethod is the code as sent (X12 M10-02, EDIFACT TDT C220).
	TransportMethod string `json:"transport_method,omitempty"`
	// VesselName, IMO (7 digits, Lloyd's/IMO number) and VesselFlag (ISO country).
	VesselName string `json:"vessel_name,omitempty"`
	IMO        string `json:"imo,omitempty"`
	VesselFlag string `json:"vessel_flag,omitempty"`
	// Voyage is the voyage or trip number.
	Voyage string `json:"voyage,omitempty"`
	// CarrierSCAC is the vessel operator's or rail carrier's SCAC (M10-01, TDT C040).
	CarrierSCAC string `json:"carrier_scac,omitempty"`
	// RailCarrierSCAC and Train identify the rail leg where known (rail 309, 404).
	RailCarrierSCAC string `json:"rail_carrier_scac,omitempty"`
	Train           string `json:"train,omitempty"`
	// ManifestReference is the manifest sequence number (M10-07).
	ManifestReference string `json:"manifest_reference,omitempty"`
}

// Mode is the transport mode.
type Mode string

// Modes.
const (
	ModeUnknown Mode = "unknown"
	ModeOcean   Mode = "ocean"
	ModeRail    Mode = "rail"
	ModeRoad    Mode = "road"
)

// Itinerary holds the route of the bill.
type Itinerary struct {
	PlaceOfReceipt   *Location  `json:"place_of_receipt,omitempty"`
	PortOfLoading    *Location  `json:"port_of_loading,omitempty"`
	Transshipment    []Location `json:"transshipment,omitempty"`
	PortOfDischarge  *Location  `json:"port_of_discharge,omitempty"`
	PlaceOfDelivery  *Location  `json:"place_of_delivery,omitempty"`
	FinalDestination *Location  `json:"final_destination,omitempty"`
	// PortOfArrival is the first port of arrival in the declaring country (X12 P4-01,
	// EDIFACT LOC+60), with its terminal (FIRMS) when given.
	PortOfArrival *Location `json:"port_of_arrival,omitempty"`
	Departure     *DateTime `json:"departure,omitempty"`
	Arrival       *DateTime `json:"arrival,omitempty"`
}

// Location is a place, carried as typed identifiers rather than one generic code.
type Location struct {
	// UNLOCODE is the 5-character UN/LOCODE (country + 3), without a space.
	UNLOCODE string `json:"unlocode,omitempty"`
	// ScheduleD is the 4-digit US Census Schedule D port; ScheduleK the 5-digit Schedule K
	// foreign port; FIRMS the US facility code.
	ScheduleD string `json:"schedule_d,omitempty"`
	ScheduleK string `json:"schedule_k,omitempty"`
	FIRMS     string `json:"firms,omitempty"`
	// Name is the place's name as written; Country its ISO 3166 alpha-2 code.
	Name    string `json:"name,omitempty"`
	State   string `json:"state,omitempty"`
	Country string `json:"country,omitempty"`
	// Raw is the value as sent, with its qualifier (e.g. "UN:CAPRR", "K:35177").
	Raw string `json:"raw,omitempty"`
}

// IsZero reports whether l carries nothing.
func (l *Location) IsZero() bool { return l == nil || *l == Location{} }

// DateTime is a date or moment as sent, kept with its precision and time zone.
type DateTime struct {
	// Time is the moment. When Zone is empty or "LT" (X12 local time) the zone is not
	// known and Time is the wall clock as written, labelled UTC.
	Time time.Time `json:"time"`
	// Precision is date, minute or second.
	Precision Precision `json:"precision"`
	// Zone is the time zone as sent (an X12 time code like LT or ET, an EDIFACT offset, or
	// an IANA name); empty when unknown.
	Zone string `json:"zone,omitempty"`
	// Raw is the value as sent, with its format code when there was one ("203:202306201530").
	Raw string `json:"raw"`
}

// Precision is how much of a DateTime was given.
type Precision string

// Precisions.
const (
	PrecisionDate   Precision = "date"
	PrecisionMinute Precision = "minute"
	PrecisionSecond Precision = "second"
)

// Party is someone named on the bill.
type Party struct {
	// Role is the normalised role; RoleCode the code as sent (N1-01, NAD 3035).
	Role     Role   `json:"role"`
	RoleCode string `json:"role_code,omitempty"`
	Name     string `json:"name,omitempty"`
	// Address holds the street lines in order (N3, NAD C059).
	Address    []string `json:"address,omitempty"`
	City       string   `json:"city,omitempty"`
	State      string   `json:"state,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	// Country is the ISO 3166 alpha-2 code.
	Country     string       `json:"country,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	Source      *Position    `json:"source,omitempty"`
}

// Role is a party's function on the bill.
type Role string

// Roles. The ISF "10+2" parties (seller, manufacturer, buyer, stuffer, consolidator) have
// their own roles so targeting can find them.
const (
	RoleShipper           Role = "shipper"
	RoleConsignee         Role = "consignee"
	RoleNotify            Role = "notify"
	RoleSeller            Role = "seller"
	RoleManufacturer      Role = "manufacturer"
	RoleBuyer             Role = "buyer"
	RoleStuffer           Role = "stuffer"
	RoleConsolidator      Role = "consolidator"
	RoleImporter          Role = "importer"
	RoleUltimateConsignee Role = "ultimate_consignee"
	RoleCarrier           Role = "carrier"
	RoleForwarder         Role = "forwarder"
	RoleFinalDestination  Role = "final_destination"
	RoleOther             Role = "other"
)

// Identifier is a coded identity of a party (DUNS, tax number, SCAC, CBSA carrier code).
type Identifier struct {
	// Scheme is the qualifier as sent (N1-03, NAD 3055) or a name ("scac", "duns").
	Scheme string `json:"scheme"`
	Value  string `json:"value"`
}

// Reference is a reference number quoted on the bill.
type Reference struct {
	// Qualifier is the code as sent (N9-01, RFF C506 1153).
	Qualifier string `json:"qualifier"`
	Value     string `json:"value"`
	Text      string `json:"text,omitempty"`
}

// GoodsItem is one cargo line.
type GoodsItem struct {
	// Line is the 1-based position of the item on the bill.
	Line int `json:"line"`
	// Description is the goods description, continuation lines joined.
	Description string `json:"description,omitempty"`
	// Marks are the marks and numbers, continuation lines joined.
	Marks string `json:"marks,omitempty"`
	// HSOriginal is the commodity code as sent; HS its digits (separators stripped,
	// leading zeros kept); HS6 the 6-digit WCO subheading; HSScheme the qualifier (N10-04).
	HSOriginal string `json:"hs_original,omitempty"`
	HS         string `json:"hs,omitempty"`
	HS6        string `json:"hs6,omitempty"`
	HSScheme   string `json:"hs_scheme,omitempty"`
	// Quantity of packages and their type code (N10-01/10, GID C213).
	Quantity    float64 `json:"quantity,omitempty"`
	PackageType string  `json:"package_type,omitempty"`
	Weight      *Weight `json:"weight,omitempty"`
	// NetWeight is the net weight when the source states one (declarations, KCS history).
	NetWeight *Weight `json:"net_weight,omitempty"`
	Volume    *Volume `json:"volume,omitempty"`
	// Value is the declared customs value as sent, Currency its ISO 4217 code.
	Value    string `json:"value,omitempty"`
	Currency string `json:"currency,omitempty"`
	// OriginCountry is the ISO alpha-2 country of origin.
	OriginCountry string   `json:"origin_country,omitempty"`
	Hazmat        []Hazmat `json:"hazmat,omitempty"`
	// Containers are the normalised numbers of the equipment holding this item.
	Containers []string  `json:"containers,omitempty"`
	Source     *Position `json:"source,omitempty"`
}

// Weight is a weight in kilograms with the value and unit as sent.
type Weight struct {
	KG float64 `json:"kg"`
	// Value and Unit are as sent (unit codes like K, L, KGM, LBR, kg, lb).
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Volume is a volume in cubic metres with the value and unit as sent.
type Volume struct {
	M3    float64 `json:"m3"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Hazmat is a dangerous-goods declaration.
type Hazmat struct {
	// UNNumber is the 4-digit UN number.
	UNNumber     string `json:"un_number"`
	Class        string `json:"class,omitempty"`
	PackingGroup string `json:"packing_group,omitempty"`
	Description  string `json:"description,omitempty"`
}

// Equipment is a container, railcar or trailer.
type Equipment struct {
	// Number is the normalised identifier: for containers the 11-character ISO 6346 form,
	// upper case, no spaces.
	Number string `json:"number"`
	// Raw is the identifier as sent, its parts joined with "|" when it came in parts.
	Raw string `json:"raw"`
	// Encoding says how the number was sent: full (11 characters), number_with_check
	// (owner + 7 digits including the check digit, VID02+VID03) or number_plus_check
	// (owner + 6 digits + a separate check digit, N701+N702+N718).
	Encoding ContainerEncoding `json:"encoding"`
	// Check is the ISO 6346 check-digit result: valid, invalid, or not_applicable for
	// numbers that are not ISO 6346 container identifiers (railcars).
	Check CheckResult `json:"check"`
	// Kind is the equipment description code as sent (VID-01, EQD 8053: CN, 2B, 4B, RR).
	Kind string `json:"kind,omitempty"`
	// SizeType is the ISO 6346 size/type code (45G1, 22T1).
	SizeType string `json:"size_type,omitempty"`
	// Status is full, empty or unknown.
	Status LoadStatus `json:"status"`
	// GrossWeight is the container's declared gross weight (EDIFACT MEA after EQD), when
	// the message gives one.
	GrossWeight *Weight   `json:"gross_weight,omitempty"`
	Seals       []Seal    `json:"seals,omitempty"`
	Source      *Position `json:"source,omitempty"`
}

// ContainerEncoding is the way a container number was written.
type ContainerEncoding string

// Container encodings (EDI.md §5).
const (
	EncodingFull            ContainerEncoding = "full"
	EncodingNumberWithCheck ContainerEncoding = "number_with_check"
	EncodingNumberPlusCheck ContainerEncoding = "number_plus_check"
	EncodingOther           ContainerEncoding = "other"
)

// CheckResult is the outcome of a check-digit test.
type CheckResult string

// Check results.
const (
	CheckValid         CheckResult = "valid"
	CheckInvalid       CheckResult = "invalid"
	CheckNotApplicable CheckResult = "not_applicable"
)

// LoadStatus is full or empty.
type LoadStatus string

// Load statuses.
const (
	StatusUnknown LoadStatus = "unknown"
	StatusFull    LoadStatus = "full"
	StatusEmpty   LoadStatus = "empty"
)

// Seal is a seal on a piece of equipment.
type Seal struct {
	// Number is the normalised seal number (upper case, inner blanks removed); Raw is as sent.
	Number string `json:"number"`
	Raw    string `json:"raw"`
	// Issuer is who applied the seal (carrier, shipper, customs, terminal, consolidator,
	// quarantine, unknown); IssuerCode the code as sent (M7-05, SEL C215 9303).
	Issuer     string `json:"issuer,omitempty"`
	IssuerCode string `json:"issuer_code,omitempty"`
	// Class is the ISO 17712 class I, S or H when it is stated; empty when unknown.
	Class string `json:"class,omitempty"`
	// Condition is the seal condition code as sent (SEL 4517).
	Condition string `json:"condition,omitempty"`
}

// InBond is an in-bond movement (X12 M12).
type InBond struct {
	// EntryType is the customs entry type (61 IT, 62 T&E, 63 IE, 69 T-train).
	EntryType string `json:"entry_type"`
	Number    string `json:"number,omitempty"`
	// Destination is the Schedule D destination port, ForeignDestination the Schedule K one.
	Destination        string `json:"destination,omitempty"`
	ForeignDestination string `json:"foreign_destination,omitempty"`
	Value              string `json:"value,omitempty"`
	ControlNumber      string `json:"control_number,omitempty"`
	BondedCarrierSCAC  string `json:"bonded_carrier_scac,omitempty"`
	// References are the M12-08/09 pairs (e.g. XC cargo control number).
	References []Reference `json:"references,omitempty"`
}

// Event is a status event about a container or the conveyance (X12 315, 322, 404).
type Event struct {
	// Kind is the normalised event; Code the status code as sent (B4-03, Q5-01).
	Kind EventKind `json:"kind"`
	Code string    `json:"code,omitempty"`
	At   *DateTime `json:"at,omitempty"`
	// Location is where it happened.
	Location *Location `json:"location,omitempty"`
	// Container is the normalised container number; Bill the key of the bill it refers to.
	Container string `json:"container,omitempty"`
	Bill      string `json:"bill,omitempty"`
	// Vessel, Voyage, Train and CarrierSCAC identify the conveyance when the event says.
	Vessel      string `json:"vessel,omitempty"`
	Voyage      string `json:"voyage,omitempty"`
	Train       string `json:"train,omitempty"`
	CarrierSCAC string `json:"carrier_scac,omitempty"`
	// Destination is where a rail waybill sends the container.
	Destination *Location  `json:"destination,omitempty"`
	Provenance  Provenance `json:"provenance"`
}

// EventKind is a normalised event type.
type EventKind string

// Event kinds.
const (
	EventVesselDeparture EventKind = "vessel_departure"
	EventVesselArrival   EventKind = "vessel_arrival"
	EventDischarge       EventKind = "discharge"
	EventLoad            EventKind = "load"
	EventGateIn          EventKind = "gate_in"
	EventGateOut         EventKind = "gate_out"
	EventRampIn          EventKind = "ramp_in"
	EventRampOut         EventKind = "ramp_out"
	EventRailDeparture   EventKind = "rail_departure"
	EventRailArrival     EventKind = "rail_arrival"
	EventRailWaybill     EventKind = "rail_waybill"
	EventOther           EventKind = "other"
)

// InTransit is the in-transit determination: cargo arriving in one country and destined
// to the other (Prince Rupert → US by rail).
type InTransit struct {
	// Status is in_transit, domestic or unknown.
	Status TransitStatus `json:"status"`
	// ArrivalCountry and DestinationCountry are ISO alpha-2 codes.
	ArrivalCountry     string `json:"arrival_country,omitempty"`
	DestinationCountry string `json:"destination_country,omitempty"`
	// Basis says which facts the determination rests on.
	Basis string `json:"basis,omitempty"`
}

// TransitStatus is the in-transit outcome.
type TransitStatus string

// Transit statuses.
const (
	TransitUnknown  TransitStatus = "unknown"
	TransitYes      TransitStatus = "in_transit"
	TransitDomestic TransitStatus = "domestic"
)

// Flag is a data-quality finding: the record is kept, the doubt is recorded.
type Flag struct {
	// Code is a stable, machine-readable code (see the Flag* constants).
	Code string `json:"code"`
	// Message explains the finding to a person, quoting the value.
	Message string `json:"message"`
	// Field is the JSON path of the field concerned (e.g. "equipment[0].number").
	Field string `json:"field,omitempty"`
}

// String formats the flag as "code field: message".
func (f Flag) String() string {
	if f.Field == "" {
		return f.Code + ": " + f.Message
	}
	return f.Code + " " + f.Field + ": " + f.Message
}

// New returns an empty record with its schema and the enumerations at their "unknown"
// values, ready for a mapper to fill.
func New() *Record {
	return &Record{
		Schema:     SchemaVersion,
		Bill:       Bill{Kind: BillSimple},
		Filing:     Filing{Type: FilingOriginal},
		Conveyance: Conveyance{Mode: ModeUnknown},
		InTransit:  InTransit{Status: TransitUnknown},
		Parties:    []Party{},
		Goods:      []GoodsItem{},
		Equipment:  []Equipment{},
	}
}

// AddFlag appends a flag unless an identical one is already there.
func (r *Record) AddFlag(code, field, format string, args ...any) {
	f := Flag{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
	for _, g := range r.Flags {
		if g == f {
			return
		}
	}
	r.Flags = append(r.Flags, f)
}

// Party returns the first party with the role, or nil.
func (r *Record) Party(role Role) *Party {
	for i := range r.Parties {
		if r.Parties[i].Role == role {
			return &r.Parties[i]
		}
	}
	return nil
}

// Container returns the equipment with the normalised number, or nil.
func (r *Record) Container(number string) *Equipment {
	for i := range r.Equipment {
		if r.Equipment[i].Number == number {
			return &r.Equipment[i]
		}
	}
	return nil
}
