package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/icss/icss/config"
	"github.com/icss/icss/edi/x12/x12gen"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
)

// cutStore is a blob store whose reads break off after cut bytes while cut is set
// (fault injection: S3 going away in the middle of a download).
type cutStore struct {
	blob.Store
	cut int64
}

var errCut = errors.New("read tcp 127.0.0.1:9000: connection reset by peer")

func (s *cutStore) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	rc, info, err := s.Store.Get(ctx, key)
	if err != nil || s.cut == 0 {
		return rc, info, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(io.LimitReader(rc, s.cut), errReader{}), rc}, info, nil
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errCut }

// A raw copy whose download the store breaks off is not bad input: the ingest fails
// with the store's error (River retries it), leaves the file as it was, fixes no
// acknowledgment, and ingests the file in full once the store answers again.
func TestIngestStoreCutIsRetriedNotQuarantined(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	// An endpoint that is never dialled: the ingest reads only the ledger and the store.
	yaml := `
data_dir: data
node: test-node
http: {addr: "off"}
endpoints:
  - {name: carrier, role: carrier, addr: "127.0.0.1:1", user: icss, key_file: key, known_hosts_file: known_hosts, inbox: inbox}
`
	cfg, err := config.Parse([]byte(yaml), dir, config.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(ctx, cfg, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var data bytes.Buffer
	if _, err := x12gen.New(x12gen.Options{Seed: 5, Bills: 20, BillsPerSet: 10, Control: 5}).WriteTo(&data); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data.Bytes())
	sum := hex.EncodeToString(h[:])
	key := blob.ContentKey("", sum)
	if _, err := d.raw.Put(ctx, key, bytes.NewReader(data.Bytes()), int64(data.Len()), blob.PutOptions{SHA256: sum}); err != nil {
		t.Fatal(err)
	}
	f, _, err := d.ledger.FileSeen(ctx, "carrier", "m.x12", int64(data.Len()), time.Now().UTC().Truncate(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ledger.FileFetched(ctx, f.ID, sum, key); err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int64{10, int64(data.Len()) / 2} { // in the peek, and mid-file
		d.raw = &cutStore{Store: d.raw, cut: cut}
		job := &river.Job[IngestArgs]{JobRow: &rivertype.JobRow{ID: 1, Attempt: 1}, Args: IngestArgs{Endpoint: "carrier", SHA256: sum}}
		err := (&ingestWorker{d: d}).Work(ctx, job)
		if !errors.Is(err, errCut) {
			t.Fatalf("cut at %d: ingest returned %v, want the store's error", cut, err)
		}
		if got, _ := d.ledger.FileBySHA256(ctx, "carrier", sum); got.State != state.FileFetched || got.LastError != "" {
			t.Fatalf("cut at %d: file %s (%s), want it untouched", cut, got.State, got.LastError)
		}
		if _, err := d.records.Stat(ctx, "acks/"+sum+".json"); !errors.Is(err, blob.ErrNotExist) {
			t.Fatalf("cut at %d: acknowledgments fixed from a cut stream (%v)", cut, err)
		}
		d.raw = d.raw.(*cutStore).Store
	}
	job := &river.Job[IngestArgs]{JobRow: &rivertype.JobRow{ID: 2, Attempt: 2}, Args: IngestArgs{Endpoint: "carrier", SHA256: sum}}
	if err := (&ingestWorker{d: d}).Work(ctx, job); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.ledger.FileBySHA256(ctx, "carrier", sum); got.State != state.FileAcknowledged {
		t.Fatalf("after the store is back: %s (%s)", got.State, got.LastError)
	}
}
