// Package statetest is the contract suite the ledger passes on every
// database, and its benchmarks. A database's test gives a way to make an
// empty database:
//
//	statetest.Suite{NewDB: func(t testing.TB) state.Config { ... }}.Run(t)
package statetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/icss/icss/storage/state"
)

// Suite runs the contract on databases made by NewDB.
type Suite struct {
	// NewDB returns the Config (Driver, DSN) of a new empty database for
	// the test. The suite sets Now and opens it, sometimes twice, as two
	// nodes or processes would.
	NewDB func(t testing.TB) state.Config
}

// Clock is a settable test clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at a fixed instant.
func NewClock() *Clock { return &Clock{t: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	cfg   state.Config
	clock *Clock
	l     *state.Ledger
}

func (s Suite) setup(t testing.TB) *env {
	cfg := s.NewDB(t)
	e := &env{cfg: cfg, clock: NewClock()}
	e.l = e.open(t)
	return e
}

// open opens another handle on the same database (another node).
func (e *env) open(t testing.TB) *state.Ledger {
	cfg := e.cfg
	cfg.Now = e.clock.Now
	l, err := state.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open(%s): %v", cfg.Driver, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// Sum is the hex SHA-256 of s, for tests.
func Sum(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

var ctx = context.Background()

// Run runs every contract test as a subtest.
func (s Suite) Run(t *testing.T) {
	tests := []struct {
		name string
		fn   func(*testing.T, *env)
	}{
		{"MigrationsAreRecordedAndIdempotent", s.migrations},
		{"NewerSchemaIsRefused", s.newerSchema},
		{"NodesMigratingAtOnce", s.concurrentMigrate},
		{"FileSeenIsIdempotentPerIdentity", s.fileSeen},
		{"FileSeenValidates", s.fileSeenValidates},
		{"FileFetchedRecordsContent", s.fileFetched},
		{"SameContentIsTakenOncePerEndpoint", s.duplicates},
		{"FileFetchedConflictAndErrors", s.fetchConflict},
		{"FileTransitions", s.transitions},
		{"FailuresQuarantineAfterMaxAttempts", s.failures},
		{"FilesInStateByEndpointInOrder", s.filesInState},
		{"ConcurrentNodesTakeContentOnce", s.concurrentFetch},
		{"ConcurrentFileSeenCreatesOnce", s.concurrentSeen},
		{"ControlNumbersAreUniqueAcrossNodes", s.controlNumbers},
		{"RecordVersions", s.records},
		{"ScoresAreDeterministic", s.scores},
		{"ExamListsAndPendingExams", s.examLists},
		{"ExamResultsOncePerSource", s.examResults},
		{"DeliveriesNeverTwoContentsPerName", s.deliveries},
		{"JobRunsOncePerKey", s.jobRuns},
		{"ClockIsInjected", s.clockInjected},
		{"EvidenceManifestsIndexTheChain", s.evidence},
		{"EvidenceIndexedByTwoNodes", s.evidenceConcurrent},
		{"NoticesOncePerEventAndRecipient", s.notices},
		{"NoticesRecordedByTwoNodes", s.noticesConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each subtest has its own database
			tt.fn(t, s.setup(t))
		})
	}
}

func (s Suite) migrations(t *testing.T, e *env) {
	ms, err := state.Migrations(e.cfg.Driver)
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.l.SchemaVersion(ctx)
	if err != nil || v != len(ms) || v == 0 {
		t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, len(ms))
	}
	// Reopening (a restart, a second node) applies nothing and keeps data.
	if _, _, err := e.l.FileSeen(ctx, "ep", "a", 1, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	l2 := e.open(t)
	if v2, _ := l2.SchemaVersion(ctx); v2 != v {
		t.Fatalf("after reopen SchemaVersion = %d, want %d", v2, v)
	}
	var n int
	if err := l2.DB().QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != len(ms) {
		t.Fatalf("schema_migrations has %d rows (%v), want %d", n, err, len(ms))
	}
	if fs, _ := l2.FilesInState(ctx, "ep", state.FileSeen); len(fs) != 1 {
		t.Fatalf("data lost on reopen: %v", fs)
	}
}

// Several nodes starting together on an empty database all come up, and
// each migration is applied once.
func (s Suite) concurrentMigrate(t *testing.T, _ *env) {
	cfg := s.NewDB(t)
	const nodes = 4
	var wg sync.WaitGroup
	errs := make([]error, nodes)
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := state.Open(ctx, cfg)
			if err == nil {
				l.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
	l, err := state.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ms, _ := state.Migrations(cfg.Driver)
	var n int
	if err := l.DB().QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != len(ms) {
		t.Fatalf("schema_migrations has %d rows (%v), want %d", n, err, len(ms))
	}
}

func (s Suite) newerSchema(t *testing.T, e *env) {
	if _, err := e.l.DB().Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', 0)"); err != nil {
		t.Fatal(err)
	}
	cfg := e.cfg
	if _, err := state.Open(ctx, cfg); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema: %v, want a refusal", err)
	}
}

func (s Suite) fileSeen(t *testing.T, e *env) {
	mt := time.Date(2026, 11, 26, 23, 59, 59, 0, time.UTC)
	f, created, err := e.l.FileSeen(ctx, "acme", "IN/a.edi", 100, mt)
	if err != nil || !created {
		t.Fatalf("first FileSeen = %v, %v", created, err)
	}
	if f.ID == 0 || f.Endpoint != "acme" || f.Name != "IN/a.edi" || f.Size != 100 || !f.ModTime.Equal(mt) || f.State != state.FileSeen || f.Attempts != 0 {
		t.Fatalf("FileSeen = %+v", f)
	}
	again, created, err := e.l.FileSeen(ctx, "acme", "IN/a.edi", 100, mt.In(time.FixedZone("EST", -5*3600)))
	if err != nil || created || again.ID != f.ID {
		t.Fatalf("same identity again = id %d created %v %v; want id %d, not created", again.ID, created, err, f.ID)
	}
	// Any part of the identity changing makes a new file: a rewritten file
	// with the same name is new content to take.
	for _, c := range []struct {
		ep, name string
		size     int64
		mt       time.Time
	}{
		{"acme", "IN/a.edi", 101, mt},
		{"acme", "IN/a.edi", 100, mt.Add(time.Second)},
		{"acme", "IN/b.edi", 100, mt},
		{"other", "IN/a.edi", 100, mt},
	} {
		g, created, err := e.l.FileSeen(ctx, c.ep, c.name, c.size, c.mt)
		if err != nil || !created || g.ID == f.ID {
			t.Errorf("FileSeen(%s, %s, %d, %s) = id %d created %v %v; want a new file", c.ep, c.name, c.size, c.mt, g.ID, created, err)
		}
	}
	got, err := e.l.GetFile(ctx, f.ID)
	if err != nil || got.ID != f.ID || got.Name != f.Name {
		t.Fatalf("GetFile = %+v, %v", got, err)
	}
	if _, err := e.l.GetFile(ctx, 999999); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("GetFile(missing) = %v, want ErrNotFound", err)
	}
}

