package splitloop

import (
	"bufio"
	"io"
)

// Split reads src and calls fn with each segment (without its terminator) and the
// offsets in it where its elements end, the last being the segment's length. seg and
// ends are valid only during the call. A segment may be as long as the input.
func Split(src io.Reader, sep, term byte, fn func(seg []byte, ends []int)) error {
	buf := make([]byte, 64<<10)
	ends := make([]int, 0, 64)
	start, w := 0, 0
	for {
		if start > 0 {
			// Keep the unfinished segment, at the front (ends are relative to it).
			w = copy(buf, buf[start:w])
			start = 0
		}
		if w == len(buf) {
			nb := make([]byte, 2*len(buf))
			copy(nb, buf)
			buf = nb
		}
		n, err := src.Read(buf[w:])
		for i := w; i < w+n; i++ {
			switch buf[i] {
			case sep:
				ends = append(ends, i-start)
			case term:
				ends = append(ends, i-start)
				fn(buf[start:i], ends)
				ends = ends[:0]
				start = i + 1
			}
		}
		w += n
		if err == io.EOF {
			if start < w {
				fn(buf[start:w], append(ends, w-start))
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// ReadBytes is the naive byte-at-a-time loop: one bufio.Reader.ReadByte per byte, each
// segment collected into a buffer, element ends noted; fn as for Split.
func ReadBytes(src io.Reader, sep, term byte, fn func(seg []byte, ends []int)) error {
	br := bufio.NewReaderSize(src, 64<<10)
	seg := make([]byte, 0, 1024)
	ends := make([]int, 0, 64)
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			if len(seg) > 0 {
				fn(seg, append(ends, len(seg)))
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch c {
		case term:
			fn(seg, append(ends, len(seg)))
			seg, ends = seg[:0], ends[:0]
		case sep:
			ends = append(ends, len(seg))
			seg = append(seg, c)
		default:
			seg = append(seg, c)
		}
	}
}
