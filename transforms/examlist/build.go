package examlist

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/icss/icss/internal/lazyre"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/risk"
)

// BuildOptions choose which lists Build makes.
type BuildOptions struct {
	// Day keeps only the assessments of that day ("2006-01-02"): the record's day at
	// the port (risk.Assessment.Day: arrival, else departure, else filing). Empty:
	// every day of the input, one list per port and day.
	Day string
	// Port is the port of examination (UN/LOCODE) of records whose assessment names
	// none: a US 309 names the US port of arrival by its Schedule D code, while the
	// container lands, and is examined, at Prince Rupert (CAPRR). Empty: such
	// records are an error.
	Port string
	// Cutoff, when set, cuts one list per port at that moment from every day of the
	// input, for ports that cut more than once a day: the list ID carries the hour
	// and minute. Zero: daily lists.
	Cutoff time.Time
	// Location is the port's time zone: days, cut-offs and the times in the workbook
	// are wall-clock times there (default UTC).
	Location *time.Location
	// IssuedAt stamps the lists (default: now).
	IssuedAt time.Time
}

// Validate reports the first option that cannot work, naming it.
func (o *BuildOptions) Validate() error {
	if o.Day != "" {
		if _, err := time.Parse("2006-01-02", o.Day); err != nil {
			return fmt.Errorf("examlist: Day %q is not a date YYYY-MM-DD", o.Day)
		}
	}
	if o.Port != "" && !portPattern.MatchString(o.Port) {
		return fmt.Errorf("examlist: Port %q is not a UN/LOCODE (country and 3 letters or digits 2-9, e.g. CAPRR)", o.Port)
	}
	return nil
}

// portPattern is the UN/LOCODE form exam IDs accept.
var portPattern = lazyre.New(`^[A-Z]{2}[A-Z2-9]{3}$`)

// Largest line of either input: a harmonized record of a big consolidated bill runs
// to a few hundred kilobytes.
const maxLine = 64 << 20

// pick is one selected assessment and, once the records are read, its record.
type pick struct {
	a    risk.Assessment
	rec  *harmonized.Record
	port string
	day  string
}

