package harmonized

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseContainer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		owner, number, check string
		want                 string
		enc                  ContainerEncoding
		res                  CheckResult
		err                  error
	}{
		{"FullValid", "", "CSQU3054383", "", "CSQU3054383", EncodingFull, CheckValid, nil},
		{"FullValidMaersk", "", "MSKU7351770", "", "MSKU7351770", EncodingFull, CheckValid, nil},
		{"FullRemainderTen", "", "CSQU0000070", "", "CSQU0000070", EncodingFull, CheckValid, nil},
		{"FullLowerCaseWithBlanks", "", " csqu 305438 3", "", "CSQU3054383", EncodingFull, CheckValid, nil},
		{"FullInvalid", "", "HLXU1234560", "", "HLXU1234560", EncodingFull, CheckInvalid, ErrContainerCheckDigit},
		{"FullInvalid315Sample", "", "GMCU6094137", "", "GMCU6094137", EncodingFull, CheckInvalid, ErrContainerCheckDigit},
		{"VIDSevenDigits", "HASU", "5044950", "", "HASU5044950", EncodingNumberWithCheck, CheckValid, nil},
		{"N7SixDigitsPlusCheck", "HASU", "431617", "0", "HASU4316170", EncodingNumberPlusCheck, CheckValid, nil},
		{"N7SixDigitsPlusCheckMRSU", "MRSU", "360296", "5", "MRSU3602965", EncodingNumberPlusCheck, CheckValid, nil},
		{"OwnerRepeated", "HASU", "HASU5044950", "", "HASU5044950", EncodingFull, CheckValid, nil},
		{"Anonymised", "XXXX", "1234567", "", "XXXX1234567", EncodingNumberWithCheck, CheckInvalid, ErrContainerFormat},
		{"Railcar", "CN", "123456", "", "CN123456", EncodingOther, CheckInvalid, ErrContainerFormat},
		{"Empty", "", "", "", "", EncodingOther, CheckInvalid, ErrContainerFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := ParseContainer(tt.owner, tt.number, tt.check)
			if id.Number != tt.want || id.Encoding != tt.enc || id.Check != tt.res {
				t.Fatalf("got %+v, want number %s encoding %s check %s", id, tt.want, tt.enc, tt.res)
			}
			if tt.err == nil && id.Err != nil || tt.err != nil && !errors.Is(id.Err, tt.err) {
				t.Fatalf("err = %v, want %v", id.Err, tt.err)
			}
		})
	}
}

func TestContainerLetterValues(t *testing.T) {
	t.Parallel()
	// EDI.md §5: A10 B12 … K21 L23 … U32 V34 … Z38.
	want := map[byte]int{'A': 10, 'B': 12, 'K': 21, 'L': 23, 'U': 32, 'V': 34, 'Z': 38}
	for c, v := range want {
		if got := containerLetter[c-'A']; got != v {
			t.Errorf("value of %c = %d, want %d", c, got, v)
		}
	}
}

