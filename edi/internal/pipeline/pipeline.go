package pipeline

const (
	batchSegments = 1024 // segments per batch
	batchesAhead  = 4    // batches the reader may run ahead of the consumer
)

// Batch is what the reader hands over: the results of up to batchSegments reads.
// Arena is the dialect's store for the copied segments' index arrays.
type Batch[S, A any] struct {
	items []item
	segs  []S
	Arena A
	bufs  [][]byte // reader buffers left behind while this batch was filled
	done  bool     // the reader stopped after this batch
}

// item is one read: a segment (index+1 in segs, 0 for none) and an error.
type item struct {
	seg int
	err error
}

// Dialect is what the pipeline needs of a reader.
type Dialect[S, A any] struct {
	// Read returns the next segment and error, as the reader's Read.
	Read func() (*S, error)
	// Keep copies seg into dst so that it survives the next Read: its index arrays go
	// to arena (which Reset empties), its bytes stay where they are.
	Keep func(dst *S, seg *S, arena *A)
	// Reset empties an arena for reuse.
	Reset func(arena *A)
	// Last reports whether err ends the input (end of input or a read failure), as
	// opposed to a finding the reader carries on after.
	Last func(err error) bool
}

// Pipeline is a reader running ahead on its own goroutine.
type Pipeline[S, A any] struct {
	d    Dialect[S, A]
	full chan *Batch[S, A]
	free chan *Batch[S, A]
	bufs chan []byte
	stop chan struct{}
	cur  *Batch[S, A] // the batch being filled (reader goroutine)
}

// Start starts reading. The caller must set the reader's buffer hook to Swap before.
func Start[S, A any](d Dialect[S, A], p *Pipeline[S, A]) {
	p.d = d
	p.full = make(chan *Batch[S, A], batchesAhead)
	p.free = make(chan *Batch[S, A], batchesAhead+2)
	p.bufs = make(chan []byte, 2*(batchesAhead+2))
	p.stop = make(chan struct{})
	for range batchesAhead + 2 {
		b := &Batch[S, A]{items: make([]item, 0, batchSegments), segs: make([]S, 0, batchSegments)}
		d.Reset(&b.Arena)
		p.free <- b
	}
	go p.run()
}

// Swap is the reader's buffer hook: old stays with the batch being filled (its segments
// point into it) and is reused after it; the reader carries on in the buffer returned,
// of the same length.
func (p *Pipeline[S, A]) Swap(old []byte) []byte {
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

func (p *Pipeline[S, A]) run() {
	defer close(p.full)
	for {
		select {
		case p.cur = <-p.free:
		case <-p.stop:
			return
		}
		b := p.cur
		for len(b.items) < batchSegments {
			seg, err := p.d.Read()
			it := item{err: err}
			if seg != nil {
				b.segs = b.segs[:len(b.segs)+1]
				p.d.Keep(&b.segs[len(b.segs)-1], seg, &b.Arena)
				it.seg = len(b.segs)
			}
			b.items = append(b.items, it)
			if seg == nil && err != nil && p.d.Last(err) {
				b.done = true
				break
			}
		}
		done := b.done // b belongs to the consumer once sent
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

// Each calls fn with every segment and error the reader returns, in order, until fn
// returns false or the input ends, and stops the reader. It returns the error that
// ended the input (Last), or nil when fn stopped first. When Each returns, the reader
// goroutine has ended: the reader's state may be read.
func (p *Pipeline[S, A]) Each(fn func(seg *S, err error) bool) error {
	defer func() {
		close(p.stop)
		for range p.full {
		}
	}()
	for b := range p.full {
		for _, it := range b.items {
			var seg *S
			if it.seg > 0 {
				seg = &b.segs[it.seg-1]
			}
			if b.done && seg == nil && it.err != nil && p.d.Last(it.err) {
				return it.err
			}
			if !fn(seg, it.err) {
				return nil
			}
		}
		p.recycle(b)
	}
	return nil
}

// recycle returns a consumed batch and the buffers it held.
func (p *Pipeline[S, A]) recycle(b *Batch[S, A]) {
	for _, buf := range b.bufs {
		select {
		case p.bufs <- buf:
		default:
		}
	}
	clear(b.bufs)
	clear(b.segs) // drop references into buffers
	b.items, b.segs, b.bufs, b.done = b.items[:0], b.segs[:0], b.bufs[:0], false
	p.d.Reset(&b.Arena)
	p.free <- b
}
