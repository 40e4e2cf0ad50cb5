package notices

import (
	"errors"
	"strings"
	"testing"

	"github.com/icss/icss/transforms/exam"
)

func TestDefaultCodes(t *testing.T) {
	t.Parallel()
	c := DefaultCodes()
	if c.Hold.Action != Hold || c.Hold.Code == "" {
		t.Errorf("hold = %+v", c.Hold)
	}
	for _, o := range exam.Outcomes {
		if _, err := c.ForOutcome(o); err != nil {
			t.Error(err)
		}
	}
	if d, _ := c.ForOutcome(exam.OutcomeNoFinding); d.Action != Release {
		t.Errorf("no finding is %s, want release", d.Action)
	}
	if d, _ := c.ForOutcome(exam.OutcomeSeizure); d.Action != Hold {
		t.Errorf("seizure is %s, want hold", d.Action)
	}
}

// Every broken table is refused with the field named.
func TestCodesValidate(t *testing.T) {
	t.Parallel()
	base := string(DefaultCodesYAML())
	tests := []struct {
		name, old, new, want string
	}{
		{"UnknownField", "list: ICSS", "list: ICSS\ncolour: red", "field colour not found"},
		{"BadList", "list: ICSS", "list: icss", "list: \"icss\""},
		{"BadAgency", "agency: ZZZ", "agency: ZZZZ", "agency:"},
		{"HoldReleases", "  action: hold\n  code: \"1H\"", "  action: release\n  code: \"1H\"", "hold.action: must be hold"},
		{"CodeTooLong", "code: \"3H\"", "code: \"SEIZ\"", "outcomes.seizure.code"},
		{"LowerCaseCode", "code: \"1R\"", "code: \"1r\"", "outcomes.no_finding.code"},
		{"TextWithDelimiter", "text: HOLD CONTINUES - SEIZURE", "text: HOLD*SEIZURE", "outcomes.seizure.text"},
		{"TextTooLong", "text: HOLD CONTINUES - SEIZURE", "text: " + strings.Repeat("X", 61), "outcomes.seizure.text"},
		{"BadAction", "    action: release\n    code: \"2R\"", "    action: maybe\n    code: \"2R\"", "outcomes.not_examined.action"},
		{"OutcomeMissing", "  seizure:\n", "  seized:\n", "outcomes.seizure: is missing"},
		{"UnknownOutcome", "  seizure:\n", "  seized:\n", "outcomes.seized: is not an exam outcome"},
	}
	for _, tt := range tests {
		y := strings.Replace(base, tt.old, tt.new, 1)
		if y == base {
			t.Fatalf("%s: %q not in the default table", tt.name, tt.old)
		}
		_, err := ParseCodes([]byte(y))
		if err == nil || !errors.Is(err, ErrCodes) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want ErrCodes mentioning %q", tt.name, err, tt.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	good := DefaultConfig()
	if err := good.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"X12SenderQualifier", func(c *Config) { c.X12Sender.Qualifier = "Z" }, "x12_sender.qualifier"},
		{"X12SenderID", func(c *Config) { c.X12Sender.ID = "ID*WITH*STARS" }, "x12_sender.id"},
		{"X12SenderTooLong", func(c *Config) { c.X12Sender.ID = strings.Repeat("A", 16) }, "x12_sender.id"},
		{"EDIFACTSender", func(c *Config) { c.EDIFACTSender.ID = "" }, "edifact_sender.id"},
		{"ReceiverQualifier", func(c *Config) { c.ReceiverQualifier = "zz" }, "receiver_qualifier"},
		{"CarrierStandard", func(c *Config) { c.Carriers = map[string]Route{"KCS": {Standard: "csv"}} }, "carriers.KCS.standard"},
		{"CarrierVersion", func(c *Config) { c.Carriers = map[string]Route{"KCS": {Standard: X12, Version: "004030"}} }, "carriers.KCS.version"},
		{"CarrierQualifier", func(c *Config) {
			c.Carriers = map[string]Route{"KCS": {Standard: X12, Receiver: Party{Qualifier: "ZZZ"}}}
		}, "carriers.KCS.receiver.qualifier"},
		{"TerminalName", func(c *Config) {
			c.Terminals = []Terminal{{Route: Route{Standard: X12, Receiver: Party{ID: "T"}}, Ports: []string{"CAPRR"}}}
		}, "terminals[0].name"},
		{"TerminalPorts", func(c *Config) {
			c.Terminals = []Terminal{{Name: "T", Route: Route{Standard: X12, Receiver: Party{ID: "T"}}}}
		}, "terminals[0].ports"},
		{"TerminalStandard", func(c *Config) {
			c.Terminals = []Terminal{{Name: "T", Route: Route{Receiver: Party{ID: "T"}}, Ports: []string{"CAPRR"}}}
		}, "terminals[0].standard"},
		{"TerminalReceiver", func(c *Config) {
			c.Terminals = []Terminal{{Name: "T", Route: Route{Standard: X12}, Ports: []string{"CAPRR"}}}
		}, "terminals[0].receiver.id"},
		{"TerminalTwice", func(c *Config) {
			t := Terminal{Name: "T", Route: Route{Standard: X12, Receiver: Party{ID: "T"}}, Ports: []string{"CAPRR"}}
			c.Terminals = []Terminal{t, t}
		}, "terminals[1].name: \"T\" is used twice"},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		tt.edit(&c)
		err := c.Validate()
		if err == nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want ErrConfig mentioning %q", tt.name, err, tt.want)
		}
	}
}

func TestSplitText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"HELD FOR CBSA EXAMINATION":                         "HELD FOR CBSA EXAMINATION",
		"RELEASED - EXAMINED, NO FINDING":                   "RELEASED - EXAMINED, NO|FINDING",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123|456789",
		"HOLD CONTINUES - REFERRED TO CBP FOR A DECISION X": "HOLD CONTINUES - REFERRED TO|CBP FOR A DECISION X",
	} {
		if got := strings.Join(splitText(in, 30), "|"); got != want {
			t.Errorf("splitText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string][2]string{"MSKU7351770": {"MSKU", "7351770"}, "CNRU123456": {"CNRU", "123456"}, "1234": {"", "1234"}, "": {"", ""}} {
		if i, n := splitEquipment(in); i != want[0] || n != want[1] {
			t.Errorf("splitEquipment(%q) = %q, %q", in, i, n)
		}
	}
}
