package ack

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/icss/icss/edi/x12"
	"github.com/icss/icss/internal/testkit/corpus"
)

// FuzzAcknowledge feeds arbitrary input through the validator and acknowledges every
// interchange in every format: building must not panic, may fail only for the
// documented reasons (an interchange that cannot be answered), and whatever it builds
// must read back as a clean interchange.
func FuzzAcknowledge(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "cases", "*.x12"))
	// The shared corpus, read in place when it is there (the fuzz target runs without it).
	shared, _ := filepath.Glob(filepath.Join(corpus.Root(f), "..", "shared", "samples", "*x12*.edi"))
	seeds = append(seeds, shared...)
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ics []*x12.Interchange
		v := x12.NewValidator()
		v.OnInterchange = func(ic *x12.Interchange) { ics = append(ics, ic) }
		if _, err := v.Validate(x12.NewReader(bytes.NewReader(data))); err != nil {
			return
		}
		for _, ic := range ics {
			for _, format := range []Kind{"", FA997, FA999} {
				opts := testOptions()
				opts.Format, opts.AckRejected = format, true
				acks, err := Acknowledge(ic, opts)
				if err != nil {
					if !errors.Is(err, ErrNoSender) && !errors.Is(err, ErrIDTooLong) && !errors.Is(err, x12.ErrDelimiterInData) &&
						ic.Sender != "" {
						t.Fatalf("Acknowledge: %v", err)
					}
					continue
				}
				for _, a := range acks {
					checkReadsBack(t, a)
				}
			}
		}
	})
}
