package jobs_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/config"
	"github.com/icss/icss/edi"
	"github.com/icss/icss/edi/x12/x12gen"
	"github.com/icss/icss/internal/signing"
	"github.com/icss/icss/internal/testkit/officer"
	"github.com/icss/icss/internal/testkit/smtptest"
	"github.com/icss/icss/internal/testkit/sshdtest"
	"github.com/icss/icss/jobs"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/transforms/examlist"
	"github.com/icss/icss/transforms/risk"
	"github.com/icss/icss/transforms/tabular"
)

// corridor is one test's world: a carrier drop box on a real sshd and a config.
type corridor struct {
	t      *testing.T
	srv    *sshdtest.Server
	sink   *smtptest.Sink
	dir    string
	config string
}

func newCorridor(t *testing.T, extra string) *corridor {
	t.Helper()
	srv := sshdtest.Start(t, sshdtest.Options{Dirs: []string{"inbox", "outbox", "port/lists", "port/returns", "partner/inbox"}})
	sink := smtptest.StartSink(t)
	dir := t.TempDir()
	c := &corridor{t: t, srv: srv, sink: sink, dir: dir, config: filepath.Join(dir, "icss.yaml")}
	if _, _, err := signing.WriteKeyPair(dir); err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`
data_dir: data
node: test-node
http: {addr: "127.0.0.1:0"}
endpoints:
  - name: carrier
    role: carrier
    addr: %q
    user: %q
    key_file: %q
    known_hosts_file: %q
    inbox: inbox
    outbox: outbox
    stable_for: 200ms
    retries: 1
    retry_backoff: 50ms
    retry_backoff_max: 100ms
    dial_timeout: 2s
  - name: prr-staff
    role: port
    addr: %[1]q
    user: %[2]q
    key_file: %[3]q
    known_hosts_file: %[4]q
    inbox: port/returns
    outbox: port/lists
    stable_for: 200ms
  - name: partner
    role: partner
    addr: %[1]q
    user: %[2]q
    key_file: %[3]q
    known_hosts_file: %[4]q
    outbox: partner/inbox
signing_key: {file: icss-signing.key}
results: {batch_dir: results, sftp_endpoint: partner}
ports:
  - code: CAPRR
    name: Prince Rupert
    endpoint: prr-staff
    cutoffs: "CRON_TZ=America/Vancouver 0 6,14 * * *"
    email: [exams@prr.example]
smtp: {host: 127.0.0.1, port: %[6]d, from: "icss <icss@cbsa.example>", tls: none}
schedules:
  - {name: pull, spec: "CRON_TZ=UTC */5 * * * *", stage: pull}
  - {name: learn, spec: "CRON_TZ=America/Vancouver 0 2 * * *", stage: learn}
jobs:
  poll_interval: 50ms
  retry_backoff: 100ms
  retry_backoff_max: 1s
  max_attempts: 4
  shutdown_timeout: 5s
%[5]s`, srv.Addr, srv.User, srv.ClientKeyFile, srv.KnownHostsFile, extra, sink.Port)
	if err := os.WriteFile(c.config, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *corridor) load() *config.Config {
	cfg, err := config.Load(c.config)
	if err != nil {
		c.t.Fatal(err)
	}
	return cfg
}

// drop puts a file into the carrier's inbox as a carrier would (temporary name, rename).
func (c *corridor) drop(name string, data []byte) { c.t.Helper(); c.dropTo("inbox", name, data) }

func (c *corridor) dropTo(dir, name string, data []byte) {
	c.t.Helper()
	tmp := c.srv.Path(dir + "/" + name + ".part")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		c.t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	os.Chtimes(tmp, old, old)
	if err := os.Rename(tmp, c.srv.Path(dir+"/"+name)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *corridor) outbox() []string { return c.files("outbox") }

// files lists a remote directory, without hidden (temporary) names.
func (c *corridor) files(dir string) []string {
	ents, _ := os.ReadDir(c.srv.Path(dir))
	var names []string
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".") && !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

func (c *corridor) runOnce(ctx context.Context) jobs.OnceResult {
	c.t.Helper()
	d, err := jobs.Open(ctx, c.load(), testLogger(c.t), true)
	if err != nil {
		c.t.Fatal(err)
	}
	defer d.Close()
	res, err := d.RunOnce(ctx, 5*time.Second)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, j := range res.Parked {
		c.t.Errorf("job %d %s %s parked: %v", j.ID, j.Kind, j.EncodedArgs, j.Errors)
	}
	return res
}

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.DiscardHandler)
}

