package statetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/icss/icss/storage/state"
)

func noticeFile(name string, keys ...string) state.NoticeFile {
	f := state.NoticeFile{Endpoint: "maeu-outbox", Name: name, SHA256: Sum(name), BlobKey: "notices/" + name}
	for i, k := range keys {
		f.Events = append(f.Events, state.NoticeEvent{Key: k, Recipient: "MAEU", Kind: "hold", BillKey: "MAEU000111",
			Container: "MSKU7351770", Disposition: "1H", Standard: "x12", Control: "000000017", Message: fmt.Sprintf("%04d", i+1)})
	}
	return f
}

// Notice events are recorded once per event and recipient, together with the
// delivery of the file that carries them, or not at all.
func (s Suite) notices(t *testing.T, e *env) {
	const k1, k2 = "MAEU000111/MSKU7351770/hold/v1", "MAEU000111/TGHU1234567/hold/v1"
	if _, err := e.l.NoticeEvent(ctx, k1, "MAEU"); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("NoticeEvent of an empty ledger: %v, want ErrNotFound", err)
	}
	d, err := e.l.RecordNotices(ctx, noticeFile("350_MAEU_000000017.x12", k1))
	if err != nil || d.State != state.DeliveryPending || d.Endpoint != "maeu-outbox" {
		t.Fatalf("RecordNotices = %+v, %v", d, err)
	}
	n, err := e.l.NoticeEvent(ctx, k1, "MAEU")
	if err != nil || n.DeliveryID != d.ID || n.Disposition != "1H" || n.Kind != "hold" || !n.CreatedAt.Equal(e.clock.Now()) {
		t.Fatalf("NoticeEvent = %+v, %v", n, err)
	}
	// The same event for another recipient (the terminal) is another notice.
	term := noticeFile("350_TERM_000000001.x12", k1)
	term.Endpoint, term.Events[0].Recipient = "term-outbox", "FAIRVIEW"
	if _, err := e.l.RecordNotices(ctx, term); err != nil {
		t.Fatalf("the same event to a terminal: %v", err)
	}
	// A file that repeats a recorded event records nothing, not even its other event
	// or its delivery.
	if _, err := e.l.RecordNotices(ctx, noticeFile("350_MAEU_000000018.x12", k2, k1)); !errors.Is(err, state.ErrConflict) {
		t.Fatalf("a file repeating an event: %v, want ErrConflict", err)
	}
	if _, err := e.l.NoticeEvent(ctx, k2, "MAEU"); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("the other event of a refused file was recorded: %v", err)
	}
	if p, _ := e.l.DeliveriesInState(ctx, "maeu-outbox", state.DeliveryPending); len(p) != 1 {
		t.Fatalf("pending deliveries %+v, want only the first file", p)
	}
	// A file name already queued is refused.
	if _, err := e.l.RecordNotices(ctx, noticeFile("350_MAEU_000000017.x12", k2)); !errors.Is(err, state.ErrConflict) {
		t.Fatalf("a file name queued twice: %v, want ErrConflict", err)
	}
	d2, err := e.l.RecordNotices(ctx, noticeFile("350_MAEU_000000019.x12", k2))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.l.NoticesOfDelivery(ctx, d2.ID); err != nil || len(got) != 1 || got[0].Key != k2 {
		t.Fatalf("NoticesOfDelivery = %+v, %v", got, err)
	}
	if got, err := e.l.NoticesOfContainer(ctx, "MSKU7351770"); err != nil || len(got) != 3 {
		t.Fatalf("NoticesOfContainer = %+v, %v; want 3", got, err)
	}
	for _, bad := range []func(*state.NoticeFile){
		func(f *state.NoticeFile) { f.Events = nil },
		func(f *state.NoticeFile) { f.Events[0].Kind = "maybe" },
		func(f *state.NoticeFile) { f.Events[0].Standard = "csv" },
		func(f *state.NoticeFile) { f.Events[0].Disposition = "" },
		func(f *state.NoticeFile) { f.SHA256 = "x" },
	} {
		f := noticeFile("350_MAEU_000000099.x12", "k/bad")
		bad(&f)
		if _, err := e.l.RecordNotices(ctx, f); err == nil {
			t.Errorf("RecordNotices accepted %+v", f)
		}
	}
}

// Two nodes building the same notices at once: each event is recorded once, by
// whichever file commits first, and the other file is refused whole.
func (s Suite) noticesConcurrent(t *testing.T, e *env) {
	other := e.open(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, l := range []*state.Ledger{e.l, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = l.RecordNotices(ctx, noticeFile(fmt.Sprintf("350_MAEU_%09d.x12", 100+i), "a/1/hold/v1", "b/2/hold/v1"))
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, state.ErrConflict):
			t.Fatalf("RecordNotices: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d files recorded, want 1 (errors %v)", ok, errs)
	}
	if p, _ := e.l.DeliveriesInState(ctx, "maeu-outbox", state.DeliveryPending); len(p) != 1 {
		t.Fatalf("%d deliveries queued, want 1", len(p))
	}
}
