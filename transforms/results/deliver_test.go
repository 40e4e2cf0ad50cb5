package results

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/s3test"
	"github.com/icss/icss/internal/testkit/sshdtest"
	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/storage/blob/s3blob"
	"github.com/icss/icss/storage/sftp"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/results/resultstest"
)

// deliverChildEnv, when set, makes the test binary a delivery process (see
// TestMain) whose job is given as JSON in the variable; the crash test kills it.
const deliverChildEnv = "ICSS_RESULTS_DELIVER_CHILD"

// deliverJob is what a delivery process needs; the S3 secret travels apart
// because Connection never marshals it.
type deliverJob struct {
	SFTP     sftp.Config
	S3       s3blob.Connection
	S3Secret string
	Bucket   string
	Ledger   string
	Dir      string
}

func TestMain(m *testing.M) {
	if job := os.Getenv(deliverChildEnv); job != "" {
		os.Exit(deliverChild(job))
	}
	os.Exit(m.Run())
}

// deliverChild runs one Deliver: exit 0 when both channels have every batch.
func deliverChild(jobJSON string) int {
	var job deliverJob
	if err := json.Unmarshal([]byte(jobJSON), &job); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	job.S3.SecretKey = job.S3Secret
	ctx := context.Background()
	chans, closeAll, err := job.channels(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer closeAll()
	ledger, err := state.Open(ctx, state.Config{Driver: "sqlite", DSN: job.Ledger})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer ledger.Close()
	rep, err := Deliver(ctx, DeliverOptions{Dir: job.Dir, Ledger: ledger, Channels: chans, Backoff: time.Millisecond})
	if err == nil {
		err = rep.Err()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, c := range rep {
		fmt.Printf("%s %d %d\n", c.Endpoint, c.Published, c.Already)
	}
	return 0
}

func (job deliverJob) channels(ctx context.Context) ([]Channel, func(), error) {
	c, err := sftp.Dial(ctx, job.SFTP, nil)
	if err != nil {
		return nil, nil, err
	}
	st, err := job.store()
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	return []Channel{SFTPChannel(c), BucketChannel("results", st)}, func() { c.Close() }, nil
}

func (job deliverJob) store() (*s3blob.Store, error) {
	cl, err := s3blob.NewClient(job.S3)
	if err != nil {
		return nil, err
	}
	return s3blob.New(cl, s3blob.Config{Bucket: job.Bucket})
}

// deliveryRig is the partner's SFTP inbox on a real sshd, the results bucket
// on a real versitygw, a SQLite ledger and a directory of batches.
type deliveryRig struct {
	job    deliverJob
	sshd   *sshdtest.Server
	s3     *s3test.Server
	store  *s3blob.Store
	ledger *state.Ledger
	key    ed25519.PrivateKey
}

func newDeliveryRig(t *testing.T) *deliveryRig {
	t.Helper()
	sshd := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox"}})
	s3 := s3test.Start(t)
	dir := t.TempDir()
	r := &deliveryRig{sshd: sshd, s3: s3, key: testKey(t), job: deliverJob{
		SFTP: sftp.Config{Name: "partner", Addr: sshd.Addr, User: sshd.User, KeyFile: sshd.ClientKeyFile,
			KnownHostsFile: sshd.KnownHostsFile, Outbox: "inbox", RetryBackoff: 20 * time.Millisecond}.WithDefaults(),
		S3:       s3blob.Connection{Endpoint: s3.Endpoint, AccessKey: s3.AccessKey, SecretKey: s3.SecretKey, Insecure: true},
		S3Secret: s3.SecretKey, Bucket: s3.Bucket(t, false),
		Ledger: filepath.Join(dir, "ledger.db"), Dir: filepath.Join(dir, "batches"),
	}}
	var err error
	if r.store, err = r.job.store(); err != nil {
		t.Fatal(err)
	}
	if r.ledger, err = state.Open(context.Background(), state.Config{Driver: "sqlite", DSN: r.job.Ledger}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.ledger.Close() })
	return r
}

func (r *deliveryRig) deliver(t *testing.T) DeliveryReport {
	t.Helper()
	chans, closeAll, err := r.job.channels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll()
	rep, err := Deliver(context.Background(), DeliverOptions{Dir: r.job.Dir, Ledger: r.ledger, Channels: chans})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// localFiles maps every file of every complete batch to its content.
func localFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	seqs, err := ListBatches(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, seq := range seqs {
		names, err := BatchFiles(dir, seq)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			b, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			out[n] = b
		}
	}
	return out
}

// checkDelivered asserts that the inbox and the bucket hold exactly the local
// batches, byte for byte, and the ledger every file on both channels as sent.
func (r *deliveryRig) checkDelivered(t *testing.T) {
	t.Helper()
	want := localFiles(t, r.job.Dir)
	ents, err := os.ReadDir(r.sshd.Path("inbox"))
	if err != nil {
		t.Fatal(err)
	}
	inbox, hidden := map[string]bool{}, 0
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			hidden++ // a temporary of a push killed after its publish; pollers ignore dot files
			continue
		}
		inbox[e.Name()] = true
		got, _ := os.ReadFile(r.sshd.Path("inbox/" + e.Name()))
		if !bytes.Equal(got, want[e.Name()]) {
			t.Errorf("inbox %s: %d bytes differ from the batch's %d", e.Name(), len(got), len(want[e.Name()]))
		}
	}
	var keys []string
	ctx := context.Background()
	if err := r.store.List(ctx, "", func(i blob.Info) error { keys = append(keys, i.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		rc, _, err := r.store.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, want[k]) {
			t.Errorf("bucket %s: %d bytes differ from the batch's %d", k, len(got), len(want[k]))
		}
	}
	var names []string
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	var inboxNames []string
	for n := range inbox {
		inboxNames = append(inboxNames, n)
	}
	sort.Strings(inboxNames)
	if !slices.Equal(inboxNames, names) || !slices.Equal(keys, names) {
		t.Errorf("delivered:\ninbox  %v\nbucket %v\nwant   %v", inboxNames, keys, names)
	}
	for _, ep := range []string{"sftp:partner", "bucket:results"} {
		sent, _ := r.ledger.DeliveriesInState(ctx, ep, state.DeliverySent)
		pending, _ := r.ledger.DeliveriesInState(ctx, ep, state.DeliveryPending)
		if len(sent) != len(want) || len(pending) != 0 {
			t.Errorf("%s ledger: %d sent, %d pending; want %d sent", ep, len(sent), len(pending), len(want))
		}
	}
	if hidden > 0 {
		t.Logf("%d hidden temporaries left in the inbox by killed pushes", hidden)
	}
}

