package harmonized

import (
	_ "embed" // the ISO 3166 list
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Identifier errors. They are predicate fragments so that a wrapped error reads as a
// sentence: "container HLXU1234560 has a wrong check digit".
var (
	ErrContainerFormat     = errors.New("is not an ISO 6346 container identifier")
	ErrContainerCheckDigit = errors.New("has a wrong check digit")
	ErrSealFormat          = errors.New("is not a seal number (2-35 letters, digits, - or /)")
	ErrSCAC                = errors.New("is not a SCAC (2-4 letters)")
	ErrLOCODE              = errors.New("is not a UN/LOCODE (country + 3 letters or digits 2-9)")
	ErrCountry             = errors.New("is not an ISO 3166-1 country code")
	ErrHS                  = errors.New("is not an HS code (6-10 digits)")
	ErrUnit                = errors.New("is not a known unit")
	ErrNumber              = errors.New("is not a number")
	ErrIMO                 = errors.New("is not an IMO number (7 digits with a valid check digit)")
)

// ContainerID is a container number read from one of its three encodings.
type ContainerID struct {
	// Number is the normalised 11-character identifier (or the cleaned input when it is
	// not an ISO 6346 identifier).
	Number string
	// Raw is the input, its parts joined with "|".
	Raw      string
	Encoding ContainerEncoding
	Check    CheckResult
	// Err says why Check is not valid; nil when it is.
	Err error
}

// ParseContainer reads a container number given as the full 11 characters (owner empty,
// number "CSQU3054383"), as owner + 7 digits including the check digit ("HASU",
// "5044950"), or as owner + 6 digits + a separate check digit ("HASU", "431617", "0").
// It normalises to upper case without blanks and tests the ISO 6346 check digit. It
// never fails: a bad identifier comes back with Check invalid and Err set.
func ParseContainer(owner, number, check string) ContainerID {
	o, n, c := cleanID(owner), cleanID(number), cleanID(check)
	id := ContainerID{Encoding: EncodingOther, Check: CheckInvalid}
	if len(o) == 4 && len(n) == 7 && check == "" && o == owner && n == number {
		// The commonest encoding (VID*CN*HASU*5044950, one or two per bill), already
		// clean: Raw is owner|number (what joinNonEmpty gives) and Number owner+number;
		// build both in one allocation rather than two.
		s := owner + "|" + number + owner + number
		id.Raw, id.Number = s[:len(owner)+1+len(number)], s[len(owner)+1+len(number):]
	} else {
		id.Raw = joinNonEmpty("|", owner, number, check)
	}
	raw := id.Raw
	switch {
	case o == "" && c == "" && len(n) == 11:
		id.Number, id.Encoding = n, EncodingFull
	case o != "" && c == "" && len(n) == 11 && strings.HasPrefix(n, o):
		// The owner repeated in a number that is already complete.
		id.Number, id.Encoding = n, EncodingFull
	case len(o) == 4 && c == "" && len(n) == 7:
		id.Encoding = EncodingNumberWithCheck
		if id.Number == "" {
			id.Number = o + n
		}
	case o != "" && len(c) == 1 && len(o)+len(n) == 10:
		id.Number, id.Encoding = o+n+c, EncodingNumberPlusCheck
	default:
		id.Number = o + n + c
		id.Err = fmt.Errorf("container %q %w", raw, ErrContainerFormat)
		return id
	}
	if err := CheckContainer(id.Number); err != nil {
		id.Err = err
		return id
	}
	id.Check = CheckValid
	return id
}

// CheckContainer tests an 11-character identifier: 3-letter owner, category U, J or Z, 6
// digits and the ISO 6346 check digit.
func CheckContainer(s string) error {
	if len(s) != 11 {
		return fmt.Errorf("container %q %w", s, ErrContainerFormat)
	}
	for i := 0; i < 4; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return fmt.Errorf("container %q %w", s, ErrContainerFormat)
		}
	}
	if !allDigits(s[4:]) {
		return fmt.Errorf("container %q %w", s, ErrContainerFormat)
	}
	if c := s[3]; c != 'U' && c != 'J' && c != 'Z' {
		return fmt.Errorf("container %q %w: category %q is not U, J or Z", s, ErrContainerFormat, c)
	}
	if ContainerCheckDigit(s[:10]) != s[10] {
		return fmt.Errorf("container %s %w (expected %c)", s, ErrContainerCheckDigit, ContainerCheckDigit(s[:10]))
	}
	return nil
}

