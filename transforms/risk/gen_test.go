package risk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/icss/icss/transforms/harmonized"
)

// gen makes clean, realistic harmonized records: complete parties from a fixed pool,
// precise descriptions matching their HS codes, valid containers with high-security
// seals, filings days ahead of lading. Nothing in a clean record fires an indicator;
// planted-anomaly tests change one thing.
type gen struct {
	r *rand.Rand
	n int
}

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, 0x1cc5))} }

type goodsKind struct {
	desc, hs, origin, pol string
	usdPerKG, kgPerPiece  float64
}

var cleanGoods = []goodsKind{
	{"COTTON BED LINEN", "630231", "IN", "INNSA", 6, 12},
	{"PLASTIC HOUSEHOLD ARTICLES", "392490", "CN", "CNSHA", 3, 8},
	{"GLASS BOTTLES", "701090", "CN", "CNNGB", 1.2, 15},
	{"PAPER TOWELS", "481820", "KR", "KRPUS", 1.5, 6},
	{"FROZEN SHRIMP", "030617", "VN", "VNSGN", 9, 20},
	{"RUBBER GLOVES", "401519", "MY", "MYPKG", 4, 10},
	{"LED LAMPS", "940540", "CN", "CNYTN", 8, 5},
	{"WOMENS KNITTED SWEATERS", "611030", "BD", "BDCGP", 14, 9},
	{"CANNED PINEAPPLE", "200820", "TH", "THLCH", 1.1, 18},
	{"BICYCLE HELMETS", "650610", "TW", "TWKHH", 12, 4},
}

var shipperPool = []harmonized.Party{
	{Role: harmonized.RoleShipper, Name: "ORIENT HOME TEXTILES LTD", Address: []string{"12 MILL ROAD"}, City: "MUMBAI", Country: "IN"},
	{Role: harmonized.RoleShipper, Name: "NINGBO BRIGHT PLASTICS CO LTD", Address: []string{"88 BEILUN AVE"}, City: "NINGBO", Country: "CN"},
	{Role: harmonized.RoleShipper, Name: "HANSOL PAPER CORP", Address: []string{"24 EULJI-RO"}, City: "SEOUL", Country: "KR"},
	{Role: harmonized.RoleShipper, Name: "MEKONG SEAFOOD JSC", Address: []string{"5 LE LOI"}, City: "HO CHI MINH CITY", Country: "VN"},
	{Role: harmonized.RoleShipper, Name: "KLANG GLOVE SDN BHD", Address: []string{"LOT 7 JALAN KEBUN"}, City: "KLANG", Country: "MY"},
	{Role: harmonized.RoleShipper, Name: "SHENZHEN LUMEN LIGHTING CO", Address: []string{"3 KEJI ROAD"}, City: "SHENZHEN", Country: "CN"},
}

var consigneePool = []harmonized.Party{
	{Role: harmonized.RoleConsignee, Name: "MIDWEST HOME GOODS INC", Address: []string{"100 COMMERCE DR"}, City: "CHICAGO", Country: "US"},
	{Role: harmonized.RoleConsignee, Name: "GREAT LAKES RETAIL CORP", Address: []string{"2200 WOODWARD AVE"}, City: "DETROIT", Country: "US"},
	{Role: harmonized.RoleConsignee, Name: "PRAIRIE WHOLESALE LLC", Address: []string{"45 MARKET ST"}, City: "MEMPHIS", Country: "US"},
	{Role: harmonized.RoleConsignee, Name: "OHIO VALLEY IMPORTERS INC", Address: []string{"9 RIVER RD"}, City: "COLUMBUS", Country: "US"},
}

// container returns a valid ISO 6346 number for a serial.
func container(owner string, serial int) string {
	s := fmt.Sprintf("%sU%06d", owner, serial%1000000)
	return s + string(harmonized.ContainerCheckDigit(s))
}

func dt(t time.Time) *harmonized.DateTime {
	return &harmonized.DateTime{Time: t, Precision: harmonized.PrecisionMinute, Zone: "UTC", Raw: t.Format("2006-01-02 15:04")}
}

// record returns the next clean record.
func (g *gen) record() *harmonized.Record {
	g.n++
	r := g.r
	k := cleanGoods[r.IntN(len(cleanGoods))]
	rec := harmonized.New()
	rec.Bill = harmonized.Bill{IssuerSCAC: "MAEU", Number: fmt.Sprintf("BL%08d", g.n), Kind: harmonized.BillSimple}
	rec.Key = harmonized.BillKey("MAEU", rec.Bill.Number)
	dep := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(20*24)) * time.Hour)
	rec.Filing = harmonized.Filing{Type: harmonized.FilingOriginal, Version: 1, Sequence: int64(g.n), Filer: "MAEU", FiledAt: dt(dep.Add(-72 * time.Hour))}
	rec.Conveyance = harmonized.Conveyance{Mode: harmonized.ModeOcean, VesselName: "MAERSK ESSEN", IMO: "9778791", Voyage: "648E", CarrierSCAC: "MAEU"}
	rec.Itinerary = harmonized.Itinerary{
		PortOfLoading:   &harmonized.Location{UNLOCODE: k.pol},
		PortOfDischarge: &harmonized.Location{UNLOCODE: "CAPRR"},
		PortOfArrival:   &harmonized.Location{UNLOCODE: "CAPRR"},
		Departure:       dt(dep),
		Arrival:         dt(dep.Add(14 * 24 * time.Hour)),
	}
	rec.Parties = []harmonized.Party{shipperPool[r.IntN(len(shipperPool))], consigneePool[r.IntN(len(consigneePool))]}
	pieces := float64(100 + r.IntN(400))
	// Bounded noise: a clean record is never an outlier by chance.
	kg := pieces * k.kgPerPiece * math.Exp((r.Float64()-0.5)*0.3)
	value := kg * k.usdPerKG * math.Exp((r.Float64()-0.5)*0.5)
	cn := container("MSK", g.n)
	rec.Goods = []harmonized.GoodsItem{{
		Line: 1, Description: k.desc, HSOriginal: k.hs, HS: k.hs, HS6: k.hs, Quantity: pieces, PackageType: "CTN",
		Weight: &harmonized.Weight{KG: math.Round(kg), Value: math.Round(kg), Unit: "KG"}, Value: fmt.Sprintf("%.2f", value), Currency: "USD",
		OriginCountry: k.origin, Containers: []string{cn},
	}}
	rec.Bill.Weight = &harmonized.Weight{KG: math.Round(kg) + 3800, Value: math.Round(kg) + 3800, Unit: "KG"}
	rec.Equipment = []harmonized.Equipment{{
		Number: cn, Raw: cn, Encoding: harmonized.EncodingFull, Check: harmonized.CheckValid, SizeType: "45G1", Status: harmonized.StatusFull,
		Seals: []harmonized.Seal{{Number: fmt.Sprintf("ML%07d", g.n), Raw: fmt.Sprintf("ML%07d", g.n), Class: "H"}},
	}}
	rec.InTransit = harmonized.InTransit{Status: harmonized.TransitDomestic, ArrivalCountry: "CA", DestinationCountry: "CA"}
	return rec
}

// history learns n clean, examined records.
func (g *gen) history(n int) *History {
	h := NewHistory()
	for range n {
		h.Learn(g.record(), Outcome{Examined: true})
	}
	return h
}
