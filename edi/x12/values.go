package x12

import (
	"bytes"
	"strings"
)

func trim(b []byte) string { return string(bytes.TrimSpace(b)) }

func oneOf(b []byte, values ...string) bool {
	for _, v := range values {
		if string(b) == v {
			return true
		}
	}
	return false
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func digits(s string) bool { return allDigits([]byte(s)) }

// atoi parses a non-negative decimal number of at most 9 digits (surrounding blanks
// allowed, as some senders pad counts).
func atoi(b []byte) (int, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// validQualifier accepts an interchange ID qualifier: two characters, digits or upper-case
// letters (01 DUNS, 02 SCAC, 12 phone, 14 DUNS+suffix, 16, ZZ mutually defined, ...).
func validQualifier(b []byte) bool {
	if len(b) != 2 {
		return false
	}
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

var daysIn = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func validMonthDay(yyyy, mm, dd int) bool {
	if mm < 1 || mm > 12 || dd < 1 || dd > daysIn[mm] {
		return false
	}
	if mm == 2 && dd == 29 {
		return yyyy%4 == 0 && (yyyy%100 != 0 || yyyy%400 == 0)
	}
	return true
}

func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// validDate6 accepts YYMMDD (the year taken in 2000-2099 for the leap-day check).
func validDate6(s string) bool {
	return len(s) == 6 && digits(s) && validMonthDay(2000+num(s[:2]), num(s[2:4]), num(s[4:]))
}

// validDate8 accepts CCYYMMDD.
func validDate8(s string) bool {
	return len(s) == 8 && digits(s) && validMonthDay(num(s[:4]), num(s[4:6]), num(s[6:]))
}

// validTime accepts HHMM, HHMMSS and HHMMSSd..d (X12 data element type TM).
func validTime(s string) bool {
	if len(s) < 4 || len(s) > 8 || len(s) == 5 || !digits(s) {
		return false
	}
	if num(s[:2]) > 23 || num(s[2:4]) > 59 {
		return false
	}
	return len(s) < 6 || num(s[4:6]) <= 59
}

// validGroupVersion accepts GS08: a 6-digit version/release (002001 ... 008xxx) and an
// optional implementation suffix (005010X231A1).
func validGroupVersion(s string) bool {
	if len(s) < 6 || len(s) > 12 || !digits(s[:6]) {
		return false
	}
	return s[:6] >= "002000" && s[:6] < "009000" && strings.TrimSpace(s) == s
}

// expectedFunctionalID returns the GS01 code for a transaction set in a version, or ""
// when the set is not one we know. Codes changed across releases (EDI.md §1).
func expectedFunctionalID(set, version string) string {
	late := len(version) >= 6 && version[:6] >= "004030"
	switch set {
	case "309":
		if late {
			return "AQ"
		}
		return "SO"
	case "350":
		if late {
			return "AU"
		}
		return "SO"
	case "353":
		if late {
			return "AX"
		}
		return "SO"
	case "355":
		if late {
			return "AZ"
		}
		return "SO"
	case "356":
		if len(version) >= 6 && version[:6] >= "004050" {
			return "BA"
		}
		return "SO"
	case "358":
		if len(version) >= 6 && version[:6] >= "004040" {
			return "BD"
		}
		return "SO"
	case "315":
		return "QO"
	case "322":
		return "SO"
	case "404":
		return "SR"
	case "997", "999":
		return "FA"
	case "810":
		return "IN"
	case "850":
		return "PO"
	case "837":
		return "HC"
	}
	return ""
}
