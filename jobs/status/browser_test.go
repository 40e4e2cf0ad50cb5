package status

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromium finds the headless browser: CHROMIUM_BIN, else the Debian package's
// /usr/bin/chromium, else PATH. Missing, the test skips (fails under CI=true).
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM_BIN"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	msg := "status: chromium not installed (run scripts/test-deps.sh chromium, or set CHROMIUM_BIN)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: a missing browser is a failure)")
	}
	t.Skip(msg)
	return ""
}

// TestPageInChromium loads the status page, behind a bearer token, in headless
// Chromium and checks what a person sees: the counts, the chart's bars scaled
// to the counts, no script. The screenshot is written to the test's artifact
// directory: go test ./jobs/status -run Chromium -artifacts -outputdir OUT
// keeps it (OUT/.../status-page.png); without -artifacts it is removed.
func TestPageInChromium(t *testing.T) {
	bin := chromium(t)
	const token = "0123456789abcdef0123"
	h, _ := newTestHandler(t, Config{Token: []byte(token)}, nil)
	srv := httptest.NewServer(h)
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 1000),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium's sandbox refuses root
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	text := func(css string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
		if err != nil {
			t.Fatalf("chromium: text of %s: %v", css, err)
		}
		return strings.TrimSpace(v)
	}

	// Without the token: the page is refused.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if denied := text("body"); denied != "unauthorized" {
		t.Errorf("page without token shows %q", denied)
	}

	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Authorization": "Bearer " + token},
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("chart"))); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	node, health, total, attention := text("#node"), text("#health"), text("#selected-total"), text("#attention")
	stage := text(`#stages tr[data-stage="import-returns"]`)
	examRows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#exam-lists tr").length - 1`))
	if err != nil {
		t.Fatal(err)
	}
	scripts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.scripts.length`))
	if err != nil {
		t.Fatal(err)
	}
	type laidOut struct {
		Path  string  `json:"path"`
		Count string  `json:"count"`
		Width float64 `json:"width"`
		Label string  `json:"label"`
	}
	// what the browser laid out, not what the HTML says
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[[]laidOut](`Array.from(document.querySelectorAll("#chart g.bar")).map(g => ({
		path: g.dataset.path, count: g.dataset.count,
		width: g.querySelector("rect").getBoundingClientRect().width,
		label: Array.from(g.querySelectorAll("text")).map(e => e.textContent).join(" ")}))`))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.ArtifactDir(), "status-page.png")
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", out, len(shot))

	if !strings.Contains(title, "icss-a") || node != "icss-a" || health != "ready" {
		t.Errorf("header: title %q node %q health %q", title, node, health)
	}
	if total != "22" {
		t.Errorf("selections total %q, want 22", total)
	}
	if !strings.Contains(attention, "stage import-returns: 2 parked jobs") || !strings.Contains(attention, "1 quarantined file") {
		t.Errorf("attention box: %q", attention)
	}
	if f := strings.Fields(stage); len(f) != 5 || f[4] != "2" {
		t.Errorf("import-returns row %q, want 2 parked", stage)
	}
	if examRows != 2 || scripts != 0 {
		t.Errorf("%d exam-list rows (want 2), %d scripts (want 0)", examRows, scripts)
	}
	want := []struct {
		path, count string
		width       float64
	}{{"referral", "2", 50}, {"rule", "12", 300}, {"hits", "5", 125}, {"random", "3", 75}}
	if len(bars) != len(want) {
		t.Fatalf("%d bars, want %d: %+v", len(bars), len(want), bars)
	}
	for i, w := range want {
		b := bars[i]
		if b.Path != w.path || b.Count != w.count || b.Width < w.width-1 || b.Width > w.width+1 || b.Label != w.path+" "+w.count {
			t.Errorf("bar %d: %+v, want %s %s about %v px wide", i, b, w.path, w.count, w.width)
		}
	}
}
