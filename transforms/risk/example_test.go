package risk_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/risk"
)

// Score a record with the shipped rule set and print why it was picked.
func Example() {
	eng, err := risk.Compile(risk.DefaultRuleSet())
	if err != nil {
		panic(err)
	}
	rec := harmonized.New()
	rec.Key = "MAEU123456789"
	rec.Parties = []harmonized.Party{
		{Role: harmonized.RoleShipper, Name: "Golden Dragon Import-Export Limited", Address: []string{"1 Harbour Rd"}, City: "Hong Kong", Country: "HK"},
		{Role: harmonized.RoleConsignee, Name: "TO ORDER"},
	}
	rec.Goods = []harmonized.GoodsItem{{Line: 1, Description: "FAK", HS: "940360", HS6: "940360"}}
	a, err := eng.Assess(rec, eng.NewScratch())
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Score, a.Band, a.Selected, a.Path, a.Exams)
	for _, r := range a.Reasons {
		fmt.Printf("%-16s %5.1f  %s\n", r.Rule, r.Contribution, r.Text)
	}
	// Output:
	// 86 high true rule [nii_xray devanning wood_packaging documentary]
	// WATCH-ENTITY      60.0  shipper "Golden Dragon Import-Export Limited" matches lookout entry WL-0001 "Golden Dragon Import Export Co., Ltd." (similarity 1.00)
	// DESC-VAGUE        15.0  vague description: FAK
	// CONSIGNEE-OPAQUE   8.0  consignee hides the owner: TO ORDER
	// WPM-PRONE          3.0  HS 940360 usually travels on solid wood packaging
}

// Stream JSON lines through the engine, as `icss risk score` does.
func ExampleEngine_Score() {
	eng, _ := risk.Compile(risk.DefaultRuleSet())
	in := strings.NewReader(`{"key":"A1","goods":[{"line":1,"description":"SAID TO CONTAIN","hs":"870830"}],"parties":[{"role":"shipper","name":"S"},{"role":"consignee","name":"C"}]}
{"key":"A2","goods":[{"line":1,"description":"BRAKE PARTS","hs":"870830"}],"parties":[{"role":"shipper","name":"S"},{"role":"consignee","name":"C"}]}
`)
	stats, err := eng.Score(context.Background(), in, os.Stdout, risk.StreamOptions{Workers: 2})
	if err != nil {
		panic(err)
	}
	fmt.Println(stats.Records, "records")
	// Output:
	// {"key":"A1","index":0,"score":24,"band":"medium","hits":3,"selected":true,"path":"hits","exams":["nii_xray","devanning","wood_packaging","documentary"],"reasons":[{"rule":"DESC-VAGUE","contribution":15,"text":"vague description: SAID TO CONTAIN"},{"rule":"ADDRESS-INCOMPLETE","contribution":6,"text":"shipper \"S\" has no street address"},{"rule":"WPM-PRONE","contribution":3,"text":"HS 870830 usually travels on solid wood packaging"}],"draw":0.2802338764126461,"rule_set":"icss-default@1.0.0"}
	// {"key":"A2","index":1,"score":9,"band":"low","hits":2,"selected":false,"exams":["wood_packaging","documentary"],"reasons":[{"rule":"ADDRESS-INCOMPLETE","contribution":6,"text":"shipper \"S\" has no street address"},{"rule":"WPM-PRONE","contribution":3,"text":"HS 870830 usually travels on solid wood packaging"}],"draw":0.8835029639065558,"rule_set":"icss-default@1.0.0"}
	// 2 records
}
