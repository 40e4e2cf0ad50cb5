package main

// The EDIFACT branch of `icss edi ack`: one CONTRL per interchange. ackFile calls
// ackEDIFACTFile when edi.Detect says the input is EDIFACT.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/syntax"
	"github.com/icss/icss/edi/x12/ack"
)

// ackEDIFACTFile inspects an EDIFACT input and writes, into dir, the CONTRL answering
// each of its interchanges (none for an interchange of CONTRL messages only), named
// CONTRL_<acknowledged UNB 0020>_<own reference>.edi. Our reference (UNB 0020 of the
// CONTRL) is drawn from opts.Controls in the scope "CONTRL:<our id>", so it is never
// reused when a state ledger keeps the counters. ok reports whether the input was
// valid.
func ackEDIFACTFile(stdout, stderr io.Writer, name string, r io.Reader, dir string, opts ack.Options) (ok bool, err error) {
	rep, err := edifact.Inspect(r, edifact.InspectOptions{Name: name})
	if err != nil {
		return false, fmt.Errorf("inspect %s: %w", name, err)
	}
	for i := range rep.Interchanges {
		ic := &rep.Interchanges[i]
		n, err := opts.Controls.Next("CONTRL:" + ic.Receiver)
		if err != nil {
			return false, fmt.Errorf("acknowledge interchange %s of %s: %w", ic.Control, name, err)
		}
		ref := strconv.FormatInt(n, 10)
		var buf bytes.Buffer
		err = edifact.WriteCONTRL(&buf, ic, edifact.ContrlOptions{Now: opts.Now(), Reference: ref, Newline: opts.Newline})
		if errors.Is(err, edifact.ErrNoAck) {
			fmt.Fprintf(stdout, "%s: interchange %s at line %d not acknowledged: %v\n", name, ic.Control, ic.Pos.Line, err)
			continue
		}
		if err != nil {
			return false, fmt.Errorf("acknowledge interchange %s of %s: %w", ic.Control, name, err)
		}
		path := filepath.Join(dir, "CONTRL_"+safeName(ic.Control)+"_"+ref+".edi")
		if err := writeFileAtomic(path, buf.Bytes()); err != nil {
			return false, err
		}
		status := "accepted"
		if !ic.Accepted {
			status = "rejected"
		} else if !allAccepted(ic) {
			status = "accepted with rejected messages"
		}
		fmt.Fprintf(stdout, "%s: CONTRL %s for interchange %s -> %s\n", name, status, ic.Control, path)
	}
	if len(rep.Interchanges) == 0 {
		fmt.Fprintf(stderr, "%s: no interchange to acknowledge\n", name)
	}
	for _, is := range rep.Issues {
		fmt.Fprintf(stderr, "%s: %s: %s\n", name, is.Severity, is.Message)
	}
	return rep.Valid(), nil
}

// detectEDIFACT reports whether an input starts like EDIFACT (see edi.Detect).
func detectEDIFACT(peek []byte) bool {
	std, err := edi.Detect(peek)
	return err == nil && std == edi.EDIFACT
}

func allAccepted(ic *syntax.Interchange) bool {
	for _, g := range ic.Groups {
		if !g.Accepted {
			return false
		}
	}
	return true
}

// safeName keeps a control reference usable in a file name: anything but letters,
// digits, '-' and '_' becomes '_' (references come from the partner's data).
func safeName(s string) string {
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
