package acks

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12"
	"github.com/icss/icss/edi/x12/ack"
)

// File is one acknowledgment, ready to be written or sent.
type File struct {
	// Name is unique per partner and control numbers: "<kind>_<ISA13>[_<GS06>]_<own
	// ISA13>.x12" for X12, "CONTRL_<UNB 0020>_<own reference>.edi" for EDIFACT.
	Name string
	// Kind is TA1, 997, 999 or CONTRL.
	Kind string
	// Status says what the acknowledgment tells the sender: the X12 code (A, E, P,
	// R) or, for a CONTRL, "accepted", "rejected" or "accepted with rejected messages".
	Status string
	// Interchange and Group identify what is acknowledged (Group for 997/999 only).
	Interchange, Group string
	Data               []byte
}

// Skipped is an interchange that gets no acknowledgment, and why (an interchange of
// CONTRL messages only is never acknowledged).
type Skipped struct {
	Interchange string
	Line        int
	Reason      error
}

// Acknowledge validates the input r (named name in the report) and calls emit for
// every acknowledgment it calls for, in input order, and skip (may be nil) for every
// interchange left unacknowledged. The report is the one `icss edi inspect` prints.
// An input that is not EDI gives a report with one error and no acknowledgment. The
// error is for a read failure, or the first error emit returned (which stops the work).
func Acknowledge(r io.Reader, name string, opts ack.Options, emit func(File) error, skip func(Skipped)) (*syntax.Report, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	peek, err := br.Peek(edi.PeekSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	if std, derr := edi.Detect(peek); derr == nil && std == edi.EDIFACT {
		return contrl(br, name, opts, emit, skip)
	}
	return x12Acks(br, name, opts, emit)
}

func x12Acks(r io.Reader, name string, opts ack.Options, emit func(File) error) (*syntax.Report, error) {
	var emitErr error
	// Units remembers the business unit (bill, container) of each set, for the 999 CTX.
	units := ack.NewUnits()
	v := x12.NewValidator()
	v.OnSegment = units.Observe
	opts.Context = units.Context
	rep, err := x12.Inspect(r, name, v, func(ic *x12.Interchange) {
		defer units.Forget(ic)
		if emitErr != nil {
			return
		}
		list, err := ack.Acknowledge(ic, opts)
		if err != nil {
			emitErr = fmt.Errorf("acknowledge interchange %s of %s: %w", ic.Control, name, err)
			return
		}
		for _, a := range list {
			f := File{Name: a.FileName(), Kind: string(a.Kind), Status: a.Status, Interchange: a.Interchange, Group: a.Group, Data: a.Bytes()}
			if err := emit(f); err != nil {
				emitErr = err
				return
			}
		}
	})
	if err == nil {
		err = emitErr
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// contrl writes one CONTRL per interchange. Our reference (UNB 0020 of the CONTRL)
// is drawn from opts.Controls in the scope "CONTRL:<our id>".
func contrl(r io.Reader, name string, opts ack.Options, emit func(File) error, skip func(Skipped)) (*syntax.Report, error) {
	rep, err := edifact.Inspect(r, edifact.InspectOptions{Name: name})
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", name, err)
	}
	for i := range rep.Interchanges {
		ic := &rep.Interchanges[i]
		n, err := opts.Controls.Next("CONTRL:" + ic.Receiver)
		if err != nil {
			return nil, fmt.Errorf("acknowledge interchange %s of %s: %w", ic.Control, name, err)
		}
		ref := strconv.FormatInt(n, 10)
		var buf bytes.Buffer
		err = edifact.WriteCONTRL(&buf, ic, edifact.ContrlOptions{Now: opts.Now(), Reference: ref, Newline: opts.Newline})
		if errors.Is(err, edifact.ErrNoAck) {
			if skip != nil {
				skip(Skipped{Interchange: ic.Control, Line: ic.Pos.Line, Reason: err})
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("acknowledge interchange %s of %s: %w", ic.Control, name, err)
		}
		status := "accepted"
		if !ic.Accepted {
			status = "rejected"
		} else if !allAccepted(ic) {
			status = "accepted with rejected messages"
		}
		f := File{Name: "CONTRL_" + SafeName(ic.Control) + "_" + ref + ".edi", Kind: "CONTRL", Status: status, Interchange: ic.Control, Data: buf.Bytes()}
		if err := emit(f); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func allAccepted(ic *syntax.Interchange) bool {
	for _, g := range ic.Groups {
		if !g.Accepted {
			return false
		}
	}
	return true
}

// SafeName keeps a control reference usable in a file name: anything but letters,
// digits, '-' and '_' becomes '_' (references come from the partner's data).
func SafeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "none"
	}
	return string(b)
}
