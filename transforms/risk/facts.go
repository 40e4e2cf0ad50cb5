package risk

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/icss/icss/transforms/harmonized"
)

// Facts are what a rule's expressions see: a few record fields and every built-in
// indicator (RISK.md §4), computed once per record. The expr names are the `expr` tags;
// the *_detail strings say what made an indicator fire and are meant for reasons.
type Facts struct {
	// Record is the record itself, for conditions over any of its fields, with the Go
	// field names: record.Conveyance.VesselFlag == "KP",
	// any(record.Parties, .Country == "IR"). It is read-only. A rule set that reads it
	// makes Score decode every field of every line, not only those the facts use.
	Record *harmonized.Record `expr:"record"`
	// Record fields.
	Key            string            `expr:"key"`
	Mode           string            `expr:"mode"`
	FilingType     string            `expr:"filing_type"`
	HS6            string            `expr:"hs6"`
	Origin         string            `expr:"origin"`
	LoadingCountry string            `expr:"loading_country"`
	Port           string            `expr:"port"`
	Description    string            `expr:"description"`
	Lines          int               `expr:"lines"`
	Containers     int               `expr:"containers"`
	Extra          map[string]string `expr:"extra"`
	Flags          []string          `expr:"flags"`

	// #1 vague description.
	VagueDescription bool   `expr:"vague_description"`
	VagueTerm        string `expr:"vague_term"`
	// #2 description vs HS chapter.
	HSMismatch       bool   `expr:"hs_mismatch"`
	HSMismatchDetail string `expr:"hs_mismatch_detail"`
	// #3 HS watch list: the list's name and the code.
	HSWatch     string `expr:"hs_watch"`
	HSWatchCode string `expr:"hs_watch_code"`
	// #5 rare commodity–origin and commodity–port pairs.
	RareCommodityOrigin bool    `expr:"rare_commodity_origin"`
	RareCommodityPort   bool    `expr:"rare_commodity_port"`
	PairSeen            float64 `expr:"pair_seen"`
	PortPairSeen        float64 `expr:"port_pair_seen"`
	// #6 unit value against HS peers (z of log value per kg; the most extreme line).
	UnitValueZ       float64 `expr:"unit_value_z"`
	UnitValueOutlier bool    `expr:"unit_value_outlier"`
	// #7 weight per piece against HS peers, and gross weight over the container's payload.
	WeightZ        float64 `expr:"weight_z"`
	WeightOutlier  bool    `expr:"weight_outlier"`
	OverPayload    bool    `expr:"over_payload"`
	WeightDetail   string  `expr:"weight_detail"`
	UnitValueLabel string  `expr:"unit_value_detail"`
	// #9 first-time parties: the roles never seen before, comma-separated.
	FirstTimeParty string `expr:"first_time_party"`
	// #11 consignee a forwarder, "to order" bill.
	ForwarderConsignee bool   `expr:"forwarder_consignee"`
	ToOrder            bool   `expr:"to_order"`
	ConsigneeName      string `expr:"consignee_name"`
	// #12 incomplete or odd party addresses.
	IncompleteAddress       bool   `expr:"incomplete_address"`
	IncompleteAddressDetail string `expr:"incomplete_address_detail"`
	// #13 watch lists: entry matched (list, id, name) and similarity.
	WatchEntity        bool    `expr:"watch_entity"`
	WatchEntityDetail  string  `expr:"watch_entity_detail"`
	WatchEntityScore   float64 `expr:"watch_entity_score"`
	WatchAddress       bool    `expr:"watch_address"`
	WatchAddressDetail string  `expr:"watch_address_detail"`
	WatchVessel        bool    `expr:"watch_vessel"`
	WatchVesselDetail  string  `expr:"watch_vessel_detail"`
	// #16 transshipment or loading at a listed port.
	ListedPort string `expr:"listed_port"`
	// #17 loading country differs from origin.
	OriginNotLoading bool `expr:"origin_not_loading"`
	// #19 in transit through one country to the other.
	InTransit bool `expr:"in_transit"`
	// #20 seals.
	SealMissing bool   `expr:"seal_missing"`
	SealNotHigh bool   `expr:"seal_not_high_security"`
	SealDetail  string `expr:"seal_detail"`
	// #21 container check digit.
	ContainerInvalid bool   `expr:"container_invalid"`
	ContainerDetail  string `expr:"container_detail"`
	// #24 late filing: hours between filing and lading (negative when filed after).
	LateFiling      bool    `expr:"late_filing"`
	FilingLeadHours float64 `expr:"filing_lead_hours"`
	// FilingTiming says it in words: "6.0 h after lading", "3.5 h before lading".
	FilingTiming string `expr:"filing_timing"`
	// #25 amendment filed after loading.
	AmendedAfterLoading bool `expr:"amended_after_loading"`
	// #25–26 against the version it replaces (Engine.WithVersions): the key fields an
	// amendment changes, and a bill deleted and filed again.
	AmendedFields string `expr:"amended_fields"`
	Refiled       bool   `expr:"refiled"`
	// #26 missing mandatory elements or inconsistent data.
	Inconsistent       bool   `expr:"inconsistent"`
	InconsistentDetail string `expr:"inconsistent_detail"`
	// #28–29 wood packaging.
	WPMProne         bool   `expr:"wpm_prone"`
	WPMOrigin        bool   `expr:"wpm_origin"`
	WPMContradiction bool   `expr:"wpm_contradiction"`
	WPMDetail        string `expr:"wpm_detail"`
	// #30 soil-prone goods.
	SoilProne  bool   `expr:"soil_prone"`
	SoilDetail string `expr:"soil_detail"`
	// Hazmat lines declared.
	Hazmat bool `expr:"hazmat"`

	// Hist holds the learned hit rates (#4, #10, #36).
	Hist HistFacts `expr:"hist"`
}

