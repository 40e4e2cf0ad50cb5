package mail

import (
	"io"
	"testing"
	"time"
)

// zeros is an endless reader that allocates nothing.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// BenchmarkExamListMessage writes the message of a list with a 16 MiB workbook:
// B/op stays a few tens of KB, far below the attachment, since the workbook is
// base64-encoded as it is read.
func BenchmarkExamListMessage(b *testing.B) {
	const size = 16 << 20
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		m, err := ExamListMessage(ExamList{
			ListID: "CAPRR-20261204", Port: "CAPRR", Cutoff: time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC), Rows: 18,
			Filename: "CAPRR-20261204.xlsx", Workbook: io.LimitReader(zeros{}, size), To: []string{"prr@cbsa.example"},
		}, "icss@cbsa.example")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
