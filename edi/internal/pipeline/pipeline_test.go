package pipeline

import (
	"errors"
	"io"
	"testing"
)

var errFinding = errors.New("finding")

// counter is a toy dialect: segments are ints, every 7th read is a finding without a
// segment, and the input ends after n reads.
func counter(n int) (Dialect[int, []int], *int) {
	i := 0
	return Dialect[int, []int]{
		Read: func() (*int, error) {
			i++
			switch {
			case i > n:
				return nil, io.EOF
			case i%7 == 0:
				return nil, errFinding
			}
			v := i
			return &v, nil
		},
		Keep:  func(dst, seg *int, _ *[]int) { *dst = *seg },
		Reset: func(a *[]int) { *a = (*a)[:0] },
		Last:  func(err error) bool { return err != errFinding },
	}, &i
}

func TestEachInOrder(t *testing.T) {
	d, _ := counter(5000)
	p := &Pipeline[int, []int]{}
	Start(d, p)
	next, findings := 1, 0
	err := p.Each(func(seg *int, err error) bool {
		if err == errFinding {
			findings++
			next++
			return true
		}
		if seg == nil || *seg != next {
			t.Fatalf("got %v, want %d", seg, next)
		}
		next++
		return true
	})
	if err != io.EOF || next != 5001 || findings != 5000/7 {
		t.Errorf("ended with %v after %d reads, %d findings", err, next-1, findings)
	}
}

func TestEachStopsEarly(t *testing.T) {
	d, _ := counter(1 << 20)
	p := &Pipeline[int, []int]{}
	Start(d, p)
	n := 0
	if err := p.Each(func(*int, error) bool { n++; return n < 3000 }); err != nil || n != 3000 {
		t.Errorf("Each returned %v after %d", err, n)
	}
}
