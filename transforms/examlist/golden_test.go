package examlist

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/icss/icss/edi/x12/x12gen"
	"github.com/icss/icss/internal/testkit/golden"
)

// TestListGolden holds the list of a generated 309 (two planted shippers, every
// fourth bill referred), as a spreadsheet shows its rows and its About sheet, to
// golden files: a change in what officers see shows in the diff.
func TestListGolden(t *testing.T) {
	var gen bytes.Buffer
	x12gen.New(x12gen.Options{Seed: 5, Bills: 40, Newline: true}).WriteTo(&gen)
	x12 := plantShippers(t, gen.Bytes(), []string{`=HYPERLINK("http://x","click")`, `+cmd|' /C calc'!A0`})
	as, rs := pipeline(t, x12, func(i int) bool { return i%4 == 0 })
	lists, err := Build(t.Context(), bytes.NewReader(as), bytes.NewReader(rs), BuildOptions{Port: "CAPRR", IssuedAt: issued, Location: mustZone(t, "America/Vancouver")})
	if err != nil {
		t.Fatal(err)
	}
	l := lists[0]
	var rows bytes.Buffer
	w := csv.NewWriter(&rows)
	w.WriteAll(displayedRows(t, l))
	golden.Compare(t, "testdata/list.golden.csv", rows.Bytes())

	meta, _ := json.MarshalIndent(l.Meta, "", "  ")
	golden.Compare(t, "testdata/meta.golden.json", append(meta, '\n'))

	var book bytes.Buffer
	if err := Write(&book, l); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	about, err := f.GetRows(SheetAbout)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range about {
		text.WriteString(strings.TrimRight(strings.Join(r, "\t"), "\t") + "\n")
	}
	golden.Compare(t, "testdata/about.golden.txt", []byte(text.String()))
}
