// Package pipeline runs an EDI reader on its own goroutine while the caller validates:
// on two cores a file is checked in about the time the slower of the two takes, instead
// of their sum. Segments come in batches; their bytes stay in the reader buffer they
// were read into, which the reader leaves behind (Swap) instead of sliding data over it,
// and which is reused only once every batch pointing into it has been consumed. Only the
// segments' small index arrays are copied (by the dialect's Keep function), so memory
// stays bounded by the batches in flight, whatever the input's size.
package pipeline
