// Package splitloop is the speed baseline of the EDI readers: the plainest loops that
// split a stream into segments and elements, one byte at a time, with no validation, no
// positions and no report. `icss edi inspect` is held to run at least as fast as such a
// loop over the same file (make bench-binary), and the benchmarks of edi/x12 and
// edi/edifact measure them beside the real readers, so the ratio is tracked rather than
// an absolute speed that depends on the machine.
//
// Two loops: ReadBytes is the naive one (bufio.Reader.ReadByte, the segment copied as
// it is read), Split the tight one (a range over the read buffer, no copy).
package splitloop
