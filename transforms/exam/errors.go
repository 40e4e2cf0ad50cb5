package exam

import "fmt"

// CellError is a problem with one cell (or, Column empty, one row) of a
// workbook an officer returned: it names the file, the sheet, the 1-based row
// and the column header, so the officer can find and fix it.
type CellError struct {
	File   string
	Sheet  string
	Row    int
	Column string // header text of the column, "" for the whole row
	Err    error
}

func (e *CellError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s: sheet %q row %d: %v", e.File, e.Sheet, e.Row, e.Err)
	}
	return fmt.Sprintf("%s: sheet %q row %d column %q: %v", e.File, e.Sheet, e.Row, e.Column, e.Err)
}

func (e *CellError) Unwrap() error { return e.Err }