func (s Suite) fileSeenValidates(t *testing.T, e *env) {
	for _, c := range []struct {
		ep, name string
		size     int64
	}{{"", "a", 1}, {"ep", "", 1}, {"ep", "a", -1}} {
		if _, _, err := e.l.FileSeen(ctx, c.ep, c.name, c.size, e.clock.Now()); err == nil {
			t.Errorf("FileSeen(%q, %q, %d) succeeded", c.ep, c.name, c.size)
		}
	}
}

func seen(t *testing.T, l *state.Ledger, ep, name string) state.File {
	t.Helper()
	f, _, err := l.FileSeen(ctx, ep, name, int64(len(name)), time.Unix(1_800_000_000, 0))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (s Suite) fileFetched(t *testing.T, e *env) {
	f := seen(t, e.l, "acme", "a")
	sum := Sum("content a")
	dup, err := e.l.FileFetched(ctx, f.ID, strings.ToUpper(sum), "raw/sha256/xx/"+sum)
	if err != nil || dup != nil {
		t.Fatalf("FileFetched = %v, %v; want no duplicate", dup, err)
	}
	got, _ := e.l.GetFile(ctx, f.ID)
	if got.State != state.FileFetched || got.SHA256 != sum || got.BlobKey != "raw/sha256/xx/"+sum || got.DuplicateOf != 0 {
		t.Fatalf("after FileFetched: %+v", got)
	}
	// A pull that crashed after recording redoes the call: same answer.
	if dup, err := e.l.FileFetched(ctx, f.ID, sum, "raw/sha256/xx/"+sum); err != nil || dup != nil {
		t.Fatalf("FileFetched again = %v, %v", dup, err)
	}
	if b, err := e.l.FileBySHA256(ctx, "acme", sum); err != nil || b.ID != f.ID {
		t.Fatalf("FileBySHA256 = %+v, %v", b, err)
	}
	if _, err := e.l.FileBySHA256(ctx, "other", sum); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("FileBySHA256 on another endpoint = %v, want ErrNotFound", err)
	}
}

