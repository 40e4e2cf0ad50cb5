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
// a report with one issue.
func Inspect(src io.Reader, name string) (*syntax.Report, error) {
	br := bufio.NewReaderSize(src, 64<<10)
	peek, err := br.Peek(PeekSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	std, derr := Detect(peek)
	switch std {
	case X12:
		return x12.Inspect(br, name, nil, nil)
	case EDIFACT:
		return edifact.Inspect(br, edifact.InspectOptions{Name: name})
	}
	rep := &syntax.Report{File: name, Standard: std.String(), Interchanges: []syntax.Interchange{}}
	if derr == nil {
		derr = fmt.Errorf("edi: %s is not supported", std)
	}
	rep.Issues = append(rep.Issues, syntax.Issue{Severity: syntax.Error, Message: derr.Error()})
	return rep, nil
}
