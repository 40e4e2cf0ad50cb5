package tabular

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// TemplateSheet is the name of the data sheet of a template workbook; it is the first
// sheet, which a mapping without Sheet reads.
const TemplateSheet = "Manifest"

// WriteTemplate writes an empty carrier template for the mapping: the header row of its
// columns, as "xlsx" (a Manifest sheet with a frozen, bold header and a Guide sheet that
// explains each column) or "csv" (the header line only). Columns given by index only
// have no header and are left out.
func WriteTemplate(w io.Writer, m *Mapping, format string) error {
	var headers []string
	var guide [][]string
	for _, c := range m.Columns {
		if c.Column == "" {
			continue
		}
		headers = append(headers, c.Column)
		s, _ := spec(c.Field)
		desc := c.Description
		if desc == "" {
			desc = s.doc
		}
		req := "optional"
		if c.Required {
			req = "required"
		}
		unit := c.Unit
		if c.UnitColumn != "" {
			unit = "from " + c.UnitColumn + " (default " + c.Unit + ")"
		}
		guide = append(guide, []string{c.Column, c.Field, req, unit, desc})
	}
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(headers); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	case "xlsx", "":
		return writeXLSXTemplate(w, m, headers, guide)
	}
	return fmt.Errorf("template format %q is not xlsx or csv", format)
}

func writeXLSXTemplate(w io.Writer, m *Mapping, headers []string, guide [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", TemplateSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(TemplateSheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if len(headers) > 0 {
		if err := sw.SetColWidth(1, len(headers), 18); err != nil {
			return err
		}
	}
	row := make([]any, len(headers))
	for i, h := range headers {
		row[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet("Guide"); err != nil {
		return err
	}
	gw, err := f.NewStreamWriter("Guide")
	if err != nil {
		return err
	}
	if err := gw.SetColWidth(1, 5, 24); err != nil {
		return err
	}
	title := fmt.Sprintf("Mapping %s: %s", m.Name, m.Description)
	if err := gw.SetRow("A1", []any{excelize.Cell{StyleID: bold, Value: title}}); err != nil {
		return err
	}
	hdr := []any{}
	for _, h := range []string{"Column", "Record field", "Required", "Unit", "Meaning"} {
		hdr = append(hdr, excelize.Cell{StyleID: bold, Value: h})
	}
	if err := gw.SetRow("A3", hdr); err != nil {
		return err
	}
	for i, g := range guide {
		cells := make([]any, len(g))
		for j, v := range g {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		if err := gw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := gw.Flush(); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}
