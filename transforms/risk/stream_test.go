package risk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/corpus"
	"github.com/icss/icss/transforms/harmonized"
)

// TestScoreOrderAndDeterminism: the output is the same, in input order, whatever the
// number of workers and the batch size.
func TestScoreOrderAndDeterminism(t *testing.T) {
	t.Parallel()
	in, eng := benchEngine(t, 3000)
	var want []byte
	for _, opt := range []StreamOptions{{Workers: 1, Batch: 1000}, {Workers: 2, Batch: 1}, {Workers: 7, Batch: 13}, {}} {
		var out bytes.Buffer
		stats, err := eng.Score(context.Background(), bytes.NewReader(in), &out, opt)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Records != 3000 {
			t.Errorf("%+v: %d records", opt, stats.Records)
		}
		if want == nil {
			want = out.Bytes()
			continue
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("%+v: output differs from one worker's", opt)
		}
	}
	lines := bytes.Split(bytes.TrimSpace(want), []byte("\n"))
	for i, l := range lines {
		var a Assessment
		if err := json.Unmarshal(l, &a); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if a.Index != int64(i) {
			t.Fatalf("line %d has index %d", i+1, a.Index)
		}
	}
}

// TestAppendAssessmentMatchesEncodingJSON: the hand-written encoder writes what
// encoding/json would (without HTML escaping).
func TestAppendAssessmentMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, a := range []Assessment{
		{Key: "K", Exams: []string{}, Reasons: []Reason{}},
		{Key: "MAEU\"1\"<&>", Index: 7, Score: -3.25, Band: "low", Hits: 2, Selected: true, Path: PathReferral, Referral: "partner CBP: R1",
			Exams: []string{ExamNII, ExamSoil}, Reasons: []Reason{{Rule: "R", Contribution: 1.5, Text: "tab\there, newline\n, \x01, \b\f, é, \u2028, bad \xff"}},
			Draw: 0.123456789, RuleSet: "x@1", Port: "CAPRR", Day: "2026-11-27"},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false) // as every JSON line icss writes
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
		got := appendAssessment(nil, &a)
		if string(got) != want.String() {
			t.Errorf("got  %s\nwant %s", got, want.String())
		}
	}
}

// TestScoreErrors: bad lines are named by file and line; blank lines are skipped and
// counted.
func TestScoreErrors(t *testing.T) {
	t.Parallel()
	eng, _ := Compile(DefaultRuleSet())
	tests := []struct {
		name, in, want string
		max            int
	}{
		{"bad JSON", "{\"key\":\"A\"}\n\n{oops\n", "in.jsonl: line 3: record 2:", 0},
		{"wrong type", "{\"key\":1}\n", "in.jsonl: line 1: record 1:", 0},
		{"too long", "{\"key\":\"A\"}\n" + strings.Repeat(" ", 2<<20) + "{}\n", "in.jsonl: line 2: line longer than", 1 << 20},
	}
	for _, tt := range tests {
		_, err := eng.Score(context.Background(), strings.NewReader(tt.in), &bytes.Buffer{}, StreamOptions{Name: "in.jsonl", MaxLine: tt.max})
		var le *LineError
		if err == nil || !errors.As(err, &le) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want a LineError containing %q", tt.name, err, tt.want)
		}
	}
}

// TestGoJSONDecodesLikeEncodingJSON: decodeRecord (go-json, with its guards) reads
// harmonized records exactly as encoding/json does, and the projected decoder their
// projected fields, on generated records, the tabular package's golden records and
// lines with invalid UTF-8 or lone surrogates.
func TestGoJSONDecodesLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	in, _ := benchInput(t, 500)
	golden, err := os.ReadFile(filepath.Join(corpus.Root(t), "transforms", "tabular", "testdata", "carrier.golden.jsonl"))
	if err == nil {
		in = append(in, golden...)
	}
	in = append(in, "{\"key\":\"A\xff\",\"goods\":[{\"line\":1,\"description\":\"\\ud800 x\"}]}\n"...)
	for i, line := range bytes.Split(bytes.TrimSpace(in), []byte("\n")) {
		checkDecoders(t, i+1, line)
	}
}

func checkDecoders(t *testing.T, n int, line []byte) {
	checkProjDecoder(t, n, &projDecoder{}, line)
	var a, b harmonized.Record
	errA := json.Unmarshal(line, &a)
	if errA != nil {
		return
	}
	if hasCaseVariantKey(line) {
		// encoding/json matches keys ignoring case, go-json (like encoding/json/v2)
		// exactly; icss writes keys exactly as the schema spells them.
		return
	}
	if err := decodeRecord(line, &b); err != nil {
		t.Fatalf("line %d: go-json rejects what encoding/json reads: %v\n%s", n, err, line)
	}
	if !reflect.DeepEqual(a, b) {
		x, _ := json.Marshal(a)
		y, _ := json.Marshal(b)
		i := 0
		for i < len(x) && i < len(y) && x[i] == y[i] {
			i++
		}
		t.Fatalf("line %d: decoders differ at byte %d of the re-encoded records:\nencoding/json …%s\ngo-json       …%s\ninput %q", n, i,
			x[max(0, i-80):min(len(x), i+80)], y[max(0, i-80):min(len(y), i+80)], line)
	}
}

