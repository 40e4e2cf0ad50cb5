package examlist

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/icss/icss/edi/x12/x12gen"
	"github.com/icss/icss/transforms/normalize"
	"github.com/icss/icss/transforms/risk"
)

// pipeline runs a 309 through normalize and the default rule set, every bill in
// refer referred by the partner, and returns the assessments and records.
func pipeline(t testing.TB, x12 []byte, refer func(i int) bool) (assessments, records []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "planted.x12")
	if err := os.WriteFile(path, x12, 0o644); err != nil {
		t.Fatal(err)
	}
	var recs bytes.Buffer
	var refs []risk.Referral
	res, err := normalize.Run(normalize.Options{}, []string{path}, func(l normalize.Line) error {
		if l.Record == nil {
			return nil
		}
		recs.Write(l.Record.AppendJSON(nil))
		recs.WriteByte('\n')
		return nil
	})
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("normalize: %v %v", err, res.Errors)
	}
	for i, line := range bytes.Split(bytes.TrimSpace(recs.Bytes()), []byte("\n")) {
		if refer(i) {
			key := regexp.MustCompile(`"key":"([^"]+)"`).FindSubmatch(line)[1]
			refs = append(refs, risk.Referral{Source: risk.SourcePartner, Bill: string(key), Reason: "R12", Referrer: "CBP-NTC"})
		}
	}
	eng, err := risk.Compile(risk.DefaultRuleSet())
	if err != nil {
		t.Fatal(err)
	}
	var as bytes.Buffer
	if _, err := eng.WithReferrals(risk.NewReferrals(refs)).Score(context.Background(), bytes.NewReader(recs.Bytes()), &as, risk.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	return as.Bytes(), recs.Bytes()
}

// plantShippers replaces the shipper names (N1*SH) of the first bills of a 309.
func plantShippers(t testing.TB, x12 []byte, names []string) []byte {
	t.Helper()
	n := 0
	out := regexp.MustCompile(`(?m)^N1\*SH\*[^~]*~`).ReplaceAllFunc(x12, func(seg []byte) []byte {
		if n >= len(names) {
			return seg
		}
		n++
		return []byte("N1*SH*" + names[n-1] + "~")
	})
	if n != len(names) {
		t.Fatalf("planted %d of %d names", n, len(names))
	}
	return out
}

// TestCarrierTextStaysText plants formula-looking, control-laden and over-long
// shipper names in a 309, takes it through normalize, the risk score and the list,
// and reads the cells back from the sheet XML: plain strings, never formulas.
func TestCarrierTextStaysText(t *testing.T) {
	long := strings.Repeat("LONG NAME ", 40)
	planted := []struct{ filed, shown string }{
		{`=HYPERLINK("http://x","click")`, `=HYPERLINK("http://x","click")`},
		{`+cmd|' /C calc'!A0`, `+cmd|' /C calc'!A0`},
		{`-1+1`, `-1+1`},
		{`@SUM(A1)`, `@SUM(A1)`},
		{"=1+1\x07\x1b[31m EVIL\x7f CO\u0085", "=1+1[31m EVIL CO"},
		{"ACME \u202eEXE.TXT\u200b", "ACME EXE.TXT"},
		{long, ""}, // cut: checked below
	}
	names := make([]string, len(planted))
	for i, p := range planted {
		names[i] = p.filed
	}
	var gen bytes.Buffer
	x12gen.New(x12gen.Options{Seed: 3, Bills: 20, Newline: true}).WriteTo(&gen)
	as, rs := pipeline(t, plantShippers(t, gen.Bytes(), names), func(i int) bool { return i < len(planted) })
	lists, err := Build(context.Background(), bytes.NewReader(as), bytes.NewReader(rs), BuildOptions{Port: "CAPRR", IssuedAt: issued})
	if err != nil {
		t.Fatal(err)
	}
	if len(lists) != 1 {
		t.Fatalf("%d lists", len(lists))
	}
	var book bytes.Buffer
	if err := Write(&book, lists[0]); err != nil {
		t.Fatal(err)
	}
	sheet, _ := sheetPart(t, book.Bytes(), SheetList)
	shipperCol := "K"
	shown := map[string]bool{}
	for _, c := range sheetCells(t, sheet) {
		if c.Formula != nil {
			t.Errorf("%s holds a formula %q", c.Ref, *c.Formula)
		}
		if c.Type != "inlineStr" && c.Type != "" && c.Type != "n" {
			t.Errorf("%s has type %q", c.Ref, c.Type)
		}
		if strings.HasPrefix(c.Ref, shipperCol) && c.Ref != shipperCol+"1" {
			if c.Type != "inlineStr" {
				t.Errorf("shipper %s has type %q, want inlineStr", c.Ref, c.Type)
			}
			shown[c.Inline.T] = true
		}
	}
	t.Logf("shippers shown: %q", keys(shown))
	for _, p := range planted[:len(planted)-1] {
		if !shown[p.shown] {
			t.Errorf("shipper %q not shown as %q; shown: %q", p.filed, p.shown, keys(shown))
		}
	}
	cutOK := false
	for s := range shown {
		if strings.HasPrefix(s, "LONG NAME") {
			cutOK = strings.HasSuffix(s, CutMarker) && utf8.RuneCountInString(s) <= maxName
			if !cutOK {
				t.Errorf("long name shown as %q (%d characters)", s, utf8.RuneCountInString(s))
			}
		}
	}
	if !cutOK {
		t.Errorf("the long name is not on the list: %q", keys(shown))
	}
	if strings.ContainsAny(sheet, "\x07\x1b\x7f\u202e\u200b") {
		t.Error("a control character reached the sheet XML")
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, fmt.Sprintf("%.50s", k))
	}
	return out
}
