package exam

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestParseOutcomeRoundTrip(t *testing.T) {
	for _, choice := range OutcomeChoices() {
		o, reason, err := ParseOutcome(choice)
		if err != nil {
			t.Fatalf("ParseOutcome(%q): %v", choice, err)
		}
		if (o == OutcomeNotExamined) != (reason != "") {
			t.Errorf("ParseOutcome(%q) = %q, reason %q", choice, o, reason)
		}
	}
	for _, bad := range []string{"", "Not examined", "No finding: really", "found gold", "Not examined: asleep"} {
		if _, _, err := ParseOutcome(bad); err == nil {
			t.Errorf("ParseOutcome(%q) accepted", bad)
		}
	}
	if o, r, err := ParseOutcome("  not_examined : LEFT_BEFORE_EXAM "); err != nil || o != OutcomeNotExamined || r != ReasonLeftBeforeExam {
		t.Errorf("codes: %q %q %v", o, r, err)
	}
}

func TestParseExamType(t *testing.T) {
	for i, l := range ExamLabels() {
		if c, err := ParseExamType(" " + strings.ToUpper(l)); err != nil || c != ExamTypes[i] {
			t.Errorf("ParseExamType(%q) = %q, %v", l, c, err)
		}
	}
	if _, err := ParseExamType("sniffer dog"); err == nil {
		t.Error("unknown exam type accepted")
	}
}

func TestIDs(t *testing.T) {
	day := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	for _, id := range []string{ExamID(ListID("CAPRR", day, true), 7), ExamID(ListID("CAPRR", day, false), 12345)} {
		if !ValidExamID(id) {
			t.Errorf("%s is not valid", id)
		}
	}
	if got := ExamID(ListID("CAPRR", day, true), 7); got != "CAPRR-20261204-0007" {
		t.Errorf("ExamID = %s", got)
	}
	for _, bad := range []string{"", "CAPRR-2026124-0007", "caprr-20261204-0007", "CAPRR-20261204-07", "../CAPRR-20261204-0007"} {
		if ValidExamID(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRiskNegated(t *testing.T) {
	r := Result{Outcome: OutcomeNoFinding, BoltSeal: "CBSA1234567", ExamsPerformed: []string{"devanning"}}
	if !r.RiskNegated() {
		t.Error("no finding + bolt seal is not negated")
	}
	for _, mod := range []func(*Result){
		func(r *Result) { r.BoltSeal = "" },
		func(r *Result) { r.Outcome = OutcomeDiscrepancy },
		func(r *Result) { r.ExamsPerformed = nil },
	} {
		c := r
		mod(&c)
		if c.RiskNegated() {
			t.Errorf("%+v negated", c)
		}
	}
}

// TestSchemaMatchesGo checks that schema.json names exactly the JSON fields the
// Go types write, at the top level and in each definition, and that the
// enumerations agree with the vocabularies.
func TestSchemaMatchesGo(t *testing.T) {
	b, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
		Defs       map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
			Enum       []string                   `json:"enum"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	check := func(name string, typ reflect.Type, props map[string]json.RawMessage) {
		t.Helper()
		var fromGo, fromSchema []string
		for i := range typ.NumField() {
			tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			fromGo = append(fromGo, tag)
		}
		for k := range props {
			fromSchema = append(fromSchema, k)
		}
		sort.Strings(fromGo)
		sort.Strings(fromSchema)
		if !slices.Equal(fromGo, fromSchema) {
			t.Errorf("%s: Go fields %v, schema properties %v", name, fromGo, fromSchema)
		}
	}
	check("result", reflect.TypeFor[Result](), s.Properties)
	check("bill", reflect.TypeFor[BillRef](), s.Defs["bill"].Properties)
	check("object", reflect.TypeFor[Object](), s.Defs["object"].Properties)
	check("selection", reflect.TypeFor[Selection](), s.Defs["selection"].Properties)
	if !slices.Equal(s.Defs["exam_type"].Enum, ExamTypes) {
		t.Errorf("exam_type enum %v, Go %v", s.Defs["exam_type"].Enum, ExamTypes)
	}
	var outcome struct{ Enum []Outcome }
	if err := json.Unmarshal(s.Properties["outcome"], &outcome); err != nil || !slices.Equal(outcome.Enum, Outcomes) {
		t.Errorf("outcome enum %v, Go %v (%v)", outcome.Enum, Outcomes, err)
	}
	var pattern struct{ Pattern string }
	if err := json.Unmarshal(s.Properties["exam_id"], &pattern); err != nil || pattern.Pattern != examIDPattern.String() {
		t.Errorf("exam_id pattern %q, Go %q", pattern.Pattern, examIDPattern)
	}
	if _, err := regexp.Compile(pattern.Pattern); err != nil {
		t.Error(err)
	}
}
