package notices

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/icss/icss/edi/x12/ack"
)

// benchInputs makes n selected bills of two containers each, filed by ten X12 and ten
// EDIFACT carriers, and one result per bill.
func benchInputs(n int) (assessments, records, results []byte) {
	var a, r, x bytes.Buffer
	for i := range n {
		std, ver := "x12", "004010"
		if i%2 == 1 {
			std, ver = "edifact", "D95B"
		}
		key := fmt.Sprintf("MAEU%08d", i)
		fmt.Fprintf(&r, `{"key":%q,"bill":{"issuer_scac":"MAEU","number":"%08d"},"filing":{"version":1,"filer":"CARRIER%d","manifest_type":"W"},`+
			`"provenance":{"standard":%q,"version":%q,"set_control":"0001"},"conveyance":{"transport_method":"O","vessel_flag":"DK","imo":"9283186","voyage":"320N","carrier_scac":"MAEU"},`+
			`"itinerary":{"port_of_arrival":{"unlocode":"CAPRR"}},"equipment":[{"number":"MSKU%07d"},{"number":"TGHU%07d"}]}`+"\n", key, i, i%20, std, ver, i, i)
		fmt.Fprintf(&a, `{"key":%q,"index":%d,"selected":true,"port":"CAPRR"}`+"\n", key, i)
		fmt.Fprintf(&x, `{"schema":"icss.exam-result/1","exam_id":"CAPRR-20261204-%04d","version":1,"port":"CAPRR","container":"MSKU%07d","bills":[{"key":%q,"version":1}],"outcome":"no_finding","bolt_seal":"B%d","recorded_at":"2026-12-05T09:00:00Z"}`+"\n", i, i, key, i)
	}
	return a.Bytes(), r.Bytes(), x.Bytes()
}

// BenchmarkBuild: holds and releases for 10,000 bills (30,000 notices in 20 files),
// every file inspected.
func BenchmarkBuild(b *testing.B) {
	a, r, x := benchInputs(10000)
	b.SetBytes(int64(len(r)))
	b.ReportAllocs()
	for b.Loop() {
		batch, err := Build(context.Background(), Inputs{Assessments: bytes.NewReader(a), Records: bytes.NewReader(r), Results: bytes.NewReader(x)},
			Options{Config: DefaultConfig(), Controls: ack.NewCounter(), Now: testNow})
		if err != nil {
			b.Fatal(err)
		}
		if len(batch.Files) != 20 || len(batch.Skipped) != 0 {
			b.Fatalf("%d files, %d skipped", len(batch.Files), len(batch.Skipped))
		}
	}
	b.ReportMetric(float64(b.N)*30000/b.Elapsed().Seconds(), "notices/s")
}
