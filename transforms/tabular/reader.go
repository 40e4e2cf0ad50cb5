package tabular

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/icss/icss/transforms/harmonized"
)

// ErrHeader is wrapped when a mapped column is not in the file's header row.
var ErrHeader = errors.New("column not found in the header row")

// ErrLineTooLong is returned when a CSV line exceeds MaxLineBytes: encoding/csv would
// otherwise hold an endless line in memory.
var ErrLineTooLong = errors.New("line longer than the limit")

// MaxLineBytes bounds one line of a CSV input (a row without embedded line breaks).
const MaxLineBytes = 4 << 20

// lineLimiter fails a read once max bytes have passed without a line feed.
type lineLimiter struct {
	r    io.Reader
	max  int
	run  int
	line int
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			l.run = 0
			l.line++
			continue
		}
		if l.run++; l.run > l.max {
			return 0, fmt.Errorf("line %d: %w (%d bytes)", l.line+1, ErrLineTooLong, l.max)
		}
	}
	return n, err
}

// source yields the rows of a table.
type source interface {
	// next returns the next row and where it starts, or io.EOF. The row is valid until
	// the next call.
	next() ([]string, harmonized.Position, error)
	close() error
}

// boundColumn is a mapping column resolved against the header.
type boundColumn struct {
	*Column
	spec    fieldSpec
	idx     int // 0-based cell index; -1 when the column is absent (optional)
	unitIdx int // cell index of UnitColumn, or -1
}

// Reader reads harmonized records from a CSV or XLSX table through a Mapping, one record
// per bill: rows that share a bill key and are adjacent form one record. Memory holds
// one bill at a time.
type Reader struct {
	// ReceivedAt, when set before the first Read, fills Filing.ReceivedAt of records whose
	// mapping gives none. The caller injects it (icss normalize uses the file's time).
	ReceivedAt *harmonized.DateTime

	file     string
	m        *Mapping
	src      source
	std      harmonized.Standard
	sheet    string
	cols     []boundColumn
	header   []string
	unmapped []int // cell indices of header columns no entry maps

	pending *pendingRecord
	seq     int64
	err     error
}

// pendingRecord is the record being assembled from adjacent rows.
type pendingRecord struct {
	rec          *harmonized.Record
	key          string
	masterNumber string
	masterSCAC   string
	seqMapped    bool
	transit      harmonized.InTransit
}

// NewCSVReader returns a Reader of CSV text. file names the input in provenance and
// errors. It reads up to the header row and resolves the mapping's columns against it.
func NewCSVReader(r io.Reader, m *Mapping, file string) (*Reader, error) {
	cr := csv.NewReader(&lineLimiter{r: r, max: MaxLineBytes})
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	if m.Delimiter != "" {
		cr.Comma, _ = utf8.DecodeRuneInString(m.Delimiter)
	}
	return newReader(&csvSource{r: cr}, m, file, harmonized.StandardCSV, "")
}

// NewXLSXReader returns a Reader of an XLSX workbook. It reads rows with excelize's
// streaming iterator (never the whole sheet) and raw cell values, so dates arrive as
// serial numbers and are converted here. Close releases the workbook's temporary files.
func NewXLSXReader(r io.Reader, m *Mapping, file string) (*Reader, error) {
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true, UnzipXMLSizeLimit: 16 << 20, TmpDir: os.TempDir()})
	if err != nil {
		return nil, fmt.Errorf("%s: open workbook: %w", file, err)
	}
	sheet := m.Sheet
	if sheet == "" {
		sheet = f.GetSheetName(0)
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: sheet %q: %w", file, sheet, err)
	}
	rd, err := newReader(&xlsxSource{f: f, rows: rows}, m, file, harmonized.StandardXLSX, sheet)
	if err != nil {
		rows.Close()
		f.Close()
	}
	return rd, err
}

// Open opens a table file, choosing CSV or XLSX by its extension (.xlsx, .xlsm read as
// workbooks; anything else as CSV). The caller closes the Reader.
func Open(path string, m *Mapping) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var rd *Reader
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		rd, err = NewXLSXReader(f, m, path)
		f.Close() // excelize has read the archive
		return rd, err
	default:
		rd, err = NewCSVReader(f, m, path)
		if err != nil {
			f.Close()
			return nil, err
		}
		rd.src.(*csvSource).closer = f
		return rd, nil
	}
}