func (s Suite) duplicates(t *testing.T, e *env) {
	a := seen(t, e.l, "acme", "a")
	b := seen(t, e.l, "acme", "b")
	c := seen(t, e.l, "other", "c")
	sum := Sum("same bytes")
	if dup, err := e.l.FileFetched(ctx, a.ID, sum, "k"); err != nil || dup != nil {
		t.Fatalf("first: %v %v", dup, err)
	}
	dup, err := e.l.FileFetched(ctx, b.ID, sum, "k")
	if err != nil || dup == nil || dup.ID != a.ID {
		t.Fatalf("second file with the same content: dup %+v, %v; want file %d", dup, err, a.ID)
	}
	gb, _ := e.l.GetFile(ctx, b.ID)
	if gb.State != state.FileDuplicate || gb.DuplicateOf != a.ID || gb.SHA256 != sum {
		t.Fatalf("duplicate recorded as %+v", gb)
	}
	// Asking again gives the same answer (idempotent).
	if dup, err := e.l.FileFetched(ctx, b.ID, sum, "k"); err != nil || dup == nil || dup.ID != a.ID {
		t.Fatalf("duplicate again: %+v, %v", dup, err)
	}
	// A duplicate is never processed.
	if err := e.l.SetFileState(ctx, b.ID, state.FileParsed, ""); !errors.Is(err, state.ErrBadTransition) {
		t.Fatalf("parsing a duplicate: %v, want ErrBadTransition", err)
	}
	// ...but is archived remotely like any other file.
	if err := e.l.SetFileState(ctx, b.ID, state.FileArchived, ""); err != nil {
		t.Fatalf("archiving a duplicate: %v", err)
	}
	// Another endpoint's identical bytes are its own file.
	if dup, err := e.l.FileFetched(ctx, c.ID, sum, "k"); err != nil || dup != nil {
		t.Fatalf("same content on another endpoint: dup %+v, %v", dup, err)
	}
	// The invariant holds in the database itself, whatever the caller does.
	_, err = e.l.DB().Exec(fmt.Sprintf("UPDATE files SET sha256 = '%s', duplicate_of = NULL WHERE id = %d", sum, b.ID))
	if err == nil {
		t.Fatal("the database accepted two files of one endpoint taking the same content")
	}
}

func (s Suite) fetchConflict(t *testing.T, e *env) {
	f := seen(t, e.l, "acme", "a")
	if _, err := e.l.FileFetched(ctx, f.ID, Sum("one"), "k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.l.FileFetched(ctx, f.ID, Sum("two"), "k2"); !errors.Is(err, state.ErrConflict) {
		t.Fatalf("same identity, other content: %v, want ErrConflict", err)
	}
	if _, err := e.l.FileFetched(ctx, 424242, Sum("x"), "k"); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("unknown id: %v, want ErrNotFound", err)
	}
	g := seen(t, e.l, "acme", "g")
	for _, c := range []struct{ sum, key string }{{"abc", "k"}, {Sum("x"), ""}, {strings.Repeat("g", 64), "k"}} {
		if _, err := e.l.FileFetched(ctx, g.ID, c.sum, c.key); err == nil {
			t.Errorf("FileFetched(%q, %q) succeeded", c.sum, c.key)
		}
	}
	if got, _ := e.l.GetFile(ctx, g.ID); got.State != state.FileSeen {
		t.Fatalf("refused calls changed the file: %+v", got)
	}
}

func (s Suite) transitions(t *testing.T, e *env) {
	f := seen(t, e.l, "acme", "a")
	steps := []struct {
		to      state.FileState
		lastErr string
		ok      bool
	}{
		{state.FileParsed, "", false},  // no content yet
		{state.FileFetched, "", false}, // only FileFetched sets it
		{state.FileSeen, "download: connection lost", true},
		{"bogus", "", false},
	}
	for _, st := range steps {
		err := e.l.SetFileState(ctx, f.ID, st.to, st.lastErr)
		if (err == nil) != st.ok {
			t.Fatalf("SetFileState(%s) = %v, want ok=%v", st.to, err, st.ok)
		}
	}
	got, _ := e.l.GetFile(ctx, f.ID)
	if got.Attempts != 1 || got.LastError != "download: connection lost" {
		t.Fatalf("after a recorded failure: attempts %d last error %q", got.Attempts, got.LastError)
	}
	if _, err := e.l.FileFetched(ctx, f.ID, Sum("a"), "k"); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.l.GetFile(ctx, f.ID); got.LastError != "" || got.Attempts != 1 {
		t.Fatalf("success keeps attempts and clears the error: %+v", got)
	}
	for _, to := range []state.FileState{state.FileArchived, state.FileParsed, state.FileAcknowledged, state.FileQuarantined} {
		if err := e.l.SetFileState(ctx, f.ID, to, ""); err != nil {
			t.Fatalf("SetFileState(%s): %v", to, err)
		}
		if got, _ := e.l.GetFile(ctx, f.ID); got.State != to {
			t.Fatalf("state %s, want %s", got.State, to)
		}
	}
	for _, to := range []state.FileState{state.FileSeen, state.FileArchived, state.FileParsed} {
		if err := e.l.SetFileState(ctx, f.ID, to, ""); !errors.Is(err, state.ErrBadTransition) {
			t.Fatalf("quarantined to %s: %v, want ErrBadTransition", to, err)
		}
	}
	// An operator releases it once the cause is fixed.
	rel, err := e.l.ReleaseFile(ctx, f.ID)
	if err != nil || rel.State != state.FileFetched || rel.Attempts != 0 || rel.LastError != "" {
		t.Fatalf("ReleaseFile = %+v, %v", rel, err)
	}
	if _, err := e.l.ReleaseFile(ctx, f.ID); !errors.Is(err, state.ErrBadTransition) {
		t.Fatalf("releasing a file not quarantined: %v, want ErrBadTransition", err)
	}
	if _, err := e.l.ReleaseFile(ctx, 888888); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("releasing an unknown file: %v, want ErrNotFound", err)
	}
	// A late "archived" never rolls back a file processing has moved on.
	e.l.SetFileState(ctx, f.ID, state.FileParsed, "")
	if err := e.l.SetFileState(ctx, f.ID, state.FileArchived, ""); !errors.Is(err, state.ErrBadTransition) {
		t.Fatalf("parsed to archived: %v, want ErrBadTransition", err)
	}
	if got, _ := e.l.GetFile(ctx, f.ID); got.State != state.FileParsed {
		t.Fatalf("a refused transition changed the state to %s", got.State)
	}
	g := seen(t, e.l, "acme", "g")
	e.l.RecordFileFailure(ctx, g.ID, "boom", 1)
	if rel, err := e.l.ReleaseFile(ctx, g.ID); err != nil || rel.State != state.FileSeen {
		t.Fatalf("release of a file without content = %+v, %v; want seen", rel, err)
	}
	if err := e.l.SetFileState(ctx, 777777, state.FileParsed, ""); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("unknown id: %v, want ErrNotFound", err)
	}
}