func TestDeliverOnceToBothChannels(t *testing.T) {
	r := newDeliveryRig(t)
	rs := resultstest.Generate(300, 11, day)
	build(t, r.job.Dir, r.key, rs[:200])
	build(t, r.job.Dir, r.key, rs)
	rep := r.deliver(t)
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	for _, c := range rep {
		if c.Published != 12 || c.Already != 0 || !slices.Equal(c.Delivered, []int64{1, 2}) {
			t.Errorf("first delivery %+v", c)
		}
	}
	r.checkDelivered(t)
	// Nothing new: nothing sent. A new batch: only it.
	for _, c := range r.deliver(t) {
		if c.Published+c.Already != 0 || c.Err != nil {
			t.Errorf("second delivery %+v", c)
		}
	}
	build(t, r.job.Dir, r.key, append(rs, resultstest.Generate(310, 11, day)[300:]...))
	for _, c := range r.deliver(t) {
		if c.Published != 6 || !slices.Equal(c.Delivered, []int64{3}) || c.Err != nil {
			t.Errorf("third delivery %+v", c)
		}
	}
	r.checkDelivered(t)
	// A ledger that lost every update (as after a crash between uploads and
	// their ledger rows) finds every file already published, the same bytes,
	// and sends nothing.
	before, _ := os.Stat(r.sshd.Path("inbox/" + ManifestName(1)))
	r.ledger.Close()
	os.Remove(r.job.Ledger)
	var err error
	if r.ledger, err = state.Open(context.Background(), state.Config{Driver: "sqlite", DSN: r.job.Ledger}); err != nil {
		t.Fatal(err)
	}
	for _, c := range r.deliver(t) {
		if c.Published != 0 || c.Already != 18 || c.Err != nil {
			t.Errorf("delivery with a lost ledger %+v", c)
		}
	}
	if after, _ := os.Stat(r.sshd.Path("inbox/" + ManifestName(1))); !after.ModTime().Equal(before.ModTime()) {
		t.Error("a published file was written again")
	}
	r.checkDelivered(t)
}