func newReader(src source, m *Mapping, file string, std harmonized.Standard, sheet string) (*Reader, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("mapping %q: %w", m.Name, err)
	}
	r := &Reader{file: file, m: m, src: src, std: std, sheet: sheet}
	headerRow := 1
	if m.HeaderRow != nil {
		headerRow = *m.HeaderRow
	}
	for i := 1; i <= headerRow; i++ {
		row, _, err := src.next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: no header row %d: the table has %d rows", file, headerRow, i-1)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if i == headerRow {
			r.header = make([]string, len(row))
			for j, h := range row {
				if j == 0 {
					h = strings.TrimPrefix(h, "\uFEFF")
				}
				r.header[j] = strings.TrimSpace(h)
			}
		}
	}
	index := map[string]int{}
	for j, h := range r.header {
		k := normHeader(h)
		if _, dup := index[k]; !dup && k != "" {
			index[k] = j
		}
	}
	used := map[int]bool{}
	var missing []string
	find := func(name string) int {
		if j, ok := index[normHeader(name)]; ok {
			return j
		}
		return -1
	}
	for i := range m.Columns {
		c := &m.Columns[i]
		s, _ := spec(c.Field)
		b := boundColumn{Column: c, spec: s, idx: c.Index - 1, unitIdx: -1}
		if c.Column != "" {
			b.idx = find(c.Column)
			if b.idx < 0 && !c.Optional {
				missing = append(missing, strconv.Quote(c.Column))
			}
		}
		if c.UnitColumn != "" {
			b.unitIdx = find(c.UnitColumn)
			used[b.unitIdx] = true
		}
		used[b.idx] = true
		r.cols = append(r.cols, b)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: mapping %q: %s %w (header row %d is %q)", file, m.Name, strings.Join(missing, ", "), ErrHeader, headerRow, r.header)
	}
	// Assemble level by level, so that seals find the row's container whatever the order.
	sort.SliceStable(r.cols, func(i, j int) bool { return r.cols[i].spec.level < r.cols[j].spec.level })
	for j, h := range r.header {
		if !used[j] && h != "" {
			r.unmapped = append(r.unmapped, j)
		}
	}
	return r, nil
}

func normHeader(h string) string { return strings.ToLower(strings.Join(strings.Fields(h), " ")) }

// Unmapped lists the header columns no mapping entry uses, saying what became of them:
// kept in Record.Extra, or ignored.
func (r *Reader) Unmapped() []string {
	out := make([]string, 0, len(r.unmapped))
	fate := "kept in extra"
	if r.m.Unmapped == "ignore" {
		fate = "ignored"
	}
	for _, j := range r.unmapped {
		out = append(out, fmt.Sprintf("%s: column %d %q not mapped (%s)", r.file, j+1, r.header[j], fate))
	}
	return out
}

// Header returns the header row as read.
func (r *Reader) Header() []string { return r.header }

// Close releases the input.
func (r *Reader) Close() error { return r.src.close() }

// Read returns the next bill's record, or io.EOF after the last. Bad cells do not stop
// reading: they become flags on the record. An error is returned only when the table
// itself cannot be read (a broken CSV quote, a damaged workbook).
func (r *Reader) Read() (*harmonized.Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		row, pos, err := r.src.next()
		if err == io.EOF {
			r.err = io.EOF
			if r.pending != nil {
				return r.finish(), nil
			}
			return nil, io.EOF
		}
		if err != nil {
			r.err = fmt.Errorf("%s: %w", r.file, err)
			return nil, r.err
		}
		if blank(row) {
			continue
		}
		key := r.rowKey(row)
		var done *harmonized.Record
		if r.pending != nil && key != "" && key != r.pending.key {
			done = r.finish()
		}
		if r.pending == nil {
			r.start(key, pos)
		}
		r.apply(row, pos)
		if done != nil {
			return done, nil
		}
	}
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func cell(row []string, idx int) string {
	if idx < 0 || idx >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[idx])
}

// rowKey computes the bill key a row names, or "" when its key cells are blank (a
// continuation row of the bill above).
func (r *Reader) rowKey(row []string) string {
	var key, scac, number string
	for i := range r.cols {
		c := &r.cols[i]
		if c.spec.level != levelKey {
			continue
		}
		v := cell(row, c.idx)
		switch c.Field {
		case "key":
			key = v
		case "bill.issuer_scac":
			scac = v
		case "bill.number":
			number = v
		}
	}
	if key != "" {
		return strings.ToUpper(key)
	}
	if number == "" {
		return ""
	}
	return harmonized.BillKey(scac, number)
}