func (s Suite) failures(t *testing.T, e *env) {
	f := seen(t, e.l, "acme", "a")
	for i := 1; i <= 3; i++ {
		got, err := e.l.RecordFileFailure(ctx, f.ID, fmt.Sprintf("attempt %d failed", i), 3)
		if err != nil {
			t.Fatal(err)
		}
		want := state.FileSeen
		if i == 3 {
			want = state.FileQuarantined
		}
		if got.Attempts != i || got.State != want || got.LastError != fmt.Sprintf("attempt %d failed", i) {
			t.Fatalf("failure %d: %+v, want attempts %d state %s", i, got, i, want)
		}
	}
	g := seen(t, e.l, "acme", "g")
	for range 5 {
		if got, _ := e.l.RecordFileFailure(ctx, g.ID, "x", 0); got.State != state.FileSeen {
			t.Fatalf("maxAttempts 0 quarantined: %+v", got)
		}
	}
	if _, err := e.l.RecordFileFailure(ctx, g.ID, "", 3); err == nil {
		t.Fatal("an empty failure message was accepted")
	}
}

func (s Suite) filesInState(t *testing.T, e *env) {
	var ids []int64
	for i, ep := range []string{"b", "a", "b", "a"} {
		ids = append(ids, seen(t, e.l, ep, fmt.Sprintf("f%d", i)).ID)
	}
	if _, err := e.l.FileFetched(ctx, ids[2], Sum("2"), "k"); err != nil {
		t.Fatal(err)
	}
	names := func(fs []state.File) string {
		var n []string
		for _, f := range fs {
			n = append(n, f.Endpoint+"/"+f.Name)
		}
		return strings.Join(n, " ")
	}
	cases := []struct {
		ep   string
		st   state.FileState
		want string
	}{
		{"", state.FileSeen, "b/f0 a/f1 a/f3"},
		{"a", state.FileSeen, "a/f1 a/f3"},
		{"b", state.FileSeen, "b/f0"},
		{"b", state.FileFetched, "b/f2"},
		{"c", state.FileSeen, ""},
	}
	for _, c := range cases {
		fs, err := e.l.FilesInState(ctx, c.ep, c.st)
		if err != nil || names(fs) != c.want {
			t.Errorf("FilesInState(%q, %s) = %q, %v; want %q", c.ep, c.st, names(fs), err, c.want)
		}
	}
	if _, err := e.l.FilesInState(ctx, "", "nope"); err == nil {
		t.Error("unknown state accepted")
	}
}

// Two nodes (two handles) fetch different files with identical content at
// the same moment: exactly one file takes the content.
func (s Suite) concurrentFetch(t *testing.T, e *env) {
	nodes := []*state.Ledger{e.l, e.open(t)}
	const n = 12
	var files []state.File
	for i := range n {
		files = append(files, seen(t, e.l, "acme", fmt.Sprintf("copy-%02d", i)))
	}
	sum := Sum("contended")
	var wg sync.WaitGroup
	dups := make([]*state.File, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dups[i], errs[i] = nodes[i%2].FileFetched(ctx, files[i].ID, sum, "k")
		}()
	}
	wg.Wait()
	taken := 0
	var owner int64
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("FileFetched %d: %v", i, errs[i])
		}
		if dups[i] == nil {
			taken++
			owner = files[i].ID
		}
	}
	if taken != 1 {
		t.Fatalf("%d files took the content, want 1", taken)
	}
	for i := range n {
		if dups[i] != nil && dups[i].ID != owner {
			t.Fatalf("file %d is a duplicate of %d, want %d", files[i].ID, dups[i].ID, owner)
		}
	}
}

