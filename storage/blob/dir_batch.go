package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

var _ BatchPutter = (*Dir)(nil)

// batchWorkers is how many files of a batch are written and fsynced at
// once. Concurrent fsyncs share the file system's journal commits, which is
// where a batch gains over one Put after another.
const batchWorkers = 8

// PutBatch implements BatchPutter. Every object's content and sidecar are
// written and fsynced at once (batchWorkers at a time); then, under the
// store lock, the sidecars are published and their directories fsynced
// once each, and the contents linked under their keys (the commit points,
// as for Put). Unordered, each directory the batch linked into is fsynced
// once, after the lock is released: one fsync of a directory makes every
// entry made in it before durable. Ordered, the directory is fsynced after
// each link, so that no link outlives an earlier one in a crash.
func (d *Dir) PutBatch(ctx context.Context, objs []BatchObject, ordered bool) (int, error) {
	type staged struct {
		data, meta string
		err        error
	}
	st := make([]staged, len(objs))
	defer func() {
		for _, s := range st {
			if s.data != "" {
				os.Remove(s.data)
				os.Remove(s.meta)
			}
		}
	}()
	parallel(len(objs), func(i int) {
		o := objs[i]
		if err := checkPut(o.Key, o.Size, o.Options); err != nil {
			st[i].err = err
			return
		}
		if _, err := os.Lstat(d.path(o.Key)); err == nil {
			st[i].err = fmt.Errorf("put %s: %w", o.Key, ErrExists)
			return
		}
		st[i].data, st[i].meta, st[i].err = d.stage(ctx, o.Key, o.Body, o.Size, o.Options)
	})
	n, stop := len(objs), error(nil)
	for i := range st {
		if st[i].err != nil {
			n, stop = i, st[i].err
			break
		}
	}
	if n == 0 {
		return 0, stop
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("put batch: %w", err)
	}
	committed, err := d.commitBatch(objs[:n], func(i int) (string, string) { return st[i].data, st[i].meta }, ordered)
	if err != nil {
		return committed, err
	}
	return n, stop
}

// commitBatch publishes the staged objects in order, stopping at the first
// that exists or fails. It returns how many are committed and durable and,
// when not all, the error of the first that is not.
func (d *Dir) commitBatch(objs []BatchObject, staged func(int) (data, meta string), ordered bool) (n int, stop error) {
	unlock, err := d.lockStore()
	if err != nil {
		return 0, fmt.Errorf("put batch: %w", err)
	}
	locked := true
	defer func() {
		if locked {
			unlock()
		}
	}()
	n = len(objs)
	metaDirs := map[string]bool{}
	for i, o := range objs {
		if _, err := os.Lstat(d.path(o.Key)); err == nil {
			n, stop = i, fmt.Errorf("put %s: %w", o.Key, ErrExists)
			break
		}
		mdst := d.metaPath(o.Key)
		if err := d.mkdirAll(filepath.Dir(mdst)); err != nil {
			n, stop = i, fmt.Errorf("put %s: %w", o.Key, err)
			break
		}
		_, meta := staged(i)
		if err := os.Rename(meta, mdst); err != nil {
			n, stop = i, fmt.Errorf("put %s: metadata: %w", o.Key, err)
			break
		}
		metaDirs[filepath.Dir(mdst)] = true
	}
	// The sidecars must be durable before any content is linked: a linked
	// object is committed and must not lose its digest and metadata.
	if err := syncDirs(metaDirs); err != nil {
		return 0, fmt.Errorf("put batch: %w", err)
	}
	dataDirs := map[string]bool{}
	for i, o := range objs[:n] {
		dst := d.path(o.Key)
		if err := d.mkdirAll(filepath.Dir(dst)); err != nil {
			n, stop = i, fmt.Errorf("put %s: %w", o.Key, err)
			break
		}
		data, _ := staged(i)
		if err := os.Link(data, dst); err != nil {
			if errors.Is(err, fs.ErrExist) {
				err = ErrExists
			}
			n, stop = i, fmt.Errorf("put %s: %w", o.Key, err)
			break
		}
		if ordered {
			if err := syncDir(filepath.Dir(dst)); err != nil {
				return i, fmt.Errorf("put %s: %w", o.Key, err)
			}
			continue
		}
		dataDirs[filepath.Dir(dst)] = true
	}
	unlock()
	locked = false
	if err := syncDirs(dataDirs); err != nil {
		return 0, fmt.Errorf("put batch: %w", err)
	}
	return n, stop
}

// syncDirs fsyncs each directory, several at once.
func syncDirs(dirs map[string]bool) error {
	list := make([]string, 0, len(dirs))
	for dir := range dirs {
		list = append(list, dir)
	}
	errs := make([]error, len(list))
	parallel(len(list), func(i int) { errs[i] = syncDir(list[i]) })
	return errors.Join(errs...)
}

// parallel calls fn(0..n-1), batchWorkers at a time.
func parallel(n int, fn func(int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, batchWorkers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
