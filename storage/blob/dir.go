package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Dir is a Store in a local directory, the embedded default. Objects are
// plain files under the root at their key, so operators can read them with
// ordinary tools; what S3 would keep as headers (SHA-256, content type, user
// metadata) lives in a JSON sidecar under root/.icss/meta.
//
// Writes are atomic and durable: the content goes to a temporary file that is
// fsynced, then hard-linked to its key (link fails when the name exists, which
// makes Put create-only even against other processes), then the directory is
// fsynced. A crash leaves either no object or a complete one; never a torn
// file under a key.
type Dir struct {
	root string
	mu   sync.Mutex // serializes commits within the process; lockFile across processes
	lock *os.File
}

var _ Store = (*Dir)(nil)

// staleTemp is how old a temporary file must be before OpenDir removes it as
// the leftover of a crashed Put rather than the work of a live one.
const staleTemp = 24 * time.Hour

type dirMeta struct {
	SHA256      string            `json:"sha256"`
	Size        int64             `json:"size"`
	ContentType string            `json:"content_type,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
}

// OpenDir opens (creating if needed) the store rooted at root.
func OpenDir(root string) (*Dir, error) {
	if root == "" {
		return nil, errors.New("blob dir: root is empty")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("blob dir %s: %w", root, err)
	}
	for _, d := range []string{abs, filepath.Join(abs, reservedPrefix, "tmp"), filepath.Join(abs, reservedPrefix, "meta")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("blob dir %s: %w", root, err)
		}
	}
	lf, err := os.OpenFile(filepath.Join(abs, reservedPrefix, "lock"), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("blob dir %s: %w", root, err)
	}
	d := &Dir{root: abs, lock: lf}
	d.removeStaleTemps()
	return d, nil
}

// OpenDirSet opens one Dir per purpose under root/<purpose>.
func OpenDirSet(root string) (Set, error) {
	set := Set{}
	for _, p := range Purposes() {
		d, err := OpenDir(filepath.Join(root, string(p)))
		if err != nil {
			set.Close()
			return nil, err
		}
		set[p] = d
	}
	return set, nil
}

// Close closes every store of the set that has a Close method, returning the
// first error.
func (s Set) Close() error {
	var first error
	for _, st := range s {
		if c, ok := st.(io.Closer); ok {
			if err := c.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// Close releases the lock file.
func (d *Dir) Close() error { return d.lock.Close() }

// Root is the directory holding the objects.
func (d *Dir) Root() string { return d.root }

func (d *Dir) path(key string) string { return filepath.Join(d.root, filepath.FromSlash(key)) }
func (d *Dir) metaPath(key string) string {
	return filepath.Join(d.root, reservedPrefix, "meta", filepath.FromSlash(key)+".json")
}

func (d *Dir) removeStaleTemps() {
	dir := filepath.Join(d.root, reservedPrefix, "tmp")
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTemp {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// Put implements Store.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (Info, error) {
	if err := checkPut(key, size, opts); err != nil {
		return Info{}, err
	}
	// Cheap early refusal; the link below is what actually guarantees create-only.
	if _, err := os.Lstat(d.path(key)); err == nil {
		return Info{}, fmt.Errorf("put %s: %w", key, ErrExists)
	}
	dataTmp, metaTmp, err := d.stage(ctx, key, r, size, opts)
	if err != nil {
		return Info{}, err
	}
	defer os.Remove(dataTmp)
	defer os.Remove(metaTmp)
	if err := ctx.Err(); err != nil {
		return Info{}, fmt.Errorf("put %s: %w", key, err)
	}
	if err := d.commit(key, dataTmp, metaTmp); err != nil {
		return Info{}, err
	}
	return d.Stat(ctx, key)
}

// stage writes the content and its sidecar to temporary files, both
// fsynced, and returns their names; the caller removes them once linked or
// abandoned. On error nothing is left behind.
func (d *Dir) stage(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (dataTmp, metaTmp string, err error) {
	tmpDir := filepath.Join(d.root, reservedPrefix, "tmp")
	data, err := os.CreateTemp(tmpDir, "put-*")
	if err != nil {
		return "", "", fmt.Errorf("put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			os.Remove(data.Name())
		}
	}()
	vr := NewVerifyReader(ctxReader{ctx, r}, key, size, opts.SHA256)
	// Objects are readable by the store's group (operators' tools), never
	// writable: they are immutable once linked under their key.
	err = data.Chmod(0o440)
	if err == nil {
		_, err = io.Copy(data, vr)
	}
	if err == nil {
		err = data.Sync()
	}
	if cerr := data.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", "", fmt.Errorf("put %s: %w", key, err)
	}
	ct := opts.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	m := dirMeta{SHA256: vr.Sum(), Size: vr.N(), ContentType: ct, Metadata: NormalizeMetadata(opts.Metadata)}
	mb, _ := json.Marshal(m)
	meta, err := os.CreateTemp(tmpDir, "meta-*")
	if err != nil {
		return "", "", fmt.Errorf("put %s: %w", key, err)
	}
	_, err = meta.Write(mb)
	if err == nil {
		err = meta.Sync()
	}
	if cerr := meta.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(meta.Name())
		return "", "", fmt.Errorf("put %s: metadata: %w", key, err)
	}
	return data.Name(), meta.Name(), nil
}

// commit publishes the sidecar, then the content, under the store lock. The
// content's link is the commit point: a crash before it leaves at most an
// orphan sidecar, which the next Put of the key replaces.
func (d *Dir) commit(key, dataTmp, metaTmp string) error {
	unlock, err := d.lockStore()
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	defer unlock()
	dst := d.path(key)
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("put %s: %w", key, ErrExists)
	}
	mdst := d.metaPath(key)
	if err := d.mkdirAll(filepath.Dir(mdst)); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := os.Rename(metaTmp, mdst); err != nil {
		return fmt.Errorf("put %s: metadata: %w", key, err)
	}
	if err := syncDir(filepath.Dir(mdst)); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := d.mkdirAll(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := os.Link(dataTmp, dst); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("put %s: %w", key, ErrExists)
		}
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// lockStore takes the in-process mutex and the cross-process flock.
func (d *Dir) lockStore() (func(), error) {
	d.mu.Lock()
	if err := syscall.Flock(int(d.lock.Fd()), syscall.LOCK_EX); err != nil {
		d.mu.Unlock()
		return nil, fmt.Errorf("lock %s: %w", d.lock.Name(), err)
	}
	return func() {
		syscall.Flock(int(d.lock.Fd()), syscall.LOCK_UN)
		d.mu.Unlock()
	}, nil
}

// mkdirAll creates dir and fsyncs the parent of every directory it creates,
// so that a new object's path survives a crash along with the object.
func (d *Dir) mkdirAll(dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is an object, not a directory", dir)
		}
		return nil
	}
	if dir == d.root {
		return os.MkdirAll(dir, 0o750)
	}
	if err := d.mkdirAll(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(filepath.Dir(dir))
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}

// Get implements Store.
func (d *Dir) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Info{}, err
	}
	f, err := os.Open(d.path(key))
	if err != nil {
		return nil, Info{}, d.notExist("get", key, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		f.Close()
		return nil, Info{}, d.notExist("get", key, err)
	}
	info, err := d.info(key, fi)
	if err != nil {
		f.Close()
		return nil, Info{}, err
	}
	return f, info, nil
}

// Stat implements Store.
func (d *Dir) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidateKey(key); err != nil {
		return Info{}, err
	}
	fi, err := os.Stat(d.path(key))
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		return Info{}, d.notExist("stat", key, err)
	}
	return d.info(key, fi)
}

func (d *Dir) notExist(op, key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("%s %s: %w", op, key, ErrNotExist)
	}
	return fmt.Errorf("%s %s: %w", op, key, err)
}

// info combines the file's stat with its sidecar. A file without a sidecar
// was placed by hand; it is hashed so that Info.SHA256 is never a guess.
func (d *Dir) info(key string, fi fs.FileInfo) (Info, error) {
	info := Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime().UTC(), ContentType: "application/octet-stream"}
	b, err := os.ReadFile(d.metaPath(key))
	switch {
	case err == nil:
		var m dirMeta
		if err := json.Unmarshal(b, &m); err != nil {
			return Info{}, fmt.Errorf("stat %s: metadata %s: %w", key, d.metaPath(key), err)
		}
		info.SHA256, info.ContentType, info.Metadata = m.SHA256, m.ContentType, m.Metadata
	case errors.Is(err, fs.ErrNotExist):
		f, err := os.Open(d.path(key))
		if err != nil {
			return Info{}, d.notExist("stat", key, err)
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return Info{}, fmt.Errorf("stat %s: %w", key, err)
		}
		info.SHA256 = hex.EncodeToString(h.Sum(nil))
	default:
		return Info{}, fmt.Errorf("stat %s: %w", key, err)
	}
	return info, nil
}

// List implements Store. It walks only the directories that can hold keys
// with the prefix and visits names in S3's lexical order: a directory "a"
// sorts as "a/", after "a.b".
func (d *Dir) List(ctx context.Context, prefix string, fn func(Info) error) error {
	start := ""
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = prefix[:i]
	}
	if start != "" {
		if err := ValidateKey(start); err != nil {
			return fmt.Errorf("list %q: %w", prefix, err)
		}
	}
	return d.walk(ctx, start, prefix, fn)
}

func (d *Dir) walk(ctx context.Context, dirKey, prefix string, fn func(Info) error) error {
	ents, err := os.ReadDir(d.path(dirKey))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil
		}
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	type ent struct {
		sortName string
		key      string
		dir      bool
	}
	list := make([]ent, 0, len(ents))
	for _, e := range ents {
		if dirKey == "" && e.Name() == reservedPrefix {
			continue
		}
		k := e.Name()
		if dirKey != "" {
			k = dirKey + "/" + k
		}
		if e.IsDir() {
			// Descend only where a key with the prefix can live.
			if !strings.HasPrefix(k+"/", prefix) && !strings.HasPrefix(prefix, k+"/") {
				continue
			}
			list = append(list, ent{e.Name() + "/", k, true})
		} else if e.Type().IsRegular() && strings.HasPrefix(k, prefix) {
			list = append(list, ent{e.Name(), k, false})
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].sortName < list[j].sortName })
	for _, e := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.dir {
			if err := d.walk(ctx, e.key, prefix, fn); err != nil {
				return err
			}
			continue
		}
		info, err := d.Stat(ctx, e.key)
		if errors.Is(err, ErrNotExist) {
			continue // deleted while listing
		}
		if err != nil {
			return err
		}
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}

// Delete implements Store. Directories left empty are removed, up to the root.
func (d *Dir) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	unlock, err := d.lockStore()
	if err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	defer unlock()
	p := d.path(key)
	if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
		return nil // a "directory" is not an object
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if err := os.Remove(d.metaPath(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: metadata: %w", key, err)
	}
	d.pruneEmpty(filepath.Dir(p), d.root)
	d.pruneEmpty(filepath.Dir(d.metaPath(key)), filepath.Join(d.root, reservedPrefix, "meta"))
	return nil
}

func (d *Dir) pruneEmpty(dir, stop string) {
	for dir != stop && strings.HasPrefix(dir, stop) {
		if os.Remove(dir) != nil { // fails when not empty
			return
		}
		dir = filepath.Dir(dir)
	}
}

// ctxReader makes a long copy stop when its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
