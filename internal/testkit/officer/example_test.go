package officer_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/transforms/examlist"
)

// Fill a list of eight containers; the photos go to a directory, named by exam ID.
func ExampleFill() {
	issued := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	var book, filled bytes.Buffer
	if err := examlist.Write(&book, list(8, issued)); err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "photos")
	defer os.RemoveAll(dir)
	res, err := officer.Fill(&book, &filled, officer.Choices{Seed: 1, Now: issued.Add(24 * time.Hour), PhotoDir: dir})
	if err != nil {
		panic(err)
	}
	for _, r := range res.Returns {
		fmt.Println(r.ExamID, r.Outcome, r.NotExaminedReason, r.BoltSeal != "", r.PhotoCount)
	}
	fmt.Println(res.Empty, "empty,", len(res.Photos), "photos, the first", filepath.Base(res.Photos[0]))
	// Output:
	// CAPRR-20261205-0001 no_finding  true 2
	// CAPRR-20261205-0002 discrepancy  true 2
	// CAPRR-20261205-0003 not_examined left_before_exam false 0
	// CAPRR-20261205-0005 no_finding  true 2
	// CAPRR-20261205-0006 referred_to_partner  true 2
	// CAPRR-20261205-0007 seizure  false 2
	// CAPRR-20261205-0008 no_finding  true 2
	// 1 empty, 12 photos, the first CAPRR-20261205-0001_1.jpg
}
