// Command ediproc inspects one file as `icss edi inspect FILE` does, in a process that
// links only the edi packages. benchbin times it beside the icss binary: the
// difference between the two is what the rest of icss (its other packages' start-up)
// costs a run, and the difference between ediproc and the in-process figure is what a
// fresh process costs (faults on a new heap, reading, exit).
//
//	go build -o bin/ediproc ./internal/benchbin/ediproc
//	bin/ediproc FILE
//
// The report is discarded, as in process; the exit status is 2 for an I/O error, else 0
// (the verdict is not its business).
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/syntax"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: ediproc FILE")
		os.Exit(2)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // as icss edi inspect does
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "ediproc:", err)
		os.Exit(2)
	}
	if err := edi.InspectTo(f, os.Args[1], syntax.Discard); err != nil {
		fmt.Fprintln(os.Stderr, "ediproc:", err)
		os.Exit(2)
	}
}
