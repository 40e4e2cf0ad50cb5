package examlist

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/harmonized"
)

// Write writes l as an xlsx workbook to w: the exam list sheet, the About sheet and
// the hidden issued-entries sheet (see the package doc). Rows are streamed: memory
// does not grow with the number of containers beyond what l itself holds.
func Write(w io.Writer, l List) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetList); err != nil {
		return err
	}
	for _, name := range []string{SheetAbout, SheetIssued} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	// Sheet visibility and the active sheet touch every worksheet: set them while the
	// sheets are empty, not after streaming (excelize would read the streamed XML back).
	if err := f.SetSheetVisible(SheetIssued, false, true); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	loc := l.Meta.location()
	if err := writeList(f, &l, st, loc); err != nil {
		return fmt.Errorf("examlist: %s: %w", SheetList, err)
	}
	if err := writeAbout(f, &l, st, loc); err != nil {
		return fmt.Errorf("examlist: %s: %w", SheetAbout, err)
	}
	if err := writeIssued(f, &l); err != nil {
		return fmt.Errorf("examlist: issued entries: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:       "Exam list " + l.Meta.ListID,
		Subject:     "Containers to examine at " + l.Meta.Port,
		Creator:     "icss",
		Identifier:  l.Meta.ListID,
		Description: "Fill in the green columns of the sheet \"" + SheetList + "\" and return this file; see the sheet \"" + SheetAbout + "\".",
	}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// styles are the cell styles of a list, created once per workbook.
type styles struct {
	headRead, headEntry             int
	text, textBad, num, score       int
	arrival, arrivalDay             int
	entryText, entryDate, entryTime int
	entryInt                        int
	referralRow                     int // conditional format (dxf)
	title, label                    int
}

func newStyles(f *excelize.File) (*styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	locked := &excelize.Protection{Locked: true}
	unlocked := &excelize.Protection{Locked: false}
	entryFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E2EFDA"}}
	fmtp := func(s string) *string { return &s }
	var st styles
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.headRead, excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E78"}}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border, Protection: locked}},
		{&st.headEntry, excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"38761D"}}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border, Protection: locked}},
		{&st.text, excelize.Style{Alignment: top, Border: border, Protection: locked}},
		{&st.textBad, excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Alignment: top, Border: border, Protection: locked}},
		{&st.num, excelize.Style{Alignment: top, Border: border, Protection: locked, NumFmt: 1}},
		{&st.score, excelize.Style{Alignment: top, Border: border, Protection: locked, CustomNumFmt: fmtp("0.0")}},
		{&st.arrival, excelize.Style{Alignment: top, Border: border, Protection: locked, CustomNumFmt: fmtp("yyyy-mm-dd hh:mm")}},
		{&st.arrivalDay, excelize.Style{Alignment: top, Border: border, Protection: locked, CustomNumFmt: fmtp("yyyy-mm-dd")}},
		{&st.entryText, excelize.Style{Alignment: top, Border: border, Fill: entryFill, Protection: unlocked}},
		{&st.entryDate, excelize.Style{Alignment: top, Border: border, Fill: entryFill, Protection: unlocked, CustomNumFmt: fmtp("yyyy-mm-dd")}},
		{&st.entryTime, excelize.Style{Alignment: top, Border: border, Fill: entryFill, Protection: unlocked, CustomNumFmt: fmtp("hh:mm")}},
		{&st.entryInt, excelize.Style{Alignment: top, Border: border, Fill: entryFill, Protection: unlocked, NumFmt: 1}},
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.label, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return nil, err
		}
		*s.id = id
	}
	var err error
	st.referralRow, err = f.NewConditionalStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F8CBAD"}}, Font: &excelize.Font{Bold: true}})
	return &st, err
}

// entryStyle is the style of an entry column's empty cell.
func (st *styles) entryStyle(col int) int {
	switch col {
	case colExamDate:
		return st.entryDate
	case colExamTime:
		return st.entryTime
	case colPhotos:
		return st.entryInt
	}
	return st.entryText
}

