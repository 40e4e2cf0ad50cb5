// Package x12gen generates large, realistic X12 309 customs manifests with known
// content, for benchmarks, load tests and property tests of mappers. Output is
// deterministic for a seed, valid against the envelope and 309 structure rules, and
// written in a streaming fashion: memory does not grow with the number of bills.
package x12gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Options shape a generated interchange. The zero value of a field takes its default.
type Options struct {
	Seed uint64
	// Bills is the number of bills of lading to write (default 1000).
	Bills int
	// BillsPerSet is the number of bills in each 309 transaction set (default 10).
	BillsPerSet int
	// Version is the GS08 version: "004010" (default; GS01 SO) or "005010" (GS01 AQ).
	Version string
	// Newline writes a line feed after each segment terminator.
	Newline bool
	// Control is the ISA13 interchange control number (default 1).
	Control int
}

func (o *Options) defaults() {
	if o.Bills <= 0 {
		o.Bills = 1000
	}
	if o.BillsPerSet <= 0 {
		o.BillsPerSet = 10
	}
	if o.Version == "" {
		o.Version = "004010"
	}
	if o.Control <= 0 {
		o.Control = 1
	}
}

// Bill is the known content of one generated bill of lading.
type Bill struct {
	SCAC       string // M11-12, the bill issuer
	Number     string // M11-01
	LadingPort string // M11-02, Schedule K
	Pieces     int
	WeightKG   int
	Parties    []Party
	Containers []Container
}

// Party is an N1 loop.
type Party struct {
	Role, Name, Address, City, State, Postal, Country string
}

// Container is a VID loop with its cargo lines.
type Container struct {
	ID    string // normalized ISO 6346, 11 characters with a valid check digit
	Type  string // ISO size/type
	Seals []string
	Goods []Goods
}

// Goods is one cargo line (N10 and its continuations).
type Goods struct {
	Quantity    int
	Description string
	Marks       string
	HS          string // 6 digits
	WeightKG    int
	UN          string // hazmat UN number, "" when none
}

var (
	owners    = []string{"HASU", "MSKU", "CSQU", "MRKU", "TGHU", "CMAU", "OOLU", "HLXU", "TCNU", "SEGU"}
	types     = []string{"45G1", "22G1", "42G1", "45R1", "22T1", "L5G1"}
	scacs     = []string{"MAEU", "HLCU", "CMDU", "OOLU", "COSU", "MSCU", "ONEY", "EGLV"}
	ports     = []string{"57035", "58023", "58886", "57078", "35177", "55976", "57000"}
	countries = []string{"CN", "KR", "JP", "VN", "TH", "BR", "DE", "IN", "TW", "MY"}
	cities    = []string{"SHANGHAI", "BUSAN", "YOKOHAMA", "HAIPHONG", "LAEM CHABANG", "SANTOS", "HAMBURG", "NHAVA SHEVA", "KAOHSIUNG", "PORT KLANG"}
	usCities  = []struct{ city, state, zip string }{{"CHICAGO", "IL", "60632"}, {"MEMPHIS", "TN", "38118"}, {"DETROIT", "MI", "48201"}, {"COLUMBUS", "OH", "43215"}, {"KANSAS CITY", "MO", "64101"}}
	goods     = []struct{ hs, desc string }{
		{"401120", "TRUCK TIRES SEVERAL SIZES . WOODEN PACKAGE: NOT APPLICABLE . FREIGHT COLLECT"}, {"847330", "PARTS FOR AUTOMATIC DATA PROCESSING MACHINES"},
		{"940360", "WOODEN FURNITURE FOR BEDROOM . PACKED ON HEAT TREATED PALLETS ISPM 15 MARKED"}, {"611030", "MENS KNITTED PULLOVERS OF SYNTHETIC FIBRES"},
		{"090111", "COFFEE NOT ROASTED NOT DECAFFEINATED"}, {"732111", "GAS COOKING APPLIANCES OF IRON"},
		{"850440", "STATIC CONVERTERS POWER SUPPLIES"}, {"392690", "ARTICLES OF PLASTICS HOUSEHOLD"},
		{"870323", "USED PASSENGER VEHICLES . CLEANED FREE OF SOIL . VIN LIST ATTACHED TO BILL"}, {"841181", "GAS TURBINE PARTS"}, {"281511", "SODIUM HYDROXIDE SOLID"},
	}
	companies = []string{"ORIENT TRADING CO LTD", "PACIFIC RIM EXPORTS", "GREAT WALL MANUFACTURING", "HANSEONG INDUSTRIAL",
		"SAKURA ELECTRONICS KK", "MEKONG TEXTILE JSC", "SIAM HOME GOODS", "PAULISTA AGRO SA", "NORDSEE MASCHINEN GMBH"}
	consignees = []string{"MIDWEST DISTRIBUTION LLC", "GREAT LAKES IMPORTS INC", "HEARTLAND RETAIL CORP", "PRAIRIE LOGISTICS LLC", "RIVERSIDE SUPPLY CO"}
)

