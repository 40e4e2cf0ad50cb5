package edifact

import (
	"github.com/icss/icss/edi/internal/pipeline"
)

// arena holds the index arrays of the segments of one batch read ahead.
type arena struct {
	i32   []int32
	comps []span
}

// readAhead runs r on its own goroutine (edi/internal/pipeline) and calls fn with what
// each Read returns, in order, until fn returns false or the input ends; it returns the
// error that ended the input (io.EOF at its end), nil when fn stopped first. When it
// returns, r may be read again (its position, for instance).
func readAhead(r *Reader, fn func(seg *Segment, err error) bool) error {
	p := &pipeline.Pipeline[Segment, arena]{}
	r.swap = p.Swap
	defer func() { r.swap = nil }()
	keep32 := func(a *arena, v []int32) []int32 {
		if v == nil {
			return nil
		}
		n := len(a.i32)
		a.i32 = append(a.i32, v...)
		return a.i32[n:len(a.i32):len(a.i32)]
	}
	pipeline.Start(pipeline.Dialect[Segment, arena]{
		Read: r.Read,
		// A segment's bytes stay in the reader's buffer; its index arrays, which the
		// reader reuses, go to the batch's arena. Unescaped values get a scratch of
		// their own when asked for.
		Keep: func(dst, seg *Segment, a *arena) {
			*dst = *seg
			dst.elems = keep32(a, seg.elems)
			dst.first = keep32(a, seg.first)
			n := len(a.comps)
			a.comps = append(a.comps, seg.comps...)
			dst.comps = a.comps[n:len(a.comps):len(a.comps)]
			dst.repeat, dst.scratch = nil, nil
		},
		Reset: func(a *arena) {
			if a.i32 == nil {
				a.i32, a.comps = make([]int32, 0, 16<<10), make([]span, 0, 16<<10)
			}
			a.i32, a.comps = a.i32[:0], a.comps[:0]
		},
		Last: endsInput,
	}, p)
	return p.Each(fn)
}