// containerLetter holds the ISO 6346 value of each letter: A=10, then counting up and
// skipping the multiples of 11.
var containerLetter = func() (t [26]int) {
	v := 10
	for i := range t {
		if v%11 == 0 {
			v++
		}
		t[i] = v
		v++
	}
	return t
}()

// ContainerCheckDigit returns the ISO 6346 check digit of the first 10 characters of s
// (owner, category, serial): the sum of each value times 2^position, mod 11, mod 10. It
// returns 0 when s is too short or holds other characters.
func ContainerCheckDigit(s string) byte {
	if len(s) < 10 {
		return 0
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := s[i]
		var v int
		switch {
		case c >= 'A' && c <= 'Z':
			v = containerLetter[c-'A']
		case c >= '0' && c <= '9':
			v = int(c - '0')
		default:
			return 0
		}
		sum += v << i
	}
	return byte('0' + sum%11%10)
}

// NormalizeSeal returns a seal number in upper case with blanks removed.
func NormalizeSeal(raw string) string {
	return cleanID(raw)
}

// CheckSeal tests the format of a normalised seal number: 2 to 35 characters (X12
// element 225 allows 2-15, EDIFACT 9308 35), letters, digits, '-' and '/'. ISO 17712
// itself puts no format on the number; this catches keying and mapping errors.
func CheckSeal(s string) error {
	if len(s) < 2 || len(s) > 35 {
		return fmt.Errorf("seal %q %w", s, ErrSealFormat)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isUpperAlnum(c) && c != '-' && c != '/' {
			return fmt.Errorf("seal %q %w", s, ErrSealFormat)
		}
	}
	return nil
}

// SealClass reads an ISO 17712 class from a code or a word: I or INDICATIVE, S or
// SECURITY, H or HIGH SECURITY. It returns "" when the text states no class.
func SealClass(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch s {
	case "I", "INDICATIVE":
		return "I"
	case "S", "SECURITY":
		return "S"
	case "H", "HIGH", "HIGH SECURITY", "HIGH-SECURITY", "HIGH_SECURITY", "BOLT":
		return "H"
	}
	return ""
}

// SealIssuer names the party that applied a seal from an EDIFACT 9303 or X12 element 98
// code; it returns "" for codes it does not know.
func SealIssuer(code string) string {
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "CA", "CR", "CARRIER":
		return "carrier"
	case "SH", "SHIPPER":
		return "shipper"
	case "CU", "CUSTOMS":
		return "customs"
	case "TO", "TERMINAL":
		return "terminal"
	case "AA", "CONSOLIDATOR":
		return "consolidator"
	case "AB", "UNKNOWN":
		return "unknown"
	case "AC", "QUARANTINE":
		return "quarantine"
	}
	return ""
}

// CheckSCAC tests a Standard Carrier Alpha Code: 2 to 4 upper-case letters.
func CheckSCAC(s string) error {
	if len(s) < 2 || len(s) > 4 {
		return fmt.Errorf("SCAC %q %w", s, ErrSCAC)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return fmt.Errorf("SCAC %q %w", s, ErrSCAC)
		}
	}
	return nil
}

// NormalizeLOCODE returns a UN/LOCODE upper-cased without blanks ("CA PRR" → "CAPRR").
func NormalizeLOCODE(s string) string { return cleanID(s) }