// Build reads risk assessments (JSON lines, risk.Assessment; Index is the 0-based
// line of the assessed record in records) and the harmonized records they assessed
// (JSON lines), and returns one List per port of examination and cut-off, sorted by
// list ID. Only selected assessments count. An assessment of a bill version that a
// later version in records replaces, or deletes, is left out: the later version's
// own assessment decides. Memory grows with the selected records only; the rest are
// streamed past.
func Build(ctx context.Context, assessments, records io.Reader, o BuildOptions) ([]List, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.IssuedAt.IsZero() {
		o.IssuedAt = time.Now()
	}
	picks, err := readSelected(ctx, assessments, &o)
	if err != nil {
		return nil, err
	}
	if err := attachRecords(ctx, records, picks); err != nil {
		return nil, err
	}
	groups := map[string][]*pick{}
	for _, p := range picks {
		if p.rec == nil {
			continue // replaced or deleted by a later version
		}
		id := listID(p, &o)
		groups[id] = append(groups[id], p)
	}
	ids := make([]string, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	lists := make([]List, 0, len(ids))
	for _, id := range ids {
		lists = append(lists, makeList(id, groups[id], &o))
	}
	return lists, nil
}

// listID is the list a pick goes to.
func listID(p *pick, o *BuildOptions) string {
	if !o.Cutoff.IsZero() {
		return exam.ListID(p.port, o.Cutoff.In(o.Location), false)
	}
	day, _ := time.ParseInLocation("2006-01-02", p.day, o.Location)
	return exam.ListID(p.port, day, true)
}

// readSelected reads the selected assessments, keyed by record index.
func readSelected(ctx context.Context, r io.Reader, o *BuildOptions) (map[int64]*pick, error) {
	picks := map[int64]*pick{}
	issuedDay := o.IssuedAt.In(o.Location).Format("2006-01-02")
	err := eachLine(ctx, r, func(n int, line []byte) error {
		// Most assessments are not selected; skip them without decoding.
		if bytes.Contains(line, []byte(`"selected":false`)) {
			return nil
		}
		var a risk.Assessment
		if err := json.Unmarshal(line, &a); err != nil {
			return err
		}
		if !a.Selected {
			return nil
		}
		switch {
		case a.Key == "":
			return errors.New("no key")
		case a.Index < 0:
			return fmt.Errorf("index %d", a.Index)
		case picks[a.Index] != nil:
			return fmt.Errorf("record index %d is assessed twice", a.Index)
		}
		p := &pick{a: a, port: a.Port, day: a.Day}
		if p.day == "" {
			p.day = issuedDay
		}
		if o.Day != "" && p.day != o.Day {
			return nil
		}
		if !portPattern.MatchString(p.port) {
			if o.Port == "" {
				return fmt.Errorf("bill %s: port %q is not a UN/LOCODE; name the port of examination (BuildOptions.Port, --port)", a.Key, a.Port)
			}
			p.port = o.Port
		}
		picks[a.Index] = p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("examlist: assessments: %w", err)
	}
	return picks, nil
}

// attachRecords streams the records, decodes those picked, and detaches picks whose
// bill a later line replaces or deletes.
func attachRecords(ctx context.Context, r io.Reader, picks map[int64]*pick) error {
	keys := map[string]bool{}
	for _, p := range picks {
		keys[p.a.Key] = true
	}
	type version struct {
		v    int
		line int64
	}
	latest := map[string]version{}
	var head struct {
		Key    string `json:"key"`
		Filing struct {
			Version int `json:"version"`
		} `json:"filing"`
	}
	var lines int64
	err := eachLine(ctx, r, func(n int, line []byte) error {
		i := int64(n - 1)
		lines = i + 1
		if p := picks[i]; p != nil {
			rec := new(harmonized.Record)
			if err := json.Unmarshal(line, rec); err != nil {
				return err
			}
			if rec.Key != p.a.Key {
				return fmt.Errorf("the assessment of index %d is for bill %s, the record is bill %s", i, p.a.Key, rec.Key)
			}
			// Keep only what a row shows: selected records stay in memory until the end.
			rec.Events, rec.Flags, rec.Extra, rec.References, rec.InBond = nil, nil, nil, nil, nil
			p.rec = rec
			head.Key, head.Filing.Version = rec.Key, rec.Filing.Version
		} else {
			head.Key, head.Filing.Version = "", 0
			if err := gojson.Unmarshal(line, &head); err != nil {
				return err
			}
		}
		if keys[head.Key] {
			if v, ok := latest[head.Key]; !ok || head.Filing.Version >= v.v {
				latest[head.Key] = version{head.Filing.Version, i}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("examlist: records: %w", err)
	}
	for i, p := range picks {
		switch {
		case i >= lines:
			return fmt.Errorf("examlist: the assessment of bill %s names record index %d; the records have %d lines", p.a.Key, i, lines)
		case latest[p.a.Key].line != i, p.rec.Filing.Type == harmonized.FilingDelete:
			p.rec = nil
		}
	}
	return nil
}

// eachLine calls fn with each non-blank line of r and its 1-based number; errors
// are given the line number.
func eachLine(ctx context.Context, r io.Reader, fn func(n int, line []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), maxLine)
	for n := 1; sc.Scan(); n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(n, line); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	return sc.Err()
}

// row gathers the picks of one container.
type row struct {
	container string
	equipment []*harmonized.Equipment
	picks     []*pick
	sel       exam.Selection
	referral  bool
}

func makeList(id string, picks []*pick, o *BuildOptions) List {
	byContainer := map[string]*row{}
	var rows []*row
	add := func(key, container string, eq *harmonized.Equipment, p *pick) {
		r := byContainer[key]
		if r == nil {
			r = &row{container: container}
			byContainer[key] = r
			rows = append(rows, r)
		}
		if eq != nil {
			r.equipment = append(r.equipment, eq)
		}
		if !slices.Contains(r.picks, p) {
			r.picks = append(r.picks, p)
		}
	}
	// Picks in record order, so that lists read the same whatever the map order.
	sort.Slice(picks, func(i, j int) bool { return picks[i].a.Index < picks[j].a.Index })
	for _, p := range picks {
		if len(p.rec.Equipment) == 0 {
			// Cargo filed without equipment still has to be examined: its own row.
			add("bill "+p.rec.Key, "", nil, p)
		}
		for i := range p.rec.Equipment {
			eq := &p.rec.Equipment[i]
			add(eq.Number, eq.Number, eq, p)
		}
	}
	for _, r := range rows {
		r.sel, r.referral = selection(r.picks)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.referral != b.referral {
			return a.referral
		}
		if a.sel.Score != b.sel.Score {
			return a.sel.Score > b.sel.Score
		}
		if a.container != b.container {
			return a.container < b.container
		}
		return a.picks[0].a.Key < b.picks[0].a.Key
	})

	first := picks[0]
	meta := Meta{
		Schema: MetaSchema, ListID: id, Port: first.port, Zone: o.Location.String(),
		IssuedAt: o.IssuedAt, Rows: len(rows), ByPath: map[string]int{}, ByExam: map[string]int{},
		Daily: o.Cutoff.IsZero(), Cutoff: o.Cutoff,
	}
	if meta.Daily {
		meta.Cutoff, _ = time.ParseInLocation("2006-01-02", first.day, o.Location)
	}
	var ruleSets []string
	entries := make([]exam.Entry, len(rows))
	for i, r := range rows {
		e := entry(r, o.Location)
		e.ExamID, e.ListID, e.Port = exam.ExamID(id, i+1), id, meta.Port
		entries[i] = e
		meta.ByPath[e.Selection.Path]++
		for _, x := range e.Exams {
			meta.ByExam[x]++
		}
		for _, rs := range strings.Split(e.Selection.RuleSet, ", ") {
			if !slices.Contains(ruleSets, rs) {
				ruleSets = append(ruleSets, rs)
			}
		}
	}
	sort.Strings(ruleSets)
	meta.RuleSet = strings.Join(ruleSets, ", ")
	return List{Meta: meta, Entries: entries}
}

// pathPriority ranks the selection paths: the strongest reason to examine first.
var pathPriority = map[string]int{risk.PathReferral: 1, risk.PathRule: 2, risk.PathHits: 2, risk.PathCapacity: 3, risk.PathRandom: 4}

// selection merges the assessments of a container's bills: the strongest path, the
// highest score, every referral, every reason (strongest first, once each).
func selection(picks []*pick) (exam.Selection, bool) {
	var s exam.Selection
	var referrals, ruleSets []string
	type reason struct {
		text string
		c    float64
	}
	var reasons []reason
	seen := map[string]bool{}
	best := 0
	for _, p := range picks {
		a := &p.a
		if pr, ok := pathPriority[a.Path]; ok && (best == 0 || pr < best || (pr == best && a.Score > s.Score)) {
			best, s.Path = pr, a.Path
		}
		if len(s.Assessments) == 0 || a.Score > s.Score {
			s.Score = a.Score
		}
		if a.Referral != "" && !slices.Contains(referrals, a.Referral) {
			referrals = append(referrals, a.Referral)
		}
		if a.RuleSet != "" && !slices.Contains(ruleSets, a.RuleSet) {
			ruleSets = append(ruleSets, a.RuleSet)
		}
		for _, r := range a.Reasons {
			t := cleanText(r.Text, maxName*2)
			if t != "" && !seen[t] {
				seen[t] = true
				reasons = append(reasons, reason{t, r.Contribution})
			}
		}
		s.Assessments = append(s.Assessments, fmt.Sprintf("%s#%d", a.Key, a.Index))
	}
	if s.Path == "" {
		s.Path = picks[0].a.Path
	}
	sort.SliceStable(reasons, func(i, j int) bool { return reasons[i].c > reasons[j].c })
	for _, r := range reasons {
		s.Reasons = append(s.Reasons, r.text)
	}
	if len(s.Reasons) == 0 {
		s.Reasons = []string{pathReason[s.Path]}
	}
	s.Referral = cleanText(strings.Join(referrals, "; "), maxName)
	sort.Strings(ruleSets)
	s.RuleSet = strings.Join(ruleSets, ", ")
	return s, s.Path == risk.PathReferral
}

// pathReason explains a selection no rule speaks for.
var pathReason = map[string]string{
	risk.PathReferral: "referred for examination",
	risk.PathRandom:   "selected at random: the control sample that keeps targeting honest",
	risk.PathCapacity: "selected to use the day's exam capacity",
	risk.PathRule:     "score at or above the selection threshold",
	risk.PathHits:     "several indicators together",
}

// defaultExams are given to a container selected with no exam type named (a
// referral or a random pick): the standard security exam.
var defaultExams = []string{risk.ExamNII, risk.ExamRadiation}

// entry builds the row of one container.
func entry(r *row, loc *time.Location) exam.Entry {
	e := exam.Entry{
		Container: r.container,
		Selection: r.sel,
		Priority:  pathPriority[r.sel.Path],
	}
	if e.Priority == 0 {
		e.Priority = 4
	}
	var seals, conveyances, terminals, shippers, consignees, origins, goods []string
	exams := map[string]bool{}
	for _, eq := range r.equipment {
		e.ContainerValid = e.ContainerValid || eq.Check == harmonized.CheckValid
		for _, s := range eq.Seals {
			seals = append(seals, cmp.Or(s.Raw, s.Number))
		}
	}
	for _, p := range r.picks {
		rec := p.rec
		e.Bills = append(e.Bills, exam.BillRef{Key: rec.Key, IssuerSCAC: rec.Bill.IssuerSCAC, Number: cleanText(rec.Bill.Number, maxField), Version: rec.Filing.Version})
		conveyances = append(conveyances, conveyance(&rec.Conveyance))
		if l := rec.Itinerary.PortOfArrival; l != nil {
			terminals = append(terminals, cmp.Or(l.FIRMS, l.Name))
		}
		if t := arrival(rec.Itinerary.Arrival, loc); t != nil && (e.Arrival == nil || t.Before(*e.Arrival)) {
			e.Arrival = t
		}
		if pt := rec.Party(harmonized.RoleShipper); pt != nil {
			shippers = append(shippers, pt.Name)
		}
		if pt := rec.Party(harmonized.RoleConsignee); pt != nil {
			consignees = append(consignees, pt.Name)
		}
		for i := range rec.Goods {
			g := &rec.Goods[i]
			if r.container != "" && len(g.Containers) > 0 && !slices.Contains(g.Containers, r.container) {
				continue
			}
			goods = append(goods, strings.TrimSpace(g.HS6+" "+cut(cleanText(g.Description, 0), 60)))
			origins = append(origins, g.OriginCountry)
		}
		if len(origins) == 0 {
			origins = append(origins, harmonized.LocationCountry(rec.Itinerary.PortOfLoading))
		}
		for _, x := range p.a.Exams {
			exams[x] = true
		}
	}
	for _, x := range exam.ExamTypes {
		if exams[x] {
			e.Exams = append(e.Exams, x)
		}
	}
	if len(e.Exams) == 0 {
		e.Exams = defaultExams
	}
	e.Seals = distinct(seals, maxField)
	e.Conveyance = joinClean(conveyances, "; ", maxName, maxName)
	e.Terminal = joinClean(terminals, "; ", maxField, maxField)
	e.Shipper = joinClean(shippers, "; ", maxName, maxName)
	e.Consignee = joinClean(consignees, "; ", maxName, maxName)
	e.Origin = joinClean(origins, ", ", maxField, maxField)
	if g := distinct(goods, 0); len(g) > 3 {
		e.Goods = cut(strings.Join(g[:3], "; ")+fmt.Sprintf("; (+%d more)", len(g)-3), maxGoods)
	} else {
		e.Goods = cut(strings.Join(g, "; "), maxGoods)
	}
	return e
}

// arrival is the expected arrival as a moment in the port's zone. A time filed
// without its zone (harmonized keeps it as wall clock labelled UTC) is taken as the
// port's wall clock.
func arrival(d *harmonized.DateTime, loc *time.Location) *time.Time {
	if d == nil || d.Time.IsZero() {
		return nil
	}
	t := d.Time
	if d.Zone == "" || strings.EqualFold(d.Zone, "LT") {
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
	}
	t = t.In(loc)
	return &t
}

func conveyance(c *harmonized.Conveyance) string {
	switch {
	case c.Train != "":
		return strings.TrimSpace("Train " + c.Train + " " + cmp.Or(c.RailCarrierSCAC, c.CarrierSCAC))
	case c.VesselName != "" && c.Voyage != "":
		return c.VesselName + " / " + c.Voyage
	}
	return cmp.Or(c.VesselName, c.Voyage)
}

// distinct cleans values and drops empty ones and repeats, keeping the order.
func distinct(values []string, max int) []string {
	var out []string
	for _, v := range values {
		if v = cleanText(v, max); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
