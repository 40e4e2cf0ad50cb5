package edi

import (
	"bufio"
	"fmt"
	"io"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12"
)

// Inspect reads one input of unknown standard, detects its standard and validates every
// interchange in it (envelopes and message structure). name labels the report. The error
// is non-nil only when the input could not be read; an input that is not EDI at all gives
// a report with one issue. InspectTo does the same without holding the whole report.
func Inspect(src io.Reader, name string) (*syntax.Report, error) {
	var c syntax.Collector
	if err := InspectTo(src, name, &c); err != nil {
		return nil, err
	}
	return &c.Report, nil
}

// InspectTo is Inspect sending the report to sink as validation goes: the memory it
// needs does not grow with the number of transaction sets or messages.
func InspectTo(src io.Reader, name string, sink syntax.Sink) error {
	br := bufio.NewReaderSize(src, 64<<10)
	peek, err := br.Peek(PeekSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return err
	}
	std, derr := Detect(peek)
	switch std {
	case X12:
		return x12.InspectTo(br, name, nil, sink, nil)
	case EDIFACT:
		return edifact.InspectTo(br, edifact.InspectOptions{Name: name}, sink)
	}
	if derr == nil {
		derr = fmt.Errorf("edi: %s is not supported", std)
	}
	if err := sink.Begin(name, std.String()); err != nil {
		return err
	}
	return sink.End([]syntax.Issue{{Severity: syntax.Error, Message: derr.Error()}})
}