func (s Suite) concurrentSeen(t *testing.T, e *env) {
	nodes := []*state.Ledger{e.l, e.open(t)}
	const n = 10
	var wg sync.WaitGroup
	created := make([]bool, n)
	ids := make([]int64, n)
	errs := make([]error, n)
	mt := time.Unix(1_800_000_000, 0)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var f state.File
			f, created[i], errs[i] = nodes[i%2].FileSeen(ctx, "acme", "same.edi", 7, mt)
			ids[i] = f.ID
		}()
	}
	wg.Wait()
	c := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if created[i] {
			c++
		}
		if ids[i] != ids[0] {
			t.Fatalf("ids differ: %v", ids)
		}
	}
	if c != 1 {
		t.Fatalf("%d callers created the file, want 1", c)
	}
}

func (s Suite) controlNumbers(t *testing.T, e *env) {
	for want := int64(1); want <= 3; want++ {
		if n, err := e.l.NextControlNumber(ctx, "isa:acme"); err != nil || n != want {
			t.Fatalf("NextControlNumber = %d, %v; want %d", n, err, want)
		}
	}
	if n, _ := e.l.NextControlNumber(ctx, "gs:acme"); n != 1 {
		t.Fatalf("another scope starts at %d, want 1", n)
	}
	if _, err := e.l.NextControlNumber(ctx, ""); err == nil {
		t.Fatal("empty scope accepted")
	}
	nodes := []*state.Ledger{e.l, e.open(t)}
	const workers, each = 8, 10
	var mu sync.Mutex
	var got []int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				n, err := nodes[w%2].NextControlNumber(ctx, "concurrent")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	for i, n := range got {
		if n != int64(i+1) {
			t.Fatalf("numbers %v: not 1..%d without gaps or repeats", got, workers*each)
		}
	}
}

func (s Suite) records(t *testing.T, e *env) {
	f := seen(t, e.l, "acme", "a")
	v1, created, err := e.l.PutRecordVersion(ctx, "SCAC-BOL1", Sum("r1"), "records/1", f.ID)
	if err != nil || !created || v1.Version != 1 || v1.FileID != f.ID {
		t.Fatalf("first version = %+v, %v, %v", v1, created, err)
	}
	again, created, err := e.l.PutRecordVersion(ctx, "SCAC-BOL1", Sum("r1"), "records/1", 0)
	if err != nil || created || again.Version != 1 {
		t.Fatalf("same content again = %+v, %v, %v; want version 1, not created", again, created, err)
	}
	v2, created, err := e.l.PutRecordVersion(ctx, "SCAC-BOL1", Sum("r2"), "records/2", 0)
	if err != nil || !created || v2.Version != 2 || v2.ShipmentID != v1.ShipmentID {
		t.Fatalf("second version = %+v, %v, %v", v2, created, err)
	}
	// An amendment back to the first content is not a new version.
	if back, created, _ := e.l.PutRecordVersion(ctx, "SCAC-BOL1", Sum("r1"), "records/1", 0); created || back.Version != 1 {
		t.Fatalf("old content again = %+v, %v", back, created)
	}
	latest, err := e.l.LatestRecord(ctx, "SCAC-BOL1")
	if err != nil || latest.Version != 2 || latest.SHA256 != Sum("r2") {
		t.Fatalf("LatestRecord = %+v, %v", latest, err)
	}
	all, err := e.l.RecordVersions(ctx, "SCAC-BOL1")
	if err != nil || len(all) != 2 || all[0].Version != 1 || all[1].Version != 2 {
		t.Fatalf("RecordVersions = %+v, %v", all, err)
	}
	if _, err := e.l.LatestRecord(ctx, "nope"); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("LatestRecord(missing) = %v", err)
	}
	for _, c := range []struct{ key, sum, blob string }{{"", Sum("x"), "b"}, {"k", "x", "b"}, {"k", Sum("x"), ""}} {
		if _, _, err := e.l.PutRecordVersion(ctx, c.key, c.sum, c.blob, 0); err == nil {
			t.Errorf("PutRecordVersion(%q, %q, %q) succeeded", c.key, c.sum, c.blob)
		}
	}
	if _, _, err := e.l.PutRecordVersion(ctx, "k", Sum("x"), "b", 999999); err == nil {
		t.Error("a record from an unknown file was accepted (foreign key)")
	}
}

