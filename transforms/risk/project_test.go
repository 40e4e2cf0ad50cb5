package risk

import (
	"bufio"
	"bytes"
	"encoding/json"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/corpus"
	"github.com/icss/icss/transforms/harmonized"
)

// projectValue zeroes what the projection leaves out of v (of plan p) and makes empty
// slices nil, for comparing a full decode with a projected one.
func projectValue(v reflect.Value, p *plan) {
	switch p.kind {
	case kStruct:
		for i, f := range p.fields {
			if !f.used {
				v.Field(i).SetZero()
				continue
			}
			projectValue(v.Field(i), f.plan)
		}
	case kPtr:
		if !v.IsNil() {
			projectValue(v.Elem(), p.elem)
		}
	case kSlice:
		if v.Len() == 0 {
			v.SetZero()
		}
		for i := range v.Len() {
			projectValue(v.Index(i), p.elem)
		}
	}
}

// projectedJSON is rec's projection as JSON: the form compared, since times parsed
// twice carry distinct but equal locations. It changes rec.
func projectedJSON(rec *harmonized.Record) []byte {
	projectValue(reflect.ValueOf(rec).Elem(), recordPlan)
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err)
	}
	return b
}

// checkProjDecoder: when d accepts line, encoding/json and decodeRecord (today's
// verdict) accept it too, with the same values in every projected field.
func checkProjDecoder(t *testing.T, n int, d *projDecoder, line []byte) {
	t.Helper()
	got, ok := d.decode(line)
	if !ok {
		return
	}
	var std, cur harmonized.Record
	if err := json.Unmarshal(line, &std); err != nil {
		t.Fatalf("line %d: the projected decoder reads what encoding/json rejects (%v):\n%q", n, err, line)
	}
	if err := decodeRecord(line, &cur); err != nil {
		t.Fatalf("line %d: the projected decoder reads what decodeRecord rejects (%v):\n%q", n, err, line)
	}
	g := projectedJSON(got)
	for name, want := range map[string][]byte{"encoding/json": projectedJSON(&std), "decodeRecord": projectedJSON(&cur)} {
		if !bytes.Equal(g, want) {
			t.Fatalf("line %d: projected decoder differs from %s:\n want %s\n  got %s\ninput %q", n, name, want, g, line)
		}
	}
}

// A rich record decoded first, so that the line under test meets reused arrays.
const richLine = `{"key":"R","bill":{"weight":{"kg":9,"value":9,"unit":"K"}},"filing":{"type":"amend","version":2,"sequence":7,"filer":"F","filed_at":{"time":"2026-01-02T03:04:05Z","precision":"second","raw":"x"}},"conveyance":{"mode":"ocean","imo":"9778791","vessel_name":"V","carrier_scac":"MAEU"},"itinerary":{"transshipment":[{"unlocode":"SGSIN"},{"name":"X"}],"port_of_arrival":{"schedule_d":"3001"},"departure":{"time":"2026-01-01T00:00:00Z","precision":"date","raw":"d"}},"parties":[{"role":"shipper","name":"S","address":["1 A","2 B"],"city":"C","country":"KR","identifiers":[{"scheme":"duns","value":"1"}]},{"role":"consignee","name":"TO ORDER"},{"role":"notify","name":"N"},{"role":"carrier","name":"K"}],"goods":[{"line":1,"description":"FAK","hs":"440890","quantity":3,"package_type":"CRT","weight":{"kg":5,"value":5,"unit":"K"},"net_weight":{"kg":4,"value":4,"unit":"K"},"value":"100","origin_country":"CN","hazmat":[{"un_number":"1823"}],"containers":["C1","C2"]},{"line":2}],"equipment":[{"number":"C1","check":"invalid","size_type":"45G1","status":"full","seals":[{"number":"S","class":"I"}]},{"number":"C2"},{"number":"C3"}],"in_transit":{"status":"in_transit"},"flags":[{"code":"weight_mismatch","message":"m","field":"f"}]}`

