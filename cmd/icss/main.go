// Command icss is the Integrated Cargo Security Strategy batch processor: it pulls
// advance cargo data from carriers, parses and acknowledges it, normalizes it into
// harmonized shipment records, scores risk, writes exam lists and pushes exam results
// to the partner agency. `icss run` is the scheduler daemon; the other subcommands are
// the operator's tools for one step at a time.
//
// Exit status (for every subcommand):
//
//	0  success; every input was valid
//	1  the command ran, but some input was invalid (details on standard output or error)
//	2  usage error, or an I/O or configuration failure
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes; the one switch that maps errors to them is exitCode.
const (
	exitOK      = 0
	exitInvalid = 1
	exitFailure = 2
)

// errInvalidInput is returned by a command whose inputs were read but did not all
// pass validation; the command has already reported the details.
var errInvalidInput = errors.New("invalid input")

// usageError marks an error in the command line itself.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func main() {
	stopProfiles := startProfiles()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCommand().ExecuteContext(ctx)
	stop()
	stopProfiles()
	os.Exit(exitCode(err))
}

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errInvalidInput) {
		return exitInvalid // the command has reported the details
	}
	msg := err.Error()
	var ue *usageError
	if errors.As(err, &ue) {
		msg += " (see --help)"
	}
	fmt.Fprintln(os.Stderr, "icss:", msg)
	return exitFailure
}