func (s Suite) scores(t *testing.T, e *env) {
	v, _, err := e.l.PutRecordVersion(ctx, "S1", Sum("r"), "b", 0)
	if err != nil {
		t.Fatal(err)
	}
	sc := state.Score{ShipmentID: v.ShipmentID, Version: 1, RulesVersion: "2026.11", Score: 72.5, Decision: "examine", Findings: `[{"rule":"R1"}]`}
	got, created, err := e.l.PutScore(ctx, sc)
	if err != nil || !created || got.ID == 0 || got.Score != 72.5 || got.Findings != sc.Findings {
		t.Fatalf("PutScore = %+v, %v, %v", got, created, err)
	}
	again, created, err := e.l.PutScore(ctx, sc)
	if err != nil || created || again.ID != got.ID {
		t.Fatalf("same score again = %+v, %v, %v", again, created, err)
	}
	sc.Score = 10
	if _, _, err := e.l.PutScore(ctx, sc); !errors.Is(err, state.ErrConflict) {
		t.Fatalf("different score for the same version and rules: %v, want ErrConflict", err)
	}
	sc.RulesVersion, sc.Score = "2026.12", 10
	if _, created, err := e.l.PutScore(ctx, sc); err != nil || !created {
		t.Fatalf("new rules version: %v %v", created, err)
	}
	if _, _, err := e.l.PutScore(ctx, state.Score{ShipmentID: v.ShipmentID, Version: 9, RulesVersion: "r", Decision: "d"}); err == nil {
		t.Fatal("a score of a version that does not exist was accepted")
	}
}

