package ack

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12"
)

// readCase returns the interchanges of a hand-written case.
func readCase(t *testing.T, name string) []*x12.Interchange {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "cases", name+".x12"))
	if err != nil {
		t.Fatal(err)
	}
	ics, _ := validate(t, data)
	return ics
}

// segs renders an acknowledgment's segments between ST and SE, one a line.
func body(a *Ack) string {
	var b strings.Builder
	in := false
	for _, s := range a.Segments {
		switch s.Tag() {
		case "ST":
			in = true
			continue
		case "SE":
			in = false
		}
		if in {
			b.WriteString(s.String() + "\n")
		}
	}
	return b.String()
}

func TestOptionsValidate(t *testing.T) {
	ok := testOptions()
	tests := []struct {
		name    string
		mod     func(*Options)
		wantErr string
	}{
		{"defaults", func(*Options) {}, ""},
		{"997", func(o *Options) { o.Format = FA997 }, ""},
		{"999", func(o *Options) { o.Format = FA999 }, ""},
		{"TA1 is no functional format", func(o *Options) { o.Format = TA1 }, "Format"},
		{"no clock", func(o *Options) { o.Now = nil }, "Now"},
		{"no counter", func(o *Options) { o.Controls = nil }, "Controls"},
		{"delimiters clash", func(o *Options) { o.Delims = x12.Delimiters{Element: '*', Component: '*', Segment: '~'} }, "Delims"},
		{"alphanumeric delimiter", func(o *Options) { o.Delims = x12.Delimiters{Element: 'A', Component: '>', Segment: '~'} }, "Delims"},
		{"good delimiters", func(o *Options) { o.Delims = x12.Delimiters{Element: '|', Component: ':', Segment: '\n'} }, ""},
		{"sender without qualifier", func(o *Options) { o.Sender = "ICSS" }, "SenderQualifier"},
		{"qualifier of 3", func(o *Options) { o.SenderQualifier, o.Sender = "ZZZ", "ICSS" }, "SenderQualifier"},
		{"sender of 16", func(o *Options) { o.SenderQualifier, o.Sender = "ZZ", "ABCDEFGHIJKLMNOP" }, "Sender"},
		{"unqualified tolerated code", func(o *Options) { o.Tolerate = []string{"4"} }, "Tolerate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.mod(&o)
			err := o.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want ErrOptions naming %s", err, tt.wantErr)
			}
		})
	}
}

