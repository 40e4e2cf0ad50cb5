package status

import (
	_ "embed"
	"html/template"
	"io"
	"sync"
	"time"
)

//go:embed page.html
var pageSource string

// page is parsed on first use, not when every icss command starts.
var page = sync.OnceValue(func() *template.Template { return template.Must(template.New("page").Parse(pageSource)) })

// HTMLOptions adjust WriteHTML.
type HTMLOptions struct {
	// Refresh reloads the page this often through a meta tag; 0 never.
	Refresh time.Duration
}

// WriteHTML writes the status page: a self-contained HTML document (inline CSS,
// an inline SVG bar chart of today's selections by path, no script). Every value
// goes through html/template's escaping.
func WriteHTML(w io.Writer, s Status, opts HTMLOptions) error {
	s = s.normalized()
	loc := s.location()
	return page().Execute(w, pageData{
		S:       s,
		Refresh: int(opts.Refresh.Round(time.Second) / time.Second),
		Chart:   newChart(s.Selections),
		loc:     loc,
	})
}

type pageData struct {
	S       Status
	Refresh int
	Chart   chart
	loc     *time.Location
}

// At formats a time for the page, in the status's time zone.
func (p pageData) At(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(p.loc).Format("Jan 2 15:04 MST")
}

// chart is a horizontal bar chart laid out here, so the template only places
// rectangles: bars are scaled to the largest count.
type chart struct {
	Width, Height, LabelWidth, BarHeight int
	Bars                                 []bar
}

type bar struct {
	Path                    string
	Count                   int
	Y, TextY, Width, CountX int
	Color                   string
}

// pathColors keeps each selection path the same colour on every page.
var pathColors = map[string]string{
	"referral": "#7b3fa0",
	"rule":     "#c0392b",
	"hits":     "#d68910",
	"random":   "#2471a3",
	"capacity": "#148f77",
}

func newChart(paths []PathCount) chart {
	const (
		labelWidth = 90
		barArea    = 300
		barHeight  = 20
		gap        = 8
		countRoom  = 60
	)
	c := chart{Width: labelWidth + barArea + countRoom, LabelWidth: labelWidth, BarHeight: barHeight}
	most := 0
	for _, p := range paths {
		most = max(most, p.Count)
	}
	for i, p := range paths {
		w := 0
		if most > 0 {
			w = p.Count * barArea / most
		}
		if p.Count > 0 {
			w = max(w, 2) // a small count still shows
		}
		color, ok := pathColors[p.Path]
		if !ok {
			color = "#5d6d7e"
		}
		y := gap + i*(barHeight+gap)
		c.Bars = append(c.Bars, bar{
			Path: p.Path, Count: p.Count, Color: color,
			Y: y, TextY: y + barHeight/2 + 4, Width: w, CountX: labelWidth + w,
		})
	}
	c.Height = gap + len(paths)*(barHeight+gap)
	return c
}