// Generator writes one 309 interchange.
type Generator struct {
	opts Options
	rng  *rand.Rand
	w    *bufio.Writer
	term string
	segs int // segments in the current set
	err  error
}

// New returns a generator for opts.
func New(opts Options) *Generator {
	opts.defaults()
	return &Generator{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))}
}

// WriteTo writes the interchange to w, calling fn (when not nil) with each bill's known
// content as it is written. It returns the number of bytes written.
func (g *Generator) WriteTo(w io.Writer) (int64, error) {
	return g.Write(w, nil)
}

// Write is WriteTo with a callback for each bill.
func (g *Generator) Write(w io.Writer, fn func(*Bill)) (int64, error) {
	cw := &countWriter{w: w}
	g.w = bufio.NewWriterSize(cw, 64<<10)
	g.term = "~"
	if g.opts.Newline {
		g.term = "~\n"
	}
	o := g.opts
	ctl := fmt.Sprintf("%09d", o.Control)
	fid := "SO"
	if o.Version >= "004030" {
		fid = "AQ"
	}
	isaVersion, rep := "00401", "U"
	if o.Version >= "005010" {
		isaVersion, rep = "00501", "^"
	}
	g.raw(fmt.Sprintf("ISA*00*          *00*          *02*%-15s*ZZ*%-15s*261127*0815*%s*%s*%s*0*P*>", "MAEU", "CBSAPILOT", rep, isaVersion, ctl))
	g.seg("GS", fid, "MAEU", "CBSAPILOT", "20261127", "0815", strconv.Itoa(o.Control), "X", o.Version)
	sets := 0
	for b := 0; b < o.Bills; b += o.BillsPerSet {
		sets++
		n := min(o.BillsPerSet, o.Bills-b)
		stc := fmt.Sprintf("%04d", sets)
		g.segs = 0
		g.seg("ST", "309", stc)
		g.segs = 1
		g.seg("M10", "MAEU", "O", "DK", "9778791", "MAERSK ESSEN", "648E", "MAEU648E"+strconv.Itoa(sets), strconv.Itoa(n), "W")
		g.seg("P4", "3001", "20261205", strconv.Itoa(n), "M029")
		for i := 0; i < n; i++ {
			bill := g.bill(b + i)
			g.writeBill(i+1, bill)
			if fn != nil {
				fn(bill)
			}
		}
		g.seg("SE", strconv.Itoa(g.segs+1), stc)
	}
	g.seg("GE", strconv.Itoa(sets), strconv.Itoa(o.Control))
	g.seg("IEA", "1", ctl)
	if g.err == nil {
		g.err = g.w.Flush()
	}
	return cw.n, g.err
}

func (g *Generator) pick(s []string) string { return s[g.rng.IntN(len(s))] }

