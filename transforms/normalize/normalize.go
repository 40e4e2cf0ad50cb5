package normalize

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/x12"
	"github.com/icss/icss/transforms/edifactmap"
	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/tabular"
	"github.com/icss/icss/transforms/x12map"
)

// Options configure a Run. The zero value works: tables are read with the default
// template's mapping, every version is emitted, nothing is reported as unmapped.
type Options struct {
	// Mapping reads CSV/XLSX tables; nil means tabular.DefaultMapping().
	Mapping *tabular.Mapping
	// Current emits, instead of every version as it is read, the current view of each
	// bill after all inputs (amendments and deletes applied in filing order; deleted
	// bills are left out). It holds every version in memory.
	Current bool
	// ReceivedAt returns when a file was received (the caller's clock); nil leaves
	// Filing.ReceivedAt empty.
	ReceivedAt func(file string) *harmonized.DateTime
	// Unmapped, when set, receives a line for every input segment, element or column
	// that no mapping used.
	Unmapped func(line string)
}

// Line is one output line: a bill version, or an event that matched no bill.
type Line struct {
	Record *harmonized.Record
	Event  *harmonized.Event
}

// Result counts what a Run did.
type Result struct {
	Files    int
	Records  int // bill versions read
	Emitted  int // lines emitted
	Events   int // events read
	Attached int // events attached to at least one bill
	Flagged  int // bill versions with at least one flag
	// Errors are the inputs that could not be read (in full or in part); the others were
	// still processed.
	Errors []error
}

// eventSets and eventMessages are the X12 transaction sets and EDIFACT messages that
// carry container events.
var (
	eventSets     = map[string]bool{"315": true, "322": true, "404": true}
	eventMessages = map[string]bool{"COARRI": true, "IFTSTA": true, "BAPLIE": true}
)