// The partner's account lists and reads the published batches and can
// neither write nor delete; icss itself cannot overwrite a published file.
func TestPartnerAccountReadOnlyAndNoOverwrite(t *testing.T) {
	r := newDeliveryRig(t)
	build(t, r.job.Dir, r.key, resultstest.Generate(50, 12, day))
	if err := r.deliver(t).Err(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	secret := r.s3.CreateUser(t, "agency", "user")
	if err := r.store.GrantRead(ctx, "agency"); err != nil {
		t.Fatal(err)
	}
	cl, err := s3blob.NewClient(s3blob.Connection{Endpoint: r.s3.Endpoint, AccessKey: "agency", SecretKey: secret, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	partner, _ := s3blob.New(cl, s3blob.Config{Bucket: r.job.Bucket})
	var listed []string
	if err := partner.List(ctx, "", func(i blob.Info) error { listed = append(listed, i.Key); return nil }); err != nil || len(listed) != 6 {
		t.Fatalf("partner list: %v %v", listed, err)
	}
	if rc, _, err := partner.Get(ctx, SignatureName(1)); err != nil {
		t.Fatalf("partner get: %v", err)
	} else {
		rc.Close()
	}
	if _, err := partner.Put(ctx, "manifest-000002.json", strings.NewReader("{}"), 2, blob.PutOptions{}); err == nil {
		t.Error("partner wrote into the results bucket")
	}
	if err := partner.Delete(ctx, SignatureName(1)); err == nil {
		t.Error("partner deleted a published signature")
	}
	// icss: a Put onto a published name fails, and a batch of other content
	// under the same names is refused and parked, the published one intact.
	if _, err := r.store.Put(ctx, ManifestName(1), strings.NewReader("{}"), 2, blob.PutOptions{}); !errors.Is(err, blob.ErrExists) {
		t.Errorf("overwrite: %v, want ErrExists", err)
	}
	other := t.TempDir()
	build(t, other, testKey(t), resultstest.Generate(50, 13, day))
	chans, closeAll, err := r.job.channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll()
	ledger2, err := state.Open(ctx, state.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "l.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer ledger2.Close()
	rep, err := Deliver(ctx, DeliverOptions{Dir: other, Ledger: ledger2, Channels: chans})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep {
		if !errors.Is(c.Err, ErrConflict) {
			t.Errorf("%s: conflicting batch: %v, want ErrConflict", c.Endpoint, c.Err)
		}
	}
	if failed, _ := ledger2.DeliveriesInState(ctx, "", state.DeliveryFailed); len(failed) != 2 {
		t.Errorf("conflicts parked: %+v", failed)
	}
	r.checkDelivered(t)
}

// faultChannel fails its first n publications, and records the order of all.
type faultChannel struct {
	mu    sync.Mutex
	fails int
	order []string
}

func (f *faultChannel) Endpoint() string { return "fault" }

func (f *faultChannel) Publish(_ context.Context, name, p string, _ int64, _ string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return false, fmt.Errorf("connection refused")
	}
	f.order = append(f.order, name)
	return false, nil
}

func TestDeliverOrderBackoffAndParking(t *testing.T) {
	ctx := context.Background()
	dir, key := t.TempDir(), testKey(t)
	rs := resultstest.Generate(40, 14, day)
	build(t, dir, key, rs[:20])
	build(t, dir, key, rs)
	clock := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	ledger, err := state.Open(ctx, state.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "l.db"), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer ledger.Close()
	ch := &faultChannel{fails: 2}
	opts := DeliverOptions{Dir: dir, Ledger: ledger, Channels: []Channel{ch}, Backoff: time.Minute, MaxAttempts: 4, Now: now}
	run := func() ChannelReport {
		rep, err := Deliver(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		return rep[0]
	}
	if c := run(); c.Err == nil || !strings.Contains(c.Err.Error(), "attempt 1") || len(c.Delivered) != 0 {
		t.Fatalf("first attempt %+v", c)
	}
	if c := run(); c.Err == nil || !c.RetryAt.Equal(clock.Add(time.Minute)) || len(ch.order) != 0 {
		t.Fatalf("retried before its backoff: %+v", c)
	}
	clock = clock.Add(time.Minute)
	if c := run(); c.Err == nil || !strings.Contains(c.Err.Error(), "attempt 2") {
		t.Fatalf("second attempt %+v", c)
	}
	clock = clock.Add(time.Minute) // the second wait is two minutes
	if c := run(); c.Err == nil || len(ch.order) != 0 {
		t.Fatalf("retried before its doubled backoff: %+v", c)
	}
	clock = clock.Add(time.Minute)
	if c := run(); c.Err != nil || !slices.Equal(c.Delivered, []int64{1, 2}) {
		t.Fatalf("after the backoff %+v", c)
	}
	want := []string{"results-CAPRR-000001.csv", "results-CAPRR-000001.jsonl", "results-CAVAN-000001.csv", "results-CAVAN-000001.jsonl",
		"manifest-000001.json", "manifest-000001.json.sig",
		"results-CAPRR-000002.csv", "results-CAPRR-000002.jsonl", "results-CAVAN-000002.csv", "results-CAVAN-000002.jsonl",
		"manifest-000002.json", "manifest-000002.json.sig"}
	if !slices.Equal(ch.order, want) {
		t.Errorf("order %v", ch.order)
	}
	// A channel that keeps failing is parked after MaxAttempts.
	build(t, dir, key, append(rs, resultstest.Generate(45, 14, day)[40:]...))
	ch.fails = 100
	for range 4 {
		run()
		clock = clock.Add(time.Hour)
	}
	if c := run(); c.Err == nil || !strings.Contains(c.Err.Error(), "parked after 4 failed attempts") {
		t.Fatalf("parked: %+v", c)
	}
	// A data file changed on our side is never sent.
	if err := os.WriteFile(filepath.Join(dir, "results-CAPRR-000003.csv"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Channels = []Channel{&faultChannel{}}
	if c := run(); !errors.Is(c.Err, ErrChanged) {
		t.Fatalf("changed local file: %+v", c)
	}
}

// TestDeliverSurvivesKill9 kills delivery processes with SIGKILL at 20 random
// moments, then lets one finish: every file of every batch is in the inbox and
// the bucket once, as built, every ledger row sent, and one more run sends
// nothing.
func TestDeliverSurvivesKill9(t *testing.T) {
	r := newDeliveryRig(t)
	rs := resultstest.Generate(6000, 15, day)
	for n := 2000; n <= len(rs); n += 2000 {
		build(t, r.job.Dir, r.key, rs[:n])
	}
	job, _ := json.Marshal(r.job)
	run := func(killAfter time.Duration) (killed bool, out string, err error) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), deliverChildEnv+"="+string(job))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if killAfter >= 0 {
			select {
			case err := <-done:
				return false, stdout.String(), err
			case <-time.After(killAfter):
				_ = cmd.Process.Kill()
				<-done
				return true, "", nil
			}
		}
		if err := <-done; err != nil {
			return false, "", fmt.Errorf("%w: %s", err, stderr.String())
		}
		return false, stdout.String(), nil
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	kills, completed := 0, 0
	// The kill moment is drawn from the length of the last run that finished on
	// its own, so that it falls inside a run on a fast machine as on a slow one.
	span := 800 * time.Millisecond
	for i := 0; kills < 20 && i < 80; i++ {
		// A new batch before every run, so that every run has work to be killed in.
		rs = append(rs, resultstest.Generate(len(rs)+1000, 15, day)[len(rs):]...)
		build(t, r.job.Dir, r.key, rs)
		start := time.Now()
		killed, _, err := run(time.Duration(rng.Int64N(int64(span))))
		switch {
		case killed:
			kills++
		case err != nil:
			// A run may fail on its own on a loaded machine (a timeout): it is
			// retried like any failure. Nothing may ever conflict.
			if strings.Contains(err.Error(), "a different file") || strings.Contains(err.Error(), "does not match") {
				t.Fatalf("a delivery failed: %v", err)
			}
			t.Logf("a delivery failed on its own: %v", err)
		default:
			completed++
			span = max(time.Since(start), 10*time.Millisecond)
		}
	}
	if kills < 20 {
		t.Fatalf("only %d deliveries were killed", kills)
	}
	_, out, err := run(-1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed %d deliveries, %d completed on their own; the finishing run: %s", kills, completed, strings.ReplaceAll(out, "\n", "; "))
	_, out, err = run(-1)
	if err != nil || out != "sftp:partner 0 0\nbucket:results 0 0\n" {
		t.Fatalf("a run after everything was delivered: %q %v", out, err)
	}
	r.checkDelivered(t)
}
