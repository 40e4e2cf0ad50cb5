package ack

import (
	"errors"
	"fmt"
	"sync"
)

// ControlNumbers hands out control numbers for acknowledgments. Next returns the next
// number of a scope, at least 1; consecutive calls for one scope must never return the
// same number (until the counter wraps after MaxControl), or partners will take the
// acknowledgment for a duplicate.
//
// The scopes Build asks for are:
//
//	isa/<ISA05>:<ISA06>/<ISA07>:<ISA08>   interchange control numbers (ISA13), per sender and receiver
//	gs/<GS02>/<GS03>                      group control numbers (GS06), per application sender and receiver
//	st/<GS02>/<GS03>                      transaction set control numbers (ST02)
//
// where the identifiers are those of the acknowledgment (our side first), without padding.
// The state store's ledger implements it through ControlNumbersFunc:
//
//	ack.ControlNumbersFunc(func(scope string) (int64, error) { return ledger.NextControlNumber(ctx, scope) })
type ControlNumbers interface {
	Next(scope string) (int64, error)
}

// ControlNumbersFunc adapts a function to the ControlNumbers interface.
type ControlNumbersFunc func(scope string) (int64, error)

// Next calls f(scope).
func (f ControlNumbersFunc) Next(scope string) (int64, error) { return f(scope) }

// MaxControl is the largest control number X12 allows (ISA13 is nine digits).
const MaxControl = 999_999_999

// ErrControlRange is returned when a ControlNumbers implementation returns a number that
// does not fit an X12 control number (1 to MaxControl).
var ErrControlRange = errors.New("control number is outside 1..999999999")

// next draws a control number from c and checks its range.
func next(c ControlNumbers, scope string) (int64, error) {
	n, err := c.Next(scope)
	if err != nil {
		return 0, fmt.Errorf("ack: next control number of scope %q: %w", scope, err)
	}
	if n < 1 || n > MaxControl {
		return 0, fmt.Errorf("ack: next control number of scope %q is %d: %w", scope, n, ErrControlRange)
	}
	return n, nil
}

// Counter is an in-memory ControlNumbers: each scope counts from 1 and wraps to 1 after
// MaxControl. It is safe for concurrent use. It forgets everything when the process
// ends, so it suits tests and one-off CLI runs; production uses the state store's ledger.
type Counter struct {
	mu   sync.Mutex
	last map[string]int64
}

// NewCounter returns a Counter whose scopes all start at 1.
func NewCounter() *Counter { return &Counter{last: make(map[string]int64)} }

// Set makes the next number of scope last+1, for example to continue from a number
// agreed with a partner.
func (c *Counter) Set(scope string, last int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last = make(map[string]int64)
	}
	c.last[scope] = last
}

// Next returns the next control number of scope.
func (c *Counter) Next(scope string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last = make(map[string]int64)
	}
	n := c.last[scope] + 1
	if n > MaxControl || n < 1 {
		n = 1
	}
	c.last[scope] = n
	return n, nil
}

var _ ControlNumbers = (*Counter)(nil)
var _ ControlNumbers = ControlNumbersFunc(nil)
