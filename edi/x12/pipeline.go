package x12

import (
	"github.com/icss/icss/edi/internal/pipeline"
)

// readAhead runs r on its own goroutine (edi/internal/pipeline) and calls fn with what
// each Read returns, in order, until fn returns false or the input ends; it returns the
// error that ended the input (io.EOF at its end), nil when fn stopped first.
func readAhead(r *Reader, fn func(seg *Segment, err error) bool) error {
	p := &pipeline.Pipeline[Segment, []int32]{}
	r.swap = p.Swap
	defer func() { r.swap = nil }()
	pipeline.Start(pipeline.Dialect[Segment, []int32]{
		Read: r.Read,
		// A segment's bytes stay in the reader's buffer; its element ends, which the
		// reader reuses, go to the batch's arena.
		Keep: func(dst, seg *Segment, ends *[]int32) {
			*dst = *seg
			n := len(*ends)
			*ends = append(*ends, seg.ends...)
			dst.ends = (*ends)[n:len(*ends):len(*ends)]
		},
		Reset: func(ends *[]int32) {
			if *ends == nil {
				*ends = make([]int32, 0, 16<<10)
			}
			*ends = (*ends)[:0]
		},
		Last: func(err error) bool {
			_, finding := err.(*SyntaxError)
			return !finding
		},
	}, p)
	return p.Each(fn)
}
