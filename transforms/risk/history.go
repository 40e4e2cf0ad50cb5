package risk

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/icss/icss/transforms/harmonized"
)

// HistorySchema names the JSON form of a History.
const HistorySchema = "icss.risk.history/1"

// History is what the engine has learned from earlier records and their exam outcomes:
// per key of each dimension, how often it was seen, examined and found non-compliant,
// and per commodity the distribution of unit values and weights per piece. It is the
// feedback loop of RISK.md §4 #36.
//
// A History is filled by Learn and read by the engine; it is not safe to Learn while an
// engine reads it.
type History struct {
	Schema string `json:"schema"`
	// Records is how many records were learned, Examined how many had an outcome, Hits
	// how many of those were non-compliant.
	Records  float64 `json:"records"`
	Examined float64 `json:"examined"`
	Hits     float64 `json:"hits"`
	// Dims maps a dimension (see Dimensions) to its keys' counts.
	Dims map[string]map[string]*Count `json:"dims"`
	// Peers maps a 6-digit HS code to the statistics of its goods lines.
	Peers map[string]*Peer `json:"peers"`
}

// Count is the tally of one key.
type Count struct {
	// key is the map's key, kept so an assessment can quote it without allocating.
	key      string
	Seen     float64 `json:"seen"`
	Examined float64 `json:"examined,omitempty"`
	Hits     float64 `json:"hits,omitempty"`
}

// Peer holds running statistics (Welford) of a commodity's log unit value (value per
// kg) and log weight per piece.
type Peer struct {
	UnitValue Moments `json:"unit_value"`
	PieceKG   Moments `json:"piece_kg"`
}

// Moments is a running mean and variance.
type Moments struct {
	N    float64 `json:"n"`
	Mean float64 `json:"mean"`
	M2   float64 `json:"m2"`
}

func (m *Moments) add(x float64) {
	m.N++
	d := x - m.Mean
	m.Mean += d / m.N
	m.M2 += d * (x - m.Mean)
}

// z returns the z-score of x, or 0 when the peers are too few or do not vary.
func (m *Moments) z(x float64, minN int) float64 {
	if m == nil || m.N < float64(minN) || m.N < 2 {
		return 0
	}
	sd := math.Sqrt(m.M2 / (m.N - 1))
	if sd < 1e-9 {
		return 0
	}
	return (x - m.Mean) / sd
}

// Dimensions are the keys history is kept by. Commodity keys use the 6-digit HS code,
// parties their first identifier or else their normalised name.
var Dimensions = []string{
	DimCommodity4, DimCommodity, DimCommodityOrigin, DimCommodityPort, DimLane,
	DimShipper, DimConsignee, DimNotify, DimFiler, DimCarrier,
}

// Dimension names.
const (
	DimCommodity4      = "commodity4"
	DimCommodity       = "commodity"
	DimCommodityOrigin = "commodity_origin"
	DimCommodityPort   = "commodity_port"
	DimLane            = "lane"
	DimShipper         = "shipper"
	DimConsignee       = "consignee"
	DimNotify          = "notify"
	DimFiler           = "filer"
	DimCarrier         = "carrier"
)

// Outcome is the recorded result of an exam.
type Outcome struct {
	// Examined is false for a record that was seen but not examined: it still counts
	// for first-time and rare-pair indicators and for peer statistics.
	Examined bool
	// Hit is true when the exam found a discrepancy.
	Hit bool
}

// NewHistory returns an empty history.
func NewHistory() *History {
	h := &History{Schema: HistorySchema, Dims: map[string]map[string]*Count{}, Peers: map[string]*Peer{}}
	for _, d := range Dimensions {
		h.Dims[d] = map[string]*Count{}
	}
	return h
}

// Learn adds a record and its outcome.
func (h *History) Learn(rec *harmonized.Record, o Outcome) {
	h.Records++
	if o.Examined {
		h.Examined++
		if o.Hit {
			h.Hits++
		}
	}
	var kb keyBuilder
	// A record counts once per key even when several goods lines share it.
	type dimKey struct{ dim, key string }
	var seen []dimKey
	add := func(dim string, b []byte) {
		if len(b) == 0 {
			return
		}
		key := string(b)
		for _, s := range seen {
			if s.dim == dim && s.key == key {
				return
			}
		}
		seen = append(seen, dimKey{dim, key})
		m := h.Dims[dim]
		if m == nil {
			m = map[string]*Count{}
			h.Dims[dim] = m
		}
		c := m[key]
		if c == nil {
			c = &Count{key: key}
			m[key] = c
		}
		c.Seen++
		if o.Examined {
			c.Examined++
			if o.Hit {
				c.Hits++
			}
		}
	}
	port := portKey(rec)
	lc := harmonized.LocationCountry(rec.Itinerary.PortOfLoading)
	for i := range rec.Goods {
		g := &rec.Goods[i]
		hs6 := goodsHS6(g)
		if hs6 != "" {
			add(DimCommodity4, []byte(hs6[:4]))
		}
		add(DimCommodity, []byte(hs6))
		add(DimCommodityOrigin, kb.pair(hs6, g.OriginCountry))
		add(DimCommodityPort, kb.pair(hs6, port))
		add(DimLane, kb.lane(g.OriginCountry, lc, port))
		if hs6 != "" {
			p := h.Peers[hs6]
			if p == nil {
				p = &Peer{}
				h.Peers[hs6] = p
			}
			if uv, ok := unitValue(g); ok {
				p.UnitValue.add(math.Log(uv))
			}
			if pk, ok := pieceKG(g); ok {
				p.PieceKG.add(math.Log(pk))
			}
		}
	}
	add(DimShipper, []byte(partyKey(rec.Party(harmonized.RoleShipper))))
	add(DimConsignee, []byte(partyKey(rec.Party(harmonized.RoleConsignee))))
	add(DimNotify, []byte(partyKey(rec.Party(harmonized.RoleNotify))))
	add(DimFiler, []byte(strings.ToUpper(strings.TrimSpace(rec.Filing.Filer))))
	add(DimCarrier, []byte(carrierKey(rec)))
}

