package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/x12/ack"
)

func TestAckEDIFACTFile(t *testing.T) {
	t.Parallel()
	in := "UNB+UNOA:3+CARRIER:ZZZ+CUSTOMS:ZZZ+261127:1200+IC1'" +
		"UNH+M1+CUSCAR:D:95B:UN'BGM+85+MAN1+9'UNT+3+M1'" +
		"UNH+M2+CUSCAR:D:95B:UN'BGM+85+MAN2+9'UNT+9+M2'UNZ+2+IC1'" +
		"UNB+UNOA:3+CUSTOMS:ZZZ+CARRIER:ZZZ+261127:1200+IC2'UNH+C1+CONTRL:D:3:UN'UCI+X+A+B+7'UNT+3+C1'UNZ+1+IC2'"
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	opts := ack.Options{Now: func() time.Time { return time.Date(2026, 11, 27, 22, 0, 0, 0, time.UTC) }, Controls: ack.NewCounter()}
	ok, err := ackStream(&out, &errOut, "in.edi", strings.NewReader(in), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Error("input with a bad UNT count reported valid")
	}
	if !strings.Contains(out.String(), "CONTRL accepted with rejected messages for interchange IC1") || !strings.Contains(out.String(), "interchange IC2 at line 1 not acknowledged: no CONTRL for this interchange: it holds only CONTRL messages") {
		t.Errorf("output:\n%s", out.String())
	}
	got, err := os.ReadFile(filepath.Join(dir, "CONTRL_IC1_1.edi"))
	if err != nil {
		t.Fatal(err)
	}
	want := "UNB+UNOA:3+CUSTOMS:ZZZ+CARRIER:ZZZ+261127:2200+1'UNH+1+CONTRL:D:3:UN'UCI+IC1+CARRIER:ZZZ+CUSTOMS:ZZZ+7'" +
		"UCM+M1+CUSCAR:D:95B:UN+7'UCM+M2+CUSCAR:D:95B:UN+4+29+UNT+1:1'UNT+5+1'UNZ+1+1'"
	if string(got) != want {
		t.Errorf("CONTRL\n got %s\nwant %s", got, want)
	}
	rep, err := edifact.Inspect(bytes.NewReader(got), edifact.InspectOptions{})
	if err != nil || !rep.Valid() {
		t.Errorf("the CONTRL written does not validate: %v", err)
	}
}

// `icss edi inspect` on an EDIFACT file holding two interchanges with different
// delimiters: both are listed, and a defect in the second makes the exit status 1.
func TestInspectEDIFACTFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := "UNA:|.? 'UNB|UNOA:3|S|R|261127:1200|A1'UNH|1|ZZZ:D:1:UN'UNT|2|1'UNZ|1|A1'\n"
	bad := "UNB+UNOA:3+S+R+261127:1200+A2'UNH+1+ZZZ:D:1:UN'UNT+5+1'UNZ+1+A2'\n"
	path := filepath.Join(dir, "two.edi")
	if err := os.WriteFile(path, []byte(good+bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := runEDIInspect(&out, ediInspectOptions{}, []string{path})
	if !errors.Is(err, errInvalidInput) {
		t.Errorf("got %v, want errInvalidInput (exit status 1)", err)
	}
	for _, want := range []string{"EDIFACT, 2 interchange(s), INVALID", "interchange A1 from S to R", "interchange A2", "[0085:29]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if err := os.WriteFile(path, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runEDIInspect(&out, ediInspectOptions{}, []string{path}); err != nil {
		t.Errorf("valid file: %v\n%s", err, out.String())
	}
}
