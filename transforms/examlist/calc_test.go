package examlist

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/icss/icss/edi/x12/x12gen"
	"github.com/icss/icss/internal/testkit/calctest"
)

// TestCalcOpensList has LibreOffice Calc open a list and convert its first sheet to
// CSV: the workbook opens (a file Calc must repair does not convert as written) and
// every cell reads as written.
func TestCalcOpensList(t *testing.T) {
	calctest.Soffice(t)
	var gen bytes.Buffer
	x12gen.New(x12gen.Options{Seed: 5, Bills: 40, Newline: true}).WriteTo(&gen)
	x12 := plantShippers(t, gen.Bytes(), []string{`=HYPERLINK("http://x","click")`, `+cmd|' /C calc'!A0`})
	as, rs := pipeline(t, x12, func(i int) bool { return i%4 == 0 })
	lists, err := Build(t.Context(), bytes.NewReader(as), bytes.NewReader(rs), BuildOptions{Port: "CAPRR", IssuedAt: issued, Location: mustZone(t, "America/Vancouver")})
	if err != nil {
		t.Fatal(err)
	}
	l := lists[0]
	if len(l.Entries) < 10 {
		t.Fatalf("only %d rows", len(l.Entries))
	}
	var book bytes.Buffer
	if err := Write(&book, l); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(bytes.NewReader(calctest.Convert(t, book.Bytes(), calctest.CSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := displayedRows(t, l)
	if len(got) != len(want) {
		t.Fatalf("Calc read %d rows, %d written", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d:\nCalc    %q\nwritten %q", i+1, got[i], want[i])
		}
	}
}

// displayedRows are the rows of the list sheet as a spreadsheet shows them.
func displayedRows(t testing.TB, l List) [][]string {
	st, err := newStyles(excelize.NewFile())
	if err != nil {
		t.Fatal(err)
	}
	loc := l.Meta.location()
	var rows [][]string
	var head []string
	for _, c := range columns {
		head = append(head, c.header)
	}
	rows = append(rows, head)
	cells := make([]any, numColumns)
	for i := range l.Entries {
		fillRow(cells, &l.Entries[i], st, loc)
		row := make([]string, numColumns)
		for j, v := range cells {
			c := v.(excelize.Cell)
			switch x := c.Value.(type) {
			case nil:
			case string:
				row[j] = x
			case int:
				row[j] = strconv.Itoa(x)
			case float64:
				switch c.StyleID {
				case st.score:
					row[j] = fmt.Sprintf("%.1f", x)
				case st.arrivalDay:
					row[j] = serialTime(x).Format("2006-01-02")
				case st.arrival:
					row[j] = serialTime(x).Format("2006-01-02 15:04")
				default:
					t.Fatalf("float %v with style %d", x, c.StyleID)
				}
			default:
				t.Fatalf("cell value %T", x)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func serialTime(x float64) time.Time {
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(x*86400) * time.Second)
}

func mustZone(t testing.TB, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