// HistFacts are the smoothed hit rates of the record's keys, one per dimension. For
// commodity dimensions the goods line with the highest rate stands for the record.
type HistFacts struct {
	Prior           float64  `expr:"prior"`
	Records         float64  `expr:"records"`
	Commodity       HistStat `expr:"commodity"`
	CommodityOrigin HistStat `expr:"commodity_origin"`
	CommodityPort   HistStat `expr:"commodity_port"`
	Lane            HistStat `expr:"lane"`
	Shipper         HistStat `expr:"shipper"`
	Consignee       HistStat `expr:"consignee"`
	Notify          HistStat `expr:"notify"`
	Filer           HistStat `expr:"filer"`
	Carrier         HistStat `expr:"carrier"`
}

// HistStat is the history of one key.
type HistStat struct {
	// Key is the key ("440890|BE"); Seen, Exams and Hits its counts.
	Key   string  `expr:"key"`
	Seen  float64 `expr:"seen"`
	Exams float64 `expr:"exams"`
	Hits  float64 `expr:"hits"`
	// Rate is (hits + m·prior) / (exams + m); WoE is its log-odds against the prior.
	Rate float64 `expr:"rate"`
	WoE  float64 `expr:"woe"`
}

// lists is the compiled form of Lists.
type lists struct {
	hsWatch        []prefixList
	vague          [][]byte
	vagueAlone     map[string]bool
	keywords       []keywordRule
	highRiskPorts  map[string]bool
	forwarderTerms []string
	wpmHS          []string
	wpmOrigins     map[string]bool
	soilHS         []string
	soilTerms      [][]byte
	maxPayload     map[string]float64
}

type prefixList struct {
	name     string
	prefixes []string
}

type keywordRule struct {
	word     []byte
	chapters []string
}

