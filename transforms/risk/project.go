package risk

import (
	"bytes"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/icss/icss/transforms/harmonized"
)

// A harmonized record carries about twice the JSON that scoring reads: provenance,
// sources, raw values, marks. projDecoder reads a line in one pass, filling only the
// fields in projection and checking the rest for syntax and type without storing them,
// so that a line it accepts is one the full decoder accepts too, with the same values
// in the projected fields. Whatever it is unsure of (escaped keys, duplicate or
// case-variant keys, invalid UTF-8 or surrogate escapes in a projected string, an odd
// number, the extra map) it leaves to decodeRecord, whose verdict then stands.
//
// TestProjectionCoversScoring fails when the scoring code reads a field that is not
// listed here; FuzzProjDecoder compares the decoder with encoding/json.

// projection names, per harmonized type, the fields scoring reads: facts, the
// assessment's key, port and day, referrals and the comparison with earlier versions.
// A struct field is listed when any field under it is.
var projection = map[string][]string{
	"Record":     {"Key", "Bill", "Filing", "Conveyance", "Itinerary", "Parties", "Goods", "Equipment", "InTransit", "Extra", "Flags"},
	"Bill":       {"Weight"},
	"Weight":     {"KG"},
	"Filing":     {"Type", "Version", "Sequence", "Filer", "FiledAt"},
	"DateTime":   {"Time"},
	"Conveyance": {"Mode", "VesselName", "IMO", "CarrierSCAC"},
	"Itinerary":  {"PlaceOfReceipt", "PortOfLoading", "Transshipment", "PortOfArrival", "Departure", "Arrival"},
	// Location.IsZero compares the whole struct.
	"Location":   {"UNLOCODE", "ScheduleD", "ScheduleK", "FIRMS", "Name", "State", "Country", "Raw"},
	"Party":      {"Role", "Name", "Address", "City", "Country", "Identifiers"},
	"Identifier": {"Scheme", "Value"},
	"GoodsItem":  {"Line", "Description", "HS", "HS6", "Quantity", "PackageType", "Weight", "NetWeight", "Value", "OriginCountry", "Hazmat", "Containers"},
	// Only the number of hazmat lines counts.
	"Hazmat":    {},
	"Equipment": {"Number", "Check", "SizeType", "Status", "Seals"},
	"Seal":      {"Number", "Class"},
	"InTransit": {"Status"},
	"Flag":      {"Code", "Message", "Field"},
}

type jsonKind uint8

const (
	kString jsonKind = iota + 1
	kFloat
	kInt
	kTime
	kStruct
	kPtr
	kSlice
	kMap
	// kOther is a type the decoder does not read (say, of a field added later): any
	// value but null sends the line to the full decoder.
	kOther
)

// plan is how a Go type reads from JSON.
type plan struct {
	kind   jsonKind
	typ    reflect.Type
	elem   *plan       // kPtr, kSlice, kMap
	fields []planField // kStruct
	used   []planField // kStruct: the fields in projection, which reset zeroes
}

type planField struct {
	name   string // the JSON key
	quoted string // `"name":`, as keys are usually written
	off    uintptr
	plan   *plan
	used   bool // in projection; else checked and skipped
}

var recordPlan = newPlan(reflect.TypeFor[harmonized.Record](), map[reflect.Type]*plan{})

func newPlan(t reflect.Type, seen map[reflect.Type]*plan) *plan {
	if p := seen[t]; p != nil {
		return p
	}
	p := &plan{typ: t}
	seen[t] = p
	switch {
	case t == reflect.TypeFor[time.Time]():
		p.kind = kTime
	case t.Kind() == reflect.String:
		p.kind = kString
	case t.Kind() == reflect.Float64:
		p.kind = kFloat
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		p.kind = kInt
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		p.kind, p.elem = kPtr, newPlan(t.Elem(), seen)
	case t.Kind() == reflect.Slice:
		p.kind, p.elem = kSlice, newPlan(t.Elem(), seen)
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		p.kind, p.elem = kMap, newPlan(t.Elem(), seen)
	case t.Kind() == reflect.Struct && plainStruct(t):
		p.kind = kStruct
		used := map[string]bool{}
		for _, f := range projection[t.Name()] {
			used[f] = true
		}
		for i := range t.NumField() {
			sf := t.Field(i)
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			f := planField{name: name, quoted: `"` + name + `":`, off: sf.Offset, plan: newPlan(sf.Type, seen), used: used[sf.Name]}
			p.fields = append(p.fields, f)
			if f.used {
				p.used = append(p.used, f)
			}
			delete(used, sf.Name)
		}
		if len(used) > 0 {
			panic(fmt.Sprintf("risk: projection of %s names fields it does not have: %v", t.Name(), used))
		}
	default:
		p.kind = kOther
	}
	return p
}

