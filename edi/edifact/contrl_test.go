package edifact_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/syntax"
)

func TestContrlOptionsValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 22, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		opts edifact.ContrlOptions
		want string // substring of the error; empty: valid
	}{
		{"valid", edifact.ContrlOptions{Now: now}, ""},
		{"no clock", edifact.ContrlOptions{}, "Now is required"},
		{"reference too long", edifact.ContrlOptions{Now: now, Reference: "123456789012345"}, "Reference"},
		{"clashing delimiters", edifact.ContrlOptions{Now: now, Delimiters: edifact.Delimiters{Component: '+', Element: '+', Terminator: '\''}}, "Delimiters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.opts.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// A CONTRL in version 4 with its own delimiters and a group: written with a UNA, read
// back as a valid CONTRL:4:1 interchange.
func TestContrlVersion4WithGroupAndUNA(t *testing.T) {
	t.Parallel()
	in := "UNB+UNOC:4+S:ZZZ+R:ZZZ+20261127:1200+IC9'UNG+CUSCAR+S+R+20261127:1200+G1+UN+D:95B'" +
		"UNH+1+CUSCAR:D:95B:UN'BGM+85+X+9'DTM+137:20261399:102'UNT+4+1'UNE+1+G1'UNZ+1+IC9'"
	rep, err := edifact.Inspect(strings.NewReader(in), edifact.InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	d := edifact.Delimiters{Component: ':', Element: '|', Decimal: '.', Release: '?', Repetition: '*', Terminator: '\''}
	err = edifact.WriteCONTRL(&buf, &rep.Interchanges[0], edifact.ContrlOptions{Now: time.Date(2026, 11, 27, 22, 0, 0, 0, time.UTC), Reference: "77", Delimiters: d})
	if err != nil {
		t.Fatal(err)
	}
	want := "UNA:|.?*'UNB|UNOC:4|R:ZZZ|S:ZZZ|20261127:2200|77'UNH|77|CONTRL:4:1:UN'UCI|IC9|S:ZZZ|R:ZZZ|7'" +
		"UCF|G1|S|R|7'UCM|1|CUSCAR:D:95B:UN|4'UCS|3'UCD|12|1:2'UNT|7|77'UNZ|1|77'"
	if buf.String() != want {
		t.Errorf("got  %s\nwant %s", buf.String(), want)
	}
	back, err := edifact.Inspect(&buf, edifact.InspectOptions{})
	if err != nil || !back.Valid() {
		t.Errorf("CONTRL does not validate: %v %q", err, issueKeys(back))
	}
}

// DTM values are checked against their format qualifier (2379) for the common formats.
func TestDTMFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dtm   string
		valid bool
	}{
		{"DTM+137:20261127:102", true},
		{"DTM+137:20260229:102", false},
		{"DTM+137:202611271200:203", true},
		{"DTM+137:202611272460:203", false},
		{"DTM+137:261127:101", true},
		{"DTM+137:2611271200:201", true},
		{"DTM+137:20261127120059:204", true},
		{"DTM+137:20261127120060:204", false},
		{"DTM+137:1200:401", true},
		{"DTM+137:20261101-20261130:718", true},
		{"DTM+137:2026110120261130:718", false},
		{"DTM+137:NEXT WEEK:ZZZ", true}, // a format this package does not know passes
		{"DTM+137::203", true},          // an empty value is not checked (the sample BAPLIE has one)
	}
	for _, tt := range tests {
		t.Run(tt.dtm, func(t *testing.T) {
			t.Parallel()
			in := "UNB+UNOA:3+S+R+261127:1200+1'UNH+1+ZZZ:D:1:UN'" + tt.dtm + "'UNT+3+1'UNZ+1+1'"
			rep, err := edifact.Inspect(strings.NewReader(in), edifact.InspectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid() != tt.valid {
				t.Errorf("valid = %v, want %v: %q", rep.Valid(), tt.valid, issueKeys(rep))
			}
		})
	}
}

func TestNoCONTRLForBareMessages(t *testing.T) {
	t.Parallel()
	rep, err := edifact.Inspect(strings.NewReader("UNH+1+ZZZ:D:1:UN'BGM+1'UNT+3+1'"), edifact.InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() || len(rep.Interchanges) != 1 || rep.Interchanges[0].Issues[0].Severity != syntax.Warning {
		t.Fatalf("a bare message is valid with a warning: %+v", rep.Interchanges)
	}
	err = edifact.WriteCONTRL(io.Discard, &rep.Interchanges[0], edifact.ContrlOptions{Now: time.Now()})
	if !errors.Is(err, edifact.ErrNoAck) {
		t.Errorf("got %v, want ErrNoAck", err)
	}
}

// OnError hands every finding over as a typed error, so callers can branch with
// errors.Is on the documented sentinels.
func TestOnErrorTypedFindings(t *testing.T) {
	t.Parallel()
	in := "UNB+UNOA:3+S+R+261127:1200+1'UNH+1+ZZZ:D:1:UN'bgm'UNT+9+2'UNZ+2+1'"
	var got []error
	_, err := edifact.Inspect(strings.NewReader(in), edifact.InspectOptions{Validate: edifact.ValidateOptions{OnError: func(e *edifact.SyntaxError) { got = append(got, e) }}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []error{edifact.ErrBadTag, edifact.ErrSegmentCount, edifact.ErrControlMismatch, edifact.ErrMessageCount} {
		found := false
		for _, e := range got {
			found = found || errors.Is(e, want)
		}
		if !found {
			t.Errorf("no finding wraps %v in %v", want, got)
		}
	}
	var se *edifact.SyntaxError
	if !errors.As(got[len(got)-1], &se) || se.Code != "29" || se.SegmentID != "UNZ" || se.Pos.Segment != 5 {
		t.Errorf("last finding %+v", se)
	}
	if msg := got[1].Error(); msg != "line 1, segment 4 (UNT), element 1, component 1: segment count does not match: UNT says 9, the message has 3 segments" {
		t.Errorf("message %q", msg)
	}
}