// CheckLOCODE tests a normalised UN/LOCODE: an ISO 3166 alpha-2 country and 3 letters or
// digits 2-9.
func CheckLOCODE(s string) error {
	if len(s) != 5 {
		return fmt.Errorf("UN/LOCODE %q %w", s, ErrLOCODE)
	}
	if _, ok := countries().a2[s[:2]]; !ok {
		return fmt.Errorf("UN/LOCODE %q %w: %q %w", s, ErrLOCODE, s[:2], ErrCountry)
	}
	for i := 2; i < 5; i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z') && !(c >= '2' && c <= '9') {
			return fmt.Errorf("UN/LOCODE %q %w", s, ErrLOCODE)
		}
	}
	return nil
}

//go:embed countries.tsv
var countriesTSV string

// countries maps alpha-2 codes to names (a2) and alpha-3 codes to alpha-2 (a3). It is
// built on first use: every icss command links this package, few look up a country.
var countries = sync.OnceValue(func() (c struct{ a2, a3 map[string]string }) {
	c.a2, c.a3 = map[string]string{}, map[string]string{}
	for _, line := range strings.Split(countriesTSV, "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || strings.HasPrefix(line, "#") {
			continue
		}
		c.a2[f[0]] = f[2]
		c.a3[f[1]] = f[0]
	}
	return c
})

// Country returns the ISO 3166-1 alpha-2 code for an alpha-2 or alpha-3 code (any case,
// blanks trimmed), or an error wrapping ErrCountry.
func Country(code string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	switch len(c) {
	case 2:
		if _, ok := countries().a2[c]; ok {
			return c, nil
		}
	case 3:
		if a2, ok := countries().a3[c]; ok {
			return a2, nil
		}
	}
	return "", fmt.Errorf("country %q %w", code, ErrCountry)
}

// canadianProvinces are the postal abbreviations of Canada's provinces and territories.
var canadianProvinces = map[string]bool{"AB": true, "BC": true, "MB": true, "NB": true, "NL": true, "NS": true, "NT": true,
	"NU": true, "ON": true, "PE": true, "QC": true, "SK": true, "YT": true}

// PlaceCountry reads the country from a free-text place name as carriers write them
// ("PRINCE RUPERT BC", "MONTREAL, QC, CANADA", "CHICAGO IL US", "SHANGHAI, CN"): a
// trailing ISO country code or name, else a trailing Canadian province code (US state
// codes are not used: "CA" is both California and Canada). It returns "" when the text
// does not say.
func PlaceCountry(place string) string {
	f := strings.FieldsFunc(strings.ToUpper(place), func(r rune) bool { return r == ' ' || r == ',' || r == '-' || r == '/' })
	if len(f) < 2 {
		return ""
	}
	last := f[len(f)-1]
	switch last {
	case "CANADA":
		return "CA"
	case "USA", "US":
		return "US"
	}
	if len(last) == 2 && canadianProvinces[last] {
		return "CA"
	}
	if len(last) == 2 {
		if _, ok := countries().a2[last]; ok && len(f) >= 3 && len(f[len(f)-2]) == 2 {
			// "CITY ST CC": a code after a state or province is a country.
			return last
		}
	}
	if len(f) == 2 && len(last) == 2 && strings.Contains(place, ",") {
		if _, ok := countries().a2[last]; ok {
			return last // "SHANGHAI, CN"
		}
	}
	return ""
}

// CountryName returns the English name of an alpha-2 code, or "".
func CountryName(alpha2 string) string { return countries().a2[alpha2] }

