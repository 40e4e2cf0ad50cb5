package evidence

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/exam"
)

var ctx = context.Background()

func newKey(t testing.TB) ed25519.PrivateKey {
	k, err := signing.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func openDir(t testing.TB, root string) *blob.Dir {
	d, err := blob.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func clock() func() time.Time {
	return func() time.Time { return time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC) }
}

// result is a filled-in result for exam seq of a list, with its photos stored.
func result(t testing.TB, s *Store, seq int, outcome exam.Outcome, photos ...string) exam.Result {
	at := time.Date(2026, 12, 4, 14, 30, 0, 0, time.UTC)
	r := exam.Result{
		ExamID: exam.ExamID("CAPRR-20261204", seq), ListID: "CAPRR-20261204", Port: "CAPRR",
		Container: "MSCU1234566", Seals: []string{"SL0001"}, BoltSeal: "BS12345",
		Bills:          []exam.BillRef{{Key: "MAEU000111", IssuerSCAC: "MAEU", Number: "000111", Version: 2}},
		ExamsSelected:  []string{"devanning"},
		ExamsPerformed: []string{"devanning"}, Outcome: outcome, ExaminedAt: &at, Officer: "B1234", PhotoCount: len(photos),
		Selection: exam.Selection{Path: "rule", Score: 80, RuleSet: "base@3", Reasons: []string{"watch list"}, Assessments: []string{"MAEU000111#7"}},
	}
	for _, p := range photos {
		o, err := s.PutObject(ctx, p, []byte("photo bytes of "+p), "image/jpeg")
		if err != nil {
			t.Fatal(err)
		}
		r.Photos = append(r.Photos, o)
	}
	wb, err := s.PutObject(ctx, "returned.xlsx", []byte("workbook"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	if err != nil {
		t.Fatal(err)
	}
	r.Workbook = wb
	return r
}

func record(t testing.TB, s *Store, r exam.Result) (Sealed, bool) {
	t.Helper()
	sealed, created, err := s.Record(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	return sealed, created
}

func TestRecordChainsVersionsAndVerifies(t *testing.T) {
	key := newKey(t)
	s := New(openDir(t, t.TempDir()), Options{Key: key, Now: clock()})
	var chain []Sealed
	for i := 1; i <= 3; i++ {
		sealed, created := record(t, s, result(t, s, i, exam.OutcomeNoFinding, fmt.Sprintf("CAPRR-20261204-%04d_1.jpg", i)))
		if !created || sealed.Manifest.Seq != int64(i) || sealed.Manifest.Result.Version != 1 {
			t.Fatalf("record %d: created %v seq %d version %d", i, created, sealed.Manifest.Seq, sealed.Manifest.Result.Version)
		}
		chain = append(chain, sealed)
	}
	for i := 1; i < len(chain); i++ {
		if chain[i].Manifest.Previous != chain[i-1].SHA256 {
			t.Errorf("manifest %d: previous %s, want %s", i+1, chain[i].Manifest.Previous, chain[i-1].SHA256)
		}
	}
	// The same result again, even from another workbook: nothing new.
	again := result(t, s, 2, exam.OutcomeNoFinding, "CAPRR-20261204-0002_1.jpg")
	again.Workbook.SHA256 = strings.Repeat("0", 64)
	sealed, created := record(t, s, again)
	if created || sealed.SHA256 != chain[1].SHA256 {
		t.Fatalf("recording the same result again: created %v, manifest %s; want the stored %s", created, sealed.SHA256, chain[1].SHA256)
	}
	// A correction is version 2, superseding version 1; version 1 stays.
	sealed, created = record(t, s, result(t, s, 2, exam.OutcomeDiscrepancy, "CAPRR-20261204-0002_1.jpg"))
	if !created || sealed.Manifest.Result.Version != 2 || sealed.Manifest.Result.Supersedes != chain[1].SHA256 || sealed.Manifest.Seq != 4 {
		t.Fatalf("correction: created %v version %d supersedes %s seq %d", created, sealed.Manifest.Result.Version, sealed.Manifest.Result.Supersedes, sealed.Manifest.Seq)
	}
	if r := sealed.Result(); r.ManifestSHA256 != sealed.SHA256 || r.Schema != exam.ResultSchema {
		t.Errorf("Result() = manifest %s schema %s", r.ManifestSHA256, r.Schema)
	}
	// A fresh store (another process) finds the chain and the versions.
	s2 := New(s.Blobs(), Options{Key: key, Now: clock()})
	latest, ok, err := s2.Latest(ctx, exam.ExamID("CAPRR-20261204", 2))
	if err != nil || !ok || latest.Manifest.Result.Version != 2 {
		t.Fatalf("Latest from a fresh store = %v %v %v", latest.Manifest.Result.Version, ok, err)
	}
	rep, err := Verify(ctx, s.Blobs(), key.Public().(ed25519.PublicKey))
	if err != nil || !rep.OK() {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	if rep.Manifests != 4 || rep.Head != 4 || rep.HeadSHA256 != sealed.SHA256 || rep.Objects != 4 || rep.Unreferenced != 0 {
		t.Errorf("Verify counted %+v; want 4 manifests, head 4, 4 objects (3 photos, 1 workbook)", rep)
	}
	if _, _, err := New(s.Blobs(), Options{}).Record(ctx, again); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Record without a key: %v, want ErrReadOnly", err)
	}
}

// Objects are stored byte for byte under their SHA-256, once.
func TestPutObjectIsContentAddressed(t *testing.T) {
	s := New(openDir(t, t.TempDir()), Options{})
	content := []byte("\xff\xd8\xff\xe0 not re-encoded \x00\x01")
	o1, err := s.PutObject(ctx, `dir\sub/CAPRR-20261204-0001_a.jpg`, content, "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	o2, err := s.PutObject(ctx, "other-name.jpg", content, "image/jpeg")
	if err != nil || o2.SHA256 != o1.SHA256 {
		t.Fatalf("second put: %v, %v", o2, err)
	}
	if o1.Name != "CAPRR-20261204-0001_a.jpg" || o1.Size != int64(len(content)) {
		t.Errorf("object = %+v", o1)
	}
	rc, _, err := s.Blobs().Get(ctx, ObjectKey(o1.SHA256))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, _ := readAtMost(rc, 1<<20)
	if !bytes.Equal(got, content) {
		t.Fatalf("stored %q, want %q", got, content)
	}
}

// Each kind of damage is reported at its place, and only there.
func TestVerifyReportsDamageAtItsPlace(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, root string, s *Store, chain []Sealed)
		want   []string // "kind@seq"
	}{
		{"Intact", func(*testing.T, string, *Store, []Sealed) {}, nil},
		{"FlippedByteInPhoto", func(t *testing.T, root string, s *Store, chain []Sealed) {
			flip(t, filepath.Join(root, filepath.FromSlash(ObjectKey(chain[2].Manifest.Result.Photos[0].SHA256))))
		}, []string{"changed object@3"}},
		{"ManifestDeletedFromTheMiddle", func(t *testing.T, root string, s *Store, chain []Sealed) {
			rm(t, filepath.Join(root, filepath.FromSlash(ManifestKey(3))))
		}, []string{"missing manifest@3"}},
		{"PhotoDeleted", func(t *testing.T, root string, s *Store, chain []Sealed) {
			rm(t, filepath.Join(root, filepath.FromSlash(ObjectKey(chain[1].Manifest.Result.Photos[0].SHA256))))
		}, []string{"missing object@2"}},
		{"SignedWithTheWrongKey", func(t *testing.T, root string, s *Store, chain []Sealed) {
			intruder := New(s.Blobs(), Options{Key: newKey(t), Now: clock()})
			record(t, intruder, result(t, intruder, 9, exam.OutcomeNoFinding))
		}, []string{"bad signature@6"}},
		{"ManifestEdited", func(t *testing.T, root string, s *Store, chain []Sealed) {
			p := filepath.Join(root, filepath.FromSlash(ManifestKey(4)))
			b, _ := os.ReadFile(p)
			os.Chmod(p, 0o640)
			if err := os.WriteFile(p, bytes.Replace(b, []byte(`"outcome":"no_finding"`), []byte(`"outcome":"discrepancy"`), 1), 0o640); err != nil {
				t.Fatal(err)
			}
		}, []string{"bad signature@4", "broken chain link@5"}},
		{"ChainRewrittenWithAValidKeyButWrongLink", func(t *testing.T, root string, s *Store, chain []Sealed) {
			rm(t, filepath.Join(root, filepath.FromSlash(ManifestKey(5))))
			m := chain[4].Manifest
			m.Previous = chain[2].SHA256 // skips manifest 4
			forged, _ := s.seal(m)
			writeManifest(t, s, forged)
		}, []string{"broken chain link@5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			key := newKey(t)
			s := New(openDir(t, root), Options{Key: key, Now: clock()})
			var chain []Sealed
			for i := 1; i <= 5; i++ {
				sealed, _ := record(t, s, result(t, s, i, exam.OutcomeNoFinding, fmt.Sprintf("CAPRR-20261204-%04d_1.jpg", i)))
				chain = append(chain, sealed)
			}
			tt.damage(t, root, s, chain)
			rep, err := Verify(ctx, s.Blobs(), key.Public().(ed25519.PublicKey))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range rep.Problems {
				got = append(got, fmt.Sprintf("%s@%d", p.Kind, p.Seq))
				if p.Seq > 0 && p.Seq != 3 && p.Kind != MissingManifest && p.ExamID == "" {
					t.Errorf("problem without its exam: %s", p)
				}
				t.Log(p)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("problems %v, want %v", got, tt.want)
			}
		})
	}
}

func flip(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	os.Chmod(path, 0o640)
	if err := os.WriteFile(path, b, 0o640); err != nil {
		t.Fatal(err)
	}
}

func rm(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func writeManifest(t *testing.T, s *Store, sealed Sealed) {
	t.Helper()
	data := fmt.Appendf(nil, `{"manifest":%s,"signature":%q}`, sealed.Raw, strings.TrimSpace(string(sealed.Signature)))
	if _, err := s.Blobs().Put(ctx, sealed.Key, bytes.NewReader(data), int64(len(data)), blob.PutOptions{}); err != nil {
		t.Fatal(err)
	}
}

// Two nodes (two stores on one directory, as two processes) append at once:
// the chain stays linear, every result is recorded once, and a result both
// record is recorded once.
func TestConcurrentWritersKeepTheChainLinear(t *testing.T) {
	root := t.TempDir()
	key := newKey(t)
	nodes := []*Store{New(openDir(t, root), Options{Key: key, Now: clock()}), New(openDir(t, root), Options{Key: key, Now: clock()})}
	const each = 15
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for n, s := range nodes {
		for g := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					seq := 1 + (n*2+g)*each + i
					for _, r := range []exam.Result{result(t, s, seq, exam.OutcomeNoFinding), result(t, s, 999, exam.OutcomeSeizure)} {
						_, c, err := s.Record(ctx, r)
						if err != nil {
							t.Error(err)
							return
						}
						if c {
							mu.Lock()
							created++
							mu.Unlock()
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	want := 4*each + 1
	if created != want {
		t.Errorf("%d manifests created, want %d (exam 999 once)", created, want)
	}
	rep, err := Verify(ctx, nodes[0].Blobs(), key.Public().(ed25519.PublicKey))
	if err != nil || !rep.OK() || rep.Manifests != want || rep.Head != int64(want) {
		t.Fatalf("Verify = %d manifests, head %d, problems %v, %v", rep.Manifests, rep.Head, rep.Problems, err)
	}
}

// With a ledger, the store starts from the ledger's head, and a manifest
// appended while the ledger was not told (a crash, or a node without it) is
// indexed when the store catches up.
func TestLedgerIndexCatchesUp(t *testing.T) {
	root := t.TempDir()
	key := newKey(t)
	l, err := state.Open(ctx, state.Config{Driver: state.DriverSQLite, DSN: filepath.Join(t.TempDir(), "l.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	withLedger := New(openDir(t, root), Options{Key: key, Ledger: l, Now: clock()})
	first, _ := record(t, withLedger, result(t, withLedger, 1, exam.OutcomeNoFinding))
	without := New(openDir(t, root), Options{Key: key, Now: clock()})
	second, _ := record(t, without, result(t, without, 2, exam.OutcomeNoFinding))
	if h, err := l.EvidenceHead(ctx); err != nil || h.Seq != 1 {
		t.Fatalf("ledger head %d, %v; want 1 before catching up", h.Seq, err)
	}
	restarted := New(openDir(t, root), Options{Key: key, Ledger: l, Now: clock()})
	// Exam 1 again: known from the ledger, nothing new; the catch-up indexes manifest 2.
	if sealed, created := record(t, restarted, result(t, restarted, 1, exam.OutcomeNoFinding)); created || sealed.SHA256 != first.SHA256 {
		t.Fatalf("exam 1 again: created %v", created)
	}
	h, err := l.EvidenceHead(ctx)
	if err != nil || h.Seq != 2 || h.SHA256 != second.SHA256 || len(h.Links) != 1 || h.Links[0].Assessment != "MAEU000111#7" {
		t.Fatalf("ledger head after catch-up = %+v, %v", h, err)
	}
	// The newest manifest deleted: the chain alone cannot tell, the ledger can.
	rm(t, filepath.Join(root, filepath.FromSlash(ManifestKey(2))))
	rep, err := Verify(ctx, restarted.Blobs(), pub(key))
	if err != nil || !rep.OK() {
		t.Fatalf("Verify without the ledger: %v %v", rep.Problems, err)
	}
	if err := CheckLedger(ctx, &rep, l); err != nil || len(rep.Problems) != 1 || rep.Problems[0].Kind != MissingManifest || rep.Problems[0].Seq != 2 {
		t.Fatalf("CheckLedger: %v, %v", rep.Problems, err)
	}
}

func pub(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

// parseManifest never panics, and what it accepts hashes its manifest bytes.
func FuzzParseManifest(f *testing.F) {
	s := New(nil, Options{Key: ed25519.NewKeyFromSeed(make([]byte, 32))})
	sealed, _ := s.seal(Manifest{Schema: ManifestSchema, Seq: 1, KeyID: s.keyID, Result: exam.Result{ExamID: "CAPRR-20261204-0001"}})
	f.Add(fmt.Appendf(nil, `{"manifest":%s,"signature":%q}`, sealed.Raw, strings.TrimSpace(string(sealed.Signature))))
	f.Add([]byte(`{"manifest":null}`))
	f.Add([]byte(`{"manifest":{"schema":"icss.evidence-manifest/1","result":{"examined_at":"x"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := parseManifest(ManifestKey(1), data)
		if err != nil {
			return
		}
		if got.Manifest.Schema != ManifestSchema || len(got.Raw) == 0 || got.SHA256 == "" {
			t.Fatalf("accepted %q as %+v", data, got)
		}
	})
}