// plainStruct reports whether every field of t is exported and has a JSON name of its
// own and no options beyond omitempty (no embedding, "-" or ",string"), and there are
// at most 64 (object tracks them in a bit set).
func plainStruct(t reflect.Type) bool {
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || sf.Anonymous || name == "" || name == "-" || (opts != "" && opts != "omitempty") {
			return false
		}
	}
	return t.NumField() <= 64
}

// folds reports whether encoding/json might match key to a field by case folding.
func (p *plan) folds(key []byte) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	for i := range p.fields {
		if strings.EqualFold(p.fields[i].name, string(key)) {
			return true
		}
	}
	return false
}

// sliceHeader is the layout of a Go slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// reset zeroes the projected fields of the value at dst. Slices keep their arrays:
// elements are reset again when reused. Fields outside the projection are never
// written, so they stay zero.
func (p *plan) reset(dst unsafe.Pointer) {
	switch p.kind {
	case kString:
		*(*string)(dst) = ""
	case kFloat:
		*(*float64)(dst) = 0
	case kInt:
		if p.typ.Size() == 8 {
			*(*int64)(dst) = 0
		} else {
			*(*int32)(dst) = 0
		}
	case kTime:
		*(*time.Time)(dst) = time.Time{}
	case kPtr, kMap:
		// Both are a single pointer.
		*(*unsafe.Pointer)(dst) = nil
	case kSlice:
		(*sliceHeader)(dst).len = 0
	case kOther:
		reflect.NewAt(p.typ, dst).Elem().SetZero()
	case kStruct:
		for i := range p.used {
			p.used[i].plan.reset(unsafe.Add(dst, p.used[i].off))
		}
	}
}

// projDecoder reads lines into one harmonized.Record, valid until the next line.
type projDecoder struct {
	rec   harmonized.Record
	b     []byte
	arena []byte // strings point into it; it is only appended to, never reused
	tmp   time.Time
}

// decode fills d.rec from line; false when the line needs the full decoder.
func (d *projDecoder) decode(line []byte) (*harmonized.Record, bool) {
	d.b = line
	i := d.ws(0)
	if i >= len(line) || line[i] != '{' {
		return nil, false
	}
	i, ok := d.object(i, recordPlan, unsafe.Pointer(&d.rec))
	if !ok || d.ws(i) != len(line) {
		return nil, false
	}
	return &d.rec, true
}

func (d *projDecoder) ws(i int) int {
	// One comparison for the usual byte, which is no blank.
	for i < len(d.b) && d.b[i] <= ' ' && (d.b[i] == ' ' || d.b[i] == '\t' || d.b[i] == '\n' || d.b[i] == '\r') {
		i++
	}
	return i
}

// object reads the object at d.b[i] ('{') into the struct at dst.
func (d *projDecoder) object(i int, p *plan, dst unsafe.Pointer) (int, bool) {
	p.reset(dst)
	var seen uint64
	hint := 0
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == '}' {
		return i + 1, true
	}
	for {
		n, j, ok := d.field(i, p, hint)
		if !ok {
			return 0, false
		}
		switch i = j; {
		case n < 0:
			i, ok = d.skip(i, nil, 0)
		case p.fields[n].used:
			if seen&(1<<n) != 0 {
				return 0, false
			}
			seen |= 1 << n
			hint = n + 1
			i, ok = d.value(i, p.fields[n].plan, unsafe.Add(dst, p.fields[n].off))
		default:
			hint = n + 1
			i, ok = d.skip(i, p.fields[n].plan, 0)
		}
		if !ok {
			return 0, false
		}
		var end bool
		if i, end, ok = d.next(i, '}'); !ok || end {
			return i, ok
		}
	}
}