func (r *Reader) start(key string, pos harmonized.Position) {
	r.seq++
	rec := harmonized.New()
	rec.Key = key
	rec.Provenance = harmonized.Provenance{File: r.file, Standard: r.std, Version: r.m.Name, Message: "table", Start: pos, End: pos, Sheet: r.sheet}
	rec.Filing.Sequence = r.seq
	r.pending = &pendingRecord{rec: rec, key: key}
	names := make([]string, 0, len(r.m.Constants))
	for f := range r.m.Constants {
		names = append(names, f)
	}
	sort.Strings(names)
	rs := rowState{r: r, p: r.pending, equip: -1, goods: -1}
	for _, f := range names {
		s, _ := spec(f)
		rs.set(&boundColumn{Column: &Column{Field: f, Column: "constants." + f}, spec: s, idx: -1, unitIdx: -1}, r.m.Constants[f], nil)
	}
}

// finish completes the pending record and returns it.
func (r *Reader) finish() *harmonized.Record {
	p := r.pending
	r.pending = nil
	rec := p.rec
	if rec.Key == "" {
		rec.Key = harmonized.BillKey(rec.Bill.IssuerSCAC, rec.Bill.Number)
	}
	if p.masterNumber != "" {
		scac := p.masterSCAC
		if scac == "" {
			scac = rec.Bill.IssuerSCAC
		}
		rec.Bill.MasterKey = harmonized.BillKey(scac, p.masterNumber)
		rec.Bill.Kind = harmonized.BillHouse
	}
	if rec.Filing.ReceivedAt == nil && r.ReceivedAt != nil {
		dt := *r.ReceivedAt
		rec.Filing.ReceivedAt = &dt
	}
	if p.transit.ArrivalCountry != "" || p.transit.DestinationCountry != "" {
		it := harmonized.DetermineInTransit(rec)
		if p.transit.ArrivalCountry != "" {
			it.ArrivalCountry = p.transit.ArrivalCountry
		}
		if p.transit.DestinationCountry != "" {
			it.DestinationCountry = p.transit.DestinationCountry
		}
		switch {
		case it.ArrivalCountry == "" || it.DestinationCountry == "":
			it.Status = harmonized.TransitUnknown
		case it.ArrivalCountry == it.DestinationCountry:
			it.Status = harmonized.TransitDomestic
		default:
			it.Status = harmonized.TransitYes
		}
		it.Basis = "stated in the table"
		rec.InTransit = it
	}
	return rec.Check()
}

// apply assembles one row into the pending record.
func (r *Reader) apply(row []string, pos harmonized.Position) {
	p := r.pending
	first := p.rec.Provenance.Start == pos
	p.rec.Provenance.End = pos
	rs := rowState{r: r, p: p, pos: pos, equip: -1, goods: -1}
	for i := range r.cols {
		c := &r.cols[i]
		if c.Field == "ignore" {
			continue
		}
		v := cell(row, c.idx)
		if v == "" {
			if !first && c.spec.level <= levelBill {
				// Continuation rows may leave the bill's header blank; a default applies
				// to the bill's first row only, or it would override that row's value.
				continue
			}
			v = c.Default
		}
		if v == "" {
			if c.Required && c.idx >= 0 {
				rs.flag(harmonized.FlagStructure, c, "required %s is empty", c.label())
			}
			continue
		}
		if len(c.Values) > 0 {
			if m, ok := lookupFold(c.Values, v); ok {
				v = m
			}
		}
		rs.set(c, v, row)
	}
	if r.m.Unmapped != "ignore" {
		for _, j := range r.unmapped {
			if v := cell(row, j); v != "" {
				rs.extra(r.header[j], v)
			}
		}
	}
}

func lookupFold(m map[string]string, k string) (string, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for mk, v := range m {
		if strings.EqualFold(mk, k) {
			return v, true
		}
	}
	return "", false
}

// rowState is the assembly of one row: the row's container and goods item.
type rowState struct {
	r     *Reader
	p     *pendingRecord
	pos   harmonized.Position
	equip int // index of the row's equipment, -1 when none
	goods int // index of the row's goods item, -1 until a goods value is seen
	seals []int
}