func writeList(f *excelize.File, l *List, st *styles, loc *time.Location) error {
	// Printed on letter paper, landscape, as wide as a page, the header row on every
	// page: lists are still taken to the quay on paper. Sheet properties come before
	// the stream writer starts the sheet; page setup before Flush.
	yes, one, auto, letter, landscape := true, 1, 0, 1, "landscape"
	if err := f.SetSheetProps(SheetList, &excelize.SheetPropsOptions{FitToPage: &yes}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + SheetList + "'!$1:$1", Scope: SheetList}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetList)
	if err != nil {
		return err
	}
	for i, c := range columns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	// Keep the header and the exam ID in view while scrolling.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: "B2", ActiveCell: "B2", Pane: "bottomRight"}}}); err != nil {
		return err
	}
	row := make([]any, numColumns)
	for i, c := range columns {
		style := st.headRead
		if c.entry {
			style = st.headEntry
		}
		row[i] = excelize.Cell{StyleID: style, Value: c.header}
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	for i := range l.Entries {
		fillRow(row, &l.Entries[i], st, loc)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	last := len(l.Entries) + 1
	if last < 2 {
		last = 2
	}
	lastCol, _ := excelize.ColumnNumberToName(numColumns)
	if err := f.AutoFilter(SheetList, "A1:"+lastCol+fmt.Sprint(last), nil); err != nil {
		return err
	}
	// Validation, conditional formats and protection are worksheet fields that the
	// stream writer serialises on Flush: they must be set before it (INFRA.md §5).
	dvs, err := validations(l, loc, last)
	if err != nil {
		return err
	}
	for _, dv := range dvs {
		if err := f.AddDataValidation(SheetList, dv); err != nil {
			return err
		}
	}
	pathCol, _ := excelize.ColumnNumberToName(colPath + 1)
	readLast, _ := excelize.ColumnNumberToName(firstEntry)
	if err := f.SetConditionalFormat(SheetList, fmt.Sprintf("A2:%s%d", readLast, last), []excelize.ConditionalFormatOptions{{
		Type: "formula", Criteria: fmt.Sprintf(`$%s2="%s"`, pathCol, "referral"), Format: &st.referralRow,
	}}); err != nil {
		return err
	}
	if err := f.SetPageLayout(SheetList, &excelize.PageLayoutOptions{Size: &letter, Orientation: &landscape, FitToWidth: &one, FitToHeight: &auto}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(SheetList, &excelize.HeaderFooterOptions{
		OddHeader: "&L&B" + headerText("Exam list "+l.Meta.ListID) + "&R" + headerText("Port "+l.Meta.Port),
		OddFooter: "&LIssued " + l.Meta.IssuedAt.In(loc).Format("2006-01-02 15:04") + "&RPage &P of &N",
	}); err != nil {
		return err
	}
	// No password: protection keeps the read columns from being changed by a slip;
	// what was issued is kept apart (hidden sheet, original list) and compared on import.
	if err := f.ProtectSheet(SheetList, &excelize.SheetProtectionOptions{
		AutoFilter: true, Sort: true, FormatColumns: true, FormatRows: true,
		SelectLockedCells: true, SelectUnlockedCells: true,
	}); err != nil {
		return err
	}
	return sw.Flush()
}

// headerText escapes text for a print header, where "&" starts a code.
func headerText(s string) string { return strings.ReplaceAll(cleanText(s, maxField), "&", "&&") }

// fillRow sets row to the cells of one entry.
func fillRow(row []any, e *exam.Entry, st *styles, loc *time.Location) {
	text := func(s string) excelize.Cell { return excelize.Cell{StyleID: st.text, Value: s} }
	check, bad := checkDigitText(e)
	checkStyle := st.text
	if bad {
		checkStyle = st.textBad
	}
	var arrival any = text("")
	if e.Arrival != nil {
		style := st.arrival
		t := e.Arrival.In(loc)
		if t.Hour() == 0 && t.Minute() == 0 {
			style = st.arrivalDay
		}
		arrival = excelize.Cell{StyleID: style, Value: excelSerial(t)}
	}
	// Every bill, one a line, even two of the same number from different issuers:
	// the import compares this column with the bills issued.
	bills := make([]string, len(e.Bills))
	for i, b := range e.Bills {
		bills[i] = cleanText(b.Number, maxField)
	}
	exams := make([]string, len(e.Exams))
	for i, x := range e.Exams {
		exams[i] = exam.ExamLabel(x)
	}
	row[colExamID] = text(e.ExamID)
	row[colPriority] = excelize.Cell{StyleID: st.num, Value: e.Priority}
	row[colScore] = excelize.Cell{StyleID: st.score, Value: e.Selection.Score}
	row[colContainer] = text(cleanText(e.Container, maxField))
	row[colCheck] = excelize.Cell{StyleID: checkStyle, Value: check}
	row[colSeals] = text(joinClean(e.Seals, "\n", maxField, maxGoods))
	row[colBills] = text(strings.Join(bills, "\n"))
	row[colConveyance] = text(cleanText(e.Conveyance, maxName))
	row[colArrival] = arrival
	row[colTerminal] = text(cleanText(e.Terminal, maxField))
	row[colShipper] = text(cleanText(e.Shipper, maxName))
	row[colConsignee] = text(cleanText(e.Consignee, maxName))
	row[colGoods] = text(cleanText(e.Goods, maxGoods))
	row[colOrigin] = text(cleanText(e.Origin, maxField))
	row[colExams] = text(strings.Join(exams, "\n"))
	row[colReasons] = text(topReasons(e.Selection.Reasons))
	row[colPath] = text(e.Selection.Path)
	row[colReferral] = text(cleanText(e.Selection.Referral, maxName))
	row[colRuleSet] = text(cleanText(e.Selection.RuleSet, maxField))
	for c := firstEntry; c < numColumns; c++ {
		row[c] = excelize.Cell{StyleID: st.entryStyle(c)}
	}
}

// shownReasons is how many reasons a row shows; the hidden sheet keeps them all.
const shownReasons = 3

// topReasons is the strongest reasons, one a line, and how many more there are.
func topReasons(reasons []string) string {
	rs := distinct(reasons, maxName*2)
	if len(rs) > shownReasons {
		rs = append(rs[:shownReasons:shownReasons], fmt.Sprintf("(+%d more)", len(rs)-shownReasons))
	}
	return cut(strings.Join(rs, "\n"), maxReason)
}

// checkDigitText says whether the container number passes ISO 6346, and whether
// that is bad news.
func checkDigitText(e *exam.Entry) (text string, bad bool) {
	switch {
	case e.ContainerValid || (len(e.Container) == 11 && harmonized.CheckContainer(e.Container) == nil):
		return "valid", false
	case len(e.Container) != 11:
		return "n/a", false
	}
	return "INVALID", true
}

// excelSerial is t's wall clock as a spreadsheet date serial (days since 1899-12-30).
func excelSerial(t time.Time) float64 {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	d := wall.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC))
	return math.Round(d.Seconds()) / 86400
}

