package notices

import (
	"errors"
	"fmt"
	"sort"

	"github.com/icss/icss/transforms/harmonized"
)

// Standard is the EDI standard a recipient reads notices in.
type Standard string

// The standards notices are written in.
const (
	X12     Standard = "x12"     // 350 Customs Status Information
	EDIFACT Standard = "edifact" // CUSRES D00B
)

// Party is an interchange identity: ISA05/06 (or 07/08) in X12, UNB S002 (or S003)
// in EDIFACT.
type Party struct {
	Qualifier string `yaml:"qualifier" json:"qualifier"`
	ID        string `yaml:"id" json:"id"`
}

// Route says how one recipient gets its notices. Every field is optional for a carrier
// that filed in X12 or EDIFACT: by default it is answered in the standard and release
// family it filed in, under the ID its filing came from (the harmonized record's
// filing.filer: the GS02 or ISA06, the UNB sender).
type Route struct {
	// Standard overrides the filing's; it is required for carriers that filed tables
	// (CSV, XLSX), which have no EDI identity of their own.
	Standard Standard `yaml:"standard" json:"standard,omitempty"`
	// Receiver is the recipient's interchange identity; its ID defaults to the filer's.
	Receiver Party `yaml:"receiver" json:"receiver"`
	// Version is the X12 release family, 004010 or 005010; default the filing's.
	Version string `yaml:"version" json:"version,omitempty"`
	// Endpoint is the SFTP endpoint (storage/sftp Config.Name) into whose outbox the
	// notices are pushed. Without one, notices are built but not queued for delivery.
	Endpoint string `yaml:"endpoint" json:"endpoint,omitempty"`
}

// Terminal is a terminal that gets a copy of the notices about containers at its
// ports.
type Terminal struct {
	// Name identifies the terminal in the ledger (the notice's recipient) and logs.
	Name  string `yaml:"name" json:"name"`
	Route `yaml:",inline" json:",inline"`
	// Ports are the places the terminal serves: UN/LOCODEs, Schedule D ports or
	// FIRMS codes, matched against the port of the exam and the filed port of arrival.
	Ports []string `yaml:"ports" json:"ports"`
}

// Config is the notice configuration. The daemon embeds it in config.Config; Validate
// names the field at fault.
type Config struct {
	// X12Sender is icss's identity in the 350's envelope (ISA05/06, GS02).
	X12Sender Party `yaml:"x12_sender" json:"x12_sender"`
	// EDIFACTSender is icss's identity in the CUSRES's UNB (S002).
	EDIFACTSender Party `yaml:"edifact_sender" json:"edifact_sender"`
	// ReceiverQualifier is the ISA07 used for a carrier without one of its own (the
	// filing does not carry its sender's qualifier into the record); default ZZ.
	ReceiverQualifier string `yaml:"receiver_qualifier" json:"receiver_qualifier,omitempty"`
	// Test marks the interchanges as test data (ISA15 T, UNB 0035 1).
	Test bool `yaml:"test" json:"test,omitempty"`
	// Carriers are the routes of carriers by filer ID (filing.filer of the records).
	Carriers map[string]Route `yaml:"carriers" json:"carriers,omitempty"`
	// Terminals get copies of the notices about containers at their ports.
	Terminals []Terminal `yaml:"terminals" json:"terminals,omitempty"`
}

// DefaultConfig is the configuration `icss notice build` uses without --config: icss
// as "ICSS" (qualifier ZZ, EDIFACT ZZZ), every carrier answered as it filed.
func DefaultConfig() Config {
	return Config{X12Sender: Party{Qualifier: "ZZ", ID: "ICSS"}, EDIFACTSender: Party{Qualifier: "ZZZ", ID: "ICSS"}, ReceiverQualifier: "ZZ"}
}

// ErrConfig is the root of every configuration error.
var ErrConfig = errors.New("invalid notice configuration")

// Validate checks the configuration; every error names its field, and all are
// returned together.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", ErrConfig, field, fmt.Sprintf(format, a...)))
	}
	if !x12Qualifier(c.X12Sender.Qualifier) {
		bad("x12_sender.qualifier", "%q is not 2 upper-case letters or digits", c.X12Sender.Qualifier)
	}
	if !x12ID(c.X12Sender.ID) {
		bad("x12_sender.id", "%q is not 2 to 15 printable characters without a delimiter", c.X12Sender.ID)
	}
	if c.EDIFACTSender.Qualifier != "" && !token(c.EDIFACTSender.Qualifier, 4) {
		bad("edifact_sender.qualifier", "%q is not 1 to 4 upper-case letters or digits", c.EDIFACTSender.Qualifier)
	}
	if !edifactID(c.EDIFACTSender.ID) {
		bad("edifact_sender.id", "%q is not 1 to 35 printable characters", c.EDIFACTSender.ID)
	}
	if c.ReceiverQualifier != "" && !x12Qualifier(c.ReceiverQualifier) {
		bad("receiver_qualifier", "%q is not 2 upper-case letters or digits", c.ReceiverQualifier)
	}
	filers := make([]string, 0, len(c.Carriers))
	for f := range c.Carriers {
		filers = append(filers, f)
	}
	sort.Strings(filers)
	for _, f := range filers {
		if f == "" {
			bad("carriers", "a carrier has an empty filer ID")
		}
		c.Carriers[f].validate("carriers."+f, false, bad)
	}
	names := map[string]bool{}
	for i, t := range c.Terminals {
		field := fmt.Sprintf("terminals[%d]", i)
		switch {
		case t.Name == "":
			bad(field+".name", "is required")
		case names[t.Name]:
			bad(field+".name", "%q is used twice", t.Name)
		}
		names[t.Name] = true
		if len(t.Ports) == 0 {
			bad(field+".ports", "is empty: the terminal would get nothing")
		}
		t.Route.validate(field, true, bad)
	}
	return errors.Join(errs...)
}

