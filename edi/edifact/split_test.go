package edifact

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestSplitWordwise: skipping plain ASCII eight bytes at a time splits exactly as the
// byte loop does, whatever the mix of separators, release characters, line breaks,
// control characters and bytes outside ASCII, at every level.
func TestSplitWordwise(t *testing.T) {
	alphabet := []byte("AB z09 .,-+:?'*\n\r\x01\x7f\x80\xc3\xe9\xff")
	rng := rand.New(rand.NewPCG(1, 2))
	for _, level := range []Level{LevelA, LevelB, LevelC, LevelW} {
		r := NewReader(nil)
		r.level = level
		r.buildClass()
		if !r.wordwise {
			continue // UNOA: letters in lower case are outside it, so byte by byte
		}
		for n := 0; n < 20000; n++ {
			raw := []byte("NAD+")
			for range rng.IntN(40) {
				raw = append(raw, alphabet[rng.IntN(len(alphabet))])
			}
			// The word loop reads past the segment into the buffer when there is room
			// (the bytes after it flagged too, to show they are masked off), and falls
			// back to the byte loop when there is not.
			roomy := append(slices.Clip(raw), "+:?'\n\x80+:+:+:+:"...)[:len(raw)]
			split := func(raw []byte, wordwise bool) Segment {
				var s Segment
				s.reset(s.Pos, "NAD", raw, r.d, level)
				r.wordwise = wordwise
				r.split(&s, raw, 3)
				return s
			}
			slow := split(raw, false)
			for _, in := range [][]byte{slices.Clip(raw), roomy} {
				if fast := split(in, true); !reflect.DeepEqual(slow, fast) {
					t.Fatalf("level %v, %q (cap %d): wordwise %+v, byte loop %+v", level, raw, cap(in), fast, slow)
				}
			}
		}
	}
}
