package edifact

import (
	"errors"
	"io"
	"runtime"

	"github.com/icss/icss/edi/syntax"
)

// InspectOptions tune Inspect. The zero value reads with the default limits and
// validates everything.
type InspectOptions struct {
	// Name is the input's name as reports show it (a file name).
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// MaxSegmentSize is passed to the Reader (0: DefaultMaxSegmentSize).
	MaxSegmentSize int `json:"max_segment_size,omitempty" yaml:"max_segment_size,omitempty"`
	// Validate tunes the checks.
	Validate ValidateOptions `json:"validate" yaml:"validate"`
	// ReadAhead reads on a second goroutine (when more than one is allowed to run),
	// handing segments over in batches. It is off by default: measured on the 2-core
	// machine the project runs on, reading ahead took about twice the CPU time (the
	// batches are copies of the segments) and, whenever anything else wanted the
	// other core, a 100 MB CUSCAR took 0.65-0.99 s against 0.40-0.65 s read in line.
	ReadAhead bool `json:"read_ahead,omitempty" yaml:"read_ahead,omitempty"`
}

// Inspect reads every interchange of r, validates envelopes and the messages whose
// specification is registered, and returns the report. Defects of the input are in the
// report, not in the error: the error is for reading failures only (and then the
// report holds what was read before it). Memory stays bounded whatever the size of r.
func Inspect(r io.Reader, opts InspectOptions) (*syntax.Report, error) {
	return inspect(r, opts, NewValidator(opts.Name, opts.Validate))
}

// InspectTo is Inspect sending the report to sink as validation goes: each message
// when it closes, so memory does not grow with the number of messages. The error is
// the first of reading r and of the sink.
func InspectTo(r io.Reader, opts InspectOptions, sink syntax.Sink) error {
	v := NewValidator(opts.Name, opts.Validate)
	v.SetSink(sink)
	_, err := inspect(r, opts, v)
	if err != nil {
		return err
	}
	return v.SinkErr()
}

// inspect validates what rd reads; with opts.ReadAhead, on more than one core, the
// reading runs ahead on a second goroutine (readAhead), with the same result.
func inspect(r io.Reader, opts InspectOptions, v *Validator) (*syntax.Report, error) {
	rd := NewReader(r)
	rd.MaxSegmentSize = opts.MaxSegmentSize
	each := func(seg *Segment, err error) bool {
		if err != nil {
			v.ReadError(err)
		}
		if seg != nil {
			v.Segment(seg)
		}
		return true
	}
	var err error
	if opts.ReadAhead && concurrent() {
		err = readAhead(rd, each)
	} else {
		for {
			seg, rerr := rd.Read()
			if rerr != nil && endsInput(rerr) {
				err = rerr
				break
			}
			each(seg, rerr)
		}
	}
	v.EndPos = syntax.Position{Offset: rd.InputOffset(), Line: rd.line, Segment: rd.nseg + 1}
	if err == io.EOF {
		err = nil
	}
	return v.End(), err
}

// endsInput reports whether an error of Reader.Read ends the input (its end, or a
// read failure), as opposed to a finding the reader carries on after. (Only called
// with an error: errors.As makes its target escape, an allocation per call.)
func endsInput(err error) bool {
	var se *SyntaxError
	return !errors.As(err, &se)
}

// concurrent says whether to read ahead on a second goroutine.
var concurrent = func() bool { return runtime.GOMAXPROCS(0) > 1 }
