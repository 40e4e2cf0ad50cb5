package state_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/pgtest"
	"github.com/icss/icss/storage/state"
)

func sum(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

// batchContract checks the batch methods on one database.
func batchContract(t *testing.T, cfg state.Config) {
	ctx := context.Background()
	l, err := state.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f, _, _ := l.FileSeen(ctx, "carrier", "m.x12", 10, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if _, err := l.FileFetched(ctx, f.ID, sum("m"), "raw/x"); err != nil {
		t.Fatal(err)
	}
	// 4,500 records across three transactions; one shipment twice with new content.
	var in []state.RecordInput
	for i := range 4500 {
		in = append(in, state.RecordInput{Key: fmt.Sprintf("B%d", i%4000), SHA256: sum(fmt.Sprint(i)), BlobKey: fmt.Sprintf("b#%d", i)})
	}
	vs, created, err := l.PutRecordVersions(ctx, f.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if vs[4000].Key != "B0" || vs[4000].Version != 2 || vs[0].Version != 1 || !created[4499] || vs[17].FileID != f.ID {
		t.Fatalf("versions: %+v %+v", vs[0], vs[4000])
	}
	// Again: nothing new, the same answer.
	vs2, created2, err := l.PutRecordVersions(ctx, f.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range vs2 {
		if created2[i] || vs2[i].ShipmentID != vs[i].ShipmentID || vs2[i].Version != vs[i].Version {
			t.Fatalf("second put of record %d: %+v created=%v", i, vs2[i], created2[i])
		}
	}
	if latest, _ := l.LatestRecord(ctx, "B0"); latest.Version != 2 {
		t.Fatalf("latest of B0: %+v", latest)
	}
	if _, _, err := l.PutRecordVersions(ctx, 0, []state.RecordInput{{Key: "", SHA256: sum("x"), BlobKey: "k"}}); err == nil {
		t.Fatal("empty key accepted")
	}
	scores := make([]state.Score, len(vs))
	for i, v := range vs {
		scores[i] = state.Score{ShipmentID: v.ShipmentID, Version: v.Version, RulesVersion: "r@1", Score: float64(i), Decision: "release"}
	}
	if n, err := l.PutScores(ctx, scores); err != nil || n != len(scores) {
		t.Fatalf("PutScores = %d, %v", n, err)
	}
	if n, err := l.PutScores(ctx, scores); err != nil || n != 0 {
		t.Fatalf("PutScores again = %d, %v", n, err)
	}
	// Job runs: the greatest run key, whatever the state.
	for _, k := range []string{"2026-12-01T14:00:00Z", "2026-12-03T14:00:00Z", "2026-12-02T14:00:00Z"} {
		if _, _, err := l.StartJobRun(ctx, "schedule:x", k, "n", 0); err != nil {
			t.Fatal(err)
		}
	}
	if j, err := l.LatestJobRun(ctx, "schedule:x"); err != nil || j.RunKey != "2026-12-03T14:00:00Z" {
		t.Fatalf("LatestJobRun = %+v, %v", j, err)
	}
	if _, err := l.LatestJobRun(ctx, "schedule:none"); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("LatestJobRun of nothing: %v", err)
	}
	d, _, _ := l.EnqueueDelivery(ctx, "carrier", "997_1.x12", sum("a"), "records:acks/x")
	if got, err := l.DeliveryByName(ctx, "carrier", "997_1.x12"); err != nil || got.ID != d.ID {
		t.Fatalf("DeliveryByName = %+v, %v", got, err)
	}
	if _, err := l.DeliveryByName(ctx, "carrier", "nope"); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("DeliveryByName of nothing: %v", err)
	}
}

func TestBatchSQLite(t *testing.T) { t.Parallel(); batchContract(t, sqliteDB(t)) }

func TestBatchPostgres(t *testing.T) {
	t.Parallel()
	srv := pgtest.Start(t)
	batchContract(t, state.Config{Driver: state.DriverPostgres, DSN: srv.NewDatabase(t)})
}