// FuzzProjDecoder compares the projected decoder with encoding/json on the fields it
// fills, after a rich record has left its arrays behind.
func FuzzProjDecoder(f *testing.F) {
	in, _ := benchInput(f, 5)
	for l := range bytes.SplitSeq(bytes.TrimSpace(in), []byte("\n")) {
		f.Add(l)
	}
	for _, tt := range projVerdicts {
		f.Add([]byte(tt.line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var d projDecoder
		if _, ok := d.decode([]byte(richLine)); !ok {
			t.Fatal("the rich record does not decode")
		}
		checkProjDecoder(t, 1, &d, line)
	})
}

// projVerdicts are lines the projected decoder reads itself (fast) or leaves to the
// full decoder.
var projVerdicts = []struct {
	name, line string
	fast       bool
}{
	{"minimal", `{"key":"A"}`, true},
	{"blanks", " \t{ \"key\" : \"A\" ,\r\n \"goods\" : [ { \"line\" : 1 } ] }\t", true},
	{"empty object", `{}`, true},
	{"keys out of order", `{"goods":[{"hs6":"123456","hs":"1234567890","line":2}],"key":"A","schema":"s"}`, true},
	{"unknown fields", `{"key":"A","unknown":{"x":[1,-2.5e3,{"y":null}],"z":true,"w":false},"bill":{"zz":"q"}}`, true},
	{"nulls", `{"key":null,"bill":null,"goods":null,"parties":[null],"equipment":[{"number":null,"seals":null}],"filing":{"filed_at":null},"extra":null,"schema":null}`, true},
	{"empty arrays", `{"key":"A","goods":[],"equipment":[],"parties":[{"address":[]}]}`, true},
	{"escapes", `{"key":"A\u00e9\n\"\\\/\b\f\r\t","goods":[{"description":"X \u0026 Y"}]}`, true},
	{"duplicate skipped key", `{"schema":"a","schema":"b","key":"A"}`, true},
	{"exponent in a skipped float", `{"key":"A","bill":{"pieces":1E2,"volume":{"m3":-0.5e-3}}}`, true},
	{"minus zero line", `{"key":"A","goods":[{"line":-0}]}`, true},
	{"invalid UTF-8 in a skipped field", "{\"key\":\"A\",\"schema\":\"\xff\"}", true},
	{"lone surrogate in a skipped field", `{"key":"A","schema":"\ud800"}`, true},
	{"UTF-8 in a projected field", `{"key":"Ä","goods":[{"description":"日本"}]}`, true},
	{"largest skipped int", `{"key":"A","provenance":{"start":{"offset":9223372036854775807}}}`, true},
	{"long skipped float", `{"key":"A","bill":{"pieces":` + strings.Repeat("9", 299) + `}}`, true},
	{"skipped time with offset", `{"key":"A","filing":{"received_at":{"time":"2026-01-02T03:04:05+05:30"}}}`, true},

	{"duplicate projected key", `{"key":"A","key":"B"}`, false},
	{"duplicate nested key", `{"key":"A","goods":[{"hs":"1","hs":"2"}]}`, false},
	{"case-variant key", `{"Key":"A"}`, false},
	{"case-variant beside the key", `{"key":"A","KEY":"B"}`, false},
	{"case-variant in a skipped struct", `{"key":"A","provenance":{"FILE":"x"}}`, false},
	{"non-ASCII unknown key", `{"key":"A","ſchema":"x"}`, false},
	{"escaped key", `{"k\u0065y":"A"}`, false},
	{"fraction in an int", `{"key":"A","goods":[{"line":1.0}]}`, false},
	{"exponent in an int", `{"key":"A","goods":[{"line":1e2}]}`, false},
	{"int overflow", `{"key":"A","goods":[{"line":99999999999999999999}]}`, false},
	{"fraction in a skipped int", `{"key":"A","provenance":{"start":{"line":1.5}}}`, false},
	{"float out of range", `{"key":"A","goods":[{"quantity":1e400}]}`, false},
	{"skipped float out of range", `{"key":"A","bill":{"pieces":1e400}}`, false},
	{"skipped float too long", `{"key":"A","bill":{"pieces":` + strings.Repeat("9", 400) + `}}`, false},
	{"skipped int overflow", `{"key":"A","provenance":{"start":{"offset":9223372036854775808}}}`, false},
	{"leading zero", `{"key":"A","goods":[{"line":01}]}`, false},
	{"wrong type", `{"key":1}`, false},
	{"wrong type in a skipped field", `{"key":"A","schema":5}`, false},
	{"object for a string", `{"key":"A","provenance":{"file":{}}}`, false},
	{"invalid UTF-8 in a projected field", "{\"key\":\"A\xff\"}", false},
	{"lone surrogate in a projected field", `{"key":"\ud800"}`, false},
	{"surrogate pair in a projected field", `{"key":"\ud83d\ude00"}`, false},
	{"bad time", `{"key":"A","filing":{"filed_at":{"time":"bad"}}}`, false},
	{"bad skipped time", `{"key":"A","filing":{"received_at":{"time":"bad"}}}`, false},
	{"extra map", `{"key":"A","extra":{"label":"hit"}}`, false},
	{"top-level null", `null`, false},
	{"trailing garbage", `{"key":"A"} x`, false},
	{"trailing comma", `{"key":"A",}`, false},
	{"unterminated", `{"key":"A"`, false},
	{"value missing", `{"key":`, false},
	{"array unterminated", `{"key":"A","goods":[`, false},
	{"array after a comma", `{"key":"A","goods":[{},`, false},
	{"control character", "{\"key\":\"A\x01\"}", false},
	{"bad escape", `{"key":"A","schema":"\x"}`, false},
	{"deep unknown value", `{"key":"A","u":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`, false},
}

// TestProjDecoderVerdicts: the projected decoder takes the lines it should, and Score
// gives every line the same assessment or error with it as without it.
func TestProjDecoderVerdicts(t *testing.T) {
	t.Parallel()
	eng, err := Compile(DefaultRuleSet())
	if err != nil {
		t.Fatal(err)
	}
	v := newVerdicts(eng)
	var d projDecoder
	for _, tt := range projVerdicts {
		d.decode([]byte(richLine))
		if _, ok := d.decode([]byte(tt.line)); ok != tt.fast {
			t.Errorf("%s: projected decoder accepts %v, want %v", tt.name, ok, tt.fast)
		}
		checkProjDecoder(t, 1, &d, []byte(tt.line))
		v.score(&v.fast, []byte(richLine))
		if got, want := v.both([]byte(tt.line)); got != want {
			t.Errorf("%s: with the projected decoder\n%s\nwithout\n%s", tt.name, got, want)
		}
	}
}

// verdicts scores lines one after another through one engine, with the projected
// decoder and without.
type verdicts struct {
	eng        *Engine
	sc         *Scratch
	fast, full recordDecoder
}

func newVerdicts(eng *Engine) *verdicts {
	return &verdicts{eng: eng, sc: eng.NewScratch(), fast: recordDecoder{proj: &projDecoder{}}}
}

// score is Score's verdict on one line: the assessment or the error.
func (v *verdicts) score(dec *recordDecoder, line []byte) string {
	rec, err := dec.decode(line)
	if err != nil {
		return "error: " + err.Error()
	}
	var a Assessment
	if err := v.eng.assess(rec, v.sc, &a); err != nil {
		return "assess error: " + err.Error()
	}
	return string(appendAssessment(nil, &a))
}

// both returns the line's verdict with the projected decoder and without.
func (v *verdicts) both(line []byte) (projected, whole string) {
	return v.score(&v.fast, line), v.score(&v.full, line)
}

// TestProjectedMutations: generated lines with bytes replaced, dropped or doubled get
// the same verdict, assessment or error, with the projected decoder as without.
func TestProjectedMutations(t *testing.T) {
	t.Parallel()
	in, eng := benchEngine(t, 100)
	v := newVerdicts(eng)
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "{}[],:\\\" 0-.eE+nulLtrKEY\xff\xc3\x01"
	for n, line := range harmonizedLines(t, in) {
		for range 40 {
			m := slices.Clone(line)
			for range 1 + rng.IntN(3) {
				i := rng.IntN(len(m))
				switch rng.IntN(3) {
				case 0:
					m[i] = alphabet[rng.IntN(len(alphabet))]
				case 1:
					m = slices.Delete(m, i, i+1)
				default:
					j := min(len(m), i+1+rng.IntN(40))
					m = slices.Insert(m, j, m[i:j]...)
				}
			}
			if got, want := v.both(m); got != want {
				t.Fatalf("line %d mutated to %q:\nwith the projected decoder\n%s\nwithout\n%s", n+1, m, got, want)
			}
		}
	}
}

// TestProjectedScoreMatches: on generated records and the mappers' golden records,
// Score's verdicts are the same with the projected decoder as without, line after line
// through one decoder, and the decoder reads every generated record itself.
func TestProjectedScoreMatches(t *testing.T) {
	t.Parallel()
	in, eng := benchEngine(t, 1000)
	var d projDecoder
	for i, line := range bytes.Split(bytes.TrimSpace(in), []byte("\n")) {
		if _, ok := d.decode(line); !ok {
			t.Fatalf("line %d: the projected decoder refuses a generated record", i+1)
		}
	}
	v := newVerdicts(eng)
	for i, line := range harmonizedLines(t, in) {
		if got, want := v.both(line); got != want {
			t.Fatalf("line %d: with the projected decoder\n%s\nwithout\n%s", i+1, got, want)
		}
	}
}

// harmonizedLines returns the lines of in, the harmonized records of the mappers'
// golden files (whose provenance and sources generated records lack) and richLine.
func harmonizedLines(t *testing.T, in []byte) [][]byte {
	t.Helper()
	lines := bytes.Split(bytes.TrimSpace(in), []byte("\n"))
	root := corpus.Root(t)
	files, _ := filepath.Glob(filepath.Join(root, "transforms", "*", "testdata", "*.golden.jsonl"))
	more, _ := filepath.Glob(filepath.Join(root, "cmd", "icss", "testdata", "*", "*.golden.jsonl"))
	for _, name := range append(files, more...) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for line := range bytes.SplitSeq(bytes.TrimSpace(b), []byte("\n")) {
			var wrapped struct{ Record json.RawMessage }
			switch {
			case bytes.HasPrefix(line, []byte(`{"schema":`)):
				lines = append(lines, line)
			case bytes.HasPrefix(line, []byte(`{"record":`)) && json.Unmarshal(line, &wrapped) == nil:
				lines = append(lines, wrapped.Record)
			}
		}
	}
	if len(lines) < 20 {
		t.Fatalf("only %d golden records", len(lines))
	}
	return append(lines, []byte(richLine))
}

