package risk

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// WatchLists are the lookout lists: entities (shippers, consignees, notify parties…),
// addresses and vessels. Names are matched fuzzily (see Normalize and Similarity).
type WatchLists struct {
	// Threshold is the smallest similarity (0..1) that counts as a match (default 0.85).
	Threshold float64      `yaml:"threshold"`
	Entities  []WatchEntry `yaml:"entities"`
	Addresses []WatchEntry `yaml:"addresses"`
	Vessels   []WatchEntry `yaml:"vessels"`
}

// WatchEntry is one listed name.
type WatchEntry struct {
	// ID is the list's own reference for the entry.
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// IMO matches a vessel exactly, whatever its name.
	IMO string `yaml:"imo,omitempty"`
	// List names the source list (denied parties, lookout, intelligence).
	List   string `yaml:"list,omitempty"`
	Reason string `yaml:"reason,omitempty"`
}

// WatchMatch is a name that matched a watch-list entry.
type WatchMatch struct {
	Entry      WatchEntry
	Matched    string
	Similarity float64
}

// watchIndex finds candidate entries by shared tokens, then scores them.
type watchIndex struct {
	entries   []WatchEntry
	tokens    [][]string
	byToken   map[string][]int32
	threshold float64
}

func newWatchIndex(entries []WatchEntry, threshold float64) *watchIndex {
	ix := &watchIndex{entries: entries, byToken: map[string][]int32{}, threshold: threshold}
	for i, e := range entries {
		toks := tokens(Normalize(e.Name))
		ix.tokens = append(ix.tokens, toks)
		for _, t := range toks {
			k := tokenKey(t)
			if l := ix.byToken[k]; len(l) == 0 || l[len(l)-1] != int32(i) {
				ix.byToken[k] = append(l, int32(i))
			}
		}
	}
	return ix
}

// tokenKey is the bucket a token is indexed under: its first three characters, so
// that a typo later in a word still finds the entry.
func tokenKey(t string) string {
	if len(t) > 3 {
		return t[:3]
	}
	return t
}

// match returns the best entry at or above the threshold for name. Results are kept in
// sc: the same shippers, consignees and vessels come back bill after bill, and fuzzy
// matching a name against the list was a tenth of the scoring time.
func (ix *watchIndex) match(name string, sc *matchScratch) (WatchMatch, bool) {
	if ix == nil || len(ix.entries) == 0 || strings.TrimSpace(name) == "" {
		return WatchMatch{}, false
	}
	k := matchKey{ix, name}
	if r, ok := sc.seen[k]; ok {
		r.m.Matched = name
		return r.m, r.ok
	}
	m, ok := ix.find(name, sc)
	if len(sc.seen) >= maxSeenNames {
		clear(sc.seen)
	}
	if sc.seen == nil {
		sc.seen = map[matchKey]matchResult{}
	}
	// A copy of the name: it may point into a whole decoded line.
	k.name = strings.Clone(name)
	sc.seen[k] = matchResult{m, ok}
	return m, ok
}

// maxSeenNames bounds the names a matchScratch remembers.
const maxSeenNames = 1 << 12

type matchKey struct {
	ix   *watchIndex
	name string
}

type matchResult struct {
	m  WatchMatch
	ok bool
}

// find is match without the memory.
func (ix *watchIndex) find(name string, sc *matchScratch) (WatchMatch, bool) {
	sc.norm = appendNormalized(sc.norm[:0], name)
	sc.toks = appendTokens(sc.toks[:0], string(sc.norm))
	if len(sc.toks) == 0 {
		return WatchMatch{}, false
	}
	sc.cand = sc.cand[:0]
	for _, t := range sc.toks {
		sc.cand = append(sc.cand, ix.byToken[tokenKey(t)]...)
	}
	if len(sc.cand) == 0 {
		return WatchMatch{}, false
	}
	sort.Slice(sc.cand, func(a, b int) bool { return sc.cand[a] < sc.cand[b] })
	best, bestSim := -1, 0.0
	prev := int32(-1)
	for _, c := range sc.cand {
		if c == prev {
			continue
		}
		prev = c
		s := tokenSetSimilarity(sc.toks, ix.tokens[c])
		if s < ix.threshold && s >= 0.5 {
			// Words run together or split ("WANCHAI", "WAN CHAI"): when the words
			// already mostly agree, compare the names without blanks.
			s = max(s, compactSimilarity(sc.toks, ix.tokens[c], &sc.compact))
		}
		if s > bestSim {
			best, bestSim = int(c), s
		}
	}
	if best < 0 || bestSim < ix.threshold {
		return WatchMatch{}, false
	}
	return WatchMatch{Entry: ix.entries[best], Matched: name, Similarity: bestSim}, true
}