// carrierTable is a carrier's CSV in the default template with one bill.
func carrierTable(t *testing.T) []byte {
	var tmpl bytes.Buffer
	if err := tabular.WriteTemplate(&tmpl, tabular.DefaultMapping(), "csv"); err != nil {
		t.Fatal(err)
	}
	header := strings.Split(strings.TrimSpace(tmpl.String()), ",")
	values := map[string]string{"Issuer SCAC": "MAEU", "Bill Number": "9001", "Container Number": "MSKU7351770", "Port of Discharge": "CAPRR"}
	row := make([]string, len(header))
	for i, h := range header {
		row[i] = values[h]
	}
	return []byte(strings.Join(header, ",") + "\n" + strings.Join(row, ",") + "\n")
}

func manifest(t *testing.T, bills int, control int) []byte {
	var b bytes.Buffer
	if _, err := x12gen.New(x12gen.Options{Seed: uint64(control), Bills: bills, BillsPerSet: 50, Control: control}).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The corridor as far as the stages exist: carrier files dropped on a real sshd ->
// pulled once -> inspected, acknowledged (the acknowledgments in the carrier's
// outbox, each a valid interchange) -> normalized into record versions -> scored;
// garbage quarantined with its reason; a second run does nothing again.
func TestCorridorOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newCorridor(t, "")
	c.drop("big.x12", manifest(t, 500, 501))
	demo, _ := filepath.Glob("../testdata/demo/*.x12")
	for _, f := range demo {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c.drop(filepath.Base(f), b)
	}
	c.drop("garbage.bin", []byte("\x00\x01\x02 this is not EDI"))
	c.drop("bills.csv", carrierTable(t))

	res := c.runOnce(ctx)
	if len(res.Parked) != 0 || res.Waiting != 0 {
		t.Fatalf("parked %v, waiting %d", res.Parked, res.Waiting)
	}
	acks := c.outbox()
	if len(acks) < len(demo)+1 {
		t.Fatalf("outbox holds %v, want an acknowledgment per input at least", acks)
	}
	for _, a := range acks {
		b, _ := os.ReadFile(c.srv.Path("outbox/" + a))
		rep, err := edi.Inspect(bytes.NewReader(b), a)
		if err != nil || !rep.Valid() {
			t.Errorf("acknowledgment %s does not validate: %v %+v", a, err, rep)
		}
	}
	d, err := jobs.Open(ctx, c.load(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := d.Status(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	ledger := d.Ledger()
	var n int
	ledger.DB().QueryRow(`SELECT COUNT(*) FROM scores`).Scan(&n)
	var versions int
	ledger.DB().QueryRow(`SELECT COUNT(*) FROM shipment_versions`).Scan(&versions)
	if versions < 500 || n != versions {
		t.Errorf("%d record versions, %d scores", versions, n)
	}
	if len(st.Quarantined) != 1 || st.Quarantined[0].Name != "garbage.bin" || !strings.Contains(st.Quarantined[0].Reason, "not X12, EDIFACT") {
		t.Errorf("quarantined: %+v", st.Quarantined)
	}
	if st.SelectedToday() == 0 {
		t.Error("nothing selected today")
	}
	// The exam list: in the port's outbox, and mailed once with the workbook attached.
	lists := c.files("port/lists")
	if len(lists) != 1 || !strings.HasPrefix(lists[0], "CAPRR-") || !strings.HasSuffix(lists[0], ".xlsx") {
		t.Fatalf("port outbox: %v", lists)
	}
	wb, _ := os.ReadFile(c.srv.Path("port/lists/" + lists[0]))
	meta, issued, err := examlist.ReadIssued(bytes.NewReader(wb))
	if err != nil || meta.Port != "CAPRR" || len(issued) == 0 {
		t.Fatalf("the list delivered: %+v, %d rows, %v", meta, len(issued), err)
	}
	msgs := c.sink.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	_, parts, err := msgs[0].Parse()
	if err != nil {
		t.Fatal(err)
	}
	attached := false
	for _, p := range parts {
		if p.Filename == lists[0] && bytes.Equal(p.Body, wb) {
			attached = true
		}
	}
	if !attached || msgs[0].To[0] != "exams@prr.example" {
		t.Errorf("message to %v without the workbook attached intact", msgs[0].To)
	}
	q, _ := ledger.FilesInState(ctx, "", state.FileAcknowledged)
	if len(q) != len(demo)+2 { // the demo files, the manifest and the carrier's table
		t.Errorf("%d files done, want %d", len(q), len(demo)+2)
	}
	if v, err := ledger.LatestRecord(ctx, "MAEU9001"); err != nil || v.Version != 1 {
		t.Errorf("the table's bill: %+v, %v", v, err)
	}
	d.Close()

	// Again: nothing new arrives, nothing is done twice.
	c.runOnce(ctx)
	if again := c.outbox(); strings.Join(again, ",") != strings.Join(acks, ",") {
		t.Errorf("second run changed the outbox:\n%v\n%v", acks, again)
	}
	if n := len(c.files("port/lists")); n != 1 {
		t.Errorf("second run: %d lists", n)
	}
	if n := len(c.sink.Messages(t)); n != 1 {
		t.Errorf("second run: %d messages", n)
	}
	d, _ = jobs.Open(ctx, c.load(), nil, false)
	var n2 int
	d.Ledger().DB().QueryRow(`SELECT COUNT(*) FROM scores`).Scan(&n2)
	d.Close()
	if n2 != n {
		t.Errorf("scores %d -> %d", n, n2)
	}

	// The officers fill the list in and send it back with photos; the next run
	// imports the return as evidence and delivers a signed result batch.
	c.officer(wb, lists[0])
	c.runOnce(ctx)
	batch := c.files("partner/inbox")
	if len(batch) < 3 || !slices.ContainsFunc(batch, func(n string) bool { return strings.HasSuffix(n, ".sig") }) {
		t.Fatalf("partner inbox: %v", batch)
	}
	// Hold notices went out with the selection, release notices with the results.
	var notices []string
	for _, f := range c.outbox() {
		if strings.HasPrefix(f, "350_") {
			notices = append(notices, f)
			b, _ := os.ReadFile(c.srv.Path("outbox/" + f))
			if rep, err := edi.Inspect(bytes.NewReader(b), f); err != nil || !rep.Valid() {
				t.Errorf("notice %s does not validate: %v", f, err)
			}
		}
	}
	if len(notices) < 2 {
		t.Errorf("notices in the carrier's outbox: %v (want holds and releases)", notices)
	}
	bucket, _ := filepath.Glob(filepath.Join(c.dir, "data/blobs/results/[^.]*"))
	if len(bucket) != len(batch) {
		t.Errorf("results bucket %v, partner inbox %v", bucket, batch)
	}
	d, _ = jobs.Open(ctx, c.load(), nil, false)
	st, err = d.Status(ctx, "test")
	d.Close()
	if err != nil || len(st.ExamLists) != 1 || st.ExamLists[0].Containers != len(issued) || st.ExamLists[0].Returned == 0 ||
		strings.Join(st.ExamLists[0].Delivered, ",") != "sftp,email" {
		t.Errorf("status of today's lists: %+v, %v", st.ExamLists, err)
	}
	// The learn stage turned the outcomes into the history the next scores use.
	hs, _ := filepath.Glob(filepath.Join(c.dir, "data/blobs/records/history/*.json"))
	if len(hs) == 0 {
		t.Fatal("no history learned")
	}
	hf, _ := os.Open(hs[len(hs)-1])
	h, err := risk.ReadHistory(hf)
	hf.Close()
	if err != nil || h.Examined == 0 || h.Records < float64(versions) {
		t.Errorf("learned history: %v records, %v examined, %v", h.Records, h.Examined, err)
	}
	// And again: nothing more.
	c.runOnce(ctx)
	if again := c.files("partner/inbox"); len(again) != len(batch) {
		t.Errorf("third run: partner inbox %v", again)
	}
}

// officer fills the list in as port staff would and drops it, with its photos, into
// the port's returns inbox.
func (c *corridor) officer(workbook []byte, name string) {
	c.t.Helper()
	photos := c.t.TempDir()
	var out bytes.Buffer
	filled, err := officer.Fill(bytes.NewReader(workbook), &out, officer.Choices{Seed: 1, PhotoDir: photos, Now: time.Now()})
	if err != nil {
		c.t.Fatal(err)
	}
	if len(filled.Returns) == 0 {
		c.t.Fatal("the officer filled in nothing")
	}
	for _, p := range filled.Photos {
		b, err := os.ReadFile(p)
		if err != nil {
			c.t.Fatal(err)
		}
		c.dropTo("port/returns", filepath.Base(p), b)
	}
	c.dropTo("port/returns", "returned-"+name, out.Bytes())
}
