// Command cuscargen writes generated CUSCAR interchanges to standard output, for
// measuring the inspector on large files:
//
//	go run ./edi/edifact/internal/gen/cuscargen -size 1GiB > /tmp/cuscar.edi
//	/usr/bin/time -v icss edi inspect /tmp/cuscar.edi
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/icss/icss/edi/edifact/internal/gen"
)

func main() {
	size := flag.String("size", "100MiB", "bytes to write (suffixes KiB, MiB, GiB)")
	seed := flag.Uint64("seed", 1, "random seed")
	newlines := flag.Bool("newlines", true, "a line break after each segment")
	flag.Parse()
	n, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cuscargen:", err)
		os.Exit(2)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	_, err = io.Copy(w, gen.New(n, gen.Options{Seed: *seed, Newlines: *newlines}))
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cuscargen:", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if strings.HasSuffix(s, suffix) {
			s, mult = strings.TrimSuffix(s, suffix), m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("size %q is not a number of bytes", s)
	}
	return n * mult, nil
}