func compileLists(l *Lists) *lists {
	c := &lists{highRiskPorts: map[string]bool{}, wpmOrigins: map[string]bool{}, maxPayload: l.MaxPayloadKG}
	for _, name := range sortedKeys(l.HSWatch) {
		c.hsWatch = append(c.hsWatch, prefixList{name, l.HSWatch[name]})
	}
	for _, t := range l.VagueTerms {
		c.vague = append(c.vague, []byte(strings.ToUpper(t)))
	}
	c.vagueAlone = map[string]bool{}
	for _, t := range l.VagueAlone {
		c.vagueAlone[strings.ToUpper(t)] = true
	}
	for _, w := range sortedKeys(l.HSKeywords) {
		c.keywords = append(c.keywords, keywordRule{[]byte(strings.ToUpper(w)), l.HSKeywords[w]})
	}
	for _, p := range l.HighRiskPorts {
		c.highRiskPorts[strings.ToUpper(p)] = true
	}
	for _, t := range l.ForwarderTerms {
		c.forwarderTerms = append(c.forwarderTerms, strings.ToUpper(t))
	}
	c.wpmHS = l.WPMHS
	for _, o := range l.WPMOrigins {
		c.wpmOrigins[strings.ToUpper(o)] = true
	}
	c.soilHS = l.SoilHS
	for _, t := range l.SoilTerms {
		c.soilTerms = append(c.soilTerms, []byte(strings.ToUpper(t)))
	}
	return c
}

// Scratch holds one worker's reusable buffers. It is not safe for concurrent use; give
// each goroutine its own (Engine.NewScratch).
type Scratch struct {
	facts   Facts
	upper   []byte
	core    []byte
	kb      keyBuilder
	ms      matchScratch
	flags   []string
	detail  []byte
	reasons []Reason
	vm      vmState
}

// upperWord finds a whole-word (or phrase) occurrence of term in the upper-cased text.
func containsWord(text, term []byte) bool {
	for off := 0; off <= len(text)-len(term); {
		i := bytes.Index(text[off:], term)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(term)
		if (i == 0 || !isAlnum(text[i-1])) && (end == len(text) || !isAlnum(text[end])) {
			return true
		}
		off = i + 1
	}
	return false
}

// packageWords are set aside when judging whether a description says anything.
var packageWords = map[string]bool{
	"X": true, "PKG": true, "PKGS": true, "PACKAGES": true, "CTN": true, "CTNS": true, "CARTON": true, "CARTONS": true,
	"PLT": true, "PLTS": true, "PALLET": true, "PALLETS": true, "PCS": true, "PIECES": true, "BOX": true, "BOXES": true,
	"CASE": true, "CASES": true, "CRATE": true, "CRATES": true, "BAGS": true, "BALES": true, "DRUMS": true, "OF": true,
	"CONTAINING": true, "CONTAINS": true, "1X20": true, "1X40": true, "FCL": true, "LCL": true, "SHIPPER'S": true,
	"LOAD": true, "AND": true, "COUNT": true, "SLAC": true, "STOW": true,
}

// descriptionCore is the description without counts, punctuation and package words
// ("120 CTNS PARTS" → "PARTS"), in sc.core.
func descriptionCore(desc []byte, sc *Scratch) []byte {
	core := sc.core[:0]
	// Words split at ASCII separators byte by byte, as bytes.FieldsFunc would split the
	// runes (no byte of a multi-byte UTF-8 sequence is ASCII), without its slice of words.
	for start := 0; start < len(desc); {
		end := start
		for end < len(desc) && !isWordSep(desc[end]) {
			end++
		}
		w := desc[start:end]
		start = end + 1
		w = bytes.Trim(w, ".-()")
		if len(w) == 0 || packageWords[string(w)] || isNumber(w) {
			continue
		}
		if len(core) > 0 {
			core = append(core, ' ')
		}
		core = append(core, w...)
	}
	sc.core = core
	return core
}

func isWordSep(c byte) bool { return c == ' ' || c == ',' || c == ';' || c == ':' }