// Prior is the overall hit rate of examined records (0.5 with no exams).
func (h *History) Prior() float64 {
	if h == nil || h.Examined == 0 {
		return 0.5
	}
	return h.Hits / h.Examined
}

// WriteTo writes the history as JSON (map keys sorted, so the file is reproducible).
func (h *History) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(h); err != nil {
		return 0, err
	}
	return int64(bw.Buffered()), bw.Flush()
}

// ReadHistory reads a history written by WriteTo.
func ReadHistory(r io.Reader) (*History, error) {
	h := NewHistory()
	dec := json.NewDecoder(bufio.NewReader(r))
	if err := dec.Decode(h); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if h.Schema != HistorySchema {
		return nil, fmt.Errorf("history: schema %q is not %q", h.Schema, HistorySchema)
	}
	for _, d := range Dimensions {
		if h.Dims[d] == nil {
			h.Dims[d] = map[string]*Count{}
		}
	}
	for _, m := range h.Dims {
		for k, c := range m {
			if c == nil {
				return nil, fmt.Errorf("history: key %q has no counts", k)
			}
			c.key = k
		}
	}
	if h.Peers == nil {
		h.Peers = map[string]*Peer{}
	}
	return h, nil
}

// LoadHistory reads a history file.
func LoadHistory(path string) (*History, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, err := ReadHistory(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// keyBuilder builds composite keys into a reused buffer; the returned string aliases
// the buffer only until the next call (map lookups with string(b) do not allocate).
type keyBuilder struct{ b []byte }

func (k *keyBuilder) pair(a, b string) []byte {
	if a == "" || b == "" {
		return nil
	}
	k.b = append(append(append(k.b[:0], a...), '|'), b...)
	return k.b
}

func (k *keyBuilder) lane(origin, loading, port string) []byte {
	if port == "" || (origin == "" && loading == "") {
		return nil
	}
	k.b = append(append(append(append(append(k.b[:0], origin...), '>'), loading...), '>'), port...)
	return k.b
}

// goodsHS6 is the line's 6-digit HS code, derived from HS when only that is set.
func goodsHS6(g *harmonized.GoodsItem) string {
	if g.HS6 != "" {
		return g.HS6
	}
	if len(g.HS) >= 6 {
		return g.HS[:6]
	}
	return ""
}

// portKey names the port of arrival (the office or port where the record is examined).
func portKey(rec *harmonized.Record) string {
	return locationKey(rec.Itinerary.PortOfArrival)
}

func locationKey(l *harmonized.Location) string {
	switch {
	case l == nil:
		return ""
	case l.UNLOCODE != "":
		return l.UNLOCODE
	case l.ScheduleD != "":
		return "D:" + l.ScheduleD
	case l.ScheduleK != "":
		return "K:" + l.ScheduleK
	case l.Name != "":
		return strings.ToUpper(l.Name)
	}
	return l.Raw
}

// partyKey identifies a party: its first identifier, else its normalised name.
func partyKey(p *harmonized.Party) string {
	if p == nil {
		return ""
	}
	for _, id := range p.Identifiers {
		if id.Value != "" {
			return id.Scheme + ":" + id.Value
		}
	}
	if strings.TrimSpace(p.Name) == "" {
		return ""
	}
	return Normalize(p.Name)
}

func carrierKey(rec *harmonized.Record) string {
	if c := rec.Conveyance.CarrierSCAC; c != "" {
		return c
	}
	if p := rec.Party(harmonized.RoleCarrier); p != nil {
		return partyKey(p)
	}
	return ""
}

// unitValue is the declared value per kilogram (net weight preferred).
func unitValue(g *harmonized.GoodsItem) (float64, bool) {
	v, ok := parseValue(g.Value)
	if !ok || v <= 0 {
		return 0, false
	}
	kg := 0.0
	if g.NetWeight != nil && g.NetWeight.KG > 0 {
		kg = g.NetWeight.KG
	} else if g.Weight != nil && g.Weight.KG > 0 {
		kg = g.Weight.KG
	}
	if kg <= 0 {
		return 0, false
	}
	return v / kg, true
}

// pieceKG is the gross (else net) weight per package.
func pieceKG(g *harmonized.GoodsItem) (float64, bool) {
	if g.Quantity <= 0 {
		return 0, false
	}
	w := g.Weight
	if w == nil || w.KG <= 0 {
		w = g.NetWeight
	}
	if w == nil || w.KG <= 0 {
		return 0, false
	}
	return w.KG / g.Quantity, true
}

// parseValue reads a declared value written with a dot decimal (the harmonized form),
// tolerating thousands separators and blanks, without allocating.
func parseValue(s string) (float64, bool) {
	var v, scale float64
	digits := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
			if scale == 0 {
				v = v*10 + float64(c-'0')
			} else {
				v += float64(c-'0') * scale
				scale /= 10
			}
		case c == '.' && scale == 0:
			scale = 0.1
		case c == ',' || c == ' ':
		default:
			return 0, false
		}
	}
	return v, digits
}