func (s *rowState) flag(code string, c *boundColumn, format string, args ...any) {
	where := fmt.Sprintf("%s row %d, %s: ", s.r.file, s.pos.Line, c.label())
	if s.pos.Line == 0 {
		where = c.label() + ": "
	}
	field := c.Field
	switch {
	case strings.HasPrefix(field, "goods.") && s.goods >= 0:
		field = fmt.Sprintf("goods[%d].%s", s.goods, field[len("goods."):])
	case strings.HasPrefix(field, "equipment.") && s.equip >= 0:
		field = fmt.Sprintf("equipment[%d].%s", s.equip, field[len("equipment."):])
	}
	s.p.rec.AddFlag(code, field, "%s", where+fmt.Sprintf(format, args...))
}

// text sets a bill-level string field, flagging a conflicting later value.
func (s *rowState) text(dst *string, c *boundColumn, v string) {
	switch {
	case *dst == "":
		*dst = v
	case *dst != v:
		s.flag(harmonized.FlagStructure, c, "%q conflicts with %q given on an earlier row of the bill; the first is kept", v, *dst)
	}
}

func (s *rowState) extra(name, v string) {
	rec := s.p.rec
	if rec.Extra == nil {
		rec.Extra = map[string]string{}
	}
	old, ok := rec.Extra[name]
	switch {
	case !ok:
		rec.Extra[name] = v
	case old != v && !containsPart(old, v):
		rec.Extra[name] = old + " | " + v
	}
}

func containsPart(joined, v string) bool {
	for _, p := range strings.Split(joined, " | ") {
		if p == v {
			return true
		}
	}
	return false
}

func (s *rowState) number(c *boundColumn, v string) (float64, bool) {
	n, err := harmonized.ParseNumber(v, s.r.m.DecimalComma)
	if err != nil {
		s.flag(harmonized.FlagNumber, c, "%v", err)
		return 0, false
	}
	return n, true
}

func (s *rowState) unit(c *boundColumn, row []string, def string) string {
	if u := cell(row, c.unitIdx); u != "" {
		return u
	}
	if c.Unit != "" {
		return c.Unit
	}
	return def
}

func (s *rowState) weight(c *boundColumn, v string, row []string) *harmonized.Weight {
	n, ok := s.number(c, v)
	if !ok {
		return nil
	}
	// An unknown unit keeps the original value and unit; Validate flags it.
	w, _ := harmonized.NewWeight(n, s.unit(c, row, "KG"))
	return w
}

func (s *rowState) volume(c *boundColumn, v string, row []string) *harmonized.Volume {
	n, ok := s.number(c, v)
	if !ok {
		return nil
	}
	vol, _ := harmonized.NewVolume(n, s.unit(c, row, "M3"))
	return vol
}

// excelEpoch is day 0 of the 1900 date system as Excel counts it (after its 1900 leap-year
// bug, serials from 61 on are right when counted from 1899-12-30).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

func (s *rowState) date(c *boundColumn, v string) *harmonized.DateTime {
	format := c.Format
	if format == "" {
		format = s.r.m.DateFormat
	}
	zone := c.Zone
	if zone == "" {
		zone = s.r.m.TimeZone
	}
	if s.r.std == harmonized.StandardXLSX && (format == "" || strings.EqualFold(format, "excel") || !strings.ContainsAny(v, "-/: ")) {
		if serial, err := strconv.ParseFloat(v, 64); err == nil && serial > 0 && serial < 2958466 && (strings.EqualFold(format, "excel") || strings.Contains(v, ".") || serial < 100000) {
			return excelDate(serial, zone, v)
		}
	}
	if strings.EqualFold(format, "excel") {
		format = ""
	}
	dt, err := harmonized.ParseDateLayout(v, format, zone)
	if err != nil {
		s.flag(harmonized.FlagDate, c, "%v", err)
		return nil
	}
	return dt
}

func excelDate(serial float64, zone, raw string) *harmonized.DateTime {
	days := math.Floor(serial)
	secs := math.Round((serial - days) * 86400)
	wall := excelEpoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	prec := harmonized.PrecisionDate
	if secs != 0 {
		prec = harmonized.PrecisionMinute
		if int(secs)%60 != 0 {
			prec = harmonized.PrecisionSecond
		}
	}
	// Re-read the wall clock in the zone, when one is known.
	layout := "2006-01-02T15:04:05"
	if dt, err := harmonized.ParseDateLayout(wall.Format(layout), layout, zone); err == nil {
		dt.Precision, dt.Raw = prec, raw
		return dt
	}
	return &harmonized.DateTime{Time: wall, Precision: prec, Raw: raw}
}