type matchScratch struct {
	seen    map[matchKey]matchResult
	compact [2][]byte
	norm    []byte
	toks    []string
	cand    []int32
}

// legalSuffixes are company-form words (and vessel prefixes) dropped before comparing
// names: "ACME TRADING CO., LTD." and "Acme Trading Limited" are the same party,
// "M/V OCEAN PHANTOM" and "OCEAN PHANTOM" the same ship.
var legalSuffixes = map[string]bool{
	"LTD": true, "LIMITED": true, "CO": true, "COMPANY": true, "INC": true, "INCORPORATED": true,
	"CORP": true, "CORPORATION": true, "LLC": true, "LLP": true, "PLC": true, "GMBH": true, "AG": true,
	"KG": true, "SA": true, "SAS": true, "SARL": true, "SRL": true, "SPA": true, "BV": true, "NV": true,
	"OOO": true, "ZAO": true, "OAO": true, "PAO": true, "AO": true, "JSC": true, "OJSC": true, "CJSC": true,
	"PTE": true, "PTY": true, "PVT": true, "SDN": true, "BHD": true, "KK": true, "AB": true, "AS": true,
	"OY": true, "SPZOO": true, "THE": true, "AND": true, "OF": true, "DE": true, "CV": true, "LTDA": true,
	// Vessel prefixes.
	"MV": true, "MT": true, "MS": true, "SS": true, "MY": true,
}

// abbreviations are spelled out before comparing: "INTL TRDG" is "INTERNATIONAL
// TRADING". (Words that merely begin another, IMP for IMPORT, are handled by
// wordSimilarity.)
var abbreviations = map[string]string{
	"INTL": "INTERNATIONAL", "TRDG": "TRADING", "MFG": "MANUFACTURING", "MFR": "MANUFACTURER",
	"IMPEX": "IMPORT EXPORT", "EXIM": "EXPORT IMPORT", "ENTPR": "ENTERPRISE", "ENTS": "ENTERPRISES",
	"IND": "INDUSTRIAL", "INDS": "INDUSTRIES", "SVCS": "SERVICES", "SVC": "SERVICE", "DIST": "DISTRIBUTION",
	"RD": "ROAD", "ST": "STREET", "AVE": "AVENUE", "BLVD": "BOULEVARD", "BLDG": "BUILDING", "FL": "FLOOR",
	"HWY": "HIGHWAY", "STE": "SUITE",
}

// translit maps Cyrillic and Greek letters to Latin so that a name written in either
// script matches its romanised form.
var translit = map[rune]string{
	'А': "A", 'Б': "B", 'В': "V", 'Г': "G", 'Д': "D", 'Е': "E", 'Ё': "E", 'Ж': "ZH", 'З': "Z", 'И': "I",
	'Й': "Y", 'К': "K", 'Л': "L", 'М': "M", 'Н': "N", 'О': "O", 'П': "P", 'Р': "R", 'С': "S", 'Т': "T",
	'У': "U", 'Ф': "F", 'Х': "KH", 'Ц': "TS", 'Ч': "CH", 'Ш': "SH", 'Щ': "SHCH", 'Ъ': "", 'Ы': "Y", 'Ь': "",
	'Э': "E", 'Ю': "YU", 'Я': "YA", 'Α': "A", 'Β': "V", 'Γ': "G", 'Δ': "D", 'Ε': "E", 'Ζ': "Z", 'Η': "I",
	'Θ': "TH", 'Ι': "I", 'Κ': "K", 'Λ': "L", 'Μ': "M", 'Ν': "N", 'Ξ': "X", 'Ο': "O", 'Π': "P", 'Ρ': "R",
	'Σ': "S", 'Τ': "T", 'Υ': "Y", 'Φ': "F", 'Χ': "CH", 'Ψ': "PS", 'Ω': "O", 'ß': "SS", 'Æ': "AE", 'Ø': "O",
	'Œ': "OE", 'Ł': "L", 'Đ': "D", 'Þ': "TH",
}

// Normalize prepares a name for matching: accents removed (NFKD), Cyrillic and Greek
// romanised, upper case, punctuation turned into blanks, "&" read as AND, company-form
// words (LTD, GMBH, OOO…) dropped.
func Normalize(name string) string {
	return strings.Join(tokens(string(appendNormalized(nil, name))), " ")
}

