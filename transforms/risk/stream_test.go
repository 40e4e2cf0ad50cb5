package risk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	gojson "github.com/goccy/go-json"

	"github.com/icss/icss/internal/testkit/corpus"
	"github.com/icss/icss/transforms/harmonized"
)

// TestScoreOrderAndDeterminism: the output is the same, in input order, whatever the
// number of workers and the batch size.
func TestScoreOrderAndDeterminism(t *testing.T) {
	t.Parallel()
	in, h := benchInput(t, 3000)
	eng, err := Compile(DefaultRuleSet())
	if err != nil {
		t.Fatal(err)
	}
	eng = eng.WithHistory(h)
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
// encoding/json would.
func TestAppendAssessmentMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, a := range []Assessment{
		{Key: "K", Exams: []string{}, Reasons: []Reason{}},
		{Key: "MAEU\"1\"<&>", Index: 7, Score: -3.25, Band: "low", Hits: 2, Selected: true, Path: PathReferral, Referral: "partner CBP: R1",
			Exams: []string{ExamNII, ExamSoil}, Reasons: []Reason{{Rule: "R", Contribution: 1.5, Text: "tab\there, newline\n, \x01, é, \u2028, bad \xff"}},
			Draw: 0.123456789, RuleSet: "x@1", Port: "CAPRR", Day: "2026-11-27"},
	} {
		want, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		got := appendAssessment(nil, &a)
		if string(got) != string(want)+"\n" {
			t.Errorf("got  %s\nwant %s", got, want)
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

// TestGoJSONDecodesLikeEncodingJSON: the fast decoder reads harmonized records exactly
// as encoding/json does, on generated records and on the tabular package's golden
// records.
func TestGoJSONDecodesLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	in, _ := benchInput(t, 500)
	golden, err := os.ReadFile(filepath.Join(corpus.Root(t), "transforms", "tabular", "testdata", "carrier.golden.jsonl"))
	if err == nil {
		in = append(in, golden...)
	}
	for i, line := range bytes.Split(bytes.TrimSpace(in), []byte("\n")) {
		checkDecoders(t, i+1, line)
	}
}

func checkDecoders(t *testing.T, n int, line []byte) {
	var a, b harmonized.Record
	errA := json.Unmarshal(line, &a)
	if errA != nil {
		return
	}
	if err := gojson.Unmarshal(line, &b); err != nil {
		t.Fatalf("line %d: go-json rejects what encoding/json reads: %v\n%s", n, err, line)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("line %d: decoders differ:\nencoding/json %+v\ngo-json       %+v", n, a, b)
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
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\n\r") {
			return
		}
		checkDecoders(t, 1, line)
		eng.Score(context.Background(), bytes.NewReader(line), &bytes.Buffer{}, StreamOptions{Workers: 1})
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
