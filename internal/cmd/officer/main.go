// Command officer fills in an exam list workbook as port staff would, with photos,
// for make demo (internal/testkit/officer). It is not a product command.
//
//	officer --list LIST.xlsx --out RETURNED.xlsx --photos DIR [--seed N]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/icss/icss/internal/testkit/officer"
)

func main() {
	list := flag.String("list", "", "the exam list workbook as issued")
	out := flag.String("out", "", "where to write the filled-in workbook")
	photos := flag.String("photos", "", "directory for the photos (<exam-id>_<n>.jpg)")
	seed := flag.Uint64("seed", 1, "seed of the officer's choices")
	flag.Parse()
	if *list == "" || *out == "" || *photos == "" {
		flag.Usage()
		os.Exit(2)
	}
	in, err := os.ReadFile(*list)
	if err == nil {
		err = os.MkdirAll(*photos, 0o755)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "officer:", err)
		os.Exit(2)
	}
	var b bytes.Buffer
	filled, err := officer.Fill(bytes.NewReader(in), &b, officer.Choices{Seed: *seed, PhotoDir: *photos, Now: time.Now()})
	if err == nil {
		err = os.WriteFile(*out, b.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "officer:", err)
		os.Exit(2)
	}
	fmt.Printf("officer: %d rows filled in, %d left for later, %d photos\n", len(filled.Returns), filled.Empty, len(filled.Photos))
}