// FuzzScoreLine feeds arbitrary lines to the stream: no panic, and whenever
// encoding/json can read the line the fast decoder must read the same record.
func FuzzScoreLine(f *testing.F) {
	in, _ := benchInput(f, 5)
	for _, l := range bytes.Split(bytes.TrimSpace(in), []byte("\n")) {
		f.Add(l)
	}
	f.Add([]byte(`{"key":"A","goods":[{"line":1,"description":"FAK","hs":"2402"}],"equipment":[{"number":"X","seals":[]}]}`))
	f.Add([]byte(`{"key":"A","KEY":"B","goods":null,"parties":[{"role":"consignee","name":"TO ORDER"}]}`))
	eng, err := Compile(DefaultRuleSet())
	if err != nil {
		f.Fatal(err)
	}
	sc := eng.NewScratch()
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\n\r") {
			return
		}
		checkDecoders(t, 1, line)
		// The per-line path of Score, without its goroutines (whose scheduling would
		// make coverage, and so the fuzzer, nondeterministic).
		dec := recordDecoder{proj: &projDecoder{}}
		rec, err := dec.decode(line)
		if err != nil {
			return
		}
		var a Assessment
		if err := eng.assess(rec, sc, &a); err != nil {
			t.Fatal(err)
		}
		var back Assessment
		if err := json.Unmarshal(appendAssessment(nil, &a), &back); err != nil {
			t.Fatalf("the assessment line is not JSON: %v", err)
		}
	})
}

// TestScoreCancelled: a cancelled context is an error, never a silently short output.
func TestScoreCancelled(t *testing.T) {
	t.Parallel()
	in, _ := benchInput(t, 2000)
	eng, _ := Compile(DefaultRuleSet())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := eng.Score(ctx, bytes.NewReader(in), &bytes.Buffer{}, StreamOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

// fieldNames are the JSON names of every field of the harmonized record's types.
var fieldNames = func() map[string]bool {
	names := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n != "" && n != "-" {
				names[n] = true
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[harmonized.Record]())
	return names
}()

// hasCaseVariantKey reports whether the JSON has a key that names a record field in
// another case ("coNtainers").
func hasCaseVariantKey(line []byte) bool {
	var v any
	if json.Unmarshal(line, &v) != nil {
		return false
	}
	variant := func(k string) bool {
		if fieldNames[k] {
			return false
		}
		for n := range fieldNames {
			if strings.EqualFold(n, k) {
				return true
			}
		}
		return false
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if variant(k) {
					return true
				}
				if walk(e) {
					return true
				}
			}
		case []any:
			for _, e := range x {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// TestScoreFlatMemory streams 200,000 records through Score from a generator and checks
// that the live heap stays flat: memory does not grow with the input (capacity off).
func TestScoreFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200,000 records")
	}
	one, _ := benchInput(t, 1000)
	eng, _ := Compile(DefaultRuleSet())
	pr, pw := io.Pipe()
	go func() {
		for range 200 {
			if _, err := pw.Write(one); err != nil {
				return
			}
		}
		pw.Close()
	}()
	var peak uint64
	done, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
	}()
	stats, err := eng.Score(context.Background(), pr, io.Discard, StreamOptions{})
	close(done)
	<-sampled
	if err != nil {
		t.Fatal(err)
	}
	if stats.Records != 200000 {
		t.Fatalf("%d records", stats.Records)
	}
	// 340 MB of input; the pipeline holds a few batches of 256 records at a time.
	if peak > 64<<20 {
		t.Errorf("peak heap %d MB while streaming, want under 64 MB", peak>>20)
	}
	t.Logf("200,000 records, peak heap %d MB", peak>>20)
}

// TestRecordDecoderReuse: decoding into reused slices gives what a fresh decode gives,
// whatever came before: shorter and longer arrays, absent keys, null, empty arrays.
func TestRecordDecoderReuse(t *testing.T) {
	lines := []string{
		`{"key":"A","parties":[{"role":"shipper","name":"S","address":["1 X"]},{"role":"consignee","name":"C"}],"goods":[{"line":1,"description":"TIRES","containers":["C1"]}],"equipment":[{"number":"C1","seals":[{"number":"S1"}]}]}`,
		`{"key":"B","goods":[{"line":1},{"line":2},{"line":3}]}`,
		`{"key":"C","parties":[{"name":"ONLY"}],"goods":null,"equipment":[]}`,
		`{"key":"D"}`,
		`{"key":"E","parties":[{"role":"notify"},{"role":"carrier"},{"role":"shipper"},{"role":"consignee"},{"name":"X"}],"goods":[{"line":9,"description":"PARTS"}]}`,
		`{"key":"F","parties":[{"role":"shipper"}]}`,
		`{"key":"G","parties":[{"role":"shipper"}],"goods":[{"line":1}],"equipment":[{"number":"C2"}]}`,
		`{"key":"H","parties":[{"role":"shipper"}],"goods":[{"line":1}],"equipment":[{"number":"C2"}]}`,
	}
	for _, dec := range []*recordDecoder{{}, {proj: &projDecoder{}}} {
		testRecordDecoderReuse(t, dec, lines)
	}
}

func testRecordDecoderReuse(t *testing.T, dec *recordDecoder, lines []string) {
	for round := range 3 {
		for _, line := range lines {
			got, err := dec.decode([]byte(line))
			if err != nil {
				t.Fatal(err)
			}
			var want harmonized.Record
			if err := json.Unmarshal([]byte(line), &want); err != nil {
				t.Fatal(err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(&want)
			if dec.proj != nil {
				g, w = projectedJSON(got), projectedJSON(&want)
			}
			if !bytes.Equal(g, w) {
				t.Errorf("round %d, %s:\n got %s\nwant %s", round, want.Key, g, w)
			}
		}
	}
	if _, err := dec.decode([]byte(`{"key":"bad","goods":[{"line":"x"}]}`)); err == nil {
		t.Error("a bad line decoded without error")
	}
}
