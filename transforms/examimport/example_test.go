package examimport_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/transforms/examimport"
	"github.com/icss/icss/transforms/examlist"
)

// The officer's return (workbook and photos in one directory) imported into
// an evidence directory; importing it again records nothing new.
func ExampleImport() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	var book, returned bytes.Buffer
	examlist.Write(&book, list(5))
	officer.Fill(&book, &returned, officer.Choices{Seed: 1, Now: now, PhotoDir: filepath.Join(dir, "return")})
	os.WriteFile(filepath.Join(dir, "return", "returned.xlsx"), returned.Bytes(), 0o644)

	store, _ := blob.OpenDir(filepath.Join(dir, "evidence"))
	defer store.Close()
	key, _ := signing.Generate()
	ev := evidence.New(store, evidence.Options{Key: key})
	for range 2 {
		rep, err := examimport.Import(ctx, examimport.Options{Returned: []string{filepath.Join(dir, "return")}, Evidence: ev, Now: func() time.Time { return now }})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%d rows: %d recorded, %d unchanged, %d rejected\n", rep.Rows, len(rep.Recorded), len(rep.Unchanged), len(rep.Rejected))
	}
	// Output:
	// 4 rows: 4 recorded, 0 unchanged, 0 rejected
	// 4 rows: 0 recorded, 4 unchanged, 0 rejected
}
