package acks_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/acks"
	"github.com/icss/icss/edi/x12/ack"
)

func options() ack.Options {
	return ack.Options{Now: func() time.Time { return time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC) }, Controls: ack.NewCounter()}
}

// Each standard gets its acknowledgments, each a valid interchange named as
// `icss edi ack` names it; what is not EDI gets a report and none.
func TestAcknowledge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		kinds string
		valid bool
	}{
		{"../../testdata/demo/maeu-309-4010-ta1-requested.x12", "TA1,997", true},
		{"../../testdata/demo/oolu-309-truncated.x12", "TA1", false},
		{"../edifact/testdata/conformance/03_unt_count.edi", "CONTRL", false},
	}
	for _, tt := range tests {
		b, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		rep, err := acks.Acknowledge(bytes.NewReader(b), tt.file, options(), func(f acks.File) error {
			kinds = append(kinds, f.Kind)
			if !strings.HasPrefix(f.Name, f.Kind+"_") {
				t.Errorf("%s: name %s", tt.file, f.Name)
			}
			back, err := edi.Inspect(bytes.NewReader(f.Data), f.Name)
			if err != nil || !back.Valid() {
				t.Errorf("%s: %s does not validate", tt.file, f.Name)
			}
			return nil
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(kinds, ","); got != tt.kinds || rep.Valid() != tt.valid {
			t.Errorf("%s: acks %s valid %v, want %s %v", tt.file, got, rep.Valid(), tt.kinds, tt.valid)
		}
	}
	rep, err := acks.Acknowledge(strings.NewReader("not EDI at all"), "x", options(), func(acks.File) error {
		t.Error("an acknowledgment for a non-EDI input")
		return nil
	}, nil)
	if err != nil || rep.Valid() || len(rep.Issues) == 0 {
		t.Errorf("non-EDI: %+v, %v", rep, err)
	}
}
