package splitloop

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSplit(t *testing.T) {
	in := "ISA*00*X~\nGS*SO~ST*309*0001~SE*2"
	for _, split := range []func(io.Reader, byte, byte, func([]byte, []int)) error{Split, ReadBytes} {
		for _, chunked := range []bool{false, true} {
			var got []string
			src := strings.NewReader(in)
			var err error
			fn := func(seg []byte, ends []int) {
				prev := 0
				var els []string
				for _, e := range ends {
					els = append(els, string(seg[prev:e]))
					prev = e + 1
				}
				got = append(got, strings.Join(els, "|"))
			}
			if chunked {
				err = split(iotest.OneByteReader(src), '*', '~', fn)
			} else {
				err = split(src, '*', '~', fn)
			}
			if err != nil {
				t.Fatal(err)
			}
			want := "ISA|00|X;\nGS|SO;ST|309|0001;SE|2"
			if strings.Join(got, ";") != want {
				t.Errorf("chunked %v: %q, want %q", chunked, strings.Join(got, ";"), want)
			}
		}
	}
}
