// Package lazyre holds regular expressions that are compiled on first use, not when
// the program starts.
//
// Every icss command links every package, so a package-level regexp.MustCompile is
// paid by each short-lived command (icss edi inspect, icss status), whether it uses
// the expression or not; a bounded repetition such as {0,63} alone costs about two
// million instructions to compile. A Regexp from New compiles once, on the first
// match, and panics then if the expression is invalid, as MustCompile would have at
// start-up: every expression here is a constant that the package's tests exercise.
package lazyre
