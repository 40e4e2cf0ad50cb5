package examlist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/icss/icss/transforms/exam"
)

// ErrListChanged is returned by Save when a list of the same ID was already written
// with other rows.
var ErrListChanged = errors.New("already written with other rows (officers may be working from it)")

// Path is where Save puts a list under dir: dir/<port>/<list ID>.xlsx.
func Path(dir string, m Meta) string { return filepath.Join(dir, m.Port, m.ListID+".xlsx") }

// Save writes l to Path(dir, l.Meta) atomically (a temporary file, synced, then
// renamed), readable by its owner and group only: selection data is not for
// everyone. A list is never replaced behind the officers' backs: when the file
// exists with the same rows it is left as it is (unchanged); with other rows Save
// fails with ErrListChanged unless replace. Running it again is harmless.
func Save(dir string, l List, replace bool) (path string, unchanged bool, err error) {
	path = Path(dir, l.Meta)
	if old, err := os.ReadFile(path); err == nil {
		_, entries, rerr := ReadIssued(bytes.NewReader(old))
		if rerr == nil && sameEntries(entries, l) {
			return path, true, nil
		}
		if !replace {
			return path, false, fmt.Errorf("examlist: %s: %w", path, ErrListChanged)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return path, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return path, false, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".list-*.xlsx.tmp")
	if err != nil {
		return path, false, err
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o640)
	if err == nil {
		err = Write(tmp, l)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return path, false, fmt.Errorf("examlist: %s: %w", path, err)
	}
	return path, false, os.Rename(tmp.Name(), path)
}

// sameEntries reports whether a list already written holds the rows of l.
func sameEntries(entries []exam.Entry, l List) bool {
	a, err1 := json.Marshal(entries)
	b, err2 := json.Marshal(l.Entries)
	return err1 == nil && err2 == nil && bytes.Equal(a, b)
}