func (s Suite) examLists(t *testing.T, e *env) {
	var shipments []state.RecordVersion
	for i := range 3 {
		v, _, err := e.l.PutRecordVersion(ctx, fmt.Sprintf("S%d", i), Sum(fmt.Sprint(i)), "b", 0)
		if err != nil {
			t.Fatal(err)
		}
		shipments = append(shipments, v)
		dec := "examine"
		if i == 1 {
			dec = "release"
		}
		if _, _, err := e.l.PutScore(ctx, state.Score{ShipmentID: v.ShipmentID, Version: 1, RulesVersion: "r1", Score: float64(i), Decision: dec}); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := e.l.PendingExams(ctx, "examine")
	if err != nil || len(pending) != 2 || pending[0].ShipmentID != shipments[0].ShipmentID || pending[1].ShipmentID != shipments[2].ShipmentID {
		t.Fatalf("PendingExams = %+v, %v", pending, err)
	}
	entries := []state.ExamEntry{{ShipmentID: shipments[0].ShipmentID, Version: 1}}
	list, created, err := e.l.CreateExamList(ctx, "2026-11-27-PRR", "exam-lists/1.xlsx", Sum("xlsx"), entries)
	if err != nil || !created || list.ID == 0 || len(list.Entries) != 1 {
		t.Fatalf("CreateExamList = %+v, %v, %v", list, created, err)
	}
	again, created, err := e.l.CreateExamList(ctx, "2026-11-27-PRR", "exam-lists/1.xlsx", Sum("xlsx"), entries)
	if err != nil || created || again.ID != list.ID || len(again.Entries) != 1 || again.Entries[0] != entries[0] {
		t.Fatalf("same list again = %+v, %v, %v", again, created, err)
	}
	if _, _, err := e.l.CreateExamList(ctx, "2026-11-27-PRR", "exam-lists/2.xlsx", Sum("other"), nil); !errors.Is(err, state.ErrConflict) {
		t.Fatalf("same name, other content: %v, want ErrConflict", err)
	}
	pending, _ = e.l.PendingExams(ctx, "examine")
	if len(pending) != 1 || pending[0].ShipmentID != shipments[2].ShipmentID {
		t.Fatalf("after listing S0, PendingExams = %+v", pending)
	}
	// A new version of a listed shipment needs a new exam once scored.
	v2, _, _ := e.l.PutRecordVersion(ctx, "S0", Sum("amended"), "b2", 0)
	e.l.PutScore(ctx, state.Score{ShipmentID: v2.ShipmentID, Version: 2, RulesVersion: "r1", Score: 99, Decision: "examine"})
	pending, _ = e.l.PendingExams(ctx, "examine")
	if len(pending) != 2 {
		t.Fatalf("after amending S0, PendingExams = %+v", pending)
	}
	// Re-scoring under new rules supersedes the earlier decision.
	e.l.PutScore(ctx, state.Score{ShipmentID: shipments[2].ShipmentID, Version: 1, RulesVersion: "r2", Score: 1, Decision: "release"})
	pending, _ = e.l.PendingExams(ctx, "examine")
	if len(pending) != 1 || pending[0].ShipmentID != v2.ShipmentID || pending[0].Version != 2 {
		t.Fatalf("after re-scoring S2 as release, PendingExams = %+v", pending)
	}
	if rel, _ := e.l.PendingExams(ctx, "release"); len(rel) != 2 {
		t.Fatalf("PendingExams(release) = %+v, want S1 and S2", rel)
	}
	// A failing entry rolls the whole list back.
	bad := []state.ExamEntry{{ShipmentID: shipments[2].ShipmentID, Version: 1}, {ShipmentID: 987654, Version: 1}}
	if _, _, err := e.l.CreateExamList(ctx, "broken", "k", Sum("broken"), bad); err == nil {
		t.Fatal("a list naming an unknown shipment was accepted")
	}
	if _, created, err := e.l.CreateExamList(ctx, "broken", "k", Sum("broken"), bad[:1]); err != nil || !created {
		t.Fatalf("after the rolled-back attempt the name is free: %v %v", created, err)
	}
}

func (s Suite) examResults(t *testing.T, e *env) {
	v, _, _ := e.l.PutRecordVersion(ctx, "S1", Sum("r"), "b", 0)
	r := state.ExamResult{ShipmentID: v.ShipmentID, Outcome: "no-finding", ExaminedAt: time.Date(2026, 11, 27, 14, 30, 0, 0, time.UTC),
		Examiner: "BSO 1234", Notes: "seal intact", Evidence: []string{"sha256/ab/ab12", "sha256/cd/cd34"}, SourceSHA256: Sum("returned list")}
	got, created, err := e.l.RecordExamResult(ctx, r)
	if err != nil || !created || got.ID == 0 || !got.ExaminedAt.Equal(r.ExaminedAt) || strings.Join(got.Evidence, ",") != strings.Join(r.Evidence, ",") {
		t.Fatalf("RecordExamResult = %+v, %v, %v", got, created, err)
	}
	again, created, err := e.l.RecordExamResult(ctx, r)
	if err != nil || created || again.ID != got.ID {
		t.Fatalf("same source again = %+v, %v, %v", again, created, err)
	}
	r.SourceSHA256, r.Outcome = Sum("second exam"), "seizure"
	if _, created, err := e.l.RecordExamResult(ctx, r); err != nil || !created {
		t.Fatalf("second exam: %v %v", created, err)
	}
	all, err := e.l.ExamResults(ctx, v.ShipmentID)
	if err != nil || len(all) != 2 || all[0].Outcome != "no-finding" || all[1].Outcome != "seizure" {
		t.Fatalf("ExamResults = %+v, %v", all, err)
	}
	if _, _, err := e.l.RecordExamResult(ctx, state.ExamResult{ShipmentID: v.ShipmentID, Outcome: "x", SourceSHA256: "bad"}); err == nil {
		t.Fatal("a malformed source digest was accepted")
	}
}

func (s Suite) deliveries(t *testing.T, e *env) {
	d, created, err := e.l.EnqueueDelivery(ctx, "cbp", "RESULTS_20261127.csv", Sum("r1"), "results/1")
	if err != nil || !created || d.State != state.DeliveryPending {
		t.Fatalf("EnqueueDelivery = %+v, %v, %v", d, created, err)
	}
	if again, created, err := e.l.EnqueueDelivery(ctx, "cbp", "RESULTS_20261127.csv", Sum("r1"), "results/1"); err != nil || created || again.ID != d.ID {
		t.Fatalf("same delivery again = %+v, %v, %v", again, created, err)
	}
	if _, _, err := e.l.EnqueueDelivery(ctx, "cbp", "RESULTS_20261127.csv", Sum("r2"), "results/2"); !errors.Is(err, state.ErrConflict) {
		t.Fatalf("other content under the same name: %v, want ErrConflict", err)
	}
	if err := e.l.SetDeliveryState(ctx, d.ID, state.DeliveryPending, "push: permission denied"); err != nil {
		t.Fatal(err)
	}
	if err := e.l.SetDeliveryState(ctx, d.ID, state.DeliverySent, ""); err != nil {
		t.Fatal(err)
	}
	sent, err := e.l.DeliveriesInState(ctx, "cbp", state.DeliverySent)
	if err != nil || len(sent) != 1 || sent[0].Attempts != 1 || sent[0].LastError != "" {
		t.Fatalf("DeliveriesInState(sent) = %+v, %v", sent, err)
	}
	if err := e.l.SetDeliveryState(ctx, d.ID, state.DeliveryConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.l.SetDeliveryState(ctx, d.ID, state.DeliveryPending, ""); !errors.Is(err, state.ErrBadTransition) {
		t.Fatalf("re-sending a confirmed delivery: %v, want ErrBadTransition", err)
	}
	if p, _ := e.l.DeliveriesInState(ctx, "", state.DeliveryPending); len(p) != 0 {
		t.Fatalf("pending after confirmation: %+v", p)
	}
}

func (s Suite) jobRuns(t *testing.T, e *env) {
	other := e.open(t)
	run, started, err := e.l.StartJobRun(ctx, "pull-acme", "2026-11-27T08:00Z", "node-a", time.Hour)
	if err != nil || !started || run.Attempts != 1 || run.State != state.JobRunning {
		t.Fatalf("StartJobRun = %+v, %v, %v", run, started, err)
	}
	if r, started, err := other.StartJobRun(ctx, "pull-acme", "2026-11-27T08:00Z", "node-b", time.Hour); err != nil || started || r.Node != "node-a" {
		t.Fatalf("second node while running = %+v, %v, %v; want not started", r, started, err)
	}
	if err := e.l.FinishJobRun(ctx, run, errors.New("sftp: connection refused")); err != nil {
		t.Fatal(err)
	}
	// A failed run is taken again.
	retry, started, err := other.StartJobRun(ctx, "pull-acme", "2026-11-27T08:00Z", "node-b", time.Hour)
	if err != nil || !started || retry.Attempts != 2 || retry.Node != "node-b" {
		t.Fatalf("retry of a failed run = %+v, %v, %v", retry, started, err)
	}
	if err := other.FinishJobRun(ctx, retry, nil); err != nil {
		t.Fatal(err)
	}
	if err := other.FinishJobRun(ctx, retry, nil); !errors.Is(err, state.ErrBadTransition) {
		t.Fatalf("finishing twice: %v, want ErrBadTransition", err)
	}
	if r, started, _ := e.l.StartJobRun(ctx, "pull-acme", "2026-11-27T08:00Z", "node-a", time.Hour); started || r.State != state.JobSucceeded {
		t.Fatalf("a succeeded run started again: %+v", r)
	}
	last, err := e.l.LastSuccessfulRun(ctx, "pull-acme")
	if err != nil || last.ID != run.ID || last.FinishedAt.IsZero() {
		t.Fatalf("LastSuccessfulRun = %+v, %v", last, err)
	}
	// A run whose node died is taken over once stale, not before.
	dead, _, _ := e.l.StartJobRun(ctx, "pull-acme", "2026-11-27T09:00Z", "node-a", time.Hour)
	e.clock.Advance(30 * time.Minute)
	if _, started, _ := other.StartJobRun(ctx, "pull-acme", "2026-11-27T09:00Z", "node-b", time.Hour); started {
		t.Fatal("a fresh running run was taken over")
	}
	e.clock.Advance(31 * time.Minute)
	taken, started, _ := other.StartJobRun(ctx, "pull-acme", "2026-11-27T09:00Z", "node-b", time.Hour)
	if !started || taken.ID != dead.ID || taken.Node != "node-b" {
		t.Fatalf("a stale run was not taken over: %+v %v", taken, started)
	}
	// The node thought dead comes back: its finish must not end node-b's attempt.
	if err := e.l.FinishJobRun(ctx, dead, nil); !errors.Is(err, state.ErrBadTransition) {
		t.Fatalf("finish by the superseded attempt: %v, want ErrBadTransition", err)
	}
	if err := other.FinishJobRun(ctx, taken, nil); err != nil {
		t.Fatalf("finish by the current attempt: %v", err)
	}
	if _, err := e.l.LastSuccessfulRun(ctx, "never-ran"); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("LastSuccessfulRun(never ran) = %v", err)
	}
}

func (s Suite) clockInjected(t *testing.T, e *env) {
	f := seen(t, e.l, "acme", "a")
	if !f.SeenAt.Equal(e.clock.Now()) || !f.UpdatedAt.Equal(e.clock.Now()) {
		t.Fatalf("SeenAt %s UpdatedAt %s, want the injected %s", f.SeenAt, f.UpdatedAt, e.clock.Now())
	}
	e.clock.Advance(time.Hour)
	e.l.FileFetched(ctx, f.ID, Sum("a"), "k")
	got, _ := e.l.GetFile(ctx, f.ID)
	if !got.UpdatedAt.Equal(e.clock.Now()) || !got.SeenAt.Equal(f.SeenAt) {
		t.Fatalf("after an hour: SeenAt %s UpdatedAt %s", got.SeenAt, got.UpdatedAt)
	}
}

// Bench runs the ledger benchmarks: the operations a pull and a processing
// run make per file, and the control-number counter, each reported per
// operation (ns/op; ops/s is 1e9 divided by it).
func (s Suite) Bench(b *testing.B) {
	b.Run("FileSeen", func(b *testing.B) {
		e := s.setup(b)
		mt := time.Unix(1_800_000_000, 0)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if _, _, err := e.l.FileSeen(ctx, "acme", fmt.Sprintf("f%09d.edi", i), 1000, mt); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FileSeenExisting", func(b *testing.B) {
		e := s.setup(b)
		mt := time.Unix(1_800_000_000, 0)
		for i := range 100 {
			e.l.FileSeen(ctx, "acme", fmt.Sprintf("f%03d", i), 1000, mt)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if _, created, err := e.l.FileSeen(ctx, "acme", fmt.Sprintf("f%03d", i%100), 1000, mt); err != nil || created {
				b.Fatal(err, created)
			}
		}
	})
	b.Run("PullOneFile", func(b *testing.B) { // FileSeen + FileFetched + SetFileState(archived)
		e := s.setup(b)
		mt := time.Unix(1_800_000_000, 0)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			name := fmt.Sprintf("f%09d.edi", i)
			f, _, err := e.l.FileSeen(ctx, "acme", name, 1000, mt)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.l.FileFetched(ctx, f.ID, Sum(name), "raw/"+name); err != nil {
				b.Fatal(err)
			}
			if err := e.l.SetFileState(ctx, f.ID, state.FileArchived, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NextControlNumber", func(b *testing.B) {
		e := s.setup(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.l.NextControlNumber(ctx, "isa"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NextControlNumberParallel", func(b *testing.B) {
		e := s.setup(b)
		b.ReportAllocs()
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := e.l.NextControlNumber(ctx, "isa"); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
