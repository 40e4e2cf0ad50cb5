package examlist_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/examlist"
)

// One bill of two containers, and another bill sharing the second: three bills
// would be two rows.
const records = `{"schema":"icss.harmonized/1","key":"MAEUB1","bill":{"issuer_scac":"MAEU","number":"B1"},"filing":{"type":"original","version":1},"conveyance":{"vessel_name":"MAERSK ESSEN","voyage":"648E"},"itinerary":{"port_of_arrival":{"unlocode":"CAPRR"},"arrival":{"time":"2026-12-05T00:00:00Z","precision":"date"}},"parties":[{"role":"shipper","name":"=HYPERLINK(\"http://x\",\"click\")"}],"equipment":[{"number":"MSKU7351770","check":"valid"},{"number":"HLXU1234560","check":"valid"}]}
{"schema":"icss.harmonized/1","key":"OOLUB2","bill":{"issuer_scac":"OOLU","number":"B2"},"filing":{"type":"original","version":1},"itinerary":{"port_of_arrival":{"unlocode":"CAPRR"}},"parties":[{"role":"shipper","name":"ACME"}],"equipment":[{"number":"HLXU1234560","check":"valid"}]}
`

const assessments = `{"key":"MAEUB1","index":0,"score":55,"selected":true,"path":"rule","exams":["nii_xray"],"reasons":[{"rule":"SEAL","contribution":15,"text":"seal not high-security"}],"rule_set":"icss-default@1.0.0","port":"CAPRR","day":"2026-12-05"}
{"key":"OOLUB2","index":1,"score":12,"selected":true,"path":"referral","referral":"partner CBP-NTC: R12","exams":["devanning"],"reasons":[],"rule_set":"icss-default@1.0.0","port":"CAPRR","day":"2026-12-05"}
`

func Example() {
	lists, err := examlist.Build(context.Background(), strings.NewReader(assessments), strings.NewReader(records),
		examlist.BuildOptions{IssuedAt: time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	for _, l := range lists {
		fmt.Println(l.Meta.ListID, l.Meta.Rows, "rows")
		for _, e := range l.Entries {
			fmt.Println(e.ExamID, e.Priority, e.Container, len(e.Bills), "bill(s)", e.Exams, e.Selection.Path, e.Shipper)
		}
		var book bytes.Buffer
		if err := examlist.Write(&book, l); err != nil {
			panic(err)
		}
	}
	// Output:
	// CAPRR-20261205 2 rows
	// CAPRR-20261205-0001 1 HLXU1234560 2 bill(s) [nii_xray devanning] referral =HYPERLINK("http://x","click"); ACME
	// CAPRR-20261205-0002 2 MSKU7351770 1 bill(s) [nii_xray] rule =HYPERLINK("http://x","click")
}

func ExampleReadReturns() {
	lists, _ := examlist.Build(context.Background(), strings.NewReader(assessments), strings.NewReader(records),
		examlist.BuildOptions{IssuedAt: time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)})
	var book, returned bytes.Buffer
	if err := examlist.Write(&book, lists[0]); err != nil {
		panic(err)
	}
	// An officer fills the list in (here, the test kit's officer).
	if _, err := officer.Fill(&book, &returned, officer.Choices{Seed: 1, Now: time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)}); err != nil {
		panic(err)
	}
	err := examlist.ReadReturns(&returned, "returned.xlsx", func(r exam.Return) error {
		fmt.Println(r.Row, r.ExamID, r.Performed, r.Outcome, r.BoltSeal != "", r.ExaminedAt.Format(time.RFC3339))
		return nil
	})
	for _, ce := range examlist.CellErrors(err) {
		fmt.Println(ce) // file, sheet, row, column and what is wrong
	}
	// Output:
	// 2 CAPRR-20261205-0001 [nii_xray devanning] no_finding true 2026-12-05T02:00:00Z
	// 3 CAPRR-20261205-0002 [nii_xray] discrepancy true 2026-12-05T10:00:00Z
}