func (s *rowState) location(field string) *harmonized.Location {
	it := &s.p.rec.Itinerary
	var pp **harmonized.Location
	switch field {
	case "place_of_receipt":
		pp = &it.PlaceOfReceipt
	case "port_of_loading":
		pp = &it.PortOfLoading
	case "port_of_discharge":
		pp = &it.PortOfDischarge
	case "place_of_delivery":
		pp = &it.PlaceOfDelivery
	case "final_destination":
		pp = &it.FinalDestination
	default:
		pp = &it.PortOfArrival
	}
	if *pp == nil {
		*pp = &harmonized.Location{}
	}
	return *pp
}

func (s *rowState) party(role harmonized.Role) *harmonized.Party {
	rec := s.p.rec
	if p := rec.Party(role); p != nil {
		return p
	}
	rec.Parties = append(rec.Parties, harmonized.Party{Role: role})
	return &rec.Parties[len(rec.Parties)-1]
}

func (s *rowState) goodsItem() *harmonized.GoodsItem {
	rec := s.p.rec
	if s.goods < 0 {
		g := harmonized.GoodsItem{Line: len(rec.Goods) + 1, Source: &harmonized.Position{Offset: s.pos.Offset, Line: s.pos.Line}}
		if s.equip >= 0 {
			g.Containers = []string{rec.Equipment[s.equip].Number}
		}
		rec.Goods = append(rec.Goods, g)
		s.goods = len(rec.Goods) - 1
	}
	return &rec.Goods[s.goods]
}

func (s *rowState) hazmat() *harmonized.Hazmat {
	g := s.goodsItem()
	if len(g.Hazmat) == 0 {
		g.Hazmat = append(g.Hazmat, harmonized.Hazmat{})
	}
	return &g.Hazmat[0]
}

func (s *rowState) inBond() *harmonized.InBond {
	rec := s.p.rec
	if len(rec.InBond) == 0 {
		rec.InBond = append(rec.InBond, harmonized.InBond{})
	}
	return &rec.InBond[0]
}

// equipment returns the row's equipment, flagging a container-level value on a row
// that names no container (it is kept on the bill's last container, or in extra).
func (s *rowState) equipment(c *boundColumn, v string) *harmonized.Equipment {
	rec := s.p.rec
	if s.equip >= 0 {
		return &rec.Equipment[s.equip]
	}
	if n := len(rec.Equipment); n > 0 {
		return &rec.Equipment[n-1]
	}
	s.flag(harmonized.FlagStructure, c, "%q belongs to a container but the row names none; kept in extra", v)
	s.extra(c.Field, v)
	return nil
}

