package normalize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/edi/x12/x12gen"
	"github.com/icss/icss/internal/testkit/corpus"
	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/tabular"
)

func collect(t *testing.T, opts Options, files ...string) ([]Line, Result) {
	t.Helper()
	var lines []Line
	res, err := Run(opts, files, func(l Line) error { lines = append(lines, l); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return lines, res
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const ramp322 = "ISA*00*          *00*          *02*CN             *ZZ*CBSAPILOT      *261207*1430*U*00401*000000077*0*P*>~" +
	"GS*SO*CN*CBSAPILOT*20261207*1430*77*X*004010~ST*322*0001~Q5*AL*20261207*1415*PT**PRINCE RUPERT*BC*CA~" +
	"N7*MSKU*735177*14850*G*******CN*CN*****L*0****22G1*CN~R4*5*UN*CAPRR*PRINCE RUPERT*CA***BC~SE*6*0001~GE*1*77~IEA*1*000000077~"

const unrelated322 = "ISA*00*          *00*          *02*CN             *ZZ*CBSAPILOT      *261207*1430*U*00401*000000078*0*P*>~" +
	"GS*SO*CN*CBSAPILOT*20261207*1430*78*X*004010~ST*322*0001~Q5*AL*20261207*1415*PT~" +
	"N7*CSQU*305438*1*G*******CN*CN*****L*3****22G1*CN~SE*4*0001~GE*1*78~IEA*1*000000078~"

// TestEventsAttachWhateverTheOrder puts the event file after the table that names its
// container: the event is still attached, and one naming no bill is written alone.
func TestEventsAttachWhateverTheOrder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	table := write(t, dir, "bills.csv", "BL,Container,HS\nB1,MSKU7351770,401120\nB2,HLXU1234560,940360\n")
	mapping := write(t, dir, "m.yaml", "name: t\ncolumns:\n  - {column: BL, field: bill.number}\n  - {column: Container, field: equipment.number}\n  - {column: HS, field: goods.hs}\n")
	ev := write(t, dir, "ramp.x12", ramp322)
	other := write(t, dir, "other.x12", unrelated322)
	m, err := loadMapping(mapping)
	if err != nil {
		t.Fatal(err)
	}
	at := &harmonized.DateTime{Time: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Precision: harmonized.PrecisionSecond, Raw: "x"}
	lines, res := collect(t, Options{Mapping: m, ReceivedAt: func(string) *harmonized.DateTime { return at }}, table, ev, other)
	if res.Records != 2 || res.Events != 2 || res.Attached != 1 || len(res.Errors) != 0 {
		t.Fatalf("result %+v", res)
	}
	if len(lines) != 3 || lines[0].Record == nil || lines[2].Event == nil {
		t.Fatalf("lines %+v", lines)
	}
	b1 := lines[0].Record
	if len(b1.Events) != 1 || b1.Events[0].Kind != harmonized.EventRampIn || b1.Filing.ReceivedAt == nil || !b1.Filing.ReceivedAt.Time.Equal(at.Time) {
		t.Fatalf("B1 = %+v", b1)
	}
	if lines[2].Event.Container != "CSQU3054383" {
		t.Fatalf("unattached event = %+v", lines[2].Event)
	}
	// Sequence numbers continue across the batch.
	if lines[1].Record.Filing.Sequence != 2 {
		t.Fatalf("sequence %d", lines[1].Record.Filing.Sequence)
	}
}

func TestUnreadableInputsAreReported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	junk := write(t, dir, "junk.bin", "\x00\x01\x02 not a manifest")
	good := write(t, dir, "ramp.x12", ramp322)
	lines, res := collect(t, Options{}, filepath.Join(dir, "missing.x12"), junk, good)
	if len(res.Errors) != 2 || !strings.Contains(fmt.Sprint(res.Errors), "missing.x12") || !strings.Contains(fmt.Sprint(res.Errors), "junk.bin") {
		t.Fatalf("errors %v", res.Errors)
	}
	if len(lines) != 1 || lines[0].Event == nil {
		t.Fatalf("lines %+v", lines)
	}
}

// TestSamplesAllKinds runs every sample that carries shipments or events in one batch:
// the 309's ten bills, the CUSCAR consignment, and the seven events.
func TestSamplesAllKinds(t *testing.T) {
	t.Parallel()
	var files []string
	for _, p := range []string{"x12types_309_*.edi", "x12types_315_*.edi", "x12types_322_*.edi", "x12types_404_*.edi", "cuscartools_*.edi"} {
		files = append(files, corpus.Samples(t, p)...)
	}
	var unmapped int
	lines, res := collect(t, Options{Unmapped: func(string) { unmapped++ }}, files...)
	if res.Records != 11 || res.Events != 7 || len(res.Errors) != 0 {
		t.Fatalf("result %+v", res)
	}
	if len(lines) != 18 || unmapped == 0 {
		t.Fatalf("%d lines, %d unmapped", len(lines), unmapped)
	}
	// The fast encoder writes exactly what encoding/json writes, on every sample.
	for _, l := range lines {
		var v interface{ AppendJSON([]byte) []byte } = l.Record
		var std any = l.Record
		if l.Event != nil {
			v, std = l.Event, l.Event
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(std); err != nil {
			t.Fatal(err)
		}
		if got := append(v.AppendJSON(nil), '\n'); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("AppendJSON differs from encoding/json:\n got %s\nwant %s", got, want.Bytes())
		}
	}
}

func TestCurrentView(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	table := write(t, dir, "t.csv", "BL,Type,Filed,HS\nB1,original,2026-11-01,401120\nB2,original,2026-11-01,940360\n"+
		"B1,amend,2026-11-03,401110\nB2,delete,2026-11-02,\nB3,amend,2026-11-01,090111\n")
	m, err := loadMapping(write(t, dir, "m.yaml", "name: t\ndate_format: \"2006-01-02\"\ncolumns:\n  - {column: BL, field: bill.number}\n"+
		"  - {column: Type, field: filing.type}\n  - {column: Filed, field: filing.filed_at}\n  - {column: HS, field: goods.hs}\n"))
	if err != nil {
		t.Fatal(err)
	}
	lines, res := collect(t, Options{Mapping: m, Current: true}, table)
	if res.Records != 5 || len(lines) != 2 {
		t.Fatalf("result %+v, %d lines", res, len(lines))
	}
	if r := lines[0].Record; r.Key != "B1" || r.Goods[0].HS6 != "401110" || r.Filing.Version != 2 {
		t.Fatalf("B1 current = %s %s v%d", r.Key, r.Goods[0].HS6, r.Filing.Version)
	}
	r := lines[1].Record
	if r.Key != "B3" || !strings.Contains(fmt.Sprint(r.Flags), harmonized.FlagAmendWithoutOriginal) {
		t.Fatalf("B3 current = %+v", r)
	}
}

// BenchmarkNormalize309 measures the whole path of `icss normalize` on a generated 309:
// read, map, validate, and encode each bill as a JSON line.
func BenchmarkNormalize309(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "gen.x12")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := x12gen.New(x12gen.Options{Seed: 1, Bills: 20000, BillsPerSet: 100}).WriteTo(f); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	var line []byte
	bills := 0
	for b.Loop() {
		res, err := Run(Options{}, []string{path}, func(l Line) error {
			line = l.Record.AppendJSON(line[:0])
			_, err := io.Discard.Write(line)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		bills += res.Records
	}
	b.ReportMetric(float64(bills)/b.Elapsed().Seconds(), "bills/s")
}

func ExampleRun() {
	dir, _ := os.MkdirTemp("", "normalize")
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "manifest.x12")
	var buf bytes.Buffer
	x12gen.New(x12gen.Options{Seed: 3, Bills: 2}).WriteTo(&buf)
	os.WriteFile(in, buf.Bytes(), 0o644)
	res, _ := Run(Options{}, []string{in}, func(l Line) error {
		r := l.Record
		fmt.Println(r.Key, r.Filing.Type, len(r.Equipment), "container(s)", r.InTransit.Status)
		return nil
	})
	fmt.Println(res.Records, "bill version(s)")
	// Output:
	// COSUSHA10000000 original 3 container(s) domestic
	// HLCUHPH10000001 original 1 container(s) domestic
	// 2 bill version(s)
}

// RunReader on one input gives, line for line, what Run gives on the same file: X12
// 309s, a CUSCAR and a carrier table (CSV in the default template) read from a reader;
// and an unreadable input is an error of the result, not of the run.
func TestRunReaderMatchesRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var tmpl bytes.Buffer
	if err := tabular.WriteTemplate(&tmpl, tabular.DefaultMapping(), "csv"); err != nil {
		t.Fatal(err)
	}
	header := strings.Split(strings.TrimSpace(tmpl.String()), ",")
	row := make([]string, len(header))
	for i, h := range header {
		row[i] = map[string]string{"Issuer SCAC": "MAEU", "Bill Number": "9001", "Container Number": "MSKU7351770"}[h]
	}
	var gen bytes.Buffer
	x12gen.New(x12gen.Options{Seed: 3, Bills: 40}).WriteTo(&gen)
	files := []string{
		"../../cmd/icss/testdata/normalize/manifest-309.x12",
		"../../cmd/icss/testdata/normalize/amendment-309.x12",
		"../../edi/edifact/testdata/conformance/01_valid_cuscar_d95b.edi",
		write(t, dir, "generated.x12", gen.String()),
		write(t, dir, "bills.csv", strings.Join(header, ",")+"\n"+strings.Join(row, ",")+"\n"),
	}
	for _, f := range files {
		want, _ := collect(t, Options{}, f)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var got []Line
		res, err := RunReader(Options{}, f, bytes.NewReader(b), func(l Line) error { got = append(got, l); return nil })
		if err != nil || len(res.Errors) != 0 {
			t.Fatalf("%s: %v %v", f, err, res.Errors)
		}
		if len(got) != len(want) || len(got) == 0 {
			t.Fatalf("%s: %d lines from the reader, %d from the file", f, len(got), len(want))
		}
		for i := range got {
			if g, w := string(got[i].Record.AppendJSON(nil)), string(want[i].Record.AppendJSON(nil)); g != w {
				t.Fatalf("%s line %d:\n got %s\nwant %s", f, i, g, w)
			}
		}
	}
	res, err := RunReader(Options{}, "x", strings.NewReader("\x00\x01 binary"), func(Line) error { return nil })
	if err != nil || len(res.Errors) != 1 {
		t.Fatalf("binary input: %+v, %v", res, err)
	}
}