// validations returns the data validation of every entry column over rows 2..last.
func validations(l *List, loc *time.Location, last int) ([]*excelize.DataValidation, error) {
	ref := func(col int) string {
		name, _ := excelize.ColumnNumberToName(col + 1)
		return fmt.Sprintf("%s2:%s%d", name, name, last)
	}
	issued := l.Meta.IssuedAt.In(loc)
	firstDay := math.Floor(excelSerial(time.Date(issued.Year(), issued.Month(), issued.Day(), 0, 0, 0, 0, loc)))
	var out []*excelize.DataValidation
	var errs []error
	add := func(col int, setup func(dv *excelize.DataValidation) error, errTitle, errMsg string) {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = ref(col)
		if err := setup(dv); err != nil {
			errs = append(errs, fmt.Errorf("validation of %q: %w", columns[col].header, err))
		}
		dv.SetInput(columns[col].header, cut(columns[col].help, 255))
		dv.SetError(excelize.DataValidationErrorStyleStop, errTitle, errMsg)
		out = append(out, dv)
	}
	add(colPerformed, func(dv *excelize.DataValidation) error { return dv.SetDropList(exam.ExamLabels()) },
		"Exam type", "Pick an exam type from the list.")
	add(colOtherExams, func(dv *excelize.DataValidation) error {
		return dv.SetRange(0, 200, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
	}, "Other exams", `Exam types from the list, separated by ";".`)
	add(colExamDate, func(dv *excelize.DataValidation) error {
		return dv.SetRange(firstDay, "TODAY()", excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween)
	}, "Exam date", "A date from the day the list was issued ("+issued.Format("2006-01-02")+") to today.")
	add(colExamTime, func(dv *excelize.DataValidation) error {
		return dv.SetRange(0.0, 86399.0/86400, excelize.DataValidationTypeTime, excelize.DataValidationOperatorBetween)
	}, "Exam time", "A time of day, HH:MM.")
	add(colOfficer, func(dv *excelize.DataValidation) error {
		return dv.SetRange(1, maxOfficer, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
	}, "Officer ID", "Your badge or user ID, at most 32 characters.")
	add(colOutcome, func(dv *excelize.DataValidation) error { return dv.SetDropList(exam.OutcomeChoices()) },
		"Outcome", "Pick an outcome from the list.")
	add(colFindings, func(dv *excelize.DataValidation) error {
		return dv.SetRange(0, maxFindings, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
	}, "Findings", fmt.Sprintf("At most %d characters.", maxFindings))
	add(colBoltSeal, func(dv *excelize.DataValidation) error {
		return dv.SetRange(2, 35, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
	}, "Bolt seal", "The bolt seal number: 2 to 35 letters, digits, - or /.")
	add(colPhotos, func(dv *excelize.DataValidation) error {
		return dv.SetRange(0, maxPhotos, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween)
	}, "Photo count", fmt.Sprintf("A whole number from 0 to %d.", maxPhotos))
	return out, errors.Join(errs...)
}

// Limits of the entry columns, enforced in the workbook and again on reading.
const (
	maxFindings = 2000
	maxPhotos   = 500
	maxOfficer  = 32
)

// writeIssued writes the entries as issued into the hidden sheet: the Meta as JSON
// in B1, then one row per entry, its exam ID in column A and its JSON from column B
// on, cut into pieces that fit a cell.
func writeIssued(f *excelize.File, l *List) error {
	sw, err := f.NewStreamWriter(SheetIssued)
	if err != nil {
		return err
	}
	meta, err := json.Marshal(l.Meta)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", append([]any{"meta"}, chunks(meta)...)); err != nil {
		return err
	}
	for i := range l.Entries {
		b, err := json.Marshal(&l.Entries[i])
		if err != nil {
			return err
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, append([]any{l.Entries[i].ExamID}, chunks(b)...)); err != nil {
			return err
		}
	}
	if err := f.ProtectSheet(SheetIssued, &excelize.SheetProtectionOptions{SelectLockedCells: true}); err != nil {
		return err
	}
	return sw.Flush()
}

// issuedChunk is the most bytes of JSON put in one cell: far under a cell's 32,767
// characters whatever the text.
const issuedChunk = 16000

func chunks(b []byte) []any {
	var out []any
	for len(b) > 0 {
		n := min(issuedChunk, len(b))
		for n < len(b) && !utf8.RuneStart(b[n]) {
			n--
		}
		out = append(out, string(b[:n]))
		b = b[n:]
	}
	return out
}

// writeAbout writes the About sheet: what the list is and how to return it.
func writeAbout(f *excelize.File, l *List, st *styles, loc *time.Location) error {
	m := &l.Meta
	var errs []error
	keep := func(err error) { errs = append(errs, err) }
	keep(f.SetCellValue(SheetAbout, "A1", "Exam list "+m.ListID))
	keep(f.SetCellStyle(SheetAbout, "A1", "A1", st.title))
	r := 2
	put := func(label string, value any) {
		r++
		a, b := fmt.Sprintf("A%d", r), fmt.Sprintf("B%d", r)
		keep(f.SetCellValue(SheetAbout, a, label))
		keep(f.SetCellStyle(SheetAbout, a, a, st.label))
		if value != nil {
			keep(f.SetCellValue(SheetAbout, b, value))
		}
	}
	cutoff := m.Cutoff.In(loc).Format("2006-01-02 15:04")
	if m.Daily {
		cutoff = m.Cutoff.In(loc).Format("2006-01-02") + " (daily list)"
	}
	put("Port of examination", m.Port)
	put("Cut-off", cutoff+" "+m.Zone)
	put("Issued", m.IssuedAt.In(loc).Format("2006-01-02 15:04")+" "+m.Zone)
	put("Rule set", m.RuleSet)
	put("Containers", m.Rows)
	r++
	put("By selection path", nil)
	for _, k := range sortedKeys(m.ByPath) {
		put("  "+k, m.ByPath[k])
	}
	put("By exam type", nil)
	for _, code := range exam.ExamTypes {
		if n := m.ByExam[code]; n > 0 {
			put("  "+exam.ExamLabel(code), n)
		}
	}
	r++
	put("How to fill in the list", nil)
	for _, line := range []string{
		"Fill in only the green columns of the sheet \"" + SheetList + "\", one row per container examined; leave a row empty if the container was not dealt with yet.",
		"Do not change the other columns, add rows or rename sheets: the list is checked against the list as issued when it comes back.",
		"Exam performed: the main exam, from the list. Other exams performed: any further exams, separated by \";\", e.g. \"Radiation; Devanning\".",
		"Exam date and Exam time: when the exam was done, port time (" + m.Zone + ").",
		"Outcome: from the list. If the container was not examined, pick \"Not examined\" with its reason; explain \"other\" in Findings.",
		"Bolt seal applied: the high-security bolt seal number put on after the exam. Required whenever the exam opened the container (devanning, wood packaging, soil).",
		"Photo count: how many photos you send for the exam.",
	} {
		put("", line)
	}
	r++
	put("How to return it", nil)
	for _, line := range []string{
		"Save the workbook under any name and send it back with the photos, or all together in one ZIP.",
		"Name each photo after its exam: <exam ID>_<anything>.<jpg|png|tif|pdf>, e.g. " + exampleExamID(l) + "_door.jpg, or put the photos of one exam in a folder named after the exam ID.",
		"Photos are kept as evidence byte for byte: send the originals, not screenshots.",
	} {
		put("", line)
	}
	r++
	put("Columns", nil)
	for _, c := range columns {
		role := "read"
		if c.entry {
			role = "fill in"
		}
		put("  "+c.header, role+": "+c.help)
	}
	keep(f.SetColWidth(SheetAbout, "A", "A", 28))
	keep(f.SetColWidth(SheetAbout, "B", "B", 110))
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return f.ProtectSheet(SheetAbout, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true})
}

func exampleExamID(l *List) string {
	if len(l.Entries) > 0 {
		return l.Entries[0].ExamID
	}
	return exam.ExamID(l.Meta.ListID, 1)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
