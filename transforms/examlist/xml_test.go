package examlist

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"
	"testing"
)

// xlsxCell is a cell as the sheet XML holds it.
type xlsxCell struct {
	Ref     string  `xml:"r,attr"`
	Type    string  `xml:"t,attr"`
	Style   string  `xml:"s,attr"`
	Formula *string `xml:"f"`
	Value   string  `xml:"v"`
	Inline  struct {
		T string `xml:"t"`
	} `xml:"is"`
}

// sheetPart returns the XML of the named sheet and its state (visible, hidden,
// veryHidden), reading the package the way a spreadsheet does.
func sheetPart(t testing.TB, book []byte, name string) (string, string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	read := func(p string) []byte {
		f, err := zr.Open(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var wb struct {
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(read("xl/workbook.xml"), &wb); err != nil {
		t.Fatal(err)
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(read("xl/_rels/workbook.xml.rels"), &rels); err != nil {
		t.Fatal(err)
	}
	for _, s := range wb.Sheets {
		if s.Name != name {
			continue
		}
		for _, r := range rels.Rel {
			if r.ID == s.RID {
				target := strings.TrimPrefix(r.Target, "/")
				if !strings.HasPrefix(target, "xl/") {
					target = path.Join("xl", target)
				}
				return string(read(target)), cmpOr(s.State, "visible")
			}
		}
	}
	t.Fatalf("no sheet %q", name)
	return "", ""
}

// sheetCells decodes every cell of a sheet's XML.
func sheetCells(t testing.TB, sheet string) []xlsxCell {
	t.Helper()
	var ws struct {
		Rows []struct {
			Cells []xlsxCell `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.Unmarshal([]byte(sheet), &ws); err != nil {
		t.Fatal(err)
	}
	var out []xlsxCell
	for _, r := range ws.Rows {
		out = append(out, r.Cells...)
	}
	return out
}