// Source is one input: Name labels it in records' provenance and in errors, Open
// reads it from the start (a local file, an object of the blob store). RunSources
// opens a source at most three times: to tell its kind, and to read it.
type Source struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// FileSource is the Source of a local file.
func FileSource(path string) Source {
	return Source{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// Run normalises files and calls emit for every output line. Inputs that cannot be read
// are reported in Result.Errors and skipped; an error from emit stops the run.
func Run(opts Options, files []string, emit func(Line) error) (Result, error) {
	srcs := make([]Source, len(files))
	for i, f := range files {
		srcs[i] = FileSource(f)
	}
	return RunSources(opts, srcs, emit)
}

// RunReader normalises one input read once, streaming, from r: what the daemon's
// ingest job does with a file from the blob store. The events of an event file are
// emitted as lines of their own (there are no bills in the same run to attach them to).
func RunReader(opts Options, name string, r io.Reader, emit func(Line) error) (Result, error) {
	n := newRunner(opts, emit)
	br := bufio.NewReaderSize(r, 64<<10)
	kind, err := classifyReader(name, br)
	if err != nil {
		n.res.Errors = append(n.res.Errors, err)
	} else if err := n.file(name, br, kind); err != nil {
		return n.res, err
	}
	n.res.Files = 1
	return n.res, n.finish()
}

// RunSources is Run over sources of any kind.
func RunSources(opts Options, srcs []Source, emit func(Line) error) (Result, error) {
	n := newRunner(opts, emit)
	// Pass 1: event files, so that pass 2 can attach their events to bills as they stream.
	var rest []Source
	var kinds []fileKind
	for _, src := range srcs {
		kind, err := classify(src)
		if err != nil {
			n.res.Errors = append(n.res.Errors, err)
			continue
		}
		if kind == kindEvents || kind == kindEDIFACTEvents {
			n.source(src, kind)
			continue
		}
		kinds = append(kinds, kind)
		rest = append(rest, src)
	}
	for i, src := range rest {
		if err := n.source(src, kinds[i]); err != nil {
			return n.res, err
		}
	}
	n.res.Files = len(srcs)
	return n.res, n.finish()
}

func newRunner(opts Options, emit func(Line) error) *runner {
	if opts.Mapping == nil {
		opts.Mapping = tabular.DefaultMapping()
	}
	n := &runner{opts: opts, emit: emit, byContainer: map[string][]int{}, byBill: map[string][]int{}}
	if opts.Current {
		n.ledger = harmonized.NewLedger()
	}
	return n
}

// finish emits the current views (with Options.Current) and the events no bill took.
func (n *runner) finish() error {
	if n.ledger != nil {
		keys := n.ledger.Keys()
		current := make(map[string]*harmonized.Record, len(keys))
		for _, k := range keys {
			if cur := n.ledger.Current(k); cur != nil {
				current[k] = cur
			}
		}
		harmonized.LinkHouses(current)
		for _, k := range keys {
			if cur := current[k]; cur != nil {
				if err := n.out(Line{Record: cur}); err != nil {
					return err
				}
			}
		}
	}
	for i := range n.events {
		if !n.attached[i] {
			if err := n.out(Line{Event: n.events[i]}); err != nil {
				return err
			}
		}
	}
	return nil
}

type fileKind int

const (
	kindX12 fileKind = iota
	kindEvents
	kindEDIFACT
	kindEDIFACTEvents
	kindTable
)

// classify tells a source's kind from its first bytes (and, for X12, its first
// transaction set); anything that is not EDI is read as a table.
func classify(src Source) (fileKind, error) {
	f, err := src.Open()
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return classifyReader(src.Name, bufio.NewReaderSize(f, peekWindow))
}

// classifyReader is classify on a reader it only peeks at.
func classifyReader(name string, br *bufio.Reader) (fileKind, error) {
	peek, _ := br.Peek(edi.PeekSize)
	std, err := edi.Detect(peek)
	switch {
	case err == nil && std == edi.EDIFACT:
		return peekEDIFACT(br), nil
	case err == nil && std == edi.X12:
		return peekX12(br), nil
	}
	if bytes.HasPrefix(peek, zipMagic) {
		return kindTable, nil
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt", ".tsv", ".xlsx", ".xlsm":
		return kindTable, nil
	}
	if bytes.ContainsAny(peek, ",;\t") {
		return kindTable, nil
	}
	return 0, fmt.Errorf("%s: not X12, EDIFACT or a CSV/XLSX table", name)
}

// zipMagic starts every XLSX workbook (a ZIP archive).
var zipMagic = []byte("PK\x03\x04")

// peekWindow bounds how much of an input is buffered to find its first message.
const peekWindow = 64 << 10

// peekX12 finds the first transaction set in the first peekWindow bytes.
func peekX12(br *bufio.Reader) fileKind {
	r := x12.NewReader(bytes.NewReader(peekUpTo(br)))
	for i := 0; i < 32; i++ {
		seg, err := r.Read()
		if err != nil {
			break
		}
		if seg != nil && seg.Tag() == "ST" {
			if eventSets[string(seg.Elem(1))] {
				return kindEvents
			}
			break
		}
	}
	return kindX12
}

// peekEDIFACT finds the first message in the first peekWindow bytes.
func peekEDIFACT(br *bufio.Reader) fileKind {
	r := edifact.NewReader(bytes.NewReader(peekUpTo(br)))
	for i := 0; i < 32; i++ {
		seg, err := r.Read()
		if err != nil {
			break
		}
		if seg != nil && seg.Tag() == "UNH" {
			if eventMessages[string(seg.Component(2, 1))] {
				return kindEDIFACTEvents
			}
			break
		}
	}
	return kindEDIFACT
}

func peekUpTo(br *bufio.Reader) []byte {
	b, _ := br.Peek(min(peekWindow, br.Size()))
	return b
}

type runner struct {
	opts   Options
	emit   func(Line) error
	ledger *harmonized.Ledger
	res    Result
	seq    int64

	events      []*harmonized.Event
	attached    []bool
	byContainer map[string][]int
	byBill      map[string][]int
}

func (n *runner) out(l Line) error {
	n.res.Emitted++
	return n.emit(l)
}

// source opens and maps one input.
func (n *runner) source(src Source, kind fileKind) error {
	f, err := src.Open()
	if err != nil {
		n.res.Errors = append(n.res.Errors, err)
		return nil
	}
	defer f.Close()
	return n.file(src.Name, bufio.NewReaderSize(f, 64<<10), kind)
}

// file maps one input. Read errors are recorded and end that input only.
func (n *runner) file(name string, r *bufio.Reader, kind fileKind) error {
	var received *harmonized.DateTime
	if n.opts.ReceivedAt != nil {
		received = n.opts.ReceivedAt(name)
	}
	var err error
	switch kind {
	case kindX12, kindEvents:
		err = n.x12(name, r, received)
	case kindEDIFACT, kindEDIFACTEvents:
		err = n.edifact(name, r, received)
	case kindTable:
		err = n.table(name, r, received)
	}
	var emitErr *emitError
	if errors.As(err, &emitErr) {
		return emitErr.err
	}
	if err != nil {
		n.res.Errors = append(n.res.Errors, err)
	}
	return nil
}

// emitError marks a failure to write output, which stops the run.
type emitError struct{ err error }

func (e *emitError) Error() string { return e.err.Error() }

func (n *runner) x12(name string, r io.Reader, received *harmonized.DateTime) error {
	opts := x12map.Options{File: name, ReceivedAt: received, Sequence: n.seq}
	if n.opts.Unmapped != nil {
		opts.Unmapped = func(u x12map.Unmapped) { n.opts.Unmapped(u.String()) }
	}
	m := x12map.New(r, opts)
	return n.drain(func() (*harmonized.Record, *harmonized.Event, error) {
		it, err := m.Read()
		return it.Record, it.Event, err
	})
}

func (n *runner) edifact(name string, r io.Reader, received *harmonized.DateTime) error {
	opts := edifactmap.Options{File: name, ReceivedAt: received, Sequence: n.seq}
	if n.opts.Unmapped != nil {
		opts.Unmapped = func(u edifactmap.Unmapped) { n.opts.Unmapped(u.String()) }
	}
	m := edifactmap.New(r, opts)
	return n.drain(func() (*harmonized.Record, *harmonized.Event, error) {
		it, err := m.Read()
		return it.Record, it.Event, err
	})
}

// drain hands every record and event a mapper returns to the runner, until io.EOF.
func (n *runner) drain(next func() (*harmonized.Record, *harmonized.Event, error)) error {
	for {
		rec, ev, err := next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if ev != nil {
			n.event(ev)
			continue
		}
		if err := n.record(rec); err != nil {
			return err
		}
	}
}

func (n *runner) table(name string, in *bufio.Reader, received *harmonized.DateTime) error {
	var r *tabular.Reader
	var err error
	// A workbook is a ZIP archive, whatever its name says.
	if magic, _ := in.Peek(len(zipMagic)); bytes.Equal(magic, zipMagic) {
		r, err = tabular.NewXLSXReader(in, n.opts.Mapping, name)
	} else {
		r, err = tabular.NewCSVReader(in, n.opts.Mapping, name)
	}
	if err != nil {
		return err
	}
	defer r.Close()
	r.ReceivedAt = received
	base := n.seq
	if n.opts.Unmapped != nil {
		for _, u := range r.Unmapped() {
			n.opts.Unmapped(u)
		}
	}
	return n.drain(func() (*harmonized.Record, *harmonized.Event, error) {
		rec, err := r.Read()
		if err == nil {
			// Table sequence numbers count from 1 in each file; continue the batch's series.
			rec.Filing.Sequence += base
		}
		return rec, nil, err
	})
}

// event indexes an event for attachment.
func (n *runner) event(e *harmonized.Event) {
	n.res.Events++
	i := len(n.events)
	n.events = append(n.events, e)
	n.attached = append(n.attached, false)
	if e.Container != "" {
		n.byContainer[e.Container] = append(n.byContainer[e.Container], i)
	}
	if e.Bill != "" {
		n.byBill[e.Bill] = append(n.byBill[e.Bill], i)
	}
}

// record attaches the batch's events to a bill version and emits it (or applies it to
// the ledger).
func (n *runner) record(r *harmonized.Record) error {
	n.res.Records++
	n.seq++
	if len(n.events) > 0 {
		var cand []int
		for _, e := range r.Equipment {
			cand = append(cand, n.byContainer[e.Number]...)
		}
		cand = append(cand, n.byBill[r.Key]...)
		cand = append(cand, n.byBill[r.Bill.Number]...)
		for _, i := range cand {
			if harmonized.AttachEvent(r, n.events[i]) {
				if !n.attached[i] {
					n.attached[i] = true
					n.res.Attached++
				}
			}
		}
	}
	if len(r.Flags) > 0 {
		n.res.Flagged++
	}
	if n.ledger != nil && r.Key != "" {
		_, err := n.ledger.Apply(r)
		return err
	}
	// Without a key a version cannot join its bill: it is emitted as it is, flagged.
	if err := n.out(Line{Record: r}); err != nil {
		return &emitError{err}
	}
	return nil
}

// loadMapping is tabular.LoadMapping; a seam for tests.
var loadMapping = tabular.LoadMapping
