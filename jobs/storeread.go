package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/icss/icss/storage/blob"
)

// storeReader is an object read from the blob store that remembers the first read
// error. Parsers turn what they cannot read into input errors (a short peek looks
// like an unknown format, a cut stream like a truncated interchange), so a stream
// the store broke off mid-way would be taken for bad input and quarantined; the
// stages ask Err after parsing and retry the job instead.
type storeReader struct {
	io.ReadCloser
	key string
	err error
}

// openBlob opens key for a parser; check Err after parsing.
func openBlob(ctx context.Context, st blob.Store, key string) (*storeReader, error) {
	rc, _, err := st.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	return &storeReader{ReadCloser: rc, key: key}, nil
}

func (r *storeReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && r.err == nil {
		r.err = err
	}
	return n, err
}

// Err is the first error reading the object (not io.EOF), as an error of the store.
func (r *storeReader) Err() error {
	if r.err == nil {
		return nil
	}
	return fmt.Errorf("blob store: reading %s: %w", r.key, r.err)
}
