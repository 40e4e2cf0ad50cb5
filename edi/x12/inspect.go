package x12

import (
	"io"
	"runtime"

	"github.com/icss/icss/edi/syntax"
)

// Inspect validates every interchange of src with v (NewValidator() when nil) and
// returns the whole report. fn, when not nil, is also given each interchange as it ends,
// with its groups and sets, for acknowledgments. The error is non-nil only when reading
// failed. InspectTo does the same without holding the report.
func Inspect(src io.Reader, name string, v *Validator, fn func(*Interchange)) (*syntax.Report, error) {
	var c syntax.Collector
	if err := InspectTo(src, name, v, &c, fn); err != nil {
		return nil, err
	}
	return &c.Report, nil
}

// InspectTo validates every interchange of src (called name) with v (NewValidator() when
// nil, Concurrent when the process may use more than one core) and sends
// the report to sink as it goes. Unless fn is given (it needs each interchange whole, for
// acknowledgments), the validator drops each set once reported, so memory stays flat
// whatever the number of sets. The error is the first of reading src and of the sink.
func InspectTo(src io.Reader, name string, v *Validator, sink syntax.Sink, fn func(*Interchange)) error {
	if v == nil {
		v = NewValidator()
		v.Concurrent = runtime.GOMAXPROCS(0) > 1
	}
	if err := sink.Begin(name, "X12"); err != nil {
		return err
	}
	v.DropSets = fn == nil
	var (
		sinkErr       error
		icOpen, gOpen bool
		curIC         *Interchange
		curG          *Group
	)
	// Headers are sent lazily, with the first set (or at the end of an empty group), so
	// that only the Validator's hooks at the ends of things are needed.
	open := func(ic *Interchange, g *Group) {
		if sinkErr != nil {
			return
		}
		if !icOpen || curIC != ic {
			h := ic.header()
			sinkErr, icOpen, curIC = sink.BeginInterchange(&h), true, ic
		}
		if g != nil && (!gOpen || curG != g) && sinkErr == nil {
			h := g.header()
			sinkErr, gOpen, curG = sink.BeginGroup(&h), true, g
		}
	}
	v.OnSet = func(ic *Interchange, g *Group, s *Set) {
		open(ic, g)
		if sinkErr == nil {
			r := s.Report()
			sinkErr = sink.Set(&r)
		}
	}
	v.OnGroup = func(ic *Interchange, g *Group) {
		open(ic, g)
		if sinkErr == nil {
			sinkErr = sink.EndGroup(&syntax.Group{Issues: issues(g.Errors), Accepted: g.Accepted()})
		}
		gOpen = false
	}
	v.OnInterchange = func(ic *Interchange) {
		open(ic, nil)
		if sinkErr == nil {
			sinkErr = sink.EndInterchange(&syntax.Interchange{Issues: issues(ic.Errors), Accepted: ic.Accepted()})
		}
		icOpen = false
		if fn != nil {
			fn(ic)
		}
	}
	outside, err := v.Validate(NewReader(src))
	if err != nil {
		return err
	}
	if sinkErr != nil {
		return sinkErr
	}
	return sink.End(issues(outside))
}
