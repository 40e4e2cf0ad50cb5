package notices_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/icss/icss/edi/x12/ack"
	"github.com/icss/icss/transforms/notices"
)

// A bill filed in a 309 by CN Rail is selected for exam: its carrier gets a 350 with a
// hold for the container.
func ExampleBuild() {
	records := `{"key":"MAEU123456","bill":{"issuer_scac":"MAEU","number":"123456"},"filing":{"version":1,"filer":"CNRU"},` +
		`"provenance":{"standard":"x12","version":"004010","message":"309"},"equipment":[{"number":"MSKU7351770"}]}` + "\n"
	assessments := `{"key":"MAEU123456","index":0,"selected":true,"port":"CAPRR"}` + "\n"
	b, err := notices.Build(context.Background(), notices.Inputs{
		Assessments: strings.NewReader(assessments),
		Records:     strings.NewReader(records),
	}, notices.Options{
		Config:   notices.DefaultConfig(),
		Controls: ack.NewCounter(),
		Now:      func() time.Time { return time.Date(2026, 12, 4, 14, 5, 0, 0, time.UTC) },
	})
	if err != nil {
		panic(err)
	}
	for _, f := range b.Files {
		fmt.Println(f.Name)
		fmt.Print(string(f.Data))
	}
	// Output:
	// 350_CNRU_000000001.x12
	// ISA*00*          *00*          *ZZ*ICSS           *ZZ*CNRU           *261204*1405*U*00401*000000001*0*P*>~
	// GS*SO*ICSS*CNRU*20261204*1405*1*X*004010~
	// ST*350*0001~
	// P4*CAPRR*20261204~
	// X4*123456****20261204*1405*1H**MAEU**MSKU*7351770~
	// K1*HELD FOR CBSA EXAMINATION~
	// SE*5*0001~
	// GE*1*1~
	// IEA*1*000000001~
}
