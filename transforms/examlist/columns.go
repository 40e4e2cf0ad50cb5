package examlist

// Sheet names. The hidden sheet's name says what it is to anyone who unhides it.
const (
	SheetList   = "Exam list"
	SheetAbout  = "About"
	SheetIssued = "Issued (do not edit)"
)

// Headers of the columns a returned list is read by: the row's identity and the
// entry columns the officer fills in. They are the contract with the workbook.
const (
	HeaderExamID     = "Exam ID"
	HeaderContainer  = "Container"
	HeaderBills      = "Bills"
	HeaderPerformed  = "Exam performed"
	HeaderOtherExams = "Other exams performed"
	HeaderExamDate   = "Exam date"
	HeaderExamTime   = "Exam time"
	HeaderOfficer    = "Officer ID"
	HeaderOutcome    = "Outcome"
	HeaderFindings   = "Findings"
	HeaderBoltSeal   = "Bolt seal applied"
	HeaderPhotoCount = "Photo count"
)

// column is one column of the exam list sheet. The header text is the contract with
// the reader: ReadReturns finds columns by header, not by position.
type column struct {
	header string
	width  float64
	entry  bool   // filled in by the officer
	help   string // what it holds or how to fill it in (About sheet, input prompts)
}

// Column indexes (0-based) into columns.
const (
	colExamID = iota
	colPriority
	colScore
	colContainer
	colCheck
	colSeals
	colBills
	colConveyance
	colArrival
	colTerminal
	colShipper
	colConsignee
	colGoods
	colOrigin
	colExams
	colReasons
	colPath
	colReferral
	colRuleSet
	colPerformed
	colOtherExams
	colExamDate
	colExamTime
	colOfficer
	colOutcome
	colFindings
	colBoltSeal
	colPhotos
	numColumns
)

var columns = [numColumns]column{
	colExamID:     {HeaderExamID, 23, false, "quote it in photo names and messages"},
	colPriority:   {"Priority", 8, false, "1 referred, 2 selected by the rules, 3 selected to use the day's capacity, 4 random control sample"},
	colScore:      {"Score", 7, false, "risk score of the strongest bill"},
	colContainer:  {HeaderContainer, 14, false, "ISO 6346 number as filed"},
	colCheck:      {"Check digit", 10, false, "ISO 6346 check digit of the number as filed: valid, INVALID, or n/a for other equipment"},
	colSeals:      {"Seals filed", 16, false, "seal numbers as the carrier filed them, one a line"},
	colBills:      {HeaderBills, 18, false, "bill-of-lading numbers in the container, one a line"},
	colConveyance: {"Vessel / voyage or train", 22, false, "the vessel and voyage, or the train, as filed"},
	colArrival:    {"Arrival", 16, false, "expected at the port, port time"},
	colTerminal:   {"Terminal / FIRMS", 11, false, "terminal or FIRMS code of the port of arrival"},
	colShipper:    {"Shipper", 26, false, "as filed by the carrier"},
	colConsignee:  {"Consignee", 26, false, "as filed by the carrier"},
	colGoods:      {"Goods (HS6, description)", 40, false, "abridged"},
	colOrigin:     {"Origin", 8, false, "country of origin (or of loading)"},
	colExams:      {"Exams selected", 22, false, "the exam types asked for, one a line"},
	colReasons:    {"Top reasons", 50, false, "why the container was selected, strongest first"},
	colPath:       {"Selected by", 11, false, "referral, rule, hits, capacity or random"},
	colReferral:   {"Referral", 22, false, "who referred it and why"},
	colRuleSet:    {"Rule set", 16, false, "rule set and version that scored it"},
	colPerformed:  {HeaderPerformed, 22, true, "pick the main exam performed from the list"},
	colOtherExams: {HeaderOtherExams, 24, true, `any further exams, separated by ";" (e.g. "Radiation; Devanning")`},
	colExamDate:   {HeaderExamDate, 12, true, "date of the exam, YYYY-MM-DD, not before the list was issued nor in the future"},
	colExamTime:   {HeaderExamTime, 9, true, "time of the exam, HH:MM, port time"},
	colOfficer:    {HeaderOfficer, 11, true, "your badge or user ID"},
	colOutcome:    {HeaderOutcome, 30, true, "pick from the list; if the container was not examined, pick the reason"},
	colFindings:   {HeaderFindings, 40, true, "what was found; required for a discrepancy, a seizure or \"Not examined: other\""},
	colBoltSeal:   {HeaderBoltSeal, 16, true, "number of the high-security bolt seal put on after the exam (required when the container was opened)"},
	colPhotos:     {HeaderPhotoCount, 8, true, "number of photos sent with the list for this exam"},
}

// firstEntry is the first column the officer fills in; all after it are entries too.
const firstEntry = colPerformed
