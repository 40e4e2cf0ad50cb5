package ack

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12"
)

// benchInterchange returns a validated interchange of one group of n 315 sets, one in
// ten with two element errors.
func benchInterchange(b *testing.B, n int) *x12.Interchange {
	var in strings.Builder
	in.WriteString("ISA*00*          *00*          *ZZ*CARRIER        *ZZ*CBSAICSS       *261120*0930*U*00401*000000007*1*P*>~\n")
	in.WriteString("GS*QO*CARRIER*CBSAICSS*20261120*0930*7*X*004010~\n")
	for i := range n {
		fmt.Fprintf(&in, "ST*315*%04d~\nB4***VA*20261119*1400*CAPRR*MSKU*735177*L*45G1*CAPRR*UN*0~\nN9*BM*MAEU261100417~\n"+
			"Q2*9321483*DK*******W455***L*MAERSK ELBA~\nR4*D*UN*CAPRR*PRINCE RUPERT*CA~\nDTM*140*20261119*1400*LT~\nSE*7*%04d~\n", i+1, i+1)
	}
	fmt.Fprintf(&in, "GE*%d*7~\nIEA*1*000000007~\n", n)
	ics, _ := validate(b, []byte(in.String()))
	ic := ics[0]
	for i, s := range ic.Groups[0].Sets {
		if i%10 == 0 {
			s.Errors = append(s.Errors,
				&x12.SyntaxError{Pos: s.Pos, SetIndex: 2, SegmentID: "B4", Code: "AK3:8"},
				&x12.SyntaxError{Pos: s.Pos, SetIndex: 2, SegmentID: "B4", Element: 3, ElementRef: 157, Code: "AK4:7", Value: "XX"},
				&x12.SyntaxError{Pos: s.Pos, SetIndex: 2, SegmentID: "B4", Element: 6, Code: "AK4:5", Value: "CAPRRX"},
				&x12.SyntaxError{Pos: s.Pos, Severity: syntax.Warning, SegmentID: "ST"})
		}
	}
	return ic
}

// BenchmarkAcknowledge builds and writes the TA1 and 997 of a group of 1000 sets.
func BenchmarkAcknowledge(b *testing.B) {
	ic := benchInterchange(b, 1000)
	opts := testOptions()
	b.ReportAllocs()
	var out bytes.Buffer
	for b.Loop() {
		acks, err := Acknowledge(ic, opts)
		if err != nil {
			b.Fatal(err)
		}
		out.Reset()
		for _, a := range acks {
			a.WriteTo(&out)
		}
	}
	b.SetBytes(int64(out.Len()))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/set")
}

// BenchmarkBuild997 builds the 997 of a group of one clean set: the common case.
func BenchmarkBuild997(b *testing.B) {
	ic := benchInterchange(b, 1)
	ic.Groups[0].Sets[0].Errors = nil
	opts := testOptions()
	b.ReportAllocs()
	for b.Loop() {
		a, err := Build997(ic, ic.Groups[0], opts)
		if err != nil {
			b.Fatal(err)
		}
		a.WriteTo(io.Discard)
	}
}