func (g *Generator) bill(i int) *Bill {
	b := &Bill{
		SCAC:       g.pick(scacs),
		Number:     fmt.Sprintf("%s%08d", g.pick([]string{"SHA", "PUS", "YOK", "HPH", "SSZ"}), 10000000+i),
		LadingPort: g.pick(ports),
	}
	ci := g.rng.IntN(len(countries))
	us := usCities[g.rng.IntN(len(usCities))]
	b.Parties = []Party{
		{Role: "SH", Name: g.pick(companies), Address: fmt.Sprintf("%d INDUSTRIAL ROAD", 1+g.rng.IntN(999)), City: cities[ci], Country: countries[ci]},
		{Role: "CN", Name: g.pick(consignees), Address: fmt.Sprintf("%d COMMERCE DR", 100+g.rng.IntN(9000)), City: us.city, State: us.state, Postal: us.zip, Country: "US"},
		{Role: "N1", Name: "SAME AS CONSIGNEE", City: us.city, State: us.state, Postal: us.zip, Country: "US"},
	}
	nc := 1 + g.rng.IntN(3)
	for c := 0; c < nc; c++ {
		ct := Container{ID: containerID(g.pick(owners), g.rng.IntN(1000000)), Type: g.pick(types)}
		ct.Seals = []string{fmt.Sprintf("%s%07d", b.SCAC[:2], g.rng.IntN(10000000))}
		if ct.Type == "22T1" {
			ct.Seals = append(ct.Seals, fmt.Sprintf("%s%07d", b.SCAC[:2], g.rng.IntN(10000000)))
		}
		ng := 1 + g.rng.IntN(2)
		for k := 0; k < ng; k++ {
			gd := goods[g.rng.IntN(len(goods))]
			it := Goods{Quantity: 1 + g.rng.IntN(900), Description: gd.desc, Marks: fmt.Sprintf("PO%06d", g.rng.IntN(1000000)), HS: gd.hs, WeightKG: 100 + g.rng.IntN(24000)}
			if gd.hs == "281511" {
				it.UN = "1823"
			}
			b.Pieces += it.Quantity
			b.WeightKG += it.WeightKG
			ct.Goods = append(ct.Goods, it)
		}
		b.Containers = append(b.Containers, ct)
	}
	return b
}

func (g *Generator) writeBill(lx int, b *Bill) {
	g.seg("LX", strconv.Itoa(lx))
	g.seg("M11", b.Number, b.LadingPort, strconv.Itoa(b.Pieces), "PKG", strconv.Itoa(b.WeightKG), "K", strconv.Itoa(10+b.WeightKG/500), "X", "00", "", "", b.SCAC)
	for _, p := range b.Parties {
		g.seg("N1", p.Role, p.Name)
		if p.Address != "" {
			g.seg("N3", p.Address)
		}
		g.seg("N4", p.City, p.State, p.Postal, p.Country)
	}
	for _, c := range b.Containers {
		seals := []string{"", ""}
		copy(seals, c.Seals)
		g.seg("VID", "CN", c.ID[:4], c.ID[4:], seals[0], seals[1], "", "", "", c.Type, "L", "PP")
		for _, it := range c.Goods {
			desc := it.Description
			first := desc
			if len(first) > 45 {
				first = desc[:45]
			}
			g.seg("N10", strconv.Itoa(it.Quantity), first, it.Marks, "J", it.HS, "", "K", strconv.Itoa(it.WeightKG))
			if it.UN != "" {
				g.seg("H1", it.UN, "8", "", "CORROSIVE SOLID N.O.S.")
			}
			for rest := desc[len(first):]; rest != ""; {
				part := rest[:min(45, len(rest))]
				rest = rest[len(part):]
				g.seg("N10", "", part)
			}
		}
	}
}

// seg writes a segment, trimming trailing empty elements as X12 requires.
func (g *Generator) seg(tag string, elems ...string) {
	for len(elems) > 0 && elems[len(elems)-1] == "" {
		elems = elems[:len(elems)-1]
	}
	g.raw(tag + "*" + strings.Join(elems, "*"))
	if len(elems) == 0 {
		panic("x12gen: segment without elements: " + tag)
	}
}

func (g *Generator) raw(s string) {
	if g.err != nil {
		return
	}
	g.segs++
	g.w.WriteString(s)
	_, g.err = g.w.WriteString(g.term)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// containerID returns the ISO 6346 container number of an owner code (4 letters, the
// category U included) and a serial, with its check digit.
func containerID(owner string, serial int) string {
	id := fmt.Sprintf("%s%06d", owner, serial)
	return id + strconv.Itoa(CheckDigit(id))
}

// CheckDigit computes the ISO 6346 check digit of the first 10 characters of id.
func CheckDigit(id string) int {
	sum := 0
	for i := 0; i < 10; i++ {
		c := id[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = letterValue[c-'A'] // A=10, B=12 ...: multiples of 11 are skipped
		}
		sum += v << i
	}
	return sum % 11 % 10
}

var letterValue = [26]int{10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37, 38}