// NormalizeHS strips separators (dots, blanks, dashes) from an HS or tariff code and
// returns its digits, leading zeros kept, and its 6-digit subheading. A code of other
// than 6 to 10 digits, or with other characters, returns the cleaned digits and an error
// wrapping ErrHS; hs6 is then set only when at least 6 digits are there.
func NormalizeHS(raw string) (digits, hs6 string, err error) {
	bad := false
	if allDigits(raw) {
		// Codes nearly always arrive as bare digits, and every goods line is normalised
		// twice (mapper and Validate): return the input rather than copy it.
		digits = raw
	} else {
		var b strings.Builder
		for i := 0; i < len(raw); i++ {
			c := raw[i]
			switch {
			case c >= '0' && c <= '9':
				b.WriteByte(c)
			case c == '.' || c == ' ' || c == '-' || c == '\t':
			default:
				bad = true
			}
		}
		digits = b.String()
	}
	if len(digits) >= 6 {
		hs6 = digits[:6]
	}
	if bad || len(digits) < 6 || len(digits) > 10 {
		return digits, hs6, fmt.Errorf("HS code %q %w", raw, ErrHS)
	}
	return digits, hs6, nil
}

// Weight units and their factor to kilograms. X12 element 188 uses K and L; EDIFACT uses
// UN/ECE rec. 20 codes; spreadsheets use words.
var kgPer = map[string]float64{
	"K": 1, "KG": 1, "KGM": 1, "KGS": 1, "KILO": 1, "KILOS": 1, "KILOGRAM": 1, "KILOGRAMS": 1,
	"L": 0.45359237, "LB": 0.45359237, "LBS": 0.45359237, "LBR": 0.45359237, "POUND": 0.45359237, "POUNDS": 0.45359237,
	"G": 0.001, "GRM": 0.001, "GRAM": 0.001, "GRAMS": 0.001,
	"T": 1000, "TNE": 1000, "MT": 1000, "TONNE": 1000, "TONNES": 1000,
	"S": 907.18474, "STN": 907.18474, // US short ton
	"LTN": 1016.0469088, // long ton
}

// ToKG converts a weight to kilograms. unit is case-insensitive.
func ToKG(value float64, unit string) (float64, error) {
	f, ok := kgPer[strings.ToUpper(strings.TrimSpace(unit))]
	if !ok {
		return 0, fmt.Errorf("weight unit %q %w", unit, ErrUnit)
	}
	return round(value*f, 3), nil
}

// Volume units and their factor to cubic metres. X12 element 184 uses X for cubic metres
// in the AMD sample and E for cubic feet.
var m3Per = map[string]float64{
	"X": 1, "M3": 1, "MTQ": 1, "CBM": 1, "CUBIC METRES": 1, "CUBIC METERS": 1,
	"E": 0.028316846592, "FT3": 0.028316846592, "FTQ": 0.028316846592, "CFT": 0.028316846592, "CUBIC FEET": 0.028316846592,
	"LTR": 0.001, "LITRE": 0.001, "LITRES": 0.001, "LITER": 0.001, "LITERS": 0.001,
}

// ToM3 converts a volume to cubic metres. unit is case-insensitive.
func ToM3(value float64, unit string) (float64, error) {
	f, ok := m3Per[strings.ToUpper(strings.TrimSpace(unit))]
	if !ok {
		return 0, fmt.Errorf("volume unit %q %w", unit, ErrUnit)
	}
	return round(value*f, 4), nil
}

// NewWeight builds a Weight from a value and unit as sent; the error (wrapping ErrUnit)
// leaves KG at 0 but keeps the original.
func NewWeight(value float64, unit string) (*Weight, error) {
	kg, err := ToKG(value, unit)
	return &Weight{KG: kg, Value: value, Unit: unit}, err
}

// NewVolume builds a Volume from a value and unit as sent.
func NewVolume(value float64, unit string) (*Volume, error) {
	m3, err := ToM3(value, unit)
	return &Volume{M3: m3, Value: value, Unit: unit}, err
}

