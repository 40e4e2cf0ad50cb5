package results

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	json "github.com/goccy/go-json"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/transforms/exam"
)

// maxLine is the longest result line read (a result lists its photos).
const maxLine = 16 << 20

// errNoKey reports a build without a signing key.
var errNoKey = errors.New("results: no signing key")

// BuildOptions configure Build.
type BuildOptions struct {
	// Dir holds the batches: those already there say what was sent.
	Dir string
	// Key signs the manifest and keys the officer pseudonyms.
	Key ed25519.PrivateKey
	// Source names the results input in errors ("results.jsonl").
	Source string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Batch is a batch Build wrote.
type Batch struct {
	Seq            int64
	Manifest       Manifest
	ManifestSHA256 string
	// Files are the batch's file names in publication order (BatchFiles).
	Files []string
}

// Build reads exam results (exam.Result JSON lines) and writes, into
// opts.Dir, the next batch holding every result version not in an earlier
// batch there. It returns nil and no error when there is nothing new. A bad
// line fails the whole build, naming the input and line: a batch that left a
// result out silently would be worse than a late one.
func Build(ctx context.Context, results io.Reader, opts BuildOptions) (*Batch, error) {
	if opts.Key == nil {
		return nil, errNoKey
	}
	if opts.Source == "" {
		opts.Source = "results"
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	unlock, err := lockDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	d, err := readBatchDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	if err := d.removePartial(); err != nil {
		return nil, err
	}
	sent, err := d.sent()
	if err != nil {
		return nil, err
	}
	b := &builder{dir: opts.Dir, seq: d.last + 1, officerKey: OfficerKey(opts.Key), ports: map[string]*portFiles{},
		counts: Counts{ByOutcome: map[string]int{}, ByPort: map[string]int{}}}
	defer b.abort()
	if err := b.read(ctx, results, opts.Source, sent); err != nil {
		return nil, err
	}
	if b.counts.Rows == 0 {
		return nil, nil
	}
	files, err := b.finish()
	if err == nil {
		err = syncDir(opts.Dir) // the data files' names are durable before the manifest names them
	}
	if err != nil {
		return nil, fmt.Errorf("results: batch %d: %w", b.seq, err)
	}
	m := Manifest{Schema: ManifestSchema, Seq: b.seq, CreatedAt: now().UTC().Format(time.RFC3339),
		KeyID: signing.KeyID(opts.Key.Public().(ed25519.PublicKey)), Previous: d.lastSHA256, Counts: b.counts, Files: files}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	mb = append(mb, '\n')
	// The signature goes last: its presence is what makes the batch complete.
	if err := writeFileSync(opts.Dir, ManifestName(b.seq), mb); err != nil {
		return nil, fmt.Errorf("results: batch %d: %w", b.seq, err)
	}
	if err := writeFileSync(opts.Dir, SignatureName(b.seq), signing.Sign(opts.Key, mb)); err != nil {
		return nil, fmt.Errorf("results: batch %d: %w", b.seq, err)
	}
	if err := syncDir(opts.Dir); err != nil {
		return nil, fmt.Errorf("results: batch %d: %w", b.seq, err)
	}
	names, err := BatchFiles(opts.Dir, b.seq)
	if err != nil {
		return nil, err
	}
	return &Batch{Seq: b.seq, Manifest: m, ManifestSHA256: sum(mb), Files: names}, nil
}

// builder streams rows into one JSON lines and one CSV file per port.
type builder struct {
	dir        string
	seq        int64
	officerKey []byte
	ports      map[string]*portFiles
	counts     Counts
	rec        []string
}

// out is one file being written under a temporary name, hashed as it goes.
type out struct {
	name string
	f    *os.File
	w    *bufio.Writer
	h    hash.Hash
	n    int64
}

func (o *out) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	o.h.Write(p[:n])
	o.n += int64(n)
	return n, err
}

func (o *out) tmp() string { return "." + o.name + ".tmp" }

type portFiles struct {
	rows  int
	jsonl *out
	enc   *json.Encoder
	csv   *out
	cw    *csv.Writer
}

func (b *builder) read(ctx context.Context, results io.Reader, source string, sent map[sentKey]string) error {
	sc := bufio.NewScanner(results)
	sc.Buffer(make([]byte, 256<<10), maxLine)
	inInput := map[sentKey]string{}
	for line := 1; sc.Scan(); line++ {
		if line%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r exam.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("results: %s:%d: %w", source, line, err)
		}
		k := sentKey{r.ExamID, r.Version}
		if ev, ok := sent[k]; ok {
			if ev != r.ManifestSHA256 {
				return fmt.Errorf("results: %s:%d: exam %s version %d was sent with evidence manifest %s, this line has %s (a correction needs a new version)",
					source, line, r.ExamID, r.Version, ev, r.ManifestSHA256)
			}
			continue
		}
		if ev, ok := inInput[k]; ok {
			if ev != r.ManifestSHA256 {
				return fmt.Errorf("results: %s:%d: exam %s version %d appears twice with different evidence manifests", source, line, r.ExamID, r.Version)
			}
			continue
		}
		// Cloned: the decoder's strings may share the line's buffer, which
		// the map would then keep alive.
		inInput[sentKey{strings.Clone(r.ExamID), r.Version}] = strings.Clone(r.ManifestSHA256)
		row, err := RowFromResult(&r, b.officerKey)
		if err != nil {
			return fmt.Errorf("results: %s:%d: %w", source, line, err)
		}
		if err := b.add(&row); err != nil {
			return fmt.Errorf("results: batch %d: %w", b.seq, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("results: %s: %w", source, err)
	}
	return nil
}

func (b *builder) add(r *Row) error {
	p, ok := b.ports[r.Port]
	if !ok {
		var err error
		if p, err = b.open(r.Port); err != nil {
			return err
		}
	}
	if err := p.enc.Encode(r); err != nil {
		return err
	}
	b.rec = csvRecord(b.rec, r)
	if err := p.cw.Write(b.rec); err != nil {
		return err
	}
	p.rows++
	c := &b.counts
	c.Rows++
	c.ByOutcome[string(r.Outcome)]++
	c.ByPort[r.Port]++
	if r.RiskNegated {
		c.RiskNegated++
	}
	if r.Referral != "" {
		c.Referrals++
	}
	if r.Supersedes != "" {
		c.Corrections++
	}
	return nil
}

func (b *builder) open(port string) (*portFiles, error) {
	p := &portFiles{}
	b.ports[port] = p
	var err error
	if p.jsonl, err = b.create(DataName(port, b.seq, FormatJSONL)); err != nil {
		return nil, err
	}
	if p.csv, err = b.create(DataName(port, b.seq, FormatCSV)); err != nil {
		return nil, err
	}
	p.enc = json.NewEncoder(p.jsonl)
	p.enc.SetEscapeHTML(false)
	p.cw = csv.NewWriter(p.csv)
	p.cw.UseCRLF = true // RFC 4180, what spreadsheets expect
	return p, p.cw.Write(CSVHeader)
}

func (b *builder) create(name string) (*out, error) {
	o := &out{name: name, h: sha256.New()}
	f, err := os.OpenFile(filepath.Join(b.dir, o.tmp()), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	o.f, o.w = f, bufio.NewWriterSize(f, 256<<10)
	return o, nil
}

// finish flushes, syncs and renames every data file and describes them.
func (b *builder) finish() ([]File, error) {
	var files []File
	for port, p := range b.ports {
		p.cw.Flush()
		if err := p.cw.Error(); err != nil {
			return nil, err
		}
		for _, o := range []*out{p.jsonl, p.csv} {
			if err := o.w.Flush(); err != nil {
				return nil, err
			}
			if err := o.f.Sync(); err != nil {
				return nil, err
			}
			if err := o.f.Close(); err != nil {
				return nil, err
			}
			o.f = nil
			if err := os.Rename(filepath.Join(b.dir, o.tmp()), filepath.Join(b.dir, o.name)); err != nil {
				return nil, err
			}
			format := FormatJSONL
			if o == p.csv {
				format = FormatCSV
			}
			files = append(files, File{Name: o.name, Port: port, Format: format, Rows: p.rows, Size: o.n, SHA256: hex.EncodeToString(o.h.Sum(nil))})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// abort closes and removes temporaries still open (a failed build).
func (b *builder) abort() {
	for _, p := range b.ports {
		for _, o := range []*out{p.jsonl, p.csv} {
			if o != nil && o.f != nil {
				o.f.Close()
				os.Remove(filepath.Join(b.dir, o.tmp()))
			}
		}
	}
}
