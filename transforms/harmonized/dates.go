package harmonized

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // time codes map to IANA zones on any machine
)

// ErrDate is wrapped by every date error: "date "230632" is not a valid date".
var ErrDate = errors.New("is not a valid date")

// ParseX12Date reads an X12 date (YYMMDD or CCYYMMDD), an optional time (HHMM, HHMMSS or
// HHMMSSd..) and an optional time code (X12 element 623: UT, LT, ET, CT, PT …). Trailing
// blanks are ignored ("230620  " in the AMD sample). Two-digit years 00-69 are 20xx.
func ParseX12Date(date, clock, zone string) (*DateTime, error) {
	d := strings.TrimSpace(date)
	c := strings.TrimSpace(clock)
	raw := joinNonEmpty(" ", date, clock, zone)
	layout := ""
	switch len(d) {
	case 6:
		layout = "060102"
	case 8:
		layout = "20060102"
	default:
		return nil, fmt.Errorf("date %q %w", raw, ErrDate)
	}
	prec := PrecisionDate
	switch {
	case c == "":
	case len(c) == 4:
		layout += "1504"
		prec = PrecisionMinute
	case len(c) >= 6:
		c = c[:6]
		layout += "150405"
		prec = PrecisionSecond
	default:
		return nil, fmt.Errorf("time %q %w", raw, ErrDate)
	}
	return parseIn(layout, d+c, zone, prec, raw)
}

// ParseEDIFACTDate reads a DTM value in one of the UN/EDIFACT 2379 formats: 102
// CCYYMMDD, 203 CCYYMMDDHHMM, 101 YYMMDD, 201 YYMMDDHHMM, 204 CCYYMMDDHHMMSS, 303
// CCYYMMDDHHMM plus a zone (ZZZ, e.g. "UTC", or ±HH), 205 CCYYMMDDHHMM±HHMM. An empty
// format is guessed from the length of the value.
func ParseEDIFACTDate(value, format string) (*DateTime, error) {
	v := strings.TrimSpace(value)
	raw := v
	if format != "" {
		raw = format + ":" + v
	}
	if format == "" {
		switch len(v) {
		case 6:
			format = "101"
		case 8:
			format = "102"
		case 10:
			format = "201"
		case 12:
			format = "203"
		case 14:
			format = "204"
		}
	}
	switch format {
	case "102":
		return parseIn("20060102", v, "", PrecisionDate, raw)
	case "101":
		return parseIn("060102", v, "", PrecisionDate, raw)
	case "203":
		return parseIn("200601021504", v, "", PrecisionMinute, raw)
	case "201":
		return parseIn("0601021504", v, "", PrecisionMinute, raw)
	case "204":
		return parseIn("20060102150405", v, "", PrecisionSecond, raw)
	case "303", "205":
		if len(v) < 13 {
			return nil, fmt.Errorf("date %q %w", raw, ErrDate)
		}
		return parseIn("200601021504", v[:12], v[12:], PrecisionMinute, raw)
	}
	return nil, fmt.Errorf("date %q %w (format %q not supported)", raw, ErrDate, format)
}

// ParseDateLayout reads a date with a named format (CCYYMMDD, YYMMDD, CCYYMMDDHHMM, an
// EDIFACT 2379 code such as 203) or a Go time layout ("2006-01-02 15:04"). zone names the
// zone of the value when the layout carries none.
func ParseDateLayout(value, layout, zone string) (*DateTime, error) {
	v := strings.TrimSpace(value)
	switch strings.ToUpper(layout) {
	case "CCYYMMDD", "YYYYMMDD":
		return parseIn("20060102", v, zone, PrecisionDate, value)
	case "YYMMDD":
		return parseIn("060102", v, zone, PrecisionDate, value)
	case "CCYYMMDDHHMM", "YYYYMMDDHHMM":
		return parseIn("200601021504", v, zone, PrecisionMinute, value)
	case "101", "102", "201", "203", "204", "205", "303":
		return ParseEDIFACTDate(v, layout)
	case "":
		for _, l := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "20060102"} {
			if dt, err := ParseDateLayout(v, l, zone); err == nil {
				return dt, nil
			}
		}
		return nil, fmt.Errorf("date %q %w", value, ErrDate)
	}
	prec := PrecisionDate
	switch {
	case strings.Contains(layout, "05"):
		prec = PrecisionSecond
	case strings.Contains(layout, "04"):
		prec = PrecisionMinute
	}
	if strings.ContainsAny(layout, "Z") || strings.Contains(layout, "-07") || strings.Contains(layout, "MST") {
		t, err := time.Parse(layout, v)
		if err != nil {
			return nil, fmt.Errorf("date %q %w: %v", value, ErrDate, err)
		}
		name, _ := t.Zone()
		return &DateTime{Time: t, Precision: prec, Zone: name, Raw: value}, nil
	}
	return parseIn(layout, v, zone, prec, value)
}

