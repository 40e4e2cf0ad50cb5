package evidence

import (
	"crypto/ed25519"
	"fmt"
	"sync"
	"testing"

	"github.com/icss/icss/storage/blob"
	"github.com/icss/icss/transforms/exam"
)

// Two nodes record overlapping runs of results at once, each run longer
// than appendBatch, through the batch put and one Put after another: the
// chain stays linear and verifies, every exam is recorded once, and what
// RecordAll returns is what is stored, in the order given.
func TestRecordAllTwoNodes(t *testing.T) {
	for _, via := range []string{"batch", "one by one"} {
		t.Run(via, func(t *testing.T) {
			root := t.TempDir()
			key := newKey(t)
			open := func() blob.Store {
				if via == "batch" {
					return openDir(t, root)
				}
				return struct{ blob.Store }{openDir(t, root)} // no PutBatch
			}
			nodes := []*Store{New(open(), Options{Key: key, Now: clock()}), New(open(), Options{Key: key, Now: clock()})}
			n := appendBatch + 50
			if via == "one by one" {
				n = 60
			}
			// Node 0 records exams 1..n, node 1 exams n/2..n+n/2: the middle by both.
			runs := make([][]Recorded, 2)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, s := range nodes {
				var rs []exam.Result
				for seq := 1 + i*n/2; seq <= n+i*n/2; seq++ {
					rs = append(rs, result(t, s, seq, exam.OutcomeNoFinding))
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					runs[i], errs[i] = s.RecordAll(ctx, rs)
				}()
			}
			wg.Wait()
			created := map[string]int{}
			for i, run := range runs {
				if errs[i] != nil || len(run) != n {
					t.Fatalf("node %d: %d recorded, %v", i, len(run), errs[i])
				}
				for j, rec := range run {
					if want := exam.ExamID("CAPRR-20261204", 1+i*n/2+j); rec.Manifest.Result.ExamID != want {
						t.Fatalf("node %d result %d is %s, want %s", i, j, rec.Manifest.Result.ExamID, want)
					}
					stored, err := nodes[1-i].Manifest(ctx, rec.Manifest.Seq)
					if err != nil || stored.SHA256 != rec.SHA256 {
						t.Fatalf("node %d: manifest %d returned is not the one stored: %v", i, rec.Manifest.Seq, err)
					}
					if rec.Created {
						created[rec.Manifest.Result.ExamID]++
					}
				}
			}
			want := n + n/2
			if len(created) != want {
				t.Errorf("%d exams recorded, want %d", len(created), want)
			}
			for id, c := range created {
				if c != 1 {
					t.Errorf("%s recorded %d times", id, c)
				}
			}
			rep, err := Verify(ctx, nodes[0].Blobs(), key.Public().(ed25519.PublicKey))
			if err != nil || !rep.OK() || rep.Manifests != want || rep.Head != int64(want) {
				t.Fatalf("Verify = %d manifests, head %d, problems %v, %v", rep.Manifests, rep.Head, rep.Problems, err)
			}
		})
	}
}

// An exam given twice in one call is judged against its first: the same
// result twice records once, a changed one becomes version 2.
func TestRecordAllSameExamTwice(t *testing.T) {
	s := New(openDir(t, t.TempDir()), Options{Key: newKey(t), Now: clock()})
	a := result(t, s, 1, exam.OutcomeNoFinding)
	b := result(t, s, 1, exam.OutcomeSeizure)
	out, err := s.RecordAll(ctx, []exam.Result{a, a, b})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out {
		got = append(got, fmt.Sprintf("v%d created=%v seq=%d", r.Manifest.Result.Version, r.Created, r.Manifest.Seq))
	}
	if fmt.Sprint(got) != "[v1 created=true seq=1 v1 created=false seq=1 v2 created=true seq=2]" {
		t.Fatalf("RecordAll = %v", got)
	}
}
