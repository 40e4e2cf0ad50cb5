package ack

import (
	"strings"
	"testing"
)

// TestBinaryLengthAcknowledged: a BIN whose BIN01 does not match its data is rejected
// with AK3 8 and AK4 5 on BIN02 (data element 785) in a 997, IK3 8 and IK4 5 in a 999;
// a right one is accepted although its data holds separators and terminators.
func TestBinaryLengthAcknowledged(t *testing.T) {
	t.Parallel()
	set := func(version, bin string) []byte {
		isaVer, rep := "00401", "U"
		if version >= "005010" {
			isaVer, rep = "00501", "^"
		}
		return []byte("ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261127*1200*" + rep + "*" + isaVer + "*000000001*1*P*>~\n" +
			"GS*SP*SENDER*RECEIVER*20261127*1200*1*X*" + version + "~\n" +
			"ST*841*0001~\nSPI*00~\n" + bin + "~\nSE*4*0001~\nGE*1*1~\nIEA*1*000000001~\n")
	}
	tests := []struct {
		version, bin, want string
	}{
		{"004010", "BIN*10*AB~CD*EF~G", "TA1 A 000 ; 997 A 1/1/1 (0001 A)"},
		// Read as text after the error, the rest of the data makes segments of its own,
		// which SE01 does not count (AK5 4).
		{"004010", "BIN*9*AB~CD*EF~G", "TA1 A 000 ; 997 R 1/1/0 (0001 R 4,5 BIN@3:8 BIN02:5 "},
		{"005010", "BIN*9*AB~CD*EF~G", "TA1 A 000 ; 999 R 1/1/0 (0001 R 4,5 BIN@3:8 BIN02:5 "},
		{"005010", "BIN*20*AB", "TA1 A 000 ; 999 R 1/1/0 (0001 R 5 BIN@3:8 BIN02:5)"},
		{"004010", "BIN*A*AB", "TA1 A 000 ; 997 R 1/1/0 (0001 R 5 BIN@3:8 BIN01:6)"},
	}
	for _, tt := range tests {
		got := summary(acknowledgeAll(t, set(tt.version, tt.bin), testOptions()))
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s %s: %s, want %s...", tt.version, tt.bin, got, tt.want)
		}
	}
}