// field reads the key at d.b[i] and its colon: the index of p's field it names (-1
// for none) and the index of the value. Keys come in declaration order with no blanks
// around the colon, so the usual key is found by comparing `"name":` at i with the
// fields from hint on, without scanning it first.
func (d *projDecoder) field(i int, p *plan, hint int) (int, int, bool) {
	rest := d.b[i:]
	for n := hint; n < len(p.fields); n++ {
		if q := p.fields[n].quoted; len(rest) >= len(q) && string(rest[:len(q)]) == q {
			return n, d.ws(i + len(q)), true
		}
	}
	key, j, ok := d.key(i)
	if !ok || j >= len(d.b) || d.b[j] != ':' {
		return 0, 0, false
	}
	j = d.ws(j + 1)
	for n := range p.fields {
		if p.fields[n].name == string(key) {
			return n, j, true
		}
	}
	if p.folds(key) {
		return 0, 0, false
	}
	return -1, j, true
}

// key reads a key and its trailing blanks; only plain ASCII keys, which match a field
// name exactly or not at all.
func (d *projDecoder) key(i int) ([]byte, int, bool) {
	if i >= len(d.b) || d.b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(d.b); j++ {
		if strStop[d.b[j]] == 0 {
			continue
		}
		if d.b[j] != '"' {
			return nil, 0, false
		}
		return d.b[i+1 : j], d.ws(j + 1), true
	}
	return nil, 0, false
}

// value reads the value at d.b[i] into dst, of type p.
func (d *projDecoder) value(i int, p *plan, dst unsafe.Pointer) (int, bool) {
	if i >= len(d.b) {
		return 0, false
	}
	if d.b[i] == 'n' {
		// null leaves the (reset) value zero, as encoding/json leaves it untouched,
		// except for pointers, slices and maps, which it sets to nil.
		if p.kind == kSlice {
			*(*sliceHeader)(dst) = sliceHeader{}
		}
		return d.literal(i, "null")
	}
	switch p.kind {
	case kString:
		s, j, ok := d.str(i)
		*(*string)(dst) = s
		return j, ok
	case kTime:
		j, ok := d.skipString(i)
		if !ok || (*time.Time)(dst).UnmarshalJSON(d.b[i:j]) != nil {
			return 0, false
		}
		return j, true
	case kFloat:
		j, _ := d.number(i)
		if j < 0 {
			return 0, false
		}
		x, err := strconv.ParseFloat(unsafe.String(&d.b[i], j-i), 64)
		*(*float64)(dst) = x
		return j, err == nil
	case kInt:
		j, isInt := d.number(i)
		if j < 0 || !isInt {
			return 0, false
		}
		x, err := strconv.ParseInt(unsafe.String(&d.b[i], j-i), 10, int(p.typ.Size())*8)
		if err != nil {
			return 0, false
		}
		if p.typ.Size() == 8 {
			*(*int64)(dst) = x
		} else {
			*(*int32)(dst) = int32(x)
		}
		return j, true
	case kStruct:
		if d.b[i] != '{' {
			return 0, false
		}
		return d.object(i, p, dst)
	case kPtr:
		if d.b[i] != '{' {
			return 0, false
		}
		v := reflect.New(p.elem.typ).UnsafePointer()
		*(*unsafe.Pointer)(dst) = v
		return d.object(i, p.elem, v)
	case kSlice:
		return d.array(i, p, dst)
	}
	// A projected map (the record's extra) is rare; it and kOther are left to the
	// full decoder.
	return 0, false
}

// array reads the array at d.b[i] into the slice at dst, reusing its array.
func (d *projDecoder) array(i int, p *plan, dst unsafe.Pointer) (int, bool) {
	if d.b[i] != '[' {
		return 0, false
	}
	h := (*sliceHeader)(dst)
	size := p.elem.typ.Size()
	h.len = 0
	if h.data == nil {
		// An empty array is an empty slice, not nil.
		v := reflect.MakeSlice(p.typ, 0, 4)
		reflect.NewAt(p.typ, dst).Elem().Set(v)
	}
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == ']' {
		return i + 1, true
	}
	for {
		if h.len == h.cap {
			s := reflect.NewAt(p.typ, dst).Elem()
			v := reflect.MakeSlice(p.typ, h.len, 2*h.cap+4)
			reflect.Copy(v, s)
			s.Set(v)
		}
		elem := unsafe.Add(h.data, uintptr(h.len)*size)
		if p.elem.kind != kStruct || i >= len(d.b) || d.b[i] != '{' {
			// object resets a struct itself; anything else (null) leaves it as is.
			p.elem.reset(elem)
		}
		h.len++
		var ok bool
		if i, ok = d.value(i, p.elem, elem); !ok {
			return 0, false
		}
		var end bool
		if i, end, ok = d.next(i, ']'); !ok || end {
			return i, ok
		}
	}
}

