package examlist

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSave(t *testing.T) {
	_, l := writeSample(t)
	dir := t.TempDir()
	path, unchanged, err := Save(dir, l, false)
	if err != nil || unchanged || path != filepath.Join(dir, "CAPRR", "CAPRR-20261205.xlsx") {
		t.Fatalf("first save: %s %v %v", path, unchanged, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, %v", fi.Mode(), err)
	}
	if _, unchanged, err := Save(dir, l, false); err != nil || !unchanged {
		t.Errorf("same rows again: unchanged %v, %v", unchanged, err)
	}
	l.Entries = l.Entries[1:]
	if _, _, err := Save(dir, l, false); !errors.Is(err, ErrListChanged) {
		t.Errorf("other rows: %v, want ErrListChanged", err)
	}
	if _, unchanged, err := Save(dir, l, true); err != nil || unchanged {
		t.Errorf("replace: unchanged %v, %v", unchanged, err)
	}
	if _, unchanged, _ := Save(dir, l, false); !unchanged {
		t.Error("the replaced list does not hold the new rows")
	}
	left, _ := filepath.Glob(filepath.Join(dir, "CAPRR", ".list-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
