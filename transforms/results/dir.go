package results

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// batchDir is what a directory of batches holds: complete batches 1..Last.
type batchDir struct {
	dir  string
	last int64
	// lastSHA256 is the SHA-256 of manifest Last ("" when there is none).
	lastSHA256 string
	// partial names the files of an unfinished batch Last+1 and stale temporaries.
	partial []string
}

// readBatchDir lists dir: every complete batch (its signature present) must
// form the run 1..N; the files of an unfinished batch N+1 and temporaries are
// returned in partial; anything later is an error, since it cannot be ours.
func readBatchDir(dir string) (*batchDir, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	d := &batchDir{dir: dir}
	signed := map[int64]bool{}
	type named struct {
		seq  int64
		name string
	}
	var others []named
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".tmp") {
			d.partial = append(d.partial, name)
			continue
		}
		seq, sig, ok := ParseName(name)
		if !ok {
			continue
		}
		if sig {
			signed[seq] = true
			d.last = max(d.last, seq)
		} else {
			others = append(others, named{seq, name})
		}
	}
	for seq := int64(1); seq <= d.last; seq++ {
		if !signed[seq] {
			return nil, fmt.Errorf("results: %s: %w: batch %d is missing but batch %d is there", dir, ErrGap, seq, d.last)
		}
	}
	for _, o := range others {
		switch {
		case o.seq == d.last+1:
			d.partial = append(d.partial, o.name)
		case o.seq > d.last+1:
			return nil, fmt.Errorf("results: %s: %s belongs to no batch (the last complete batch is %d)", dir, o.name, d.last)
		}
	}
	if d.last > 0 {
		b, err := os.ReadFile(filepath.Join(dir, ManifestName(d.last)))
		if err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		d.lastSHA256 = sum(b)
	}
	return d, nil
}

// sentKey identifies one version of one exam's result.
type sentKey struct {
	examID  string
	version int
}

// sent reads every batch's JSON lines and returns each result version sent,
// with its evidence manifest SHA-256.
func (d *batchDir) sent() (map[sentKey]string, error) {
	out := map[sentKey]string{}
	for seq := int64(1); seq <= d.last; seq++ {
		b, err := os.ReadFile(filepath.Join(d.dir, ManifestName(seq)))
		if err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		m, err := ParseManifest(b)
		if err != nil {
			return nil, fmt.Errorf("results: %s: %w", ManifestName(seq), err)
		}
		for _, f := range m.Files {
			if f.Format != FormatJSONL {
				continue
			}
			if err := readSent(filepath.Join(d.dir, f.Name), out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func readSent(path string, out map[sentKey]string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var row struct {
		ExamID   string `json:"exam_id"`
		Version  int    `json:"version"`
		Evidence string `json:"evidence_manifest_sha256"`
	}
	for line := 1; sc.Scan(); line++ {
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			return fmt.Errorf("results: %s:%d: %w", path, line, err)
		}
		out[sentKey{row.ExamID, row.Version}] = row.Evidence
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("results: %s: %w", path, err)
	}
	return nil
}

// removePartial deletes what an interrupted Build left behind.
func (d *batchDir) removePartial() error {
	for _, name := range d.partial {
		if err := os.Remove(filepath.Join(d.dir, name)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("results: removing unfinished %s: %w", name, err)
		}
	}
	d.partial = nil
	return nil
}

// lockDir takes an exclusive lock on dir, so that two builds never number
// two batches alike.
func lockDir(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("results: lock %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}

// writeFileSync writes b to dir/name through a temporary file, fsynced and
// renamed, so that name never holds part of b.
func writeFileSync(dir, name string, b []byte) error {
	tmp := filepath.Join(dir, "."+name+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// ListBatches returns the sequence numbers of the complete batches in dir, in order.
func ListBatches(dir string) ([]int64, error) {
	d, err := readBatchDir(dir)
	if err != nil {
		return nil, err
	}
	seqs := make([]int64, d.last)
	for i := range seqs {
		seqs[i] = int64(i + 1)
	}
	return seqs, nil
}

// BatchFiles returns the files of complete batch seq in dir in the order they
// are published: the data files by name, the manifest, its signature last.
func BatchFiles(dir string, seq int64) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName(seq)))
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, SignatureName(seq))); err != nil {
		return nil, fmt.Errorf("results: batch %d is not complete: %w", seq, err)
	}
	m, err := ParseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", ManifestName(seq), err)
	}
	var names []string
	for _, f := range m.Files {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	return append(names, ManifestName(seq), SignatureName(seq)), nil
}
