package sftp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/pkg/sftp"
)

// ErrConflict is returned by Push when the remote name already holds different content:
// icss never overwrites a file it did not write.
var ErrConflict = errors.New("a different file of the same name exists")

// PushResult describes one pushed file.
type PushResult struct {
	Remote  string // final remote path
	Size    int64
	SHA256  string // hex
	Already bool   // the same content was already there (a retried push); nothing was sent
	Synced  bool   // the server fsynced the data (fsync@openssh.com) before it was published
}

// Push uploads the local file src into Config.Outbox as name. The bytes go to a hidden
// temporary name first (".name.<random>.part", which carriers' pollers ignore), are
// fsynced when the server offers fsync@openssh.com, checked for size, and only then
// published under the final name, atomically and without replacing anything: with
// hardlink@openssh.com when offered (link fails if the name exists), else after a
// Stat with posix-rename. If the final name already holds the same bytes the push is a
// no-op (so a retried push is idempotent); different bytes are ErrConflict.
// progress, when not nil, is called with the bytes sent so far.
func (c *Client) Push(ctx context.Context, src, name string, progress func(sent int64)) (PushResult, error) {
	res, err := c.push(ctx, src, name, progress)
	if err != nil {
		return res, fmt.Errorf("sftp %s: push %s as %s: %w", c.cfg.Name, src, name, err)
	}
	return res, nil
}

func (c *Client) push(ctx context.Context, src, name string, progress func(int64)) (PushResult, error) {
	if c.cfg.Outbox == "" {
		return PushResult{}, &FieldError{Field: "outbox", Err: errors.New("is not set for this endpoint")}
	}
	if err := ValidateName(name); err != nil {
		return PushResult{}, err
	}
	f, err := os.Open(src)
	if err != nil {
		return PushResult{}, err
	}
	defer f.Close()
	size, sum, err := hashFile(f)
	if err != nil {
		return PushResult{}, err
	}
	final := path.Join(c.cfg.Outbox, name)
	res := PushResult{Remote: final, Size: size, SHA256: sum}
	if same, err := c.sameContent(ctx, final, size, sum); err != nil {
		return res, err
	} else if same {
		res.Already = true
		return res, nil
	}
	c.removeStaleTemps(ctx, name)

	release, err := c.acquire(ctx)
	if err != nil {
		return res, err
	}
	defer release()
	var tmp string
	err = c.do(ctx, "upload "+final, func(fc *sftp.Client) error {
		if tmp != "" { // a previous attempt lost its connection: start over
			_ = fc.Remove(tmp)
		}
		tmp = path.Join(c.cfg.Outbox, tempName(name))
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		w, err := fc.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
		if err != nil {
			return err
		}
		var r io.Reader = f
		if progress != nil {
			r = &progressReader{r: f, size: size, fn: progress}
		}
		n, err := w.ReadFrom(r)
		if err == nil && n != size {
			err = fmt.Errorf("sent %d bytes of %d (local file changed?)", n, size)
		}
		if err == nil {
			if _, ok := fc.HasExtension("fsync@openssh.com"); ok {
				err = w.Sync()
				res.Synced = err == nil
			}
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		st, err := fc.Stat(tmp)
		if err != nil {
			return err
		}
		if st.Size() != size {
			return fmt.Errorf("server has %d bytes of %s, want %d", st.Size(), tmp, size)
		}
		return nil
	})
	if err != nil {
		if tmp != "" {
			_ = c.Remove(context.WithoutCancel(ctx), tmp)
		}
		return res, err
	}
	if err := c.publish(ctx, tmp, final, size, sum); err != nil {
		_ = c.Remove(context.WithoutCancel(ctx), tmp)
		return res, err
	}
	return res, nil
}

// publish gives tmp its final name without ever replacing another file.
func (c *Client) publish(ctx context.Context, tmp, final string, size int64, sum string) error {
	link, err := c.HasExtension(ctx, "hardlink@openssh.com")
	if err != nil {
		return err
	}
	if link {
		lerr := c.do(ctx, "link "+final, func(fc *sftp.Client) error { return fc.Link(tmp, final) })
		if lerr == nil {
			return c.Remove(ctx, tmp)
		}
		// The link fails when final exists (ours, from a retried request, or someone
		// else's: sameContent tells) or when the server's filesystem has no hard links.
		same, err := c.sameContent(ctx, final, size, sum)
		if err != nil {
			return err
		}
		if same {
			return c.Remove(ctx, tmp)
		}
		c.log.Info("hard link refused; publishing by rename", "name", final, "err", lerr)
	}
	if same, err := c.sameContent(ctx, final, size, sum); err != nil {
		return err
	} else if same {
		return c.Remove(ctx, tmp)
	}
	// Without hard links, a file created between the check above and the rename would be
	// replaced by posix-rename; such servers leave no atomic no-replace alternative.
	return c.Rename(ctx, tmp, final)
}

// sameContent reports whether remote exists with exactly size bytes hashing to sum; a
// missing file is false, an existing different one is ErrConflict.
func (c *Client) sameContent(ctx context.Context, remote string, size int64, sum string) (bool, error) {
	fi, err := c.Stat(ctx, remote)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if fi.Size() == size {
		var got string
		err := c.do(ctx, "verify "+remote, func(fc *sftp.Client) error {
			r, err := fc.Open(remote)
			if err != nil {
				return err
			}
			defer r.Close()
			h := sha256.New()
			if _, err := r.WriteTo(&limitWriter{w: h, left: size}); err != nil {
				return err
			}
			got = hex.EncodeToString(h.Sum(nil))
			return nil
		})
		if err != nil {
			return false, err
		}
		if got == sum {
			return true, nil
		}
	}
	return false, fmt.Errorf("%w: %s has %d bytes, ours %d bytes sha256 %s", ErrConflict, remote, fi.Size(), size, sum)
}

// removeStaleTemps deletes temporaries of name left by an interrupted push.
func (c *Client) removeStaleTemps(ctx context.Context, name string) {
	list, err := c.ReadDir(ctx, c.cfg.Outbox)
	if err != nil {
		return
	}
	prefix := "." + truncName(name) + "."
	for _, fi := range list {
		if n := fi.Name(); strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".part") && fi.Mode().IsRegular() {
			_ = c.Remove(ctx, path.Join(c.cfg.Outbox, n))
		}
	}
}

// tempName is ".<name>.<8 hex>.part", with name shortened to stay within MaxNameLength.
func tempName(name string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "." + truncName(name) + "." + hex.EncodeToString(b[:]) + ".part"
}

func truncName(name string) string {
	return truncTo(name, MaxNameLength-len("..12345678.part"))
}

// truncTo shortens name to at most room bytes without splitting a UTF-8 sequence.
func truncTo(name string, room int) string {
	for len(name) > room {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	return name
}

func hashFile(f *os.File) (int64, string, error) {
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// progressReader reports progress; Size lets pkg/sftp choose its write concurrency as
// it would for the bare *os.File.
type progressReader struct {
	r    io.Reader
	n    int64
	size int64
	fn   func(int64)
}

func (p *progressReader) Size() int64 { return p.size }

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	p.fn(p.n)
	return n, err
}
