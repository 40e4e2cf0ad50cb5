// Command benchbin times the built icss binary as users run it, against the same work
// done in process and against byte-at-a-time split loops over the same files, in one
// run with the measurements interleaved, and prints ratios: on a shared machine the
// absolute speeds move with the load, the ratios much less. `make bench-binary` runs it.
//
//	go run ./internal/benchbin -icss bin/icss -cuscargen bin/cuscargen -ediproc bin/ediproc [-mb 100] [-runs 5] [-edi=false] [-risk=false] [-check]
//
// Inputs (generated once into -dir, kept for later runs): a valid X12 309 of about -mb
// MB (icss edi generate), the same with one element error in every bill (M1101 too
// long), a CUSCAR of -mb MiB (cuscargen), and the same with an unexpected segment after
// every goods item (GID). For each it reports the best of -runs of:
//
//	binary     icss edi inspect FILE > /dev/null, wall time (and peak RSS)
//	inprocess  edi.InspectTo over the file, report discarded (what BenchmarkInspect measures)
//	readbyte   splitloop.ReadBytes: bufio ReadByte per byte, segments collected
//	split      splitloop.Split: a range over the read buffer
//	ediproc    ediproc FILE: the same inspection in a fresh process that links only edi/
//
// and the ratios the issue sets bars for: on the clean files, binary time within 10 % of
// in process and binary at least as fast as the byte loop; an error-heavy file at least
// half as fast as the clean one, memory flat. It also times both binaries on a one-bill
// file, their fixed cost of start-up and exit, and prints each ratio without it: the
// binary's fixed cost is mostly the start-up of the packages edi inspect does not use
// (excelize, minio-go, River, prometheus), which Go initializes in every run of a
// binary that links them.
//
// Then `icss risk score` on the harmonized records of the clean 309 (icss normalize,
// about 3.5 KB of JSON a record, kept in -dir too), against:
//
//	inprocess  risk.Engine.Score with the shipped rule set, output discarded
//	lines      a read-and-split-lines loop over the file, nothing decoded
//
// with the binary's CPU time beside its wall time (on a loaded machine the CPU time
// says more), and the bar of 250 MB/s of input for the binary.
//
// With -check it exits 1 when a bar is missed.
package main
