package risk

import "github.com/icss/icss/transforms/harmonized"

// recordDecoder decodes records one after another into the same harmonized.Record,
// keeping the backing arrays of its parties, goods and equipment. go-json allocates
// every element of a slice it decodes into an empty one, then copies the lot into a
// new array; given a slice already that long, of zeroed elements, it decodes in place.
// At ten or so elements a record that was a tenth of the scoring time, most of it
// garbage for the GC.
//
// Decoding into a non-empty slice would merge with what is there, so every element is
// zeroed first. An absent key leaves the slice as it was, which cannot be told from an
// array exactly as long as the slice; so when a slice comes back full the line is
// decoded again into an empty record. Slices are made longer than the longest array
// seen, so that this stays rare.
//
// With proj set, lines go to the projected decoder first (project.go).
type recordDecoder struct {
	proj      *projDecoder
	rec       harmonized.Record
	parties   []harmonized.Party
	goods     []harmonized.GoodsItem
	equipment []harmonized.Equipment
}

// decode decodes line into d.rec, valid until the next call.
func (d *recordDecoder) decode(line []byte) (*harmonized.Record, error) {
	if d.proj != nil {
		if rec, ok := d.proj.decode(line); ok {
			return rec, nil
		}
	}
	clear(d.parties)
	clear(d.goods)
	clear(d.equipment)
	d.rec = harmonized.Record{Parties: d.parties, Goods: d.goods, Equipment: d.equipment}
	err := decodeRecord(line, &d.rec)
	if err != nil || full(d.rec.Parties, d.parties) || full(d.rec.Goods, d.goods) || full(d.rec.Equipment, d.equipment) {
		d.rec = harmonized.Record{}
		if err := decodeRecord(line, &d.rec); err != nil {
			return nil, err
		}
	}
	d.parties = longer(d.parties, len(d.rec.Parties))
	d.goods = longer(d.goods, len(d.rec.Goods))
	d.equipment = longer(d.equipment, len(d.rec.Equipment))
	return &d.rec, nil
}

// full reports whether decoded still has the length it was given (the key absent, or
// an array of exactly that length), where the in-place decode is ambiguous.
func full[T any](decoded, given []T) bool {
	return len(given) > 0 && len(decoded) == len(given)
}

// longer returns s, or a new zeroed slice more than n long when s is not.
func longer[T any](s []T, n int) []T {
	if len(s) > n {
		return s
	}
	return make([]T, n+n/2+1)
}