// ParseNumber reads a decimal number as written in EDI or a spreadsheet: blanks are
// ignored, and with decimalComma the comma is the decimal mark and dots group thousands
// ("14.404,260"); otherwise commas group thousands ("14,404.26").
func ParseNumber(s string, decimalComma bool) (float64, error) {
	if plainNumber(s, decimalComma) {
		return strconv.ParseFloat(s, 64) // the common case, without rewriting
	}
	t := strings.TrimSpace(s)
	t = strings.ReplaceAll(t, " ", "")
	group, point := ",", "."
	if decimalComma {
		group, point = ".", ","
	}
	// Group separators must split the integer part into threes ("14,404" but not
	// "12,5", which is a decimal comma under the other convention).
	intPart := t
	if i := strings.Index(t, point); i >= 0 {
		intPart = t[:i]
	}
	if strings.Contains(intPart, group) {
		g := strings.Split(strings.TrimLeft(intPart, "+-"), group)
		for i, p := range g {
			if (i == 0 && (len(p) == 0 || len(p) > 3)) || (i > 0 && len(p) != 3) {
				return 0, fmt.Errorf("%q %w", s, ErrNumber)
			}
		}
	}
	if strings.Contains(t[len(intPart):], group) {
		return 0, fmt.Errorf("%q %w", s, ErrNumber)
	}
	t = strings.ReplaceAll(t, group, "")
	t = strings.Replace(t, point, ".", 1)
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || t == "" {
		return 0, fmt.Errorf("%q %w", s, ErrNumber)
	}
	return v, nil
}

// plainNumber reports whether s is digits with at most one decimal point and an optional
// leading minus, which strconv reads as it is.
func plainNumber(s string, decimalComma bool) bool {
	if s == "" {
		return false
	}
	dot := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && !decimalComma:
			dot = true
		case c == '-' && i == 0 && len(s) > 1:
		default:
			return false
		}
	}
	return s != "." && s != "-."
}

// CheckIMO tests an IMO ship identification number: 7 digits (an "IMO" prefix is
// allowed) whose last digit is the sum of the first six times 7,6,5,4,3,2, mod 10.
func CheckIMO(s string) error {
	n := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "IMO")
	n = strings.TrimSpace(n)
	if len(n) != 7 || !allDigits(n) {
		return fmt.Errorf("IMO %q %w", s, ErrIMO)
	}
	sum := 0
	for i := 0; i < 6; i++ {
		sum += int(n[i]-'0') * (7 - i)
	}
	if byte('0'+sum%10) != n[6] {
		return fmt.Errorf("IMO %q %w", s, ErrIMO)
	}
	return nil
}

// CheckSizeType tests an ISO 6346 size/type code: length code (1-9, A-U), height code
// (0-9, A-U), type group letter and a digit or letter ("45G1", "22T1", "L5G1").
func CheckSizeType(s string) error {
	if len(s) != 4 || !isUpperAlnum(s[0]) || !isUpperAlnum(s[1]) || s[2] < 'A' || s[2] > 'Z' || !isUpperAlnum(s[3]) {
		return fmt.Errorf("size/type %q is not an ISO 6346 size/type code", s)
	}
	return nil
}

func cleanID(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c == '\t' || c == '\r' || c == '\n' || (c >= 'a' && c <= 'z') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func upperTrim(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isUpperAlnum(c byte) bool { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') }

func joinNonEmpty(sep string, parts ...string) string {
	n, last := 0, ""
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			n++
			last = p
		}
	}
	if n == 1 && strings.TrimSpace(last) == last {
		return last
	}
	if n == 2 && len(parts) == 3 && parts[2] == "" && strings.TrimSpace(parts[0]) == parts[0] && strings.TrimSpace(parts[1]) == parts[1] && parts[0] != "" {
		return parts[0] + sep + parts[1] // the common owner + number pair, in one allocation
	}
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func round(v float64, places int) float64 {
	p := 1.0
	for i := 0; i < places; i++ {
		p *= 10
	}
	if v < 0 {
		return -float64(int64(-v*p+0.5)) / p
	}
	return float64(int64(v*p+0.5)) / p
}
