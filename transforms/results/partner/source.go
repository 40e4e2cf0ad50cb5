package partner

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/transforms/results"
)

// Source is where batches are fetched from.
type Source interface {
	// List returns the names of the batch files present (results.ParseName).
	List(ctx context.Context) ([]string, error)
	// Open opens one file for reading.
	Open(ctx context.Context, name string) (io.ReadCloser, error)
	// String names the source in messages.
	String() string
}

// DirSource reads batches from a local directory, such as the SFTP inbox
// icss pushes into. Hidden files (uploads in progress) are ignored.
func DirSource(dir string) Source { return dirSource(dir) }

type dirSource string

func (d dirSource) String() string { return string(d) }

func (d dirSource) List(context.Context) ([]string, error) {
	ents, err := os.ReadDir(string(d))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if _, _, ok := results.ParseName(e.Name()); ok && e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

func (d dirSource) Open(_ context.Context, name string) (io.ReadCloser, error) {
	if _, _, ok := results.ParseName(name); !ok {
		return nil, fmt.Errorf("%q is not a batch file name", name)
	}
	return os.Open(filepath.Join(string(d), name))
}

// BucketSource reads batches from the results bucket (or prefix) through
// the partner's read-only account.
func BucketSource(st blob.Store, name string) Source { return bucketSource{st, name} }

type bucketSource struct {
	st   blob.Store
	name string
}

func (b bucketSource) String() string { return b.name }

func (b bucketSource) List(ctx context.Context) ([]string, error) {
	var names []string
	err := b.st.List(ctx, "", func(i blob.Info) error {
		if _, _, ok := results.ParseName(i.Key); ok {
			names = append(names, i.Key)
		}
		return nil
	})
	return names, err
}

func (b bucketSource) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	rc, _, err := b.st.Get(ctx, name)
	return rc, err
}