func appendNormalized(dst []byte, name string) []byte {
	ascii := true
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		name = norm.NFKD.String(name)
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z':
			dst = append(dst, byte(r-'a'+'A'))
		case (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			dst = append(dst, byte(r))
		case r == '.' || r == '\'' || r == '/':
			// "S.A.", "O'BRIEN" and "M/V" read as one word.
		case r < utf8.RuneSelf:
			dst = append(dst, ' ')
		case unicode.Is(unicode.Mn, r):
		default:
			if s, ok := translit[unicode.ToUpper(r)]; ok {
				dst = append(dst, s...)
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				dst = utf8.AppendRune(dst, unicode.ToUpper(r))
			} else {
				dst = append(dst, ' ')
			}
		}
	}
	return dst
}

func tokens(s string) []string { return appendTokens(nil, s) }

// appendTokens splits a normalised name into words, dropping company-form words unless
// nothing else is left. The words are substrings of s.
func appendTokens(dst []string, s string) []string {
	kept := 0
	for pass := 0; pass < 2 && kept == 0; pass++ {
		for i := 0; i < len(s); {
			for i < len(s) && s[i] == ' ' {
				i++
			}
			j := i
			for j < len(s) && s[j] != ' ' {
				j++
			}
			if j > i {
				w := s[i:j]
				if pass == 1 || !legalSuffixes[w] {
					if x, ok := abbreviations[w]; ok {
						w = x
					}
					dst = append(dst, w)
					kept++
				}
			}
			i = j
		}
	}
	return dst
}

// appendJoinedTokens appends the words of a normalised name joined by single blanks,
// company-form words dropped: the bytes of Normalize(name).
func appendJoinedTokens(dst, norm []byte) []byte {
	start := len(dst)
	for pass := 0; pass < 2 && len(dst) == start; pass++ {
		for i := 0; i < len(norm); {
			for i < len(norm) && norm[i] == ' ' {
				i++
			}
			j := i
			for j < len(norm) && norm[j] != ' ' {
				j++
			}
			if j > i && (pass == 1 || !legalSuffixes[string(norm[i:j])]) {
				if len(dst) > start {
					dst = append(dst, ' ')
				}
				if x, ok := abbreviations[string(norm[i:j])]; ok {
					dst = append(dst, x...)
				} else {
					dst = append(dst, norm[i:j]...)
				}
			}
			i = j
		}
	}
	return dst
}

// tokenSetSimilarity is a Dice coefficient over word sets in which two words count as
// the same when they are close (Levenshtein similarity), weighted by that closeness.
// Word order does not matter; an extra word lowers the score.
func tokenSetSimilarity(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	total := 0.0
	for _, x := range a {
		best := 0.0
		for _, y := range b {
			if s := wordSimilarity(x, y); s > best {
				best = s
				if best == 1 {
					break
				}
			}
		}
		if best >= 0.8 {
			total += best
		}
	}
	return 2 * total / float64(len(a)+len(b))
}

// compactSimilarity compares two token lists joined without blanks.
func compactSimilarity(a, b []string, buf *[2][]byte) float64 {
	x, y := buf[0][:0], buf[1][:0]
	for _, t := range a {
		x = append(x, t...)
	}
	for _, t := range b {
		y = append(y, t...)
	}
	buf[0], buf[1] = x, y
	if len(x) > 96 || len(y) > 96 {
		return 0
	}
	return levenshteinRatio(x, y, len(x)/5+1)
}

// wordSimilarity is 1 − Levenshtein distance / length of the longer word; a word of
// three letters or more that begins the other ("IMP", "IMPORT") scores 0.9.
func wordSimilarity(a, b string) float64 {
	if a == b {
		return 1
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) >= 3 && b[:len(a)] == a {
		return 0.9
	}
	if d := len(a) - len(b); d > 2 || d < -2 {
		return 0
	}
	return levenshteinRatio(a, b, 2)
}

// levenshteinRatio is 1 − distance / longer length, or 0 when the lengths differ by
// more than maxDiff.
func levenshteinRatio[S ~string | ~[]byte](a, b S, maxDiff int) float64 {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	if d := la - lb; d > maxDiff || d < -maxDiff {
		return 0
	}
	var rowBuf [128]int
	var row []int
	if lb+1 <= len(rowBuf) {
		row = rowBuf[:lb+1]
	} else {
		row = make([]int, lb+1)
	}
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= la; i++ {
		prev := row[0]
		row[0] = i
		for j := 1; j <= lb; j++ {
			cur := row[j]
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, prev+cost)
			prev = cur
		}
	}
	return 1 - float64(row[lb])/float64(max(la, lb))
}

// Similarity is the fuzzy similarity of two names (0..1) after Normalize.
func Similarity(a, b string) float64 {
	return tokenSetSimilarity(tokens(Normalize(a)), tokens(Normalize(b)))
}