func isNumber(w []byte) bool {
	for _, c := range w {
		if (c < '0' || c > '9') && c != '.' && c != ',' && c != 'X' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80
}

func appendUpper(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func hasPrefixAny(code string, prefixes []string) string {
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(code, p) {
			return p
		}
	}
	return ""
}

// computeFacts fills sc.facts from rec. Detail strings are only built for indicators
// that fire, so a clean record costs no formatting.
func (e *Engine) computeFacts(rec *harmonized.Record, sc *Scratch) *Facts {
	f := &sc.facts
	flags := sc.flags[:0]
	*f = Facts{}
	l := e.lists
	ic := &e.rs.Indicators
	f.Record = rec
	f.Key = rec.Key
	f.Mode = string(rec.Conveyance.Mode)
	f.FilingType = string(rec.Filing.Type)
	f.Extra = rec.Extra
	f.Lines = len(rec.Goods)
	f.Containers = len(rec.Equipment)
	f.Port = portKey(rec)
	f.LoadingCountry = harmonized.LocationCountry(rec.Itinerary.PortOfLoading)
	f.InTransit = rec.InTransit.Status == harmonized.TransitYes
	for i := range rec.Flags {
		flags = append(flags, rec.Flags[i].Code)
	}
	if len(rec.Goods) > 0 {
		g := &rec.Goods[0]
		f.HS6 = goodsHS6(g)
		f.Origin = g.OriginCountry
		f.Description = g.Description
	}

	h := e.history
	histReady := h != nil && h.Records >= float64(e.rs.History.MinRecords)
	if h != nil {
		f.Hist.Prior = h.Prior()
		f.Hist.Records = h.Records
		f.PairSeen, f.PortPairSeen = math.Inf(1), math.Inf(1)
	}

	// Goods lines: description, HS, peers, packaging.
	for i := range rec.Goods {
		g := &rec.Goods[i]
		hs := g.HS
		if hs == "" {
			hs = g.HS6
		}
		if len(g.Hazmat) > 0 {
			f.Hazmat = true
		}
		sc.upper = appendUpper(sc.upper[:0], g.Description)
		desc := sc.upper
		if !f.VagueDescription {
			// No description at all is vague only without an HS code: the 24-hour
			// rule asks for a precise description or the HS-6.
			if len(bytes.TrimSpace(desc)) == 0 && hs == "" {
				f.VagueDescription, f.VagueTerm = true, "no description and no HS code"
			}
			for _, t := range l.vague {
				if containsWord(desc, t) {
					f.VagueDescription, f.VagueTerm = true, string(t)
					break
				}
			}
			if !f.VagueDescription && len(l.vagueAlone) > 0 {
				if core := descriptionCore(desc, sc); l.vagueAlone[string(core)] {
					f.VagueDescription, f.VagueTerm = true, string(core)
				}
			}
		}
		if !f.HSMismatch && len(hs) >= 2 {
			for _, k := range l.keywords {
				if containsWord(desc, k.word) && !contains(k.chapters, hs[:2]) {
					f.HSMismatch = true
					f.HSMismatchDetail = fmt.Sprintf("description says %s (HS chapter %s), HS code is %s (chapter %s)", k.word, strings.Join(k.chapters, "/"), hs, hs[:2])
					break
				}
			}
		}
		if f.HSWatch == "" && hs != "" {
			for _, pl := range l.hsWatch {
				if p := hasPrefixAny(hs, pl.prefixes); p != "" {
					f.HSWatch, f.HSWatchCode = pl.name, hs
					break
				}
			}
		}
		if !f.WPMProne && hs != "" {
			if p := hasPrefixAny(hs, l.wpmHS); p != "" {
				f.WPMProne = true
				f.WPMDetail = "HS " + hs + " usually travels on solid wood packaging"
			}
		}
		if pt := strings.ToUpper(g.PackageType); !f.WPMProne && (pt == "CRT" || pt == "CR" || pt == "PLT" || pt == "PX" || pt == "SKD" || pt == "SK" || pt == "CASE" || pt == "CS") {
			f.WPMProne = true
			f.WPMDetail = "packed in " + pt + " (wooden crate, pallet or skid)"
		}
		if (containsWord(desc, []byte("NO WPM")) || containsWord(desc, []byte("NO WOOD PACKAGING")) || containsWord(desc, []byte("NO WOODEN PACKAGING"))) &&
			(containsWord(desc, []byte("CRATE")) || containsWord(desc, []byte("CRATES")) || containsWord(desc, []byte("PALLET")) || containsWord(desc, []byte("PALLETS")) || containsWord(desc, []byte("SKID")) || containsWord(desc, []byte("SKIDS"))) {
			f.WPMContradiction = true
		}
		if !f.SoilProne {
			if p := hasPrefixAny(hs, l.soilHS); hs != "" && p != "" {
				f.SoilProne, f.SoilDetail = true, "HS "+hs+" is on the soil-prone list"
			} else {
				for _, t := range l.soilTerms {
					if containsWord(desc, t) {
						f.SoilProne, f.SoilDetail = true, "description says "+string(t)
						break
					}
				}
			}
		}
		if g.OriginCountry != "" && l.wpmOrigins[g.OriginCountry] {
			f.WPMOrigin = true
		}
		if g.OriginCountry != "" && f.LoadingCountry != "" && g.OriginCountry != f.LoadingCountry {
			f.OriginNotLoading = true
		}
		// A line without an HS code is no contradiction: the 24-hour rule accepts a
		// precise description instead, and vague ones are #1.
		for _, c := range g.Containers {
			if rec.Container(c) == nil && !f.Inconsistent {
				f.Inconsistent = true
				f.InconsistentDetail = fmt.Sprintf("goods line %d names container %s, which is not in the equipment", g.Line, c)
			}
		}
		hs6 := goodsHS6(g)
		if h != nil && hs6 != "" {
			if p := h.Peers[hs6]; p != nil {
				// Details are formatted only for outliers: a clean record costs nothing.
				if uv, ok := unitValue(g); ok {
					if z := p.UnitValue.z(math.Log(uv), ic.MinPeers); math.Abs(z) > math.Abs(f.UnitValueZ) {
						f.UnitValueZ = z
						if math.Abs(z) >= ic.UnitValueZ {
							f.UnitValueLabel = fmt.Sprintf("%.2f per kg against a typical %.2f for HS %s (z %.1f over %d peers)", uv, math.Exp(p.UnitValue.Mean), hs6, z, int(p.UnitValue.N))
						}
					}
				}
				if pk, ok := pieceKG(g); ok {
					if z := p.PieceKG.z(math.Log(pk), ic.MinPeers); math.Abs(z) > math.Abs(f.WeightZ) {
						f.WeightZ = z
						if math.Abs(z) >= ic.WeightZ {
							f.WeightDetail = fmt.Sprintf("%.1f kg per piece against a typical %.1f for HS %s (z %.1f)", pk, math.Exp(p.PieceKG.Mean), hs6, z)
						}
					}
				}
			}
			if histReady {
				if c := h.Dims[DimCommodityOrigin][string(sc.kb.pair(hs6, g.OriginCountry))]; g.OriginCountry != "" {
					seen := 0.0
					if c != nil {
						seen = c.Seen
					}
					f.PairSeen = min(f.PairSeen, seen)
				}
				if c := h.Dims[DimCommodityPort][string(sc.kb.pair(hs6, f.Port))]; f.Port != "" {
					seen := 0.0
					if c != nil {
						seen = c.Seen
					}
					f.PortPairSeen = min(f.PortPairSeen, seen)
				}
			}
			// Hierarchical smoothing: a sparse key borrows its parent's rate, not the
			// overall one (HS6×origin → HS6 → HS4 → all), so a pair seen twice is
			// judged mostly by its commodity.
			var c4, c6, st HistStat
			e.histSet(&c4, DimCommodity4, append(sc.kb.b[:0], hs6[:4]...), f.Hist.Prior, f.Hist.Prior)
			e.histSet(&c6, DimCommodity, append(sc.kb.b[:0], hs6...), c4.Rate, f.Hist.Prior)
			keepMax(&f.Hist.Commodity, &c6)
			e.histSet(&st, DimCommodityOrigin, sc.kb.pair(hs6, g.OriginCountry), c6.Rate, f.Hist.Prior)
			keepMax(&f.Hist.CommodityOrigin, &st)
			e.histSet(&st, DimCommodityPort, sc.kb.pair(hs6, f.Port), c6.Rate, f.Hist.Prior)
			keepMax(&f.Hist.CommodityPort, &st)
			e.histSet(&st, DimLane, sc.kb.lane(g.OriginCountry, f.LoadingCountry, f.Port), f.Hist.Prior, f.Hist.Prior)
			keepMax(&f.Hist.Lane, &st)
		}
	}
	if h != nil {
		if math.IsInf(f.PairSeen, 1) {
			f.PairSeen = -1
		}
		if math.IsInf(f.PortPairSeen, 1) {
			f.PortPairSeen = -1
		}
	} else {
		f.PairSeen, f.PortPairSeen = -1, -1
	}
	f.RareCommodityOrigin = histReady && f.PairSeen >= 0 && f.PairSeen <= float64(ic.RarePair)
	f.RareCommodityPort = histReady && f.PortPairSeen >= 0 && f.PortPairSeen <= float64(ic.RarePair)
	f.UnitValueOutlier = math.Abs(f.UnitValueZ) >= ic.UnitValueZ
	f.WeightOutlier = math.Abs(f.WeightZ) >= ic.WeightZ

	// Parties.
	sh, cn, np := rec.Party(harmonized.RoleShipper), rec.Party(harmonized.RoleConsignee), rec.Party(harmonized.RoleNotify)
	if h != nil {
		e.histSet(&f.Hist.Shipper, DimShipper, sc.partyKey(sh), f.Hist.Prior, f.Hist.Prior)
		e.histSet(&f.Hist.Consignee, DimConsignee, sc.partyKey(cn), f.Hist.Prior, f.Hist.Prior)
		e.histSet(&f.Hist.Notify, DimNotify, sc.partyKey(np), f.Hist.Prior, f.Hist.Prior)
		e.histSet(&f.Hist.Filer, DimFiler, appendUpper(sc.kb.b[:0], strings.TrimSpace(rec.Filing.Filer)), f.Hist.Prior, f.Hist.Prior)
		if c := rec.Conveyance.CarrierSCAC; c != "" {
			e.histSet(&f.Hist.Carrier, DimCarrier, append(sc.kb.b[:0], c...), f.Hist.Prior, f.Hist.Prior)
		} else {
			e.histSet(&f.Hist.Carrier, DimCarrier, sc.partyKey(rec.Party(harmonized.RoleCarrier)), f.Hist.Prior, f.Hist.Prior)
		}
		if histReady {
			var roles []string
			for _, p := range []struct {
				role string
				st   *HistStat
			}{{"shipper", &f.Hist.Shipper}, {"consignee", &f.Hist.Consignee}, {"notify", &f.Hist.Notify}} {
				if p.st.Key != "" && p.st.Seen == 0 {
					roles = append(roles, p.role)
				}
			}
			f.FirstTimeParty = strings.Join(roles, ", ")
		}
	}
	if cn != nil {
		f.ConsigneeName = cn.Name
		sc.upper = appendUpper(sc.upper[:0], cn.Name)
		if containsWord(sc.upper, []byte("TO ORDER")) || containsWord(sc.upper, []byte("TO THE ORDER")) || bytes.Equal(bytes.TrimSpace(sc.upper), []byte("ORDER")) {
			f.ToOrder = true
		}
		for _, t := range l.forwarderTerms {
			if containsWord(sc.upper, []byte(t)) {
				f.ForwarderConsignee = true
				break
			}
		}
	}
	for _, p := range []*harmonized.Party{sh, cn} {
		if p == nil || f.IncompleteAddress || strings.TrimSpace(p.Name) == "" {
			// A party known only by an identifier has its address on file elsewhere.
			continue
		}
		if f.ToOrder && p == cn {
			continue
		}
		switch {
		case len(p.Address) == 0:
			f.IncompleteAddress, f.IncompleteAddressDetail = true, fmt.Sprintf("%s %q has no street address", p.Role, p.Name)
		case p.City == "" || p.Country == "":
			f.IncompleteAddress, f.IncompleteAddressDetail = true, fmt.Sprintf("%s %q has no city or country", p.Role, p.Name)
		default:
			for _, a := range p.Address {
				sc.upper = appendUpper(sc.upper[:0], strings.ReplaceAll(a, ".", ""))
				if containsWord(sc.upper, []byte("PO BOX")) || containsWord(sc.upper, []byte("P O BOX")) || containsWord(sc.upper, []byte("POSTFACH")) || containsWord(sc.upper, []byte("POB")) {
					f.IncompleteAddress, f.IncompleteAddressDetail = true, fmt.Sprintf("%s %q gives a post-office box: %s", p.Role, p.Name, a)
					break
				}
			}
		}
	}
	// Watch lists.
	for i := range rec.Parties {
		p := &rec.Parties[i]
		if !f.WatchEntity {
			if m, ok := e.watchEntities.match(p.Name, &sc.ms); ok {
				f.WatchEntity, f.WatchEntityScore = true, m.Similarity
				f.WatchEntityDetail = fmt.Sprintf("%s %q matches %s entry %s %q (similarity %.2f)", p.Role, p.Name, listName(m.Entry.List), m.Entry.ID, m.Entry.Name, m.Similarity)
			}
		}
		if !f.WatchAddress && len(p.Address) > 0 {
			for _, a := range p.Address {
				if m, ok := e.watchAddresses.match(a, &sc.ms); ok {
					f.WatchAddress = true
					f.WatchAddressDetail = fmt.Sprintf("%s address %q matches %s entry %s %q (similarity %.2f)", p.Role, a, listName(m.Entry.List), m.Entry.ID, m.Entry.Name, m.Similarity)
					break
				}
			}
		}
	}
	if c := &rec.Conveyance; c.IMO != "" || c.VesselName != "" {
		if c.IMO != "" {
			for _, v := range e.rs.Watch.Vessels {
				if v.IMO != "" && v.IMO == c.IMO {
					f.WatchVessel = true
					f.WatchVesselDetail = fmt.Sprintf("vessel IMO %s matches %s entry %s %q", c.IMO, listName(v.List), v.ID, v.Name)
					break
				}
			}
		}
		if !f.WatchVessel {
			if m, ok := e.watchVessels.match(c.VesselName, &sc.ms); ok {
				f.WatchVessel = true
				f.WatchVesselDetail = fmt.Sprintf("vessel %q matches %s entry %s %q (similarity %.2f)", c.VesselName, listName(m.Entry.List), m.Entry.ID, m.Entry.Name, m.Similarity)
			}
		}
	}

	// Routing.
	it := &rec.Itinerary
	checkPort := func(what string, loc *harmonized.Location) {
		if f.ListedPort != "" || loc == nil {
			return
		}
		for _, k := range []string{loc.UNLOCODE, harmonized.LocationCountry(loc)} {
			if k != "" && l.highRiskPorts[k] {
				f.ListedPort = what + " " + locationKey(loc)
				return
			}
		}
	}
	for i := range it.Transshipment {
		checkPort("transshipment at", &it.Transshipment[i])
	}
	checkPort("loading at", it.PortOfLoading)
	checkPort("receipt at", it.PlaceOfReceipt)

	// Equipment and seals.
	for i := range rec.Equipment {
		eq := &rec.Equipment[i]
		if eq.Check == harmonized.CheckInvalid && !f.ContainerInvalid {
			f.ContainerInvalid = true
			f.ContainerDetail = fmt.Sprintf("container %s fails the ISO 6346 check digit (expected %c)", eq.Number, harmonized.ContainerCheckDigit(eq.Number))
		}
		if eq.Status == harmonized.StatusEmpty || eq.Check == harmonized.CheckNotApplicable {
			continue
		}
		if len(eq.Seals) == 0 && !f.SealMissing {
			f.SealMissing = true
			f.SealDetail = "container " + eq.Number + " has no seal"
		}
		for _, s := range eq.Seals {
			if s.Class != "" && s.Class != "H" && !f.SealNotHigh {
				f.SealNotHigh = true
				if f.SealDetail == "" {
					f.SealDetail = fmt.Sprintf("seal %s on %s is ISO 17712 class %s, not H", s.Number, eq.Number, s.Class)
				}
			}
		}
	}
	// Overweight: bill gross weight over the payload of its containers.
	if w := rec.Bill.Weight; w != nil && w.KG > 0 && len(rec.Equipment) > 0 && len(l.maxPayload) > 0 {
		payload := 0.0
		for i := range rec.Equipment {
			st := rec.Equipment[i].SizeType
			if st == "" {
				payload = 0
				break
			}
			payload += l.maxPayload[st[:1]]
		}
		if payload > 0 && w.KG > payload {
			f.OverPayload = true
			f.WeightDetail = fmt.Sprintf("gross %.0f kg exceeds the %.0f kg payload of %d container(s)", w.KG, payload, len(rec.Equipment))
		}
	}

	// Timeliness.
	fa, dep := rec.Filing.FiledAt, it.Departure
	if fa != nil && dep != nil && !fa.Time.IsZero() && !dep.Time.IsZero() {
		f.FilingLeadHours = dep.Time.Sub(fa.Time).Hours()
		f.LateFiling = rec.Filing.Type == harmonized.FilingOriginal && f.FilingLeadHours < ic.FilingLeadHours
		f.AmendedAfterLoading = rec.Filing.Type == harmonized.FilingAmend && fa.Time.After(dep.Time)
		if f.LateFiling || f.AmendedAfterLoading {
			if f.FilingLeadHours < 0 {
				f.FilingTiming = fmt.Sprintf("%.1f h after lading", -f.FilingLeadHours)
			} else {
				f.FilingTiming = fmt.Sprintf("%.1f h before lading", f.FilingLeadHours)
			}
		}
	}

	// Inconsistency and missing mandatory elements.
	if !f.Inconsistent && rec.Filing.Type != harmonized.FilingDelete {
		switch {
		case sh == nil || cn == nil:
			f.Inconsistent, f.InconsistentDetail = true, "shipper or consignee missing"
		case len(rec.Goods) == 0:
			f.Inconsistent, f.InconsistentDetail = true, "no goods declared"
		}
	}
	for _, fl := range rec.Flags {
		if f.Inconsistent {
			break
		}
		switch fl.Code {
		case harmonized.FlagWeightMismatch, harmonized.FlagContainerDuplicate, harmonized.FlagPartyMissing, harmonized.FlagNoGoods, harmonized.FlagHSMissing:
			f.Inconsistent, f.InconsistentDetail = true, fl.String()
		}
	}
	sc.flags = flags
	f.Flags = flags
	return f
}

// partyKey is partyKey(p) built in a scratch buffer (valid until the next call).
func (sc *Scratch) partyKey(p *harmonized.Party) []byte {
	if p == nil {
		return nil
	}
	for _, id := range p.Identifiers {
		if id.Value != "" {
			sc.kb.b = append(append(append(sc.kb.b[:0], id.Scheme...), ':'), id.Value...)
			return sc.kb.b
		}
	}
	sc.ms.norm = appendNormalized(sc.ms.norm[:0], p.Name)
	sc.kb.b = appendJoinedTokens(sc.kb.b[:0], sc.ms.norm)
	return sc.kb.b
}

func listName(s string) string {
	if s == "" {
		return "watch list"
	}
	return s
}

// histSet fills st from the dimension's count for key: the rate is smoothed towards
// target (the parent key's rate, or the prior) and its WoE measured against the
// prior. The key bytes may alias a scratch buffer: the stored Key is the history's own
// string when the key is known.
func (e *Engine) histSet(st *HistStat, dim string, key []byte, target, prior float64) {
	if len(key) == 0 {
		*st = HistStat{Rate: target, WoE: logit(target) - logit(prior)}
		return
	}
	c := e.history.Dims[dim][string(key)]
	var n, hits, seen float64
	k := ""
	if c != nil {
		n, hits, seen, k = c.Examined, c.Hits, c.Seen, c.key
	}
	if k == "" {
		k = string(key)
	}
	m := e.rs.History.Smoothing
	rate := target
	if n+m > 0 {
		rate = (hits + m*target) / (n + m)
	}
	*st = HistStat{Key: k, Seen: seen, Exams: n, Hits: hits, Rate: rate, WoE: logit(rate) - logit(prior)}
}

// keepMax keeps in dst the key with the highest rate among the record's lines.
func keepMax(dst, cand *HistStat) {
	if cand.Key != "" && (dst.Key == "" || cand.Rate > dst.Rate) {
		*dst = *cand
	}
}

func logit(p float64) float64 {
	p = min(max(p, 1e-6), 1-1e-6)
	return math.Log(p / (1 - p))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