func TestCheckSeal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want string
		ok   bool
	}{
		{"MLBR3014246", "MLBR3014246", true},
		{" ml br 301 ", "MLBR301", true},
		{"128105", "128105", true},
		{"AB-12/3", "AB-12/3", true},
		{"X", "X", false},
		{"SEAL#1", "SEAL#1", false},
		{strings.Repeat("9", 36), strings.Repeat("9", 36), false},
	}
	for _, tt := range tests {
		got := NormalizeSeal(tt.raw)
		if got != tt.want {
			t.Errorf("NormalizeSeal(%q) = %q, want %q", tt.raw, got, tt.want)
		}
		if err := CheckSeal(got); (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrSealFormat)) {
			t.Errorf("CheckSeal(%q) = %v, want ok=%v", got, err, tt.ok)
		}
	}
	for in, want := range map[string]string{"h": "H", "High Security": "H", "I": "I", "security": "S", "X": "", "": ""} {
		if got := SealClass(in); got != want {
			t.Errorf("SealClass(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"CA": "carrier", "sh": "shipper", "CU": "customs", "ZZ": ""} {
		if got := SealIssuer(in); got != want {
			t.Errorf("SealIssuer(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIdentifiers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"SCACFour", CheckSCAC("MAEU"), nil},
		{"SCACTwo", CheckSCAC("CN"), nil},
		{"SCACDigit", CheckSCAC("MA3U"), ErrSCAC},
		{"SCACLong", CheckSCAC("MAEUX"), ErrSCAC},
		{"SCACLower", CheckSCAC("maeu"), ErrSCAC},
		{"LOCODEPrinceRupert", CheckLOCODE(NormalizeLOCODE("CA PRR")), nil},
		{"LOCODEDigits", CheckLOCODE("USNY2"), nil},
		{"LOCODEDigitOne", CheckLOCODE("USNY1"), ErrLOCODE},
		{"LOCODEBadCountry", CheckLOCODE("XXPRR"), ErrCountry},
		{"LOCODEShort", CheckLOCODE("CAPR"), ErrLOCODE},
		{"IMOValid", CheckIMO("9283186"), nil},
		{"IMOPrefixed", CheckIMO("IMO 9074729"), nil},
		{"IMOBadCheck", CheckIMO("9283187"), ErrIMO},
		{"IMOShort", CheckIMO("928318"), ErrIMO},
	}
	for _, tt := range tests {
		if tt.want == nil && tt.err != nil || tt.want != nil && !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	for _, s := range []string{"45G1", "22T1", "L5G1", "45R1"} {
		if err := CheckSizeType(s); err != nil {
			t.Errorf("CheckSizeType(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"451G", "4200", "45G", ""} {
		if err := CheckSizeType(s); err == nil {
			t.Errorf("CheckSizeType(%q) accepted", s)
		}
	}
}

func TestCountry(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"CA", "CA"}, {"us", "US"}, {"CAN", "CA"}, {" usa ", "US"}, {"BRA", "BR"}, {"SG", "SG"},
		{"XX", ""}, {"XXX", ""}, {"", ""}, {"CANADA", ""},
	}
	for _, tt := range tests {
		got, err := Country(tt.in)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("Country(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if n := len(countries().a2); n != 249 {
		t.Errorf("embedded list has %d countries, want 249", n)
	}
	if CountryName("CA") != "Canada" {
		t.Errorf("CountryName(CA) = %q", CountryName("CA"))
	}
}

func TestNormalizeHS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, digits, hs6 string
		ok               bool
	}{
		{"401120", "401120", "401120", true},
		{"4011.20.00", "40112000", "401120", true},
		{"7321.11.6000", "7321116000", "732111", true},
		{"090111", "090111", "090111", true},
		{"0901 11", "090111", "090111", true},
		{"3301-12-90", "33011290", "330112", true},
		{"4011", "4011", "", false},
		{"40112000001", "40112000001", "401120", false},
		{"40A120", "40120", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		d, h, err := NormalizeHS(tt.raw)
		if d != tt.digits || h != tt.hs6 || (err == nil) != tt.ok {
			t.Errorf("NormalizeHS(%q) = %q, %q, %v; want %q, %q, ok=%v", tt.raw, d, h, err, tt.digits, tt.hs6, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrHS) {
			t.Errorf("NormalizeHS(%q) error %v does not wrap ErrHS", tt.raw, err)
		}
	}
}

func TestUnits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    float64
		unit string
		kg   float64
		ok   bool
	}{
		{14404, "K", 14404, true},
		{1000, "L", 453.592, true},
		{1000, "lbr", 453.592, true},
		{2, "TNE", 2000, true},
		{1, "KGM", 1, true},
		{1, "stone", 0, false},
	}
	for _, tt := range tests {
		kg, err := ToKG(tt.v, tt.unit)
		if kg != tt.kg || (err == nil) != tt.ok {
			t.Errorf("ToKG(%v, %q) = %v, %v; want %v", tt.v, tt.unit, kg, err, tt.kg)
		}
	}
	if m3, err := ToM3(1000, "E"); err != nil || m3 != 28.3168 {
		t.Errorf("ToM3(1000 ft3) = %v, %v", m3, err)
	}
	if m3, err := ToM3(46, "X"); err != nil || m3 != 46 {
		t.Errorf("ToM3(46 X) = %v, %v", m3, err)
	}
	if _, err := ToM3(1, "gallon"); !errors.Is(err, ErrUnit) {
		t.Errorf("ToM3(gallon) err = %v", err)
	}
	w, err := NewWeight(10, "Q")
	if err == nil || w.Value != 10 || w.Unit != "Q" {
		t.Errorf("NewWeight with a bad unit = %+v, %v; want the original kept and an error", w, err)
	}
}

func TestParseNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		comma bool
		want  float64
		ok    bool
	}{
		{"14404", false, 14404, true},
		{"14,404.26", false, 14404.26, true},
		{"14.404,260", true, 14404.26, true},
		{" 1 000 ", false, 1000, true},
		{"-3.5", false, -3.5, true},
		{"1,234,567.5", false, 1234567.5, true},
		{"12,5", false, 0, false},
		{"12,5", true, 12.5, true},
		{"1.2.3", false, 0, false},
		{"1,23", false, 0, false},
		{"", false, 0, false},
		{"abc", false, 0, false},
	}
	for _, tt := range tests {
		got, err := ParseNumber(tt.in, tt.comma)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseNumber(%q, %v) = %v, %v", tt.in, tt.comma, got, err)
		}
	}
}

