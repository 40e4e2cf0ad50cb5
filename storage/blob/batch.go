package blob

import (
	"context"
	"io"
)

// BatchObject is one object of a batch put.
type BatchObject struct {
	Key  string
	Body io.Reader
	// Size is the length of Body, or -1 if unknown.
	Size    int64
	Options PutOptions
}

// BatchPutter is the optional capability of stores that commit many
// objects at once more cheaply than one Put after another (Dir: its fsyncs
// are shared by the batch). PutAll uses it when the store has it.
type BatchPutter interface {
	// PutBatch stores objs in order with Put's semantics (create-only,
	// verified), stopping at the first object that cannot be stored: it
	// returns n, the count of objs stored, all of them durable, and the
	// error of objs[n] (nil when n == len(objs)). When ordered is set, a
	// crash during the call never keeps an object without every object
	// before it in the batch (Dir then syncs between commits); otherwise
	// what survives a crash of the call is any subset.
	PutBatch(ctx context.Context, objs []BatchObject, ordered bool) (int, error)
}

// PutAll stores objs in order like BatchPutter.PutBatch: through it when st
// has it, else one Put after another (each durable when it returns, so
// always in order).
func PutAll(ctx context.Context, st Store, objs []BatchObject, ordered bool) (int, error) {
	if b, ok := st.(BatchPutter); ok {
		return b.PutBatch(ctx, objs, ordered)
	}
	for i, o := range objs {
		if _, err := st.Put(ctx, o.Key, o.Body, o.Size, o.Options); err != nil {
			return i, err
		}
	}
	return len(objs), nil
}
