// Command officer fills in an exam list workbook as a port officer would and writes
// the photos of each exam, for make demo and by-hand trials of the import:
//
//	officer [--seed N] [--empty 0.2] [--photos DIR] [--folders] --out FILLED.xlsx LIST.xlsx
//
// See internal/testkit/officer for what it fills in.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/icss/icss/internal/testkit/officer"
)

func main() {
	var c officer.Choices
	out := flag.String("out", "", "where to write the filled-in workbook")
	flag.Uint64Var(&c.Seed, "seed", 1, "seed of the officer's choices")
	flag.Float64Var(&c.Empty, "empty", 0.2, "share of rows left empty (negative: none)")
	flag.StringVar(&c.PhotoDir, "photos", "", "directory for the photos (none when empty)")
	flag.BoolVar(&c.Folders, "folders", false, "one folder per exam instead of <exam-id>_<n> names")
	flag.IntVar(&c.PhotosPerExam, "per-exam", 2, "photos per examined container")
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: officer [flags] --out FILLED.xlsx LIST.xlsx")
		flag.PrintDefaults()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *out, c); err != nil {
		fmt.Fprintln(os.Stderr, "officer:", err)
		os.Exit(2)
	}
}

func run(list, out string, c officer.Choices) error {
	in, err := os.ReadFile(list)
	if err != nil {
		return err
	}
	var filled bytes.Buffer
	res, err := officer.Fill(bytes.NewReader(in), &filled, c)
	if err != nil {
		return fmt.Errorf("%s: %w", list, err)
	}
	if err := os.WriteFile(out, filled.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s\t%d filled\t%d empty\t%d photos\n", out, len(res.Returns), res.Empty, len(res.Photos))
	return nil
}
