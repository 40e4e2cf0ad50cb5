// Package gen generates large, realistic CUSCAR (D95B) interchanges for benchmarks and
// memory tests: a carrier's cargo report with a voyage, its containers and, per bill of
// lading, parties, goods items with descriptions (some with service characters that
// need the release character, some Latin-1 names under UNOC) and container links. The
// output is deterministic for a seed and valid against the package's CUSCAR spec.
package gen

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
)

// Options shape the generated input. The zero value gives interchanges of 4 messages
// with 40 bills each.
type Options struct {
	Seed                 uint64
	MessagesPerInterchng int // messages per interchange (default 4)
	BillsPerMessage      int // consignments (CNI groups) per message (default 40)
	Newlines             bool
}

// Reader streams interchanges until Size bytes have been produced (it finishes the
// interchange in progress, so the total is a little over Size).
type Reader struct {
	opts Options
	size int64
	n    int64
	rnd  *rand.Rand
	buf  bytes.Buffer
	ic   int
}

// New returns a Reader producing at least size bytes.
func New(size int64, opts Options) *Reader {
	if opts.MessagesPerInterchng <= 0 {
		opts.MessagesPerInterchng = 4
	}
	if opts.BillsPerMessage <= 0 {
		opts.BillsPerMessage = 40
	}
	return &Reader{opts: opts, size: size, rnd: rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))}
}

// Bytes generates size bytes in memory.
func Bytes(size int64, opts Options) []byte {
	b, _ := io.ReadAll(New(size, opts))
	return b
}

func (g *Reader) Read(p []byte) (int, error) {
	for g.buf.Len() == 0 {
		if g.n >= g.size {
			return 0, io.EOF
		}
		g.interchange()
	}
	n, _ := g.buf.Read(p)
	g.n += int64(n)
	return n, nil
}

var (
	owners   = []string{"MSCU", "MAEU", "CMAU", "HLXU", "OOLU", "TGHU", "CSQU", "TRHU"}
	sizes    = []string{"22G1", "42G1", "45G1", "45R1", "L5G1", "22T1"}
	ports    = []string{"CNSHA", "KRPUS", "JPTYO", "SGSIN", "HKHKG", "CNYTN", "TWKHH", "VNSGN"}
	goods    = []string{"AUTO PARTS", "FURNITURE, KNOCKED DOWN", "COTTON T-SHIRTS 100?% COTTON", "LED LAMPS (230V)", "TYRES FOR PASSENGER CARS", "STEEL FASTENERS M8?+M10", "PLASTIC TOYS", "FROZEN SEAFOOD -18C", "MACHINE PARTS?: GEARS", "CERAMIC TILES"}
	names    = []string{"ACME TRADING CO LTD", "NORTHERN IMPORTS INC", "SHENZHEN BRIGHT ELECTRONICS", "MÜLLER & SÖHNE GMBH", "PACIFIC RIM LOGISTICS", "SOCIÉTÉ GÉNÉRALE D?'IMPORT", "GREAT LAKES DISTRIBUTION", "ÅLESUND FISK AS"}
	hsCodes  = []string{"870899", "940360", "610910", "940540", "401110", "731815", "950300", "030389", "848340", "690721"}
	packages = []string{"CT", "PK", "PX", "BG", "CS"}
)

func (g *Reader) pick(s []string) string { return s[g.rnd.IntN(len(s))] }

// latin1 converts a UTF-8 constant to ISO 8859-1 bytes (UNOC).
func latin1(s string) string {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		out = append(out, byte(r))
	}
	return string(out)
}

func containerID(owner string, serial int) string {
	id := fmt.Sprintf("%s%06d", owner, serial)
	sum, pow := 0, 1
	for i := 0; i < 10; i++ {
		c := id[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
			v += (v - 1) / 10 // skip multiples of 11
		}
		sum += v * pow
		pow *= 2
	}
	return fmt.Sprintf("%s%d", id, sum%11%10)
}

