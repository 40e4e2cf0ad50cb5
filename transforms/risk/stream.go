package risk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	gojson "github.com/goccy/go-json"

	"github.com/icss/icss/transforms/harmonized"
)

// StreamOptions tune Score.
type StreamOptions struct {
	// Workers is the number of scoring goroutines (default: the number of CPUs).
	Workers int
	// Batch is how many lines a worker takes at a time (default 256).
	Batch int
	// MaxLine is the longest accepted input line in bytes (default 16 MiB).
	MaxLine int
	// Capacity, when positive, limits the selection to this many records per port and
	// day (ApplyCapacity). The assessments are then held until the end of the input
	// before being written, since the last record may outrank the first.
	Capacity int
	// Name names the input in errors.
	Name string
}

// StreamStats counts what Score did.
type StreamStats struct {
	Records  int64
	Selected int64
	ByPath   map[string]int64
}

// LineError is a bad input line.
type LineError struct {
	Name string
	Line int64
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s: line %d: %v", e.Name, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

type batch struct {
	seq   int64
	first int64 // 0-based index of the first record
	lines [][]byte
	buf   []byte // backing store of lines
	out   []byte
	nos   []int64      // input line number of each line
	as    []Assessment // kept only with Capacity
	err   error
	sel   int64
	paths map[string]int64
}

func (b *batch) count(a *Assessment) {
	if a.Selected {
		b.sel++
	}
	if a.Path != "" {
		if b.paths == nil {
			b.paths = map[string]int64{}
		}
		b.paths[a.Path]++
	}
}

// Score reads harmonized records as JSON lines from r, assesses them in parallel and
// writes one assessment per line to w, in input order. Blank lines are skipped. The
// output depends only on the input, the engine (rule set, history, referrals) and the
// seed, never on the number of workers.
func (e *Engine) Score(ctx context.Context, r io.Reader, w io.Writer, opts StreamOptions) (StreamStats, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Batch <= 0 {
		opts.Batch = 256
	}
	if opts.MaxLine <= 0 {
		opts.MaxLine = 16 << 20
	}
	if opts.Name == "" {
		opts.Name = "input"
	}
	stats := StreamStats{ByPath: map[string]int64{}}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Batches circulate through a fixed free list rather than a sync.Pool: a pool is
	// emptied at every GC, and regrowing a batch's buffers to a few hundred KB was a
	// fifth of the whole run. The list also bounds memory: the reader waits for a free
	// batch, and every batch it has handed out comes back through the writer.
	free := make(chan *batch, opts.Workers*4)
	for range cap(free) {
		free <- &batch{}
	}
	work := make(chan *batch, opts.Workers*2)
	done := make(chan *batch, opts.Workers*2)
	var readErr error

	// Reader: cut the input into batches of lines.
	go func() {
		defer close(work)
		br := bufio.NewReaderSize(r, 1<<20)
		var seq, index, lineNo int64
		var b *batch
		take := func() bool {
			select {
			case b = <-free:
			case <-ctx.Done():
				return false
			}
			b.seq, b.first = seq, index
			b.lines, b.buf, b.out, b.as, b.nos, b.err, b.sel = b.lines[:0], b.buf[:0], b.out[:0], b.as[:0], b.nos[:0], nil, 0
			clear(b.paths)
			return true
		}
		if !take() {
			return
		}
		var offsets []int
		flush := func() bool {
			b.lines = b.lines[:0]
			start := 0
			for _, end := range offsets {
				b.lines = append(b.lines, b.buf[start:end])
				start = end
			}
			offsets = offsets[:0]
			select {
			case work <- b:
			case <-ctx.Done():
				return false
			}
			seq++
			return take()
		}
		for {
			line, err := readLine(br, opts.MaxLine)
			if len(line) > 0 {
				lineNo++
				if t := bytes.TrimSpace(line); len(t) > 0 {
					b.buf = append(b.buf, t...)
					offsets = append(offsets, len(b.buf))
					b.nos = append(b.nos, lineNo)
					index++
					if len(offsets) == opts.Batch {
						if !flush() {
							return
						}
					}
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				readErr = &LineError{Name: opts.Name, Line: lineNo + 1, Err: err}
				cancel()
				return
			}
		}
		if len(offsets) > 0 {
			flush()
		}
	}()

	// Workers: decode, assess, encode.
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := e.NewScratch()
			var a Assessment
			var dec recordDecoder
			if !e.wholeRecord {
				dec.proj = &projDecoder{}
			}
			for b := range work {
				for i, line := range b.lines {
					idx := b.first + int64(i)
					rec, err := dec.decode(line)
					if err != nil {
						b.err = &LineError{Name: opts.Name, Line: b.nos[i], Err: fmt.Errorf("record %d: %w", idx+1, err)}
						break
					}
					if err := e.assess(rec, sc, &a); err != nil {
						b.err = &LineError{Name: opts.Name, Line: b.nos[i], Err: err}
						break
					}
					a.Index = idx
					if opts.Capacity > 0 {
						c := a
						c.Reasons = append([]Reason(nil), a.Reasons...)
						// The key and port may point into the decoder's string arena,
						// which they would keep whole until the end of the input.
						c.Key, c.Port = strings.Clone(a.Key), strings.Clone(a.Port)
						b.as = append(b.as, c)
						continue
					}
					b.count(&a)
					b.out = appendAssessment(b.out, &a)
				}
				select {
				case done <- b:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	// Writer: restore input order.
	bw := bufio.NewWriterSize(w, 1<<20)
	pending := map[int64]*batch{}
	var next int64
	var firstErr error
	var held []Assessment
	count := func(a *Assessment) {
		stats.Records++
		if a.Selected {
			stats.Selected++
		}
		if a.Path != "" {
			stats.ByPath[a.Path]++
		}
	}
	for b := range done {
		pending[b.seq] = b
		for {
			nb, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if firstErr != nil {
				continue
			}
			if nb.err != nil {
				firstErr = nb.err
				cancel()
				continue
			}
			if opts.Capacity > 0 {
				held = append(held, nb.as...)
			} else {
				if _, err := bw.Write(nb.out); err != nil {
					firstErr = err
					cancel()
				}
				stats.Records += int64(len(nb.lines))
				stats.Selected += nb.sel
				for p, n := range nb.paths {
					stats.ByPath[p] += n
				}
			}
			free <- nb
		}
	}
	if firstErr == nil && readErr != nil {
		firstErr = readErr
	}
	if firstErr == nil && parent.Err() != nil {
		// Cancelled from outside: the output is incomplete.
		firstErr = parent.Err()
	}
	if firstErr != nil {
		return stats, firstErr
	}
	if opts.Capacity > 0 {
		ApplyCapacity(held, opts.Capacity)
		var out []byte
		for i := range held {
			count(&held[i])
			out = appendAssessment(out[:0], &held[i])
			if _, err := bw.Write(out); err != nil {
				return stats, err
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return stats, err
	}
	return stats, nil
}

// decodeRecord decodes one JSON line with go-json, which is several times faster than
// encoding/json on harmonized records (TestGoJSONDecodesLikeEncodingJSON and
// FuzzScoreLine check they agree). Should it fail or panic, encoding/json decides, so
// the error message, and the verdict on odd input, are the standard library's. One
// difference remains by design: keys match the schema's names exactly, as in
// encoding/json/v2, where encoding/json would also accept "KEY" for "key".
func decodeRecord(line []byte, rec *harmonized.Record) (err error) {
	fast := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("go-json: %v", p)
			}
		}()
		return gojson.Unmarshal(line, rec)
	}
	// encoding/json replaces invalid UTF-8 and lone surrogate escapes with U+FFFD;
	// go-json does not, so such (rare) lines go to the standard library directly.
	if utf8.Valid(line) && !bytes.Contains(line, []byte(`\ud`)) && !bytes.Contains(line, []byte(`\uD`)) && fast() == nil {
		return nil
	}
	*rec = harmonized.Record{}
	return json.Unmarshal(line, rec)
}

// readLine returns the next line without its newline, refusing lines over max bytes.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == nil || err == io.EOF {
		return line, err
	}
	if err != bufio.ErrBufferFull {
		return nil, err
	}
	buf := append([]byte(nil), line...)
	for {
		line, err = br.ReadSlice('\n')
		buf = append(buf, line...)
		if len(buf) > max {
			return nil, fmt.Errorf("line longer than %d bytes", max)
		}
		if err != bufio.ErrBufferFull {
			return buf, err
		}
	}
}

// appendAssessment writes a as one JSON line (the same fields, names and order as
// encoding/json would produce for Assessment) without reflection.
func appendAssessment(b []byte, a *Assessment) []byte {
	b = append(b, `{"key":`...)
	b = harmonized.AppendJSONString(b, a.Key)
	b = append(b, `,"index":`...)
	b = strconv.AppendInt(b, a.Index, 10)
	b = append(b, `,"score":`...)
	b = strconv.AppendFloat(b, a.Score, 'f', -1, 64)
	b = append(b, `,"band":`...)
	b = harmonized.AppendJSONString(b, a.Band)
	b = append(b, `,"hits":`...)
	b = strconv.AppendInt(b, int64(a.Hits), 10)
	b = append(b, `,"selected":`...)
	b = strconv.AppendBool(b, a.Selected)
	if a.Path != "" {
		b = append(b, `,"path":`...)
		b = harmonized.AppendJSONString(b, a.Path)
	}
	if a.Referral != "" {
		b = append(b, `,"referral":`...)
		b = harmonized.AppendJSONString(b, a.Referral)
	}
	b = append(b, `,"exams":[`...)
	for i, x := range a.Exams {
		if i > 0 {
			b = append(b, ',')
		}
		b = harmonized.AppendJSONString(b, x)
	}
	b = append(b, `],"reasons":[`...)
	for i := range a.Reasons {
		r := &a.Reasons[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"rule":`...)
		b = harmonized.AppendJSONString(b, r.Rule)
		b = append(b, `,"contribution":`...)
		b = strconv.AppendFloat(b, r.Contribution, 'f', -1, 64)
		b = append(b, `,"text":`...)
		b = harmonized.AppendJSONString(b, r.Text)
		b = append(b, '}')
	}
	b = append(b, `],"draw":`...)
	b = strconv.AppendFloat(b, a.Draw, 'f', -1, 64)
	b = append(b, `,"rule_set":`...)
	b = harmonized.AppendJSONString(b, a.RuleSet)
	if a.Port != "" {
		b = append(b, `,"port":`...)
		b = harmonized.AppendJSONString(b, a.Port)
	}
	if a.Day != "" {
		b = append(b, `,"day":`...)
		b = harmonized.AppendJSONString(b, a.Day)
	}
	return append(b, "}\n"...)
}
