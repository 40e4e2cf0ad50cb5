package risk

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/transforms/harmonized"
)

// TestPlantedAnomalies proves every built-in indicator (RISK.md §4 and §6.4): a batch of
// clean records gets one record with a planted anomaly; the planted record must fire
// the rule, carry the expected reason and rank first in its batch. These are functional
// tests, not accuracy measurements.
func TestPlantedAnomalies(t *testing.T) {
	t.Parallel()
	eng, err := Compile(DefaultRuleSet())
	if err != nil {
		t.Fatal(err)
	}
	hours := func(h int) time.Duration { return time.Duration(h) * time.Hour }
	tests := []struct {
		name   string // catalogue number and what is planted
		rule   string
		reason string // a substring of the rule's reason
		plant  func(r *harmonized.Record)
		// history, when set, adds labelled records to the clean history.
		history func(g *gen, h *History)
		// versions, when set, returns the earlier filings of the planted bill, made from
		// its clean form.
		versions func(clean *harmonized.Record) []*harmonized.Record
	}{
		{"#1 FAK description", "DESC-VAGUE", "vague description: FAK", func(r *harmonized.Record) {
			r.Goods[0].Description = "1 X 40 FAK"
		}, nil, nil},
		{"#1 said to contain", "DESC-VAGUE", "SAID TO CONTAIN", func(r *harmonized.Record) {
			r.Goods[0].Description = "20 PALLETS SAID TO CONTAIN"
		}, nil, nil},
		{"#2 tiles declared as computers", "DESC-HS-MISMATCH", "(HS chapter 69), HS code is 847130 (chapter 84)", func(r *harmonized.Record) {
			r.Goods[0].Description, r.Goods[0].HS, r.Goods[0].HS6 = "CERAMIC FLOOR TILES", "847130", "847130"
		}, nil, nil},
		{"#3 cigarettes", "HS-WATCH", "tobacco watch list", func(r *harmonized.Record) {
			r.Goods[0].Description, r.Goods[0].HS, r.Goods[0].HS6 = "CIGARETTES", "240220", "240220"
		}, nil, nil},
		{"#4 commodity×origin with a bad record", "HIST-COMMODITY-ORIGIN", "HS×origin 721720|UA: 8 hits in 8 exams", func(r *harmonized.Record) {
			setGoods(r, steelWire)
		}, func(g *gen, h *History) {
			for range 8 {
				rec := g.record()
				setGoods(rec, steelWire)
				h.Learn(rec, Outcome{Examined: true, Hit: true})
			}
			// Hits elsewhere, on goods the batch does not carry.
			for range 2 {
				rec := g.record()
				setGoods(rec, goodsKind{desc: "LIVE HORSES", hs: "010121", origin: "FR", pol: "FRLEH"})
				h.Learn(rec, Outcome{Examined: true, Hit: true})
			}
		}, nil},
		{"#5 coconuts from Norway", "PAIR-RARE-ORIGIN", "from NO seen 0 times", func(r *harmonized.Record) {
			r.Goods[0].OriginCountry = "NO"
			r.Itinerary.PortOfLoading = &harmonized.Location{UNLOCODE: "NOOSL"}
		}, nil, nil},
		{"#5 commodity new at the port", "PAIR-RARE-PORT", "at CAVAN seen 0 times", func(r *harmonized.Record) {
			r.Itinerary.PortOfArrival = &harmonized.Location{UNLOCODE: "CAVAN"}
		}, nil, nil},
		{"#6 undervalued", "VALUE-OUTLIER", "per kg against a typical", func(r *harmonized.Record) {
			v, _ := parseValue(r.Goods[0].Value)
			r.Goods[0].Value = formatValue(v / 100)
		}, nil, nil},
		{"#7 heavy pieces", "WEIGHT-IMPLAUSIBLE", "kg per piece", func(r *harmonized.Record) {
			r.Goods[0].Quantity /= 20
		}, nil, nil},
		{"#7 over payload", "WEIGHT-IMPLAUSIBLE", "exceeds the 28800 kg payload", func(r *harmonized.Record) {
			r.Bill.Weight = &harmonized.Weight{KG: 41000, Value: 41000, Unit: "KG"}
		}, nil, nil},
		{"#9 first-time consignee", "PARTY-FIRST-TIME", "first-time party: consignee", func(r *harmonized.Record) {
			r.Parties[1].Name = "BRAND NEW VENTURES INC"
		}, nil, nil},
		{"#11 to order", "CONSIGNEE-OPAQUE", "TO ORDER OF SHIPPER", func(r *harmonized.Record) {
			r.Parties[1] = harmonized.Party{Role: harmonized.RoleConsignee, Name: "TO ORDER OF SHIPPER"}
		}, nil, nil},
		{"#11 forwarder consignee", "CONSIGNEE-OPAQUE", "FASTLANE LOGISTICS", func(r *harmonized.Record) {
			r.Parties[1].Name = "FASTLANE LOGISTICS INC"
		}, nil, nil},
		{"#12 PO box", "ADDRESS-INCOMPLETE", "post-office box", func(r *harmonized.Record) {
			r.Parties[1].Address = []string{"P.O. BOX 4471"}
		}, nil, nil},
		{"#13 watch-listed shipper", "WATCH-ENTITY", "lookout entry WL-0001", func(r *harmonized.Record) {
			r.Parties[0].Name = "GOLDEN DRAGON IMPORT & EXPORT CO LTD"
		}, nil, nil},
		{"#13 watch-listed address", "WATCH-ADDRESS", "WA-0001", func(r *harmonized.Record) {
			r.Parties[1].Address = []string{"UNIT 12, 88 HARBOUR ROAD, WANCHAI"}
		}, nil, nil},
		{"#13 watch-listed vessel", "WATCH-VESSEL", "WV-0001", func(r *harmonized.Record) {
			r.Conveyance.VesselName, r.Conveyance.IMO = "OCEAN PHANTOM", "9123455"
		}, nil, nil},
		{"#16 transshipment at a listed port", "ROUTE-LISTED-PORT", "transshipment at IRBND", func(r *harmonized.Record) {
			r.Itinerary.Transshipment = []harmonized.Location{{UNLOCODE: "IRBND"}}
		}, nil, nil},
		{"#17 loaded outside the origin", "ORIGIN-NOT-LOADING", "loaded in AE", func(r *harmonized.Record) {
			r.Itinerary.PortOfLoading = &harmonized.Location{UNLOCODE: "AEJEA"}
		}, nil, nil},
		{"#19 in transit", "IN-TRANSIT", "in-transit cargo", func(r *harmonized.Record) {
			r.InTransit = harmonized.InTransit{Status: harmonized.TransitYes, ArrivalCountry: "CA", DestinationCountry: "US"}
		}, nil, nil},
		{"#20 no seal", "SEAL-MISSING", "has no seal", func(r *harmonized.Record) {
			r.Equipment[0].Seals = nil
		}, nil, nil},
		{"#20 indicative seal", "SEAL-NOT-HIGH-SECURITY", "class I, not H", func(r *harmonized.Record) {
			r.Equipment[0].Seals[0].Class = "I"
		}, nil, nil},
		{"#21 bad check digit", "CONTAINER-CHECK-DIGIT", "fails the ISO 6346 check digit", func(r *harmonized.Record) {
			n := r.Equipment[0].Number
			bad := n[:10] + string('0'+(n[10]-'0'+1)%10)
			r.Equipment[0].Number, r.Equipment[0].Check, r.Goods[0].Containers = bad, harmonized.CheckInvalid, []string{bad}
		}, nil, nil},
		{"#24 filed after lading", "FILING-LATE", "manifest filed 6.0 h after lading, due 24 h before", func(r *harmonized.Record) {
			r.Filing.FiledAt = dt(r.Itinerary.Departure.Time.Add(hours(6)))
		}, nil, nil},
		{"#25 amended after loading", "AMENDED-AFTER-LOADING", "amendment filed 48.0 h after lading", func(r *harmonized.Record) {
			r.Filing.Type, r.Filing.Version = harmonized.FilingAmend, 2
			r.Filing.FiledAt = dt(r.Itinerary.Departure.Time.Add(hours(48)))
		}, nil, nil},
		{"#26 goods in an undeclared container", "FILING-INCONSISTENT", "not in the equipment", func(r *harmonized.Record) {
			r.Goods[0].Containers = []string{container("TGH", 999)}
		}, nil, nil},
		{"#26 no consignee", "FILING-INCONSISTENT", "shipper or consignee missing", func(r *harmonized.Record) {
			r.Parties = r.Parties[:1]
		}, nil, nil},
		{"#28 tiles travel on crates", "WPM-PRONE", "usually travels on solid wood packaging", func(r *harmonized.Record) {
			r.Goods[0].Description, r.Goods[0].HS, r.Goods[0].HS6 = "PORCELAIN TILES", "690721", "690721"
			r.Goods[0].OriginCountry, r.Itinerary.PortOfLoading = "ES", &harmonized.Location{UNLOCODE: "ESVLC"}
		}, func(g *gen, h *History) {
			// Make the pair familiar so only the packaging indicator speaks.
			for range 5 {
				rec := g.record()
				rec.Goods[0].HS, rec.Goods[0].HS6, rec.Goods[0].OriginCountry = "690721", "690721", "ES"
				h.Learn(rec, Outcome{Examined: true})
			}
		}, nil},
		{"#29 machinery from a poor-WPM origin", "WPM-ORIGIN", "wood packaging from CN", func(r *harmonized.Record) {
			r.Goods[0].Description, r.Goods[0].HS, r.Goods[0].HS6 = "LATHES", "845811", "845811"
			r.Goods[0].OriginCountry, r.Itinerary.PortOfLoading = "CN", &harmonized.Location{UNLOCODE: "CNSHA"}
		}, nil, nil},
		{"#29 crates declared without WPM", "WPM-CONTRADICTION", "declared as no wood packaging", func(r *harmonized.Record) {
			r.Goods[0].Description = r.Goods[0].Description + " ON 10 PALLETS NO WPM"
		}, nil, nil},
		{"#30 used excavator", "SOIL-PRONE", "soil risk: HS 842952", func(r *harmonized.Record) {
			r.Goods[0].Description, r.Goods[0].HS, r.Goods[0].HS6 = "USED EXCAVATOR", "842952", "842952"
		}, nil, nil},
		{"#25 amendment replaces the consignee", "AMENDED-KEY-FIELDS", "amendment changes consignee", func(r *harmonized.Record) {
			r.Filing.Type, r.Filing.Sequence = harmonized.FilingAmend, r.Filing.Sequence+1
			r.Parties[1].Name = consigneePool[(indexOf(r.Parties[1].Name)+1)%len(consigneePool)].Name
		}, nil, func(clean *harmonized.Record) []*harmonized.Record { return []*harmonized.Record{clean} }},
		{"#25 deleted and refiled", "REFILED", "cancelled and filed again", func(r *harmonized.Record) {
			r.Filing.Sequence += 2
		}, nil, func(clean *harmonized.Record) []*harmonized.Record {
			del := *clean
			del.Filing.Type, del.Filing.Sequence = harmonized.FilingDelete, clean.Filing.Sequence+1
			return []*harmonized.Record{clean, &del}
		}},
		{"#30 used generator by description", "SOIL-PRONE", "soil risk: description says USED", func(r *harmonized.Record) {
			r.Goods[0].Description = "USED " + r.Goods[0].Description
		}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGen(42)
			h := g.history(400)
			if tt.history != nil {
				tt.history(g, h)
			}
			e := eng.WithHistory(h)
			sc := e.NewScratch()
			batch := make([]*harmonized.Record, 200)
			for i := range batch {
				batch[i] = g.record()
			}
			planted := batch[137]
			if tt.versions != nil {
				clean := *planted
				clean.Parties = slices.Clone(planted.Parties)
				ledger := harmonized.NewLedger()
				for _, v := range tt.versions(&clean) {
					if _, err := ledger.Apply(v); err != nil {
						t.Fatal(err)
					}
				}
				tt.plant(planted)
				if _, err := ledger.Apply(planted); err != nil {
					t.Fatal(err)
				}
				e = e.WithVersions(ledger)
			} else {
				tt.plant(planted)
			}
			type ranked struct {
				key   string
				score float64
			}
			var ranks []ranked
			var got Assessment
			for _, rec := range batch {
				a, err := e.Assess(rec, sc)
				if err != nil {
					t.Fatal(err)
				}
				if rec == planted {
					got = a
				}
				ranks = append(ranks, ranked{a.Key, a.Score})
			}
			var reason *Reason
			for i := range got.Reasons {
				if got.Reasons[i].Rule == tt.rule {
					reason = &got.Reasons[i]
				}
			}
			if reason == nil {
				t.Fatalf("%s did not fire on the planted record; reasons %+v", tt.rule, got.Reasons)
			}
			if !strings.Contains(reason.Text, tt.reason) {
				t.Errorf("%s reason %q does not contain %q", tt.rule, reason.Text, tt.reason)
			}
			if reason.Contribution <= 0 {
				t.Errorf("%s contributes %v, want > 0", tt.rule, reason.Contribution)
			}
			sort.SliceStable(ranks, func(i, j int) bool { return ranks[i].score > ranks[j].score })
			if ranks[0].key != planted.Key || ranks[1].score >= ranks[0].score {
				t.Errorf("planted record %s (score %v) does not rank alone at the top: first %s %v, second %s %v",
					planted.Key, got.Score, ranks[0].key, ranks[0].score, ranks[1].key, ranks[1].score)
			}
		})
	}
}

func indexOf(consignee string) int {
	for i, p := range consigneePool {
		if p.Name == consignee {
			return i
		}
	}
	return 0
}

var steelWire = goodsKind{desc: "STEEL WIRE", hs: "721720", origin: "UA", pol: "UAODS"}

func setGoods(r *harmonized.Record, k goodsKind) {
	g := &r.Goods[0]
	g.Description, g.HS, g.HSOriginal, g.HS6, g.OriginCountry = k.desc, k.hs, k.hs, k.hs, k.origin
	r.Itinerary.PortOfLoading = &harmonized.Location{UNLOCODE: k.pol}
}

func formatValue(v float64) string { return fmt.Sprintf("%.2f", v) }