// strStop marks the bytes a string scan stops at: 1 for the quote, a backslash or a
// control character, 2 for the start of a multi-byte UTF-8 sequence.
var strStop = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == '"' || c == '\\' || c < ' ':
			t[c] = 1
		case c >= utf8.RuneSelf:
			t[c] = 2
		}
	}
	return t
}()

// str reads the string at d.b[i] into the arena. Invalid UTF-8 and surrogate escapes,
// which decoders replace by U+FFFD, go to the full decoder.
func (d *projDecoder) str(i int) (string, int, bool) {
	if d.b[i] != '"' {
		return "", 0, false
	}
	b := d.b
	j := i + 1
	var wide uint8
	for j < len(b) && strStop[b[j]] != 1 {
		wide |= strStop[b[j]]
		j++
	}
	if j >= len(b) {
		return "", 0, false
	}
	if b[j] == '"' {
		raw := b[i+1 : j]
		if wide != 0 && !utf8.Valid(raw) {
			return "", 0, false
		}
		return d.intern(raw), j + 1, true
	}
	// Escapes: decode into the arena.
	d.grow(len(b) - i)
	start := len(d.arena)
	d.arena = append(d.arena, b[i+1:j]...)
	for {
		switch c := b[j]; {
		case c == '"':
			s := d.arena[start:]
			if wide != 0 && !utf8.Valid(s) {
				return "", 0, false
			}
			return unsafe.String(unsafe.SliceData(s), len(s)), j + 1, true
		case c < ' ':
			return "", 0, false
		case c == '\\':
			if j+1 >= len(b) {
				return "", 0, false
			}
			j++
			switch b[j] {
			case '"', '\\', '/':
				d.arena = append(d.arena, b[j])
			case 'b':
				d.arena = append(d.arena, '\b')
			case 'f':
				d.arena = append(d.arena, '\f')
			case 'n':
				d.arena = append(d.arena, '\n')
			case 'r':
				d.arena = append(d.arena, '\r')
			case 't':
				d.arena = append(d.arena, '\t')
			case 'u':
				r, ok := hex4(b, j+1)
				if !ok || (r >= 0xd800 && r < 0xe000) {
					return "", 0, false
				}
				d.arena = utf8.AppendRune(d.arena, r)
				j += 4
			default:
				return "", 0, false
			}
			j++
		default:
			wide |= strStop[c]
			d.arena = append(d.arena, c)
			j++
		}
		if j >= len(b) {
			return "", 0, false
		}
	}
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// grow makes room for n more bytes in the arena, in a new array when the current one
// is full: strings already handed out keep the old one.
func (d *projDecoder) grow(n int) {
	if cap(d.arena)-len(d.arena) < n {
		d.arena = make([]byte, 0, max(n, 32<<10))
	}
}

func (d *projDecoder) intern(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	d.grow(len(raw))
	start := len(d.arena)
	d.arena = append(d.arena, raw...)
	return unsafe.String(&d.arena[start], len(raw))
}

func (d *projDecoder) literal(i int, lit string) (int, bool) {
	if len(d.b)-i < len(lit) || string(d.b[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

// skipString checks the string at d.b[i] and returns the index after it. The bytes
// need not be UTF-8: a decoder replaces what is not.
func (d *projDecoder) skipString(i int) (int, bool) {
	if i >= len(d.b) || d.b[i] != '"' {
		return 0, false
	}
	b := d.b
	for j := i + 1; j < len(b); j++ {
		if strStop[b[j]] != 1 {
			continue
		}
		switch b[j] {
		case '"':
			return j + 1, true
		case '\\':
			if j+1 >= len(b) {
				return 0, false
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if _, ok := hex4(b, j+2); !ok {
					return 0, false
				}
				j += 5
			default:
				return 0, false
			}
		default:
			return 0, false
		}
	}
	return 0, false
}

// number checks the JSON number at d.b[i]: the index after it (-1 if it is not one)
// and whether it is a plain integer.
func (d *projDecoder) number(i int) (int, bool) {
	b := d.b
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j] >= '1' && b[j] <= '9':
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
	default:
		return -1, false
	}
	isInt := true
	if j < len(b) && b[j] == '.' {
		isInt = false
		j++
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == k {
			return -1, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		isInt = false
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == k {
			return -1, false
		}
	}
	return j, isInt
}

// maxDepth bounds the nesting of values the schema does not know; deeper lines go to
// the full decoder.
const maxDepth = 1000

// skip checks the value at d.b[i] against p (nil: any JSON value) without storing it,
// and returns the index after it.
func (d *projDecoder) skip(i int, p *plan, depth int) (int, bool) {
	if i >= len(d.b) {
		return 0, false
	}
	if d.b[i] == 'n' {
		return d.literal(i, "null")
	}
	if p == nil {
		return d.skipAny(i, depth)
	}
	switch p.kind {
	case kString:
		return d.skipString(i)
	case kTime:
		j, ok := d.skipString(i)
		if !ok || d.tmp.UnmarshalJSON(d.b[i:j]) != nil {
			return 0, false
		}
		return j, true
	case kFloat:
		j, _ := d.number(i)
		if j < 0 {
			return 0, false
		}
		// Only an exponent or 309 digits reach past the largest float64: parse only
		// then to see whether it does.
		if j-i < 300 && !bytes.ContainsAny(d.b[i:j], "eE") {
			return j, true
		}
		_, err := strconv.ParseFloat(unsafe.String(&d.b[i], j-i), 64)
		return j, err == nil
	case kInt:
		j, isInt := d.number(i)
		if j < 0 || !isInt {
			return 0, false
		}
		// Nine digits fit any int; parse longer ones to check the range.
		if j-i <= 9 {
			return j, true
		}
		_, err := strconv.ParseInt(unsafe.String(&d.b[i], j-i), 10, int(p.typ.Size())*8)
		return j, err == nil
	case kPtr:
		return d.skip(i, p.elem, depth)
	case kStruct, kMap:
		if d.b[i] != '{' {
			return 0, false
		}
		return d.skipObject(i, p, depth)
	case kSlice:
		if d.b[i] != '[' {
			return 0, false
		}
		return d.skipArray(i, p.elem, depth)
	}
	return 0, false
}

// skipObject checks an object: a struct's fields against their types (p.kind
// kStruct), a map's values against its element type, or anything (p nil).
func (d *projDecoder) skipObject(i int, p *plan, depth int) (int, bool) {
	if depth >= maxDepth {
		return 0, false
	}
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == '}' {
		return i + 1, true
	}
	hint := 0
	for {
		var vp *plan
		var ok bool
		if p == nil || p.kind == kMap {
			if i, ok = d.skipString(i); !ok {
				return 0, false
			}
			if i = d.ws(i); i >= len(d.b) || d.b[i] != ':' {
				return 0, false
			}
			i = d.ws(i + 1)
			if p != nil {
				vp = p.elem
			}
		} else {
			var n int
			if n, i, ok = d.field(i, p, hint); !ok {
				return 0, false
			}
			if n >= 0 {
				vp, hint = p.fields[n].plan, n+1
			}
		}
		if i, ok = d.skip(i, vp, depth+1); !ok {
			return 0, false
		}
		var end bool
		if i, end, ok = d.next(i, '}'); !ok || end {
			return i, ok
		}
	}
}

// next steps over what follows a member or an element: a comma and the blanks
// after it, or the closing byte close (end set). Anything else is not JSON.
func (d *projDecoder) next(i int, close byte) (j int, end, ok bool) {
	if i = d.ws(i); i < len(d.b) {
		switch d.b[i] {
		case ',':
			return d.ws(i + 1), false, true
		case close:
			return i + 1, true, true
		}
	}
	return 0, false, false
}

// skipArray checks an array whose elements are of type p (nil: anything).
func (d *projDecoder) skipArray(i int, p *plan, depth int) (int, bool) {
	if depth >= maxDepth {
		return 0, false
	}
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = d.skip(i, p, depth+1); !ok {
			return 0, false
		}
		var end bool
		if i, end, ok = d.next(i, ']'); !ok || end {
			return i, ok
		}
	}
}

// skipAny checks any JSON value.
func (d *projDecoder) skipAny(i int, depth int) (int, bool) {
	switch c := d.b[i]; {
	case c == '"':
		return d.skipString(i)
	case c == '{':
		return d.skipObject(i, nil, depth)
	case c == '[':
		return d.skipArray(i, nil, depth)
	case c == 't':
		return d.literal(i, "true")
	case c == 'f':
		return d.literal(i, "false")
	case c == '-' || (c >= '0' && c <= '9'):
		j, _ := d.number(i)
		return j, j >= 0
	}
	return 0, false
}