// x12Zones maps X12 time codes (element 623) to IANA zones. The S/D variants (ES, ED)
// name standard and daylight time but the zone's rules decide which applies.
var x12Zones = map[string]string{
	"UT": "UTC", "GM": "UTC", "UTC": "UTC", "Z": "UTC",
	"ET": "America/New_York", "ES": "America/New_York", "ED": "America/New_York",
	"CT": "America/Chicago", "CS": "America/Chicago", "CD": "America/Chicago",
	"MT": "America/Denver", "MS": "America/Denver", "MD": "America/Denver",
	"PT": "America/Los_Angeles", "PS": "America/Los_Angeles", "PD": "America/Los_Angeles",
	"AT": "America/Halifax", "AS": "America/Halifax", "AD": "America/Halifax",
	"NT": "America/St_Johns", "NS": "America/St_Johns", "ND": "America/St_Johns",
	"HT": "Pacific/Honolulu", "HS": "Pacific/Honolulu", "HD": "Pacific/Honolulu",
	"AK": "America/Anchorage",
}

// zoneLocation resolves a zone as sent: an X12 time code, an IANA name, or an offset
// (+HH, +HHMM, -HH:MM). "LT" (local time) and "" are unknown zones: nil.
func zoneLocation(zone string) (*time.Location, error) {
	z := strings.TrimSpace(zone)
	if z == "" || strings.EqualFold(z, "LT") {
		return nil, nil
	}
	if name, ok := x12Zones[strings.ToUpper(z)]; ok {
		return time.LoadLocation(name)
	}
	if z[0] == '+' || z[0] == '-' {
		d := strings.ReplaceAll(z[1:], ":", "")
		if (len(d) == 2 || len(d) == 4) && allDigits(d) {
			h := int(d[0]-'0')*10 + int(d[1]-'0')
			m := 0
			if len(d) == 4 {
				m = int(d[2]-'0')*10 + int(d[3]-'0')
			}
			off := h*3600 + m*60
			if z[0] == '-' {
				off = -off
			}
			return time.FixedZone(z, off), nil
		}
	}
	loc, err := time.LoadLocation(z)
	if err != nil {
		return nil, fmt.Errorf("time zone %q is not known", zone)
	}
	return loc, nil
}

func parseIn(layout, value, zone string, prec Precision, raw string) (*DateTime, error) {
	loc, err := zoneLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("date %q %w: %v", raw, ErrDate, err)
	}
	in := time.UTC
	if loc != nil {
		in = loc
	}
	t, err := time.ParseInLocation(layout, value, in)
	if err != nil {
		return nil, fmt.Errorf("date %q %w", raw, ErrDate)
	}
	// Go reads two-digit years 69-99 as 19xx, 00-68 as 20xx; advance data is recent, so
	// move the pivot to 70.
	if strings.HasPrefix(layout, "06") && t.Year() == 1969 {
		t = t.AddDate(100, 0, 0)
	}
	z := strings.TrimSpace(zone)
	if strings.EqualFold(z, "LT") {
		z = "LT"
	}
	return &DateTime{Time: t, Precision: prec, Zone: z, Raw: strings.TrimSpace(raw)}, nil
}