func split(v, sep string) []string {
	if sep == "" {
		return []string{v}
	}
	var out []string
	for _, p := range strings.Split(v, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// set stores one cell value in its field.
func (s *rowState) set(c *boundColumn, v string, row []string) {
	rec := s.p.rec
	parts := strings.SplitN(c.Field, ".", 3)
	switch parts[0] {
	case "extra":
		s.extra(parts[1], v)
		return
	case "reference":
		for _, ref := range rec.References {
			if ref.Qualifier == parts[1] && ref.Value == v {
				return
			}
		}
		rec.References = append(rec.References, harmonized.Reference{Qualifier: parts[1], Value: v})
		return
	case "itinerary":
		if len(parts) == 3 {
			l := s.location(parts[1])
			switch parts[2] {
			case "unlocode":
				s.text(&l.UNLOCODE, c, harmonized.NormalizeLOCODE(v))
			case "schedule_d":
				s.text(&l.ScheduleD, c, v)
			case "schedule_k":
				s.text(&l.ScheduleK, c, v)
			case "firms":
				s.text(&l.FIRMS, c, v)
			case "name":
				s.text(&l.Name, c, v)
			case "state":
				s.text(&l.State, c, v)
			case "country":
				s.text(&l.Country, c, country(v))
			case "raw":
				s.text(&l.Raw, c, v)
			}
			return
		}
	case "parties":
		p := s.party(harmonized.Role(parts[1]))
		switch parts[2] {
		case "name":
			s.text(&p.Name, c, v)
		case "address":
			if !contains(p.Address, v) {
				p.Address = append(p.Address, v)
			}
		case "city":
			s.text(&p.City, c, v)
		case "state":
			s.text(&p.State, c, v)
		case "postal_code":
			s.text(&p.PostalCode, c, v)
		case "country":
			s.text(&p.Country, c, country(v))
		case "id":
			scheme := c.Scheme
			if scheme == "" {
				scheme = c.Column.Column
			}
			id := harmonized.Identifier{Scheme: scheme, Value: v}
			for _, x := range p.Identifiers {
				if x == id {
					return
				}
			}
			p.Identifiers = append(p.Identifiers, id)
		}
		return
	}
	switch c.Field {
	case "key":
		rec.Key = strings.ToUpper(v)
	case "bill.number":
		s.text(&rec.Bill.Number, c, strings.ToUpper(v))
	case "bill.issuer_scac":
		s.text(&rec.Bill.IssuerSCAC, c, strings.ToUpper(v))
	case "bill.master_number":
		s.text(&s.p.masterNumber, c, strings.ToUpper(v))
	case "bill.master_scac":
		s.text(&s.p.masterSCAC, c, strings.ToUpper(v))
	case "bill.kind":
		switch k := harmonized.BillKind(strings.ToLower(v)); k {
		case harmonized.BillSimple, harmonized.BillMaster, harmonized.BillHouse:
			rec.Bill.Kind = k
		default:
			s.flag(harmonized.FlagUnmapped, c, "bill kind %q is not simple, master or house", v)
		}
	case "bill.type_code":
		s.text(&rec.Bill.TypeCode, c, v)
	case "bill.pieces":
		if n, ok := s.number(c, v); ok && rec.Bill.Pieces == 0 {
			rec.Bill.Pieces = n
		}
	case "bill.piece_unit":
		s.text(&rec.Bill.PieceUnit, c, v)
	case "bill.weight":
		if rec.Bill.Weight == nil {
			rec.Bill.Weight = s.weight(c, v, row)
		}
	case "bill.volume":
		if rec.Bill.Volume == nil {
			rec.Bill.Volume = s.volume(c, v, row)
		}
	case "bill.cargo_control_number":
		s.text(&rec.Bill.CargoControlNumber, c, v)
	case "bill.booking":
		s.text(&rec.Bill.Booking, c, v)
	case "filing.type":
		if t, ok := filingType(v); ok {
			rec.Filing.Type = t
		} else {
			s.flag(harmonized.FlagUnmapped, c, "filing type %q is not original, amend or delete; taken as original", v)
		}
	case "filing.sequence":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			rec.Filing.Sequence, s.p.seqMapped = n, true
		} else {
			s.flag(harmonized.FlagNumber, c, "sequence %q is not an integer", v)
		}
	case "filing.filer":
		s.text(&rec.Filing.Filer, c, v)
	case "filing.filed_at":
		if rec.Filing.FiledAt == nil {
			rec.Filing.FiledAt = s.date(c, v)
		}
	case "filing.received_at":
		if rec.Filing.ReceivedAt == nil {
			rec.Filing.ReceivedAt = s.date(c, v)
		}
	case "filing.manifest_type":
		s.text(&rec.Filing.ManifestType, c, v)
	case "filing.amendment_type":
		s.text(&rec.Filing.AmendmentType, c, v)
	case "filing.amendment_code":
		s.text(&rec.Filing.AmendmentCode, c, v)
	case "conveyance.mode":
		if m, ok := mode(v); ok {
			rec.Conveyance.Mode = m
		} else {
			s.flag(harmonized.FlagUnmapped, c, "mode %q is not ocean, rail or road", v)
		}
	case "conveyance.transport_method":
		s.text(&rec.Conveyance.TransportMethod, c, v)
	case "conveyance.vessel_name":
		s.text(&rec.Conveyance.VesselName, c, v)
	case "conveyance.imo":
		s.text(&rec.Conveyance.IMO, c, strings.TrimSpace(strings.TrimPrefix(strings.ToUpper(v), "IMO")))
	case "conveyance.vessel_flag":
		s.text(&rec.Conveyance.VesselFlag, c, country(v))
	case "conveyance.voyage":
		s.text(&rec.Conveyance.Voyage, c, v)
	case "conveyance.carrier_scac":
		s.text(&rec.Conveyance.CarrierSCAC, c, strings.ToUpper(v))
	case "conveyance.rail_carrier_scac":
		s.text(&rec.Conveyance.RailCarrierSCAC, c, strings.ToUpper(v))
	case "conveyance.train":
		s.text(&rec.Conveyance.Train, c, v)
	case "conveyance.manifest_reference":
		s.text(&rec.Conveyance.ManifestReference, c, v)
	case "itinerary.transshipment":
		sep := c.Split
		if sep == "" {
			sep = ";" // a list of ports, whatever the mapping says
		}
		for _, p := range split(v, sep) {
			l := harmonized.Location{Name: p}
			if code := harmonized.NormalizeLOCODE(p); harmonized.CheckLOCODE(code) == nil {
				l = harmonized.Location{UNLOCODE: code}
			}
			if !containsLocation(rec.Itinerary.Transshipment, l) {
				rec.Itinerary.Transshipment = append(rec.Itinerary.Transshipment, l)
			}
		}
	case "itinerary.departure":
		if rec.Itinerary.Departure == nil {
			rec.Itinerary.Departure = s.date(c, v)
		}
	case "itinerary.arrival":
		if rec.Itinerary.Arrival == nil {
			rec.Itinerary.Arrival = s.date(c, v)
		}
	case "equipment.number":
		id := harmonized.ParseContainer("", v, "")
		for i := range rec.Equipment {
			if rec.Equipment[i].Number == id.Number {
				s.equip = i
				return
			}
		}
		rec.Equipment = append(rec.Equipment, harmonized.Equipment{Number: id.Number, Raw: id.Raw, Encoding: id.Encoding, Check: id.Check,
			Status: harmonized.StatusUnknown, Source: &harmonized.Position{Offset: s.pos.Offset, Line: s.pos.Line}})
		s.equip = len(rec.Equipment) - 1
	case "equipment.kind":
		if e := s.equipment(c, v); e != nil {
			s.text(&e.Kind, c, v)
		}
	case "equipment.size_type":
		if e := s.equipment(c, v); e != nil {
			s.text(&e.SizeType, c, strings.ToUpper(v))
		}
	case "equipment.status":
		if e := s.equipment(c, v); e != nil {
			if st, ok := loadStatus(v); ok {
				e.Status = st
			} else {
				s.flag(harmonized.FlagUnmapped, c, "full/empty %q is not full or empty", v)
			}
		}
	case "equipment.seal":
		e := s.equipment(c, v)
		if e == nil {
			return
		}
		for _, p := range split(v, c.Split) {
			n := harmonized.NormalizeSeal(p)
			dup := false
			for i, x := range e.Seals {
				if x.Number == n {
					dup = true
					s.seals = append(s.seals, i)
				}
			}
			if !dup {
				e.Seals = append(e.Seals, harmonized.Seal{Number: n, Raw: p})
				s.seals = append(s.seals, len(e.Seals)-1)
			}
		}
	case "equipment.seal_class", "equipment.seal_issuer":
		e := s.equipment(c, v)
		if e == nil {
			return
		}
		for _, i := range s.seals {
			if c.Field == "equipment.seal_class" {
				if cl := harmonized.SealClass(v); cl != "" {
					e.Seals[i].Class = cl
				} else {
					s.flag(harmonized.FlagSealClass, c, "seal class %q is not I, S or H", v)
				}
			} else {
				e.Seals[i].IssuerCode = v
				e.Seals[i].Issuer = harmonized.SealIssuer(v)
			}
		}
	case "goods.description":
		g := s.goodsItem()
		g.Description = joinText(g.Description, v)
	case "goods.marks":
		g := s.goodsItem()
		g.Marks = joinText(g.Marks, v)
	case "goods.hs":
		g := s.goodsItem()
		g.HSOriginal = v
		g.HS, g.HS6, _ = harmonized.NormalizeHS(v) // Check flags a bad code
	case "goods.hs_scheme":
		s.goodsItem().HSScheme = v
	case "goods.quantity":
		g := s.goodsItem() // the line exists even when its quantity is unreadable
		if n, ok := s.number(c, v); ok {
			g.Quantity = n
		}
	case "goods.package_type":
		s.goodsItem().PackageType = v
	case "goods.weight":
		s.goodsItem().Weight = s.weight(c, v, row)
	case "goods.net_weight":
		s.goodsItem().NetWeight = s.weight(c, v, row)
	case "goods.volume":
		s.goodsItem().Volume = s.volume(c, v, row)
	case "goods.value":
		s.goodsItem().Value = v
	case "goods.currency":
		s.goodsItem().Currency = strings.ToUpper(v)
	case "goods.origin_country":
		s.goodsItem().OriginCountry = country(v)
	case "goods.un_number":
		s.hazmat().UNNumber = strings.TrimPrefix(strings.ToUpper(v), "UN")
	case "goods.hazmat_class":
		s.hazmat().Class = v
	case "in_bond.entry_type":
		s.text(&s.inBond().EntryType, c, v)
	case "in_bond.number":
		s.text(&s.inBond().Number, c, v)
	case "in_bond.destination":
		s.text(&s.inBond().Destination, c, v)
	case "in_bond.foreign_destination":
		s.text(&s.inBond().ForeignDestination, c, v)
	case "in_bond.bonded_carrier_scac":
		s.text(&s.inBond().BondedCarrierSCAC, c, strings.ToUpper(v))
	case "in_transit.arrival_country":
		s.p.transit.ArrivalCountry = country(v)
	case "in_transit.destination_country":
		s.p.transit.DestinationCountry = country(v)
	case "provenance.interchange_control":
		s.text(&rec.Provenance.InterchangeControl, c, v)
	case "provenance.set_control":
		s.text(&rec.Provenance.SetControl, c, v)
	}
}

func joinText(old, v string) string {
	if old == "" {
		return v
	}
	return old + " " + v
}

func containsLocation(list []harmonized.Location, l harmonized.Location) bool {
	for _, x := range list {
		if x == l {
			return true
		}
	}
	return false
}

// country normalises an alpha-3 code to alpha-2; other values are kept for Validate to flag.
func country(v string) string {
	if c, err := harmonized.Country(v); err == nil {
		return c
	}
	return strings.ToUpper(strings.TrimSpace(v))
}

func filingType(v string) (harmonized.FilingType, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "original", "o", "w", "new", "9", "add":
		return harmonized.FilingOriginal, true
	case "amend", "amendment", "a", "replace", "r", "update", "u", "change", "x", "y", "4", "5":
		return harmonized.FilingAmend, true
	case "delete", "d", "cancel", "cancellation", "c", "1", "3":
		return harmonized.FilingDelete, true
	}
	return harmonized.FilingOriginal, false
}

