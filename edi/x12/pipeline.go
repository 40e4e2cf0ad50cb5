package x12

import (
	"io"
)

// The pipeline reads (tokenizes) on one goroutine while the Validator checks on the
// caller's: on two cores a file is validated in about the time the slower of the two
// takes, instead of their sum. Segments reach the validator in batches; their bytes stay
// in the reader buffer they were read into, which is recycled only once every batch
// pointing into it has been validated, so nothing is copied but the segments' element
// offsets, and memory stays bounded by the batches in flight.

const (
	batchSegments = 1024 // segments per batch
	batchesAhead  = 4    // batches the reader may run ahead of the validator
)

// readItem is one result of Reader.Read: a segment (index+1 in the batch, 0 for none)
// and an error.
type readItem struct {
	seg int
	err error
}

type segBatch struct {
	items []readItem
	segs  []Segment
	ends  []int32  // backing store of the segments' ends
	bufs  [][]byte // reader buffers left behind while this batch was read
	done  bool     // the reader stopped after this batch (end of input or failure)
}

// pipeline runs r on its own goroutine.
type pipeline struct {
	full chan *segBatch
	free chan *segBatch
	bufs chan []byte // reader buffers to reuse
	stop chan struct{}
	cur  *segBatch // the batch being filled (reader goroutine)
}

func newPipeline(r *Reader) *pipeline {
	p := &pipeline{
		full: make(chan *segBatch, batchesAhead),
		free: make(chan *segBatch, batchesAhead+2),
		bufs: make(chan []byte, 2*(batchesAhead+2)),
		stop: make(chan struct{}),
	}
	for range batchesAhead + 2 {
		p.free <- &segBatch{
			items: make([]readItem, 0, batchSegments),
			segs:  make([]Segment, 0, batchSegments),
			ends:  make([]int32, 0, 16*batchSegments),
		}
	}
	r.swap = p.swap
	go p.run(r)
	return p
}

// swap is the reader's: old stays with the batch being filled (its segments point
// into it) and is recycled with it; the reader carries on in another buffer.
func (p *pipeline) swap(old []byte) []byte {
	p.cur.bufs = append(p.cur.bufs, old)
	select {
	case b := <-p.bufs:
		if cap(b) >= len(old) {
			return b[:len(old)]
		}
	default:
	}
	return make([]byte, len(old))
}

func (p *pipeline) run(r *Reader) {
	defer close(p.full)
	for {
		select {
		case p.cur = <-p.free:
		case <-p.stop:
			return
		}
		b := p.cur
		for len(b.items) < batchSegments {
			seg, err := r.Read()
			it := readItem{err: err}
			if seg != nil {
				cp := *seg
				n := len(b.ends)
				b.ends = append(b.ends, seg.ends...)
				cp.ends = b.ends[n:len(b.ends):len(b.ends)]
				b.segs = append(b.segs, cp)
				it.seg = len(b.segs)
			}
			b.items = append(b.items, it)
			if seg == nil && err != nil {
				if _, ok := err.(*SyntaxError); !ok {
					b.done = true // io.EOF or a read failure: the last item
					break
				}
			}
		}
		done := b.done // b belongs to the validator once sent
		select {
		case p.full <- b:
		case <-p.stop:
			return
		}
		if done {
			return
		}
	}
}

// recycle returns a validated batch and the buffers it held.
func (p *pipeline) recycle(b *segBatch) {
	for _, buf := range b.bufs {
		select {
		case p.bufs <- buf:
		default:
		}
	}
	clear(b.bufs)
	b.items, b.segs, b.ends, b.bufs, b.done = b.items[:0], b.segs[:0], b.ends[:0], b.bufs[:0], false
	p.free <- b
}

// close stops the reader goroutine (when validation ends early) and waits for it.
func (p *pipeline) close() {
	close(p.stop)
	for range p.full {
	}
}

// each calls fn with every segment and error the reader returns, in order, until fn
// returns false or the input ends; it returns the error that ended the input (io.EOF at
// the end).
func (p *pipeline) each(fn func(seg *Segment, err error) bool) error {
	defer p.close()
	for b := range p.full {
		for _, it := range b.items {
			var seg *Segment
			if it.seg > 0 {
				seg = &b.segs[it.seg-1]
			}
			if b.done && seg == nil && it.err != nil {
				if _, ok := it.err.(*SyntaxError); !ok {
					return it.err
				}
			}
			if !fn(seg, it.err) {
				return nil
			}
		}
		p.recycle(b)
	}
	return io.EOF
}