func TestCounter(t *testing.T) {
	c := NewCounter()
	for want := int64(1); want <= 3; want++ {
		if n, _ := c.Next("isa/a"); n != want {
			t.Fatalf("Next = %d, want %d", n, want)
		}
	}
	if n, _ := c.Next("isa/b"); n != 1 {
		t.Fatalf("scopes are independent: Next(isa/b) = %d, want 1", n)
	}
	c.Set("isa/a", MaxControl-1)
	if n, _ := c.Next("isa/a"); n != MaxControl {
		t.Fatalf("Next = %d, want %d", n, MaxControl)
	}
	if n, _ := c.Next("isa/a"); n != 1 {
		t.Fatalf("after %d, Next = %d, want a wrap to 1", MaxControl, n)
	}
	var zero Counter // the zero value works too
	if n, _ := zero.Next("x"); n != 1 {
		t.Fatalf("zero Counter: Next = %d, want 1", n)
	}

	// Concurrent callers never get the same number.
	c = NewCounter()
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				n, _ := c.Next("st")
				mu.Lock()
				if seen[n] {
					t.Errorf("number %d handed out twice", n)
				}
				seen[n] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestControlNumbers(t *testing.T) {
	ic := readCase(t, "clean_315")[0]
	var scopes []string
	opts := testOptions()
	opts.Controls = ControlNumbersFunc(func(scope string) (int64, error) {
		scopes = append(scopes, scope)
		return int64(40 + len(scopes)), nil
	})
	a, err := Build997(ic, ic.Groups[0], opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"isa/ZZ:CBSAICSS/ZZ:ICSSCARRIER", "gs/CBSAICSS/ICSSCARRIER", "st/CBSAICSS/ICSSCARRIER"}
	if fmt.Sprint(scopes) != fmt.Sprint(want) {
		t.Errorf("scopes = %q, want %q", scopes, want)
	}
	if a.Control != "000000041" || a.GroupControl != "42" || a.SetControl != "0043" {
		t.Errorf("controls = %s/%s/%s, want 000000041/42/0043", a.Control, a.GroupControl, a.SetControl)
	}
	iea := a.Segments[len(a.Segments)-1]
	ge := a.Segments[len(a.Segments)-2]
	if iea.ElemString(2) != a.Control || ge.ElemString(2) != a.GroupControl {
		t.Errorf("trailers %s / %s do not close the headers", ge, iea)
	}

	failing := errors.New("ledger down")
	for _, tt := range []struct {
		name string
		f    ControlNumbersFunc
		want error
	}{
		{"error", func(string) (int64, error) { return 0, failing }, failing},
		{"zero", func(string) (int64, error) { return 0, nil }, ErrControlRange},
		{"ten digits", func(string) (int64, error) { return MaxControl + 1, nil }, ErrControlRange},
	} {
		opts.Controls = tt.f
		if _, err := Acknowledge(ic, opts); !errors.Is(err, tt.want) || !strings.Contains(err.Error(), "isa/") {
			t.Errorf("%s: Acknowledge error = %v, want %v naming the scope", tt.name, err, tt.want)
		}
	}
}

func TestEnvelope(t *testing.T) {
	ic := readCase(t, "ta1_requested_clean")[0]
	acks, err := Acknowledge(ic, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(acks) != 2 {
		t.Fatalf("got %d acknowledgments, want TA1 and 997", len(acks))
	}
	want := "ISA*00*          *00*          *ZZ*CBSAICSS       *ZZ*ICSSCARRIER    *261127*2130*U*00401*000000001*0*P*>~\n" +
		"TA1*000000101*261120*0930*A*000~\n" +
		"IEA*0*000000001~\n"
	if got := string(acks[0].Bytes()); got != want {
		t.Errorf("TA1:\n%s\nwant\n%s", got, want)
	}
	want = "ISA*00*          *00*          *ZZ*CBSAICSS       *ZZ*ICSSCARRIER    *261127*2130*U*00401*000000002*0*P*>~\n" +
		"GS*FA*CBSAICSS*ICSSCARRIER*20261127*2130*1*X*004010~\n" +
		"ST*997*0001~\n" +
		"AK1*QO*101~\n" +
		"AK2*315*0001~\n" +
		"AK5*A~\n" +
		"AK9*A*1*1*1~\n" +
		"SE*6*0001~\n" +
		"GE*1*1~\n" +
		"IEA*1*000000002~\n"
	if got := string(acks[1].Bytes()); got != want {
		t.Errorf("997:\n%s\nwant\n%s", got, want)
	}
	if got := acks[1].FileName(); got != "997_000000101_101_000000002.x12" {
		t.Errorf("FileName = %q", got)
	}
	if !acks[0].Accepted() || !acks[1].Accepted() {
		t.Error("clean interchange not accepted")
	}
	// The summary marshals for icss edi ack --json; the segments do not.
	js, err := json.Marshal(acks[1])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"kind":"997","interchange":"000000101","group":"101","control":"000000002","group_control":"1","set_control":"0001","status":"A","sets":[{"id":"315","control":"0001","status":"A"}]}`; string(js) != want {
		t.Errorf("JSON:\n%s\nwant\n%s", js, want)
	}

	// Without Newline, the segments follow each other; with other delimiters, ISA11
	// and ISA16 follow them; a sender override replaces ISA05/06.
	opts := testOptions()
	opts.Newline = false
	opts.Delims = x12.Delimiters{Element: '|', Component: ':', Segment: '\''}
	opts.SenderQualifier, opts.Sender = "02", "CBSA"
	a, err := BuildTA1(ic, opts)
	if err != nil {
		t.Fatal(err)
	}
	want = "ISA|00|          |00|          |02|CBSA           |ZZ|ICSSCARRIER    |261127|2130|U|00401|000000001|0|P|:'TA1|000000101|261120|0930|A|000'IEA|0|000000001'"
	if got := string(a.Bytes()); got != want {
		t.Errorf("TA1 with options:\n%s\nwant\n%s", got, want)
	}
	checkReadsBack(t, a)

	// A 999 is in 00501, whose ISA11 is the repetition separator: the input's, or one
	// that clashes with no other delimiter when the input (4010) had none.
	a, err = Build999(ic, ic.Groups[0], opts)
	if err != nil {
		t.Fatal(err)
	}
	isa := a.Segments[0]
	if isa.ElemString(11) != "^" || isa.ElemString(12) != "00501" || a.Segments[1].ElemString(8) != Impl999 {
		t.Errorf("999 envelope: %s / %s", isa, a.Segments[1])
	}
	checkReadsBack(t, a)
}

func TestFormat(t *testing.T) {
	ic4 := readCase(t, "clean_315")[0]
	ic5 := readCase(t, "ta1_requested_5010_999")[0]
	tests := []struct {
		name   string
		ic     *x12.Interchange
		format Kind
		want   string // ST01, ISA12, GS08 and AK1, AK2
	}{
		{"4010 gives a 997", ic4, "", "997 00401 004010 AK1*QO*101 AK2*315*0001"},
		{"5010 gives a 999", ic5, "", "999 00501 005010X231A1 AK1*QO*101*005010 AK2*315*0001*005010"},
		{"999 forced on 4010", ic4, FA999, "999 00501 005010X231A1 AK1*QO*101*004010 AK2*315*0001"},
		{"997 forced on 5010", ic5, FA997, "997 00501 005010 AK1*QO*101 AK2*315*0001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.Format = tt.format
			a, err := BuildGroup(tt.ic, tt.ic.Groups[0], opts)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("%s %s %s %s %s", a.Segments[2].ElemString(1), a.Segments[0].ElemString(12),
				a.Segments[1].ElemString(8), a.Segments[3], a.Segments[4])
			if got != tt.want || string(a.Kind) != a.Segments[2].ElemString(1) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			checkReadsBack(t, a)
		})
	}
}

// withErrors returns the clean 315 interchange with the given errors added to its set;
// each error's Pos.Segment is taken as the position in the set (ST = 1).
func withErrors(t *testing.T, errs ...*x12.SyntaxError) (*x12.Interchange, *x12.Set) {
	t.Helper()
	ic := readCase(t, "clean_315")[0]
	s := ic.Groups[0].Sets[0]
	for _, e := range errs {
		e.Pos.Segment += s.Pos.Segment - 1
		s.Errors = append(s.Errors, e)
	}
	return ic, s
}

func TestSegmentAndElementNotes(t *testing.T) {
	errs := func() []*x12.SyntaxError {
		return []*x12.SyntaxError{
			// B4 (position 2): bad code in B403 and too long B406.
			{Pos: syntax.Position{Segment: 2}, SegmentID: "B4", Element: 3, ElementRef: 157, Code: "AK4:7", Value: "XX"},
			{Pos: syntax.Position{Segment: 2}, SegmentID: "B4", Element: 6, Code: "AK4:5", Value: "CAPRR*LONG~X’"},
			// R4 (position 5) is out of sequence, and its R403 has a pattern failure (an
			// implementation rule).
			{Pos: syntax.Position{Segment: 5}, SegmentID: "R4", Loop: "R4", Code: "AK3:7"},
			{Pos: syntax.Position{Segment: 5}, SegmentID: "R4", Element: 3, Code: "IK4:I12", Value: "CAPRR"},
			// A missing mandatory segment, reported at the position where it was expected.
			{Pos: syntax.Position{Segment: 4}, SegmentID: "V9", Code: "AK3:3"},
			// A component error, and a warning, which is not reported.
			{Pos: syntax.Position{Segment: 3}, SegmentID: "N9", Element: 7, Component: 2, Code: "AK4:4", Value: "1"},
			{Pos: syntax.Position{Segment: 3}, SegmentID: "N9", Severity: syntax.Warning, Code: "AK3:2"},
		}
	}
	opts := testOptions()
	opts.Context = func(s *x12.Set, e *x12.SyntaxError) (string, string) { return "B404", "20261119" }

	ic, _ := withErrors(t, errs()...)
	a, err := Build997(ic, ic.Groups[0], opts)
	if err != nil {
		t.Fatal(err)
	}
	want := "AK1*QO*101\n" +
		"AK2*315*0001\n" +
		"AK3*B4*2**8\n" +
		"AK4*3*157*7*XX\n" +
		"AK4*6**5*CAPRR?LONG?X?\n" +
		"AK3*N9*3**8\n" +
		"AK4*7>2**4*1\n" +
		"AK3*V9*4**3\n" +
		"AK3*R4*5*R4*7\n" +
		"AK4*3**6*CAPRR\n" + // I12 maps to 6 in a 997
		"AK5*R*5\n" +
		"AK9*R*1*1*0\n"
	if got := body(a); got != want {
		t.Errorf("997:\n%s\nwant\n%s", got, want)
	}
	checkReadsBack(t, a)

	ic, _ = withErrors(t, errs()...)
	a, err = Build999(ic, ic.Groups[0], opts)
	if err != nil {
		t.Fatal(err)
	}
	want = "AK1*QO*101*004010\n" +
		"AK2*315*0001\n" +
		"IK3*B4*2**8\n" +
		"CTX*B404>20261119\n" +
		"IK4*3*157*7*XX\n" +
		"IK4*6**5*CAPRR?LONG?X?\n" +
		"IK3*N9*3**8\n" +
		"CTX*B404>20261119\n" +
		"IK4*7>2**4*1\n" +
		"IK3*V9*4**3\n" +
		"CTX*B404>20261119\n" +
		"IK3*R4*5*R4*7\n" +
		"CTX*B404>20261119\n" +
		"IK4*3**I12*CAPRR\n" +
		"IK5*R*5\n" +
		"AK9*R*1*1*0\n"
	if got := body(a); got != want {
		t.Errorf("999:\n%s\nwant\n%s", got, want)
	}
	checkReadsBack(t, a)
}

func TestSetCodes(t *testing.T) {
	tests := []struct {
		name     string
		errs     []*x12.SyntaxError
		kind     Kind
		tolerate []string
		want     string // AK5/IK5 and AK9
	}{
		{"warnings only", []*x12.SyntaxError{{Severity: syntax.Warning, SegmentID: "ST", Element: 1}}, FA997, nil,
			"AK5*A\nAK9*A*1*1*1\n"},
		{"five set codes at most", []*x12.SyntaxError{
			{SegmentID: "SE", Code: "AK5:4"}, {SegmentID: "SE", Code: "AK5:3"}, {SegmentID: "ST", Code: "AK5:6"},
			{SegmentID: "ST", Code: "AK5:7"}, {SegmentID: "ST", Code: "AK5:23"}, {SegmentID: "ST", Code: "AK5:2"},
		}, FA997, nil, "AK5*R*4*3*6*7*23\nAK9*R*1*1*0\n"},
		{"a code given twice is written once", []*x12.SyntaxError{{SegmentID: "SE", Code: "AK5:4"}, {SegmentID: "SE", Code: "AK5:4"}},
			FA997, nil, "AK5*R*4\nAK9*R*1*1*0\n"},
		{"an error without a code rejects with 5", []*x12.SyntaxError{{SegmentID: "N9", Err: x12.ErrSegmentTooLong}},
			FA997, nil, "AK5*R*5\nAK9*R*1*1*0\n"},
		{"implementation-only segment errors give I5 in a 999", []*x12.SyntaxError{{Pos: syntax.Position{Segment: 3}, SegmentID: "N9", Code: "IK3:I4"}},
			FA999, nil, "IK3*N9*3**I4\nIK5*R*I5\nAK9*R*1*1*0\n"},
		{"element errors of the implementation only give I5 too", []*x12.SyntaxError{
			{Pos: syntax.Position{Segment: 3}, SegmentID: "N9", Code: "AK3:8"},
			{Pos: syntax.Position{Segment: 3}, SegmentID: "N9", Element: 2, Code: "IK4:I10", Value: "MAEU261100417"},
		}, FA999, nil, "IK3*N9*3**8\nIK4*2**I10*MAEU261100417\nIK5*R*I5\nAK9*R*1*1*0\n"},
		{"and 5 in a 997", []*x12.SyntaxError{{Pos: syntax.Position{Segment: 3}, SegmentID: "N9", Code: "IK3:I4"}},
			FA997, nil, "AK3*N9*3**2\nAK5*R*5\nAK9*R*1*1*0\n"},
		{"tolerated error: accepted with errors noted", []*x12.SyntaxError{{SegmentID: "SE", Code: "AK5:4"}},
			FA997, []string{"AK5:4"}, "AK5*E*4\nAK9*E*1*1*1\n"},
		{"tolerated and not tolerated", []*x12.SyntaxError{{SegmentID: "SE", Code: "AK5:4"}, {SegmentID: "SE", Code: "AK5:3"}},
			FA997, []string{"AK5:4"}, "AK5*R*4*3\nAK9*R*1*1*0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ic, _ := withErrors(t, tt.errs...)
			opts := testOptions()
			opts.Format, opts.Tolerate = tt.kind, tt.tolerate
			a, err := BuildGroup(ic, ic.Groups[0], opts)
			if err != nil {
				t.Fatal(err)
			}
			got := body(a)
			got = got[strings.Index(got, "\nAK2")+1:]
			got = got[strings.Index(got, "\n")+1:]
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			checkReadsBack(t, a)
		})
	}
}

func TestTruncatedErrorsReject(t *testing.T) {
	ic, s := withErrors(t)
	s.Truncated = 3
	a, err := Build997(ic, ic.Groups[0], testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if a.Sets[0].Status != "R" || a.Status != "R" {
		t.Errorf("set %s, group %s; want both R", a.Sets[0].Status, a.Status)
	}
}

func TestElementNotesCapped(t *testing.T) {
	var errs []*x12.SyntaxError
	for i := range 120 {
		errs = append(errs, &x12.SyntaxError{Pos: syntax.Position{Segment: 3}, SegmentID: "N9", Element: i + 1, Code: "AK4:3"})
	}
	ic, _ := withErrors(t, errs...)
	a, err := Build997(ic, ic.Groups[0], testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(a.Sets[0].Notes[0].Elements); n != 99 {
		t.Errorf("%d AK4 segments, want the standard's maximum of 99", n)
	}
	checkReadsBack(t, a)
}

func TestToleratedGroupAndInterchange(t *testing.T) {
	ic := readCase(t, "ge01_count")[0]
	opts := testOptions()
	opts.Tolerate = []string{"AK9:5"}
	a, err := Build997(ic, ic.Groups[0], opts)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != "E" || fmt.Sprint(a.Codes) != "[5]" {
		t.Errorf("AK9 %s %v, want E [5]", a.Status, a.Codes)
	}

	ic = readCase(t, "iea01_count")[0]
	opts.Tolerate = []string{"TA1:021"}
	acks, err := Acknowledge(ic, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(acks); got != "TA1 E 021 ; 997 A 1/1/1 (0001 A)" {
		t.Errorf("got %s", got)
	}
}

func TestTA1NoteRank(t *testing.T) {
	ic := readCase(t, "clean_315")[0]
	add := func(codes ...string) {
		ic.Errors = nil
		for _, c := range codes {
			ic.Errors = append(ic.Errors, &x12.SyntaxError{SegmentID: "ISA", Code: "TA1:" + c})
		}
	}
	tests := []struct {
		codes []string
		want  string
	}{
		{nil, "A 000"},
		{[]string{"014"}, "E 014"},
		{[]string{"014", "020"}, "E 014"},
		{[]string{"014", "001"}, "R 001"},
		{[]string{"001", "023"}, "R 023"},
		{[]string{"024", "021"}, "R 021"},
		{[]string{"999"}, "R 999"}, // a code we do not rank is still reported
	}
	for _, tt := range tests {
		add(tt.codes...)
		a, err := BuildTA1(ic, testOptions())
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Status + " " + a.Codes[0]; got != tt.want {
			t.Errorf("%v: TA1 %s, want %s", tt.codes, got, tt.want)
		}
	}
	// A group header with a TA1-coded error (an invalid GS date) also calls for a TA1.
	ic = readCase(t, "clean_315")[0]
	ic.Groups[0].Errors = append(ic.Groups[0].Errors, &x12.SyntaxError{SegmentID: "GS", Element: 4, Code: "TA1:024"})
	if !TA1Due(ic) {
		t.Error("TA1Due is false for an invalid GS")
	}
	acks, _ := Acknowledge(ic, testOptions())
	if got := summary(acks); got != "TA1 R 024" {
		t.Errorf("got %s", got)
	}
}

func TestBuildErrors(t *testing.T) {
	ic := readCase(t, "clean_315")[0]
	if _, err := Build997(ic, &x12.Group{}, testOptions()); !errors.Is(err, ErrNoGroup) {
		t.Errorf("foreign group: %v", err)
	}
	if _, err := Build997(ic, ic.Groups[0], Options{}); !errors.Is(err, ErrOptions) {
		t.Errorf("zero options: %v", err)
	}
	noRecv := *ic
	noRecv.Receiver = ""
	if _, err := BuildTA1(&noRecv, testOptions()); !errors.Is(err, ErrNoSender) {
		t.Errorf("no receiver: %v", err)
	}
	opts := testOptions()
	opts.SenderQualifier, opts.Sender = "ZZ", "ICSS"
	if _, err := BuildTA1(&noRecv, opts); err != nil {
		t.Errorf("no receiver but Options.Sender: %v", err)
	}
	long := *ic
	long.Sender = "ABCDEFGHIJKLMNOPQ"
	if _, err := BuildTA1(&long, testOptions()); !errors.Is(err, ErrIDTooLong) {
		t.Errorf("17-character sender: %v", err)
	}
	delim := *ic
	delim.Sender = "AB*C"
	if _, err := BuildTA1(&delim, testOptions()); !errors.Is(err, x12.ErrDelimiterInData) {
		t.Errorf("sender holding a delimiter: %v", err)
	}
}

func TestClean(t *testing.T) {
	d := x12.DefaultDelimiters
	tests := []struct{ in, want string }{
		{"ABC 123", "ABC 123"},
		{"A*B~C>D^E", "A?B?C?D?E"},
		{"N’A", "N?A"},
		{"tab\there", "tab?here"},
		{strings.Repeat("x", 120), strings.Repeat("x", 99)},
	}
	for _, tt := range tests {
		if got := clean(d, tt.in, 99); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := clean(x12.Delimiters{Element: '?', Component: ':', Segment: '~'}, "a?b", 0); got != "a.b" {
		t.Errorf("with ? as a delimiter: %q", got)
	}
}