func mode(v string) (harmonized.Mode, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "ocean", "sea", "vessel", "marine", "o", "s", "1":
		return harmonized.ModeOcean, true
	case "rail", "train", "r", "2":
		return harmonized.ModeRail, true
	case "road", "truck", "motor", "j", "3":
		return harmonized.ModeRoad, true
	}
	return harmonized.ModeUnknown, false
}

func loadStatus(v string) (harmonized.LoadStatus, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "full", "f", "l", "loaded", "laden", "5":
		return harmonized.StatusFull, true
	case "empty", "e", "mt", "4":
		return harmonized.StatusEmpty, true
	}
	return harmonized.StatusUnknown, false
}

// csvSource reads CSV rows.
type csvSource struct {
	r      *csv.Reader
	closer io.Closer
}

func (s *csvSource) next() ([]string, harmonized.Position, error) {
	off := s.r.InputOffset()
	row, err := s.r.Read()
	if err != nil {
		return nil, harmonized.Position{}, err
	}
	line, _ := s.r.FieldPos(0)
	return row, harmonized.Position{Offset: off, Line: line}, nil
}

func (s *csvSource) close() error {
	if s.closer != nil {
		return s.closer.Close()
	}
	return nil
}

// xlsxSource reads worksheet rows with excelize's streaming iterator.
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	n    int
}

func (s *xlsxSource) next() ([]string, harmonized.Position, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, harmonized.Position{}, err
		}
		return nil, harmonized.Position{}, io.EOF
	}
	s.n++
	cols, err := s.rows.Columns()
	if err != nil {
		return nil, harmonized.Position{}, fmt.Errorf("row %d: %w", s.n, err)
	}
	return cols, harmonized.Position{Line: s.n}, nil
}

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	return errors.Join(err, s.f.Close())
}
