package status

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/golden"
)

func TestWriteTextGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "testdata/status.txt", b.Bytes())
}

func TestWriteJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "testdata/status.json", b.Bytes())
	var back Status
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.SelectedToday() != 22 || len(back.ExamLists) != 2 || back.Stages[5].Parked != 2 {
		t.Errorf("JSON does not read back: %+v", back)
	}
}

// An empty status (a node that just started) encodes its lists as [], never null,
// and still prints every section.
func TestEmptyStatus(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, Status{Node: Node{Name: "n"}}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("null")) {
		t.Errorf("null in JSON of an empty status:\n%s", b.Bytes())
	}
	b.Reset()
	if err := WriteText(&b, Status{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"STAGES", "(no stages reported)", "SELECTIONS TODAY (0)", "(none yet)", "QUARANTINED FILES"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text of an empty status lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := WriteHTML(&b, Status{}, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<svg") || strings.Contains(b.String(), "http-equiv") {
		t.Errorf("empty page has a chart or a refresh:\n%s", b.String())
	}
}

// Text from outside (a carrier's file name) cannot drive the terminal or the page.
func TestHostileText(t *testing.T) {
	s := sample()
	s.Quarantined[0].Name = "evil\x1b[2J<script>alert(1)</script>\tname"
	var b bytes.Buffer
	if err := WriteText(&b, s); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b") || !strings.Contains(b.String(), `evil\x1b[2J`) {
		t.Errorf("escape sequence not neutralised in text:\n%s", b.String())
	}
	b.Reset()
	if err := WriteHTML(&b, s, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>") {
		t.Errorf("markup from data reached the page")
	}
}

func TestAttention(t *testing.T) {
	s := sample()
	got := s.Attention()
	want := []string{
		"stage import-returns: 2 parked jobs (icss jobs list)",
		"schedule learn: last run failed: history: no outcomes since last run",
		"email: 1 failed delivery",
		"1 quarantined file",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Attention:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	s.Node.Checks[1] = Check{Name: "blob store", Error: "dial tcp 127.0.0.1:9000: connection refused"}
	if s.Healthy() || !strings.HasPrefix(s.Attention()[0], "check blob store failed") {
		t.Errorf("a failed check is not first in Attention: %v", s.Attention())
	}
}

func TestChart(t *testing.T) {
	c := newChart([]PathCount{{"rule", 12}, {"random", 1}, {"hits", 0}, {"custom", 6}})
	widths := []int{300, 25, 0, 150}
	for i, b := range c.Bars {
		if b.Width != widths[i] {
			t.Errorf("bar %s width %d, want %d", b.Path, b.Width, widths[i])
		}
	}
	if c.Bars[3].Color == "" || c.Height != 8+4*28 {
		t.Errorf("chart layout: %+v", c)
	}
	if small := newChart([]PathCount{{"rule", 1000}, {"random", 1}}); small.Bars[1].Width != 2 {
		t.Errorf("a count of 1 next to 1000 is %d px wide; want the 2 px minimum", small.Bars[1].Width)
	}
}

// A failed check turns the page's badge and title red, first in the attention box.
func TestPageNotReady(t *testing.T) {
	s := sample()
	s.Node.Checks[0] = Check{Name: "database", Error: "dial tcp 127.0.0.1:5432: connection refused"}
	var b bytes.Buffer
	if err := WriteHTML(&b, s, HTMLOptions{Refresh: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<title>icss · icss-a · NOT READY</title>`,
		`<span id="health" class="badge bad">NOT READY</span>`,
		`<ul><li>check database failed: dial tcp 127.0.0.1:5432: connection refused</li>`,
		`<meta http-equiv="refresh" content="10">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}
