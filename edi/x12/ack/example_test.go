package ack_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/icss/icss/edi/x12"
	"github.com/icss/icss/edi/x12/ack"
)

// A 315 whose SE01 counts 6 segments instead of 5, from a sender asking for a TA1.
const input = `ISA*00*          *00*          *ZZ*CARRIER        *ZZ*CBSAICSS       *261120*0930*U*00401*000000007*1*P*>~
GS*QO*CARRIER*CBSAICSS*20261120*0930*7*X*004010~
ST*315*0001~
B4***VA*20261119*1400*CAPRR*MSKU*735177*L*45G1*CAPRR*UN*0~
N9*BM*MAEU261100417~
R4*D*UN*CAPRR*PRINCE RUPERT*CA~
SE*6*0001~
GE*1*7~
IEA*1*000000007~
`

func Example() {
	opts := ack.Options{
		Now:      func() time.Time { return time.Date(2026, 11, 20, 10, 5, 0, 0, time.UTC) },
		Controls: ack.NewCounter(),
		Newline:  true,
	}
	v := x12.NewValidator()
	v.OnInterchange = func(ic *x12.Interchange) {
		acks, err := ack.Acknowledge(ic, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, a := range acks {
			fmt.Println("==", a.FileName())
			a.WriteTo(os.Stdout)
		}
	}
	if _, err := v.Validate(x12.NewReader(strings.NewReader(input))); err != nil {
		fmt.Println(err)
	}
	// Output:
	// == TA1_000000007_000000001.x12
	// ISA*00*          *00*          *ZZ*CBSAICSS       *ZZ*CARRIER        *261120*1005*U*00401*000000001*0*P*>~
	// TA1*000000007*261120*0930*A*000~
	// IEA*0*000000001~
	// == 997_000000007_7_000000002.x12
	// ISA*00*          *00*          *ZZ*CBSAICSS       *ZZ*CARRIER        *261120*1005*U*00401*000000002*0*P*>~
	// GS*FA*CBSAICSS*CARRIER*20261120*1005*1*X*004010~
	// ST*997*0001~
	// AK1*QO*7~
	// AK2*315*0001~
	// AK5*R*4~
	// AK9*R*1*1*0~
	// SE*6*0001~
	// GE*1*1~
	// IEA*1*000000002~
}

// The state store's ledger hands out control numbers through ControlNumbersFunc.
func ExampleControlNumbersFunc() {
	ledger := map[string]int64{"isa/ZZ:CBSAICSS/ZZ:CARRIER": 41}
	controls := ack.ControlNumbersFunc(func(scope string) (int64, error) {
		ledger[scope]++ // a real ledger does this in a transaction
		return ledger[scope], nil
	})
	n, _ := controls.Next("isa/ZZ:CBSAICSS/ZZ:CARRIER")
	fmt.Println(n)
	// Output: 42
}