func TestParseDates(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name string
		got  func() (*DateTime, error)
		want time.Time
		prec Precision
		zone string
		ok   bool
	}{
		{"X12YYMMDDPadded", func() (*DateTime, error) { return ParseX12Date("230620  ", "", "") },
			time.Date(2023, 6, 20, 0, 0, 0, 0, time.UTC), PrecisionDate, "", true},
		{"X12CCYYMMDDTime", func() (*DateTime, error) { return ParseX12Date("20230525", "2048", "") },
			time.Date(2023, 5, 25, 20, 48, 0, 0, time.UTC), PrecisionMinute, "", true},
		{"X12Eastern", func() (*DateTime, error) { return ParseX12Date("20230120", "0830", "ET") },
			time.Date(2023, 1, 20, 8, 30, 0, 0, ny), PrecisionMinute, "ET", true},
		{"X12UTSeconds", func() (*DateTime, error) { return ParseX12Date("20230120", "083015", "UT") },
			time.Date(2023, 1, 20, 8, 30, 15, 0, time.UTC), PrecisionSecond, "UT", true},
		{"X12LocalTime", func() (*DateTime, error) { return ParseX12Date("20230120", "0830", "LT") },
			time.Date(2023, 1, 20, 8, 30, 0, 0, time.UTC), PrecisionMinute, "LT", true},
		{"X12YearPivot", func() (*DateTime, error) { return ParseX12Date("690101", "", "") },
			time.Date(2069, 1, 1, 0, 0, 0, 0, time.UTC), PrecisionDate, "", true},
		{"X12BadDay", func() (*DateTime, error) { return ParseX12Date("20230231", "", "") }, time.Time{}, "", "", false},
		{"X12BadLength", func() (*DateTime, error) { return ParseX12Date("2023", "", "") }, time.Time{}, "", "", false},
		{"X12BadZone", func() (*DateTime, error) { return ParseX12Date("20230101", "1200", "QQ") }, time.Time{}, "", "", false},
		{"EDI102", func() (*DateTime, error) { return ParseEDIFACTDate("20041016", "102") },
			time.Date(2004, 10, 16, 0, 0, 0, 0, time.UTC), PrecisionDate, "", true},
		{"EDI203", func() (*DateTime, error) { return ParseEDIFACTDate("200410161530", "203") },
			time.Date(2004, 10, 16, 15, 30, 0, 0, time.UTC), PrecisionMinute, "", true},
		{"EDI101", func() (*DateTime, error) { return ParseEDIFACTDate("041016", "101") },
			time.Date(2004, 10, 16, 0, 0, 0, 0, time.UTC), PrecisionDate, "", true},
		{"EDI201", func() (*DateTime, error) { return ParseEDIFACTDate("0410161530", "201") },
			time.Date(2004, 10, 16, 15, 30, 0, 0, time.UTC), PrecisionMinute, "", true},
		{"EDI204", func() (*DateTime, error) { return ParseEDIFACTDate("20041016153045", "204") },
			time.Date(2004, 10, 16, 15, 30, 45, 0, time.UTC), PrecisionSecond, "", true},
		{"EDI303Offset", func() (*DateTime, error) { return ParseEDIFACTDate("200410161530+02", "303") },
			time.Date(2004, 10, 16, 13, 30, 0, 0, time.UTC), PrecisionMinute, "+02", true},
		{"EDI205Offset", func() (*DateTime, error) { return ParseEDIFACTDate("200410161530-0500", "205") },
			time.Date(2004, 10, 16, 20, 30, 0, 0, time.UTC), PrecisionMinute, "-0500", true},
		{"EDIGuessed", func() (*DateTime, error) { return ParseEDIFACTDate("200410161530", "") },
			time.Date(2004, 10, 16, 15, 30, 0, 0, time.UTC), PrecisionMinute, "", true},
		{"EDIEmpty", func() (*DateTime, error) { return ParseEDIFACTDate("", "201") }, time.Time{}, "", "", false},
		{"EDIUnknownFormat", func() (*DateTime, error) { return ParseEDIFACTDate("2004", "602") }, time.Time{}, "", "", false},
		{"LayoutISO", func() (*DateTime, error) { return ParseDateLayout("2023-06-20", "2006-01-02", "") },
			time.Date(2023, 6, 20, 0, 0, 0, 0, time.UTC), PrecisionDate, "", true},
		{"LayoutNamed", func() (*DateTime, error) { return ParseDateLayout("20230620", "CCYYMMDD", "America/Vancouver") },
			time.Date(2023, 6, 20, 7, 0, 0, 0, time.UTC), PrecisionDate, "America/Vancouver", true},
		{"LayoutGuess", func() (*DateTime, error) { return ParseDateLayout("2023-06-20 15:04", "", "") },
			time.Date(2023, 6, 20, 15, 4, 0, 0, time.UTC), PrecisionMinute, "", true},
		{"LayoutRFC3339", func() (*DateTime, error) { return ParseDateLayout("2023-06-20T15:04:05-07:00", time.RFC3339, "") },
			time.Date(2023, 6, 20, 22, 4, 5, 0, time.UTC), PrecisionSecond, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.got()
			if !tt.ok {
				if err == nil || !errors.Is(err, ErrDate) {
					t.Fatalf("got %+v, %v; want an error wrapping ErrDate", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Time.Equal(tt.want) || got.Precision != tt.prec || (tt.zone != "" && got.Zone != tt.zone) {
				t.Fatalf("got %v %s zone %q, want %v %s zone %q", got.Time, got.Precision, got.Zone, tt.want, tt.prec, tt.zone)
			}
		})
	}
}

func TestBillKey(t *testing.T) {
	t.Parallel()
	tests := []struct{ scac, number, want string }{
		{"XXXX", "99XXZ999999X", "XXXX99XXZ999999X"},
		{"maeu", " 123 ", "MAEU123"},
		{"MAEU", "MAEU123", "MAEU123"},
		{"", "123", "123"},
	}
	for _, tt := range tests {
		if got := BillKey(tt.scac, tt.number); got != tt.want {
			t.Errorf("BillKey(%q, %q) = %q, want %q", tt.scac, tt.number, got, tt.want)
		}
	}
}

func FuzzParseContainer(f *testing.F) {
	for _, s := range [][3]string{{"", "CSQU3054383", ""}, {"HASU", "5044950", ""}, {"HASU", "431617", "0"}, {"x", "", "é"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, owner, number, check string) {
		id := ParseContainer(owner, number, check)
		if id.Check == CheckValid {
			if len(id.Number) != 11 || CheckContainer(id.Number) != nil || id.Err != nil {
				t.Fatalf("valid container %+v does not recheck", id)
			}
		} else if id.Err == nil {
			t.Fatalf("invalid container %+v without an error", id)
		}
	})
}

func FuzzNormalizeHS(f *testing.F) {
	for _, s := range []string{"401120", "4011.20.00", "0901 11", "abc", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, h, err := NormalizeHS(raw)
		if err == nil && (len(d) < 6 || len(d) > 10 || h != d[:6]) {
			t.Fatalf("NormalizeHS(%q) = %q, %q without error", raw, d, h)
		}
		// Normalising the digits again is a fixed point.
		if d2, h2, _ := NormalizeHS(d); d2 != d || h2 != h {
			t.Fatalf("NormalizeHS not idempotent on %q: %q,%q then %q,%q", raw, d, h, d2, h2)
		}
	})
}

func FuzzParseDates(f *testing.F) {
	for _, s := range [][2]string{{"20230620", "102"}, {"200410161530+02", "303"}, {"230620  ", ""}, {"x", "203"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, value, format string) {
		if dt, err := ParseEDIFACTDate(value, format); err == nil && dt.Raw == "" && value != "" {
			t.Fatalf("no raw kept for %q", value)
		}
		if dt, err := ParseX12Date(value, format, ""); err == nil && dt.Time.IsZero() {
			t.Fatalf("zero time from %q %q", value, format)
		}
	})
}

func TestPlaceCountry(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"PRINCE RUPERT BC": "CA", "MONTREAL, QC, CANADA": "CA", "PRINCE RUPERT BC CA": "CA", "CHICAGO IL US": "US",
		"SHANGHAI, CN": "CN", "NEW YORK NY US": "US", "SANTOS": "", "LOS ANGELES CA": "", "CARTAGENA CO": "", "": "",
	}
	for in, want := range tests {
		if got := PlaceCountry(in); got != want {
			t.Errorf("PlaceCountry(%q) = %q, want %q", in, got, want)
		}
	}
}
