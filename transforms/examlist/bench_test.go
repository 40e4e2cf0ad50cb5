package examlist_test

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/examlist"
	"github.com/icss/icss/transforms/harmonized"
)

// bigList is a list of n containers with realistic text in every column.
func bigList(n int) examlist.List {
	issued := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	l := examlist.List{Meta: examlist.Meta{Schema: examlist.MetaSchema, ListID: "CAPRR-20261205", Port: "CAPRR", Daily: true,
		Zone: "America/Vancouver", IssuedAt: issued, RuleSet: "icss-default@1.0.0", Rows: n,
		ByPath: map[string]int{"rule": n}, ByExam: map[string]int{"nii_xray": n}}}
	arrival := time.Date(2026, 12, 5, 6, 30, 0, 0, time.UTC)
	for i := range n {
		c := fmt.Sprintf("MSKU%06d", i)
		c += string(harmonized.ContainerCheckDigit(c))
		l.Entries = append(l.Entries, exam.Entry{
			ExamID: exam.ExamID(l.Meta.ListID, i+1), ListID: l.Meta.ListID, Port: "CAPRR", Priority: 2,
			Container: c, ContainerValid: true, Seals: []string{fmt.Sprintf("EG%07d", i)},
			Bills:      []exam.BillRef{{Key: fmt.Sprintf("MAEUSHA%08d", i), IssuerSCAC: "MAEU", Number: fmt.Sprintf("SHA%08d", i), Version: 1}},
			Conveyance: "MAERSK ESSEN / 648E", Arrival: &arrival, Terminal: "M029",
			Shipper: "PACIFIC RIM EXPORTS", Consignee: "PRAIRIE LOGISTICS LLC",
			Goods:  "940360 WOODEN FURNITURE FOR BEDROOM . PACKED ON HEAT TREATED PALLETS; 401120 TRUCK TIRES SEVERAL SIZES",
			Origin: "VN", Exams: []string{"nii_xray", "wood_packaging"},
			Selection: exam.Selection{Path: "rule", Score: 42.5, RuleSet: "icss-default@1.0.0",
				Reasons:     []string{"HS 940360 usually travels on solid wood packaging", "consignee hides the owner: PRAIRIE LOGISTICS LLC"},
				Assessments: []string{fmt.Sprintf("MAEUSHA%08d#%d", i, i)}},
		})
	}
	return l
}

// BenchmarkWrite10k writes an exam list of 10,000 containers (issue 9: under 2 s).
func BenchmarkWrite10k(b *testing.B) {
	l := bigList(10_000)
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := examlist.Write(&buf, l); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/workbook")
}

// BenchmarkReadReturns10k reads back a list of 10,000 containers filled in by an
// officer (80 % of the rows), with the streaming row iterator.
func BenchmarkReadReturns10k(b *testing.B) {
	var book, filled bytes.Buffer
	if err := examlist.Write(&book, bigList(10_000)); err != nil {
		b.Fatal(err)
	}
	res, err := officer.Fill(&book, &filled, officer.Choices{Now: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	var peak uint64
	b.ReportAllocs()
	b.SetBytes(int64(filled.Len()))
	for b.Loop() {
		n := 0
		err := examlist.ReadReturns(bytes.NewReader(filled.Bytes()), "back.xlsx", func(exam.Return) error {
			if n++; n%1000 == 0 {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
			return nil
		})
		if err != nil || n != len(res.Returns) {
			b.Fatalf("%d returns of %d: %v", n, len(res.Returns), err)
		}
	}
	b.ReportMetric(float64(peak)/1e6, "MB-heap-peak")
}

// BenchmarkReadIssued10k reads the issued entries of a list of 10,000 containers.
func BenchmarkReadIssued10k(b *testing.B) {
	var book bytes.Buffer
	if err := examlist.Write(&book, bigList(10_000)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, entries, err := examlist.ReadIssued(bytes.NewReader(book.Bytes())); err != nil || len(entries) != 10_000 {
			b.Fatal(len(entries), err)
		}
	}
}
