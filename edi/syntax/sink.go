package syntax

// Sink receives a report piece by piece, in input order, as validation finds it, so
// that a report of a file with a million transaction sets never has to be held whole.
//
// Begin comes first, with the input's name and standard. For each interchange: BeginInterchange (header fields set), then for each group
// BeginGroup (header fields set), Set for each of its sets, EndGroup (Issues and Accepted
// set, Sets empty); then EndInterchange (Issues and Accepted set, Groups empty). End comes
// last, with the issues found outside any interchange. A non-nil error stops the
// producer, which returns it.
type Sink interface {
	Begin(file, standard string) error
	BeginInterchange(ic *Interchange) error
	BeginGroup(g *Group) error
	Set(s *Set) error
	EndGroup(g *Group) error
	EndInterchange(ic *Interchange) error
	End(issues []Issue) error
}

// Discard is a Sink that keeps nothing: for callers that want only a producer's error,
// and for timing the producer alone.
var Discard Sink = discard{}

type discard struct{}

func (discard) Begin(string, string) error          { return nil }
func (discard) BeginInterchange(*Interchange) error { return nil }
func (discard) BeginGroup(*Group) error             { return nil }
func (discard) Set(*Set) error                      { return nil }
func (discard) EndGroup(*Group) error               { return nil }
func (discard) EndInterchange(*Interchange) error   { return nil }
func (discard) End([]Issue) error                   { return nil }

// Replay sends a whole report to a sink, for producers that build reports whole.
func (r *Report) Replay(s Sink) error {
	if err := s.Begin(r.File, r.Standard); err != nil {
		return err
	}
	for i := range r.Interchanges {
		ic := r.Interchanges[i]
		groups := ic.Groups
		ic.Groups = nil
		if err := s.BeginInterchange(&ic); err != nil {
			return err
		}
		for j := range groups {
			g := groups[j]
			sets := g.Sets
			g.Sets = nil
			if err := s.BeginGroup(&g); err != nil {
				return err
			}
			for k := range sets {
				if err := s.Set(&sets[k]); err != nil {
					return err
				}
			}
			if err := s.EndGroup(&g); err != nil {
				return err
			}
		}
		if err := s.EndInterchange(&ic); err != nil {
			return err
		}
	}
	return s.End(r.Issues)
}

// Collector is a Sink that builds the whole Report.
type Collector struct {
	Report Report
}

func (c *Collector) Begin(file, standard string) error {
	c.Report = Report{File: file, Standard: standard, Interchanges: []Interchange{}}
	return nil
}

func (c *Collector) BeginInterchange(ic *Interchange) error {
	cp := *ic
	cp.Groups = []Group{}
	c.Report.Interchanges = append(c.Report.Interchanges, cp)
	return nil
}

func (c *Collector) lastInterchange() *Interchange {
	return &c.Report.Interchanges[len(c.Report.Interchanges)-1]
}

func (c *Collector) BeginGroup(g *Group) error {
	ic := c.lastInterchange()
	cp := *g
	cp.Sets = []Set{}
	ic.Groups = append(ic.Groups, cp)
	return nil
}

func (c *Collector) lastGroup() *Group {
	ic := c.lastInterchange()
	return &ic.Groups[len(ic.Groups)-1]
}

func (c *Collector) Set(s *Set) error {
	g := c.lastGroup()
	g.Sets = append(g.Sets, *s)
	return nil
}

func (c *Collector) EndGroup(g *Group) error {
	last := c.lastGroup()
	last.Issues, last.Accepted = g.Issues, g.Accepted
	return nil
}

func (c *Collector) EndInterchange(ic *Interchange) error {
	last := c.lastInterchange()
	last.Issues, last.Accepted = ic.Issues, ic.Accepted
	return nil
}

func (c *Collector) End(issues []Issue) error {
	c.Report.Issues = issues
	return nil
}