func (r Route) validate(field string, terminal bool, bad func(field, format string, a ...any)) {
	switch r.Standard {
	case X12, EDIFACT:
	case "":
		if terminal {
			bad(field+".standard", "is required for a terminal (x12 or edifact)")
		}
	default:
		bad(field+".standard", "%q is neither x12 nor edifact", r.Standard)
	}
	if terminal && r.Receiver.ID == "" {
		bad(field+".receiver.id", "is required for a terminal")
	}
	std := r.Standard
	if r.Receiver.ID != "" {
		if std == EDIFACT && !edifactID(r.Receiver.ID) || std != EDIFACT && !x12ID(r.Receiver.ID) && !edifactID(r.Receiver.ID) {
			bad(field+".receiver.id", "%q is not a valid interchange ID", r.Receiver.ID)
		}
	}
	if q := r.Receiver.Qualifier; q != "" {
		if std == X12 && !x12Qualifier(q) || std == EDIFACT && !token(q, 4) || std == "" && !token(q, 4) {
			bad(field+".receiver.qualifier", "%q is not a valid qualifier for %s", q, std)
		}
	}
	switch r.Version {
	case "", "004010", "005010":
	default:
		bad(field+".version", "%q is neither 004010 nor 005010", r.Version)
	}
}

// route returns the route of a record's filer: its standard, identity, release family
// and endpoint, or why it has none.
func (c *Config) route(rec *harmonized.Record) (Recipient, error) {
	filer := rec.Filing.Filer
	if filer == "" {
		return Recipient{}, errors.New("the filing names no filer")
	}
	r := c.Carriers[filer]
	rcp := Recipient{Name: filer, Standard: r.Standard, Receiver: r.Receiver, Version: r.Version, Endpoint: r.Endpoint}
	if rcp.Standard == "" {
		switch rec.Provenance.Standard {
		case harmonized.StandardX12:
			rcp.Standard = X12
		case harmonized.StandardEDIFACT:
			rcp.Standard = EDIFACT
		default:
			return Recipient{}, fmt.Errorf("filer %s filed a %s table and has no route (carriers.%s.standard)", filer, rec.Provenance.Standard, filer)
		}
	}
	if rcp.Receiver.ID == "" {
		rcp.Receiver.ID = filer
	}
	if rcp.Version == "" && rcp.Standard == X12 {
		rcp.Version = "004010"
		if v := rec.Provenance.Version; rec.Provenance.Standard == harmonized.StandardX12 && len(v) >= 6 && v[:6] >= "004030" {
			rcp.Version = "005010"
		}
	}
	if rcp.Receiver.Qualifier == "" && rcp.Standard == X12 {
		rcp.Receiver.Qualifier = c.ReceiverQualifier
		if rcp.Receiver.Qualifier == "" {
			rcp.Receiver.Qualifier = "ZZ"
		}
	}
	if rcp.Standard == X12 && !x12ID(rcp.Receiver.ID) {
		return Recipient{}, fmt.Errorf("filer ID %q cannot be an X12 receiver ID (2 to 15 characters); set carriers.%s.receiver.id", rcp.Receiver.ID, filer)
	}
	return rcp, nil
}

// terminals returns the terminals serving any of the places.
func (c *Config) terminals(places ...string) []Recipient {
	var out []Recipient
	for _, t := range c.Terminals {
		if !servesAny(t.Ports, places) {
			continue
		}
		rcp := Recipient{Name: t.Name, Terminal: true, Standard: t.Standard, Receiver: t.Receiver, Version: t.Version, Endpoint: t.Endpoint}
		if rcp.Standard == X12 {
			if rcp.Version == "" {
				rcp.Version = "004010"
			}
			if rcp.Receiver.Qualifier == "" {
				rcp.Receiver.Qualifier = "ZZ"
			}
		}
		out = append(out, rcp)
	}
	return out
}

func servesAny(ports, places []string) bool {
	for _, p := range ports {
		for _, q := range places {
			if q != "" && p == q {
				return true
			}
		}
	}
	return false
}

func x12Qualifier(q string) bool { return len(q) == 2 && token(q, 2) }

// x12ID accepts an ISA06/08 value, which is also the GS02/03 (2 to 15 characters):
// printable ASCII, none of the delimiters icss writes with.
func x12ID(s string) bool {
	if len(s) < 2 || len(s) > 15 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7E || isX12Delim(c) {
			return false
		}
	}
	return true
}

// edifactID accepts a UNB S002/S003 identification: 1 to 35 printable characters.
func edifactID(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7E {
			return false
		}
	}
	return true
}
