package state_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/icss/icss/storage/state"
)

// The ledger side of pulling two files that carry the same bytes: the
// second is recorded as a duplicate and never processed.
func Example() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	l, err := state.Open(ctx, state.Config{Driver: state.DriverSQLite, DSN: filepath.Join(dir, "icss.db")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()

	mtime := time.Date(2026, 11, 27, 7, 55, 0, 0, time.UTC)
	sum := "8d6e0a5b0a2b1c1f7f6d3e4c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a19080"
	a, created, _ := l.FileSeen(ctx, "acme-rail", "IN/309_0001.edi", 2048, mtime)
	fmt.Println(a.State, created)
	_, created, _ = l.FileSeen(ctx, "acme-rail", "IN/309_0001.edi", 2048, mtime) // listed again
	fmt.Println(created)
	dup, _ := l.FileFetched(ctx, a.ID, sum, "sha256/8d/"+sum)
	fmt.Println(dup == nil)

	b, _, _ := l.FileSeen(ctx, "acme-rail", "IN/309_0001_resent.edi", 2048, mtime.Add(time.Hour))
	dup, _ = l.FileFetched(ctx, b.ID, sum, "sha256/8d/"+sum)
	fmt.Println(dup.Name)
	b, _ = l.GetFile(ctx, b.ID)
	fmt.Println(b.State)

	n, _ := l.NextControlNumber(ctx, "isa:acme-rail")
	fmt.Println(n)
	// Output:
	// seen true
	// false
	// true
	// IN/309_0001.edi
	// duplicate
	// 1
}

// The ledger side of processing: a record version per distinct content, its
// score, the exam list that names it, and the exam's result.
func Example_processing() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	l, err := state.Open(ctx, state.Config{Driver: state.DriverSQLite, DSN: filepath.Join(dir, "icss.db")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	sum := func(c byte) string { return strings.Repeat(string(c), 64) }

	v, created, _ := l.PutRecordVersion(ctx, "CNRU-BOL123", sum('a'), "records/a.json", 0)
	fmt.Println(v.Version, created)
	v, created, _ = l.PutRecordVersion(ctx, "CNRU-BOL123", sum('a'), "records/a.json", 0) // re-processed
	fmt.Println(v.Version, created)

	l.PutScore(ctx, state.Score{ShipmentID: v.ShipmentID, Version: v.Version, RulesVersion: "2026.11", Score: 81, Decision: "examine"})
	pending, _ := l.PendingExams(ctx, "examine")
	fmt.Println(len(pending))

	list, _, _ := l.CreateExamList(ctx, "2026-11-27-PRR", "exam-lists/2026-11-27.xlsx", sum('b'),
		[]state.ExamEntry{{ShipmentID: v.ShipmentID, Version: v.Version}})
	pending, _ = l.PendingExams(ctx, "examine")
	fmt.Println(list.Name, len(pending))

	r, _, _ := l.RecordExamResult(ctx, state.ExamResult{ShipmentID: v.ShipmentID, Outcome: "no-finding",
		ExaminedAt: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC), SourceSHA256: sum('c')})
	fmt.Println(r.Outcome)
	// Output:
	// 1 true
	// 1 false
	// 1
	// 2026-11-27-PRR 0
	// no-finding
}