// TestReadsRecord: a rule that reads the record fact turns the projection off, since
// it may read any field.
func TestReadsRecord(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]bool{
		"":                                      false,
		"seal_missing && hist.lane.exams > 0":   false,
		`description == "record"`:               false,
		`record.Conveyance.VesselFlag == "KP"`:  true,
		`any(record.Parties, .Country == "IR")`: true,
		`$env.record.Key == "A"`:                true,
		`$env["record"] != nil`:                 true,
		"(((":                                   true,
	} {
		if got := readsRecord(src); got != want {
			t.Errorf("readsRecord(%q) = %v, want %v", src, got, want)
		}
	}
	rs := DefaultRuleSet()
	rs.Rules = append(rs.Rules, Rule{
		ID: "flag-kp", Description: "vessel flag KP", When: `record.Conveyance.VesselFlag == "KP"`, Weight: 50,
		Reason: "flag {{record.Conveyance.VesselFlag}}",
		Examples: Examples{
			Fire:    []Example{{Name: "KP", Record: map[string]any{"conveyance": map[string]any{"vessel_flag": "KP"}}}},
			NotFire: []Example{{Name: "DK", Record: map[string]any{"conveyance": map[string]any{"vessel_flag": "DK"}}}},
		},
	})
	eng, err := Compile(rs)
	if err != nil {
		t.Fatal(err)
	}
	if !eng.wholeRecord {
		t.Fatal("a rule on record.Conveyance.VesselFlag leaves the projection on")
	}
	var out bytes.Buffer
	if _, err := eng.Score(t.Context(), strings.NewReader(`{"key":"A","conveyance":{"mode":"ocean","vessel_flag":"KP"}}`+"\n"), &out, StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"text":"flag KP"`) {
		t.Errorf("the rule on the vessel flag did not fire: %s", out.String())
	}
	if e, _ := Compile(DefaultRuleSet()); e.wholeRecord {
		t.Fatal("the default rule set turns the projection off")
	}
}

// TestProjectionCoversScoring: the fields the scoring code reads (from Engine.assess,
// following calls into this package and harmonized) are exactly the projection, so a
// field that facts.go starts to read cannot be silently left zero by the decoder.
// Comparing a struct reads all its fields; handing a record value to a function
// outside both packages is an error, since the test cannot see what it reads.
func TestProjectionCoversScoring(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the package")
	}
	t.Parallel()
	const hpath = "github.com/icss/icss/transforms/harmonized"
	out, err := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	exports := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), "\t"); ok {
			exports[path] = file
		}
	}
	fset := token.NewFileSet()
	gc := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) { return os.Open(exports[path]) })
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	decls := map[*types.Func]*ast.FuncDecl{}
	check := func(path, dir string, imp types.Importer) *types.Package {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		var files []*ast.File
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		pkg, err := (&types.Config{Importer: imp}).Check(path, fset, files, info)
		if err != nil {
			t.Fatalf("type-checking %s: %v", path, err)
		}
		for _, f := range files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					decls[info.Defs[fd.Name].(*types.Func)] = fd
				}
			}
		}
		return pkg
	}
	hpkg := check(hpath, filepath.Join("..", "harmonized"), gc)
	rpkg := check("github.com/icss/icss/transforms/risk", ".", importerFunc(func(path string) (*types.Package, error) {
		if path == hpath {
			return hpkg, nil
		}
		return gc.Import(path)
	}))

	// harmonizedStruct returns the harmonized struct type t is, or points to.
	harmonizedStruct := func(t types.Type) (*types.Named, *types.Struct) {
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := t.(*types.Named)
		if !ok || n.Obj().Pkg() != hpkg {
			return nil, nil
		}
		st, ok := n.Underlying().(*types.Struct)
		if !ok {
			return nil, nil
		}
		return n, st
	}
	read := map[string]bool{}
	seen := map[*types.Func]bool{}
	var visit func(fn *types.Func)
	visit = func(fn *types.Func) {
		fn = fn.Origin()
		if seen[fn] || decls[fn] == nil || decls[fn].Body == nil {
			return
		}
		seen[fn] = true
		ast.Inspect(decls[fn].Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				if f, ok := info.Uses[n].(*types.Func); ok {
					visit(f)
				}
			case *ast.SelectorExpr:
				if sel := info.Selections[n]; sel != nil && sel.Kind() == types.FieldVal {
					if named, _ := harmonizedStruct(sel.Recv()); named != nil {
						read[named.Obj().Name()+"."+sel.Obj().Name()] = true
					}
				}
			case *ast.BinaryExpr:
				if n.Op == token.EQL || n.Op == token.NEQ {
					if _, isPtr := info.TypeOf(n.X).(*types.Pointer); !isPtr {
						if named, st := harmonizedStruct(info.TypeOf(n.X)); named != nil {
							for i := range st.NumFields() {
								read[named.Obj().Name()+"."+st.Field(i).Name()] = true
							}
						}
					}
				}
			case *ast.CallExpr:
				var callee types.Object
				switch fun := n.Fun.(type) {
				case *ast.Ident:
					callee = info.Uses[fun]
				case *ast.SelectorExpr:
					callee = info.Uses[fun.Sel]
				}
				f, ok := callee.(*types.Func)
				if !ok || decls[f.Origin()] != nil {
					return true
				}
				for _, arg := range n.Args {
					if named, _ := harmonizedStruct(info.TypeOf(arg)); named != nil {
						t.Errorf("%s: passes a %s to %s, which this test cannot follow", fset.Position(arg.Pos()), named.Obj().Name(), f.FullName())
					}
				}
			}
			return true
		})
	}
	engine := rpkg.Scope().Lookup("Engine").Type().(*types.Named)
	for i := range engine.NumMethods() {
		if m := engine.Method(i); m.Name() == "assess" {
			visit(m)
		}
	}
	if len(seen) < 10 {
		t.Fatalf("followed only %d functions from Engine.assess", len(seen))
	}
	listed := map[string]bool{}
	for typ, fields := range projection {
		for _, f := range fields {
			listed[typ+"."+f] = true
		}
	}
	for _, f := range slices.Sorted(func(yield func(string) bool) {
		for k := range read {
			if !yield(k) {
				return
			}
		}
	}) {
		if !listed[f] {
			t.Errorf("scoring reads %s, which the projected decoder leaves zero: add it to projection (project.go)", f)
		}
	}
	for f := range listed {
		if !read[f] {
			t.Errorf("projection lists %s, which scoring never reads", f)
		}
	}
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// TestPlanOther: a type the decoder does not read, such as a field added to the record
// later with a new kind, sends every line that carries it to the full decoder instead
// of being read wrongly.
func TestPlanOther(t *testing.T) {
	t.Parallel()
	type embedded struct{ A string }
	type withEmbedded struct {
		embedded
		B string `json:"b"`
	}
	type withStringOpt struct {
		N int `json:"n,string"`
	}
	for name, typ := range map[string]reflect.Type{
		"embedded":       reflect.TypeFor[withEmbedded](),
		"string option":  reflect.TypeFor[withStringOpt](),
		"bool":           reflect.TypeFor[bool](),
		"untagged field": reflect.TypeFor[struct{ X string }](),
	} {
		p := newPlan(typ, map[reflect.Type]*plan{})
		if p.kind != kOther {
			t.Errorf("%s: kind %d, want kOther", name, p.kind)
		}
		for _, in := range []string{`true`, `{"b":"x"}`, `{"n":"1"}`, `{"X":"x"}`} {
			d := projDecoder{b: []byte(in)}
			if _, ok := d.skip(0, p, 0); ok {
				t.Errorf("%s: skip accepts %s", name, in)
			}
			v := reflect.New(typ)
			if _, ok := d.value(0, p, v.UnsafePointer()); ok {
				t.Errorf("%s: value accepts %s", name, in)
			}
		}
		d := projDecoder{b: []byte(`null`)}
		if _, ok := d.skip(0, p, 0); !ok {
			t.Errorf("%s: skip refuses null", name)
		}
	}
}
