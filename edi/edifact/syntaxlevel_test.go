package edifact_test

import (
	"strings"
	"testing"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/syntax"
)

// TestSyntaxLevelVersion: UNOC, UNOD, UNOE and UNOF came together in syntax version 2,
// so each of them under version 1 gets the same verdict (a warning: real senders write
// UNOC:1 and the repertoire is unambiguous); levels of version 4 under 3 stay errors.
func TestSyntaxLevelVersion(t *testing.T) {
	t.Parallel()
	const msg = "UNH+M1+CUSCAR:D:95B:UN'BGM+85+MAN001+9'UNT+3+M1'UNZ+1+IC1'"
	for _, tc := range []struct {
		id, version string
		valid, warn bool
	}{
		{"UNOA", "1", true, false},
		{"UNOB", "1", true, false},
		{"UNOC", "1", true, true},
		{"UNOD", "1", true, true},
		{"UNOE", "1", true, true},
		{"UNOF", "1", true, true},
		{"UNOC", "2", true, false},
		{"UNOD", "2", true, false},
		{"UNOF", "3", true, false},
		{"UNOW", "3", false, false},
	} {
		t.Run(tc.id+":"+tc.version, func(t *testing.T) {
			in := "UNB+" + tc.id + ":" + tc.version + "+S:ZZZ+R:ZZZ+261127:1200+IC1'" + msg
			rep, err := edifact.Inspect(strings.NewReader(in), edifact.InspectOptions{Name: "t.edi"})
			if err != nil {
				t.Fatal(err)
			}
			warned, errored := false, false
			for _, is := range rep.Interchanges[0].Issues {
				if is.Element == 1 && is.Component == 2 {
					warned = warned || is.Severity == syntax.Warning
					errored = errored || is.Severity == syntax.Error
				}
			}
			if errored == tc.valid || warned != tc.warn {
				t.Errorf("version finding: error %v warning %v, want error %v warning %v; %+v",
					errored, warned, !tc.valid, tc.warn, rep.Interchanges[0].Issues)
			}
		})
	}
}