func (g *Reader) interchange() {
	g.ic++
	nl := ""
	if g.opts.Newlines {
		nl = "\n"
	}
	w := &g.buf
	seg := func(s string) { w.WriteString(s); w.WriteString("'" + nl) }
	ref := fmt.Sprintf("IC%08d", g.ic)
	fmt.Fprintf(w, "UNA:+.? '%s", nl)
	seg(fmt.Sprintf("UNB+UNOC:3+CARRIERX:ZZZ+CBSAACI:ZZZ+%02d%02d%02d:%02d%02d+%s", 26, 1+g.ic%12, 1+g.ic%28, g.ic%24, g.ic%60, ref))
	for m := 1; m <= g.opts.MessagesPerInterchng; m++ {
		count := 0
		s := func(x string) { seg(x); count++ }
		mref := fmt.Sprintf("M%d", m)
		s("UNH+" + mref + "+CUSCAR:D:95B:UN")
		s(fmt.Sprintf("BGM+85+MAN%d%04d+9", g.ic, m))
		s("DTM+137:202611271200:203")
		s(fmt.Sprintf("RFF+AFB:VOY%05d", g.ic))
		s("NAD+MS+CARRIERX:172:20")
		s(fmt.Sprintf("TDT+20+%03dE+1+13+CARRIERX:172:20+++9%06d:146:11:%s", g.ic%1000, g.rnd.IntN(1000000), "PACIFIC PIONEER"))
		s("LOC+60+CAPRR:139:6")
		s("DTM+132:202612011800:203")
		s("GIS+23")
		type ctr struct{ id, size string }
		ctrs := make([]ctr, 0, g.opts.BillsPerMessage/2+1)
		for i := 0; i < cap(ctrs); i++ {
			c := ctr{containerID(g.pick(owners), g.rnd.IntN(1000000)), g.pick(sizes)}
			ctrs = append(ctrs, c)
			s(fmt.Sprintf("EQD+CN+%s:6346:5+%s:102:5+2+3+5", c.id, c.size))
			s(fmt.Sprintf("MEA+AAE+G+KGM:%d", 2000+g.rnd.IntN(28000)))
			s(fmt.Sprintf("SEL+%s%07d+CA", c.id[:4], g.rnd.IntN(10000000)))
		}
		for b := 1; b <= g.opts.BillsPerMessage; b++ {
			c := ctrs[g.rnd.IntN(len(ctrs))]
			s(fmt.Sprintf("CNI+%d+CRXU%09d", b, g.rnd.IntN(1000000000)))
			s(fmt.Sprintf("RFF+BM:CRXU%09d", g.rnd.IntN(1000000000)))
			s(fmt.Sprintf("CNT+7:%d:KGM", 100+g.rnd.IntN(20000)))
			s("LOC+9+" + g.pick(ports) + ":139:6")
			s("LOC+11+CAPRR:139:6")
			s("LOC+8+USCHI:139:6")
			s("NAD+CZ+++" + latin1(g.pick(names)) + "+12 HARBOUR ROAD+SHANGHAI++200000+CN")
			s("NAD+CN+++" + latin1(g.pick(names)) + "+500 W MADISON ST+CHICAGO+IL+60661+US")
			s("NAD+N1+++" + latin1(g.pick(names)) + "+1 FIRST AVE+TORONTO+ON+M5V 2T6+CA")
			items := 1 + g.rnd.IntN(3)
			for it := 1; it <= items; it++ {
				pk := 1 + g.rnd.IntN(900)
				s(fmt.Sprintf("GID+%d+%d:%s", it, pk, g.pick(packages)))
				s("FTX+AAA+++" + g.pick(goods))
				s("FTX+AAI+++HS " + g.pick(hsCodes))
				s(fmt.Sprintf("MEA+AAE+G+KGM:%d", 50+g.rnd.IntN(9000)))
				s(fmt.Sprintf("SGP+%s+%d", c.id, pk))
				s("PCI+24+" + fmt.Sprintf("MARKS %d/%d", it, items))
			}
		}
		count++
		seg(fmt.Sprintf("UNT+%d+%s", count, mref))
	}
	seg(fmt.Sprintf("UNZ+%d+%s", g.opts.MessagesPerInterchng, ref))
}
