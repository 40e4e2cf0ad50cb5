package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // zones resolve on hosts without a zone database

	"github.com/robfig/cron/v3"
)

// parser accepts five fields (no seconds) and descriptors (@daily, @hourly, ...).
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Schedule is a parsed spec.
type Schedule struct {
	spec string
	cron *cron.SpecSchedule
	loc  *time.Location
	wall bool // fixed hours: evaluated on the local wall clock (see the package doc)
}

// Parse parses "CRON_TZ=<zone> <spec>". The zone is required; @every is refused
// (an interval has no place in a zone and would not survive a restart).
func Parse(spec string) (*Schedule, error) {
	s := strings.TrimSpace(spec)
	tz, rest, ok := strings.Cut(s, " ")
	if !strings.HasPrefix(tz, "CRON_TZ=") || !ok {
		return nil, fmt.Errorf("%q: must start with CRON_TZ=<zone> (e.g. \"CRON_TZ=America/Vancouver 0 6 * * *\")", spec)
	}
	zone := strings.TrimPrefix(tz, "CRON_TZ=")
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" || zone == "Local" {
		return nil, fmt.Errorf("%q: CRON_TZ=%s is not an IANA time zone", spec, zone)
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "@every") {
		return nil, fmt.Errorf("%q: @every is not supported; write a cron spec", spec)
	}
	if strings.Contains(rest, "TZ=") {
		return nil, fmt.Errorf("%q: one CRON_TZ only, at the start", spec)
	}
	parsed, err := parser.Parse(rest)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", spec, err)
	}
	cs, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("%q: not a cron spec", spec)
	}
	// Evaluate in UTC on wall-clock values (see Next); the zone is applied after.
	utc := *cs
	utc.Location = time.UTC
	const allHours = 1<<24 - 1
	return &Schedule{spec: s, cron: &utc, loc: loc, wall: cs.Hour&allHours != allHours}, nil
}

// String is the spec as configured.
func (s *Schedule) String() string { return s.spec }

// Location is the spec's zone.
func (s *Schedule) Location() *time.Location { return s.loc }

// Next returns the first run time after t.
func (s *Schedule) Next(t time.Time) time.Time {
	if !s.wall {
		c := *s.cron
		c.Location = s.loc
		return c.Next(t)
	}
	// Walk the local wall clock (as if it were UTC) and map each wall time back to an
	// instant: a wall time in a spring-forward gap maps past the gap, and one that
	// occurs twice maps to one instant, so it runs once.
	w := wallOf(t, s.loc)
	for range 1000 {
		w = s.cron.Next(w)
		if w.IsZero() {
			return time.Time{}
		}
		at := s.instant(w)
		if at.After(t) {
			return at
		}
	}
	return time.Time{}
}

// instant is the first instant whose local wall clock reads w, or, for a wall time
// skipped by a spring-forward change, the instant the gap ends.
func (s *Schedule) instant(w time.Time) time.Time {
	at := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, s.loc)
	if !wallOf(at, s.loc).Equal(w) {
		// In a gap Go gives an instant on either side of it; move to where the gap
		// ends: the first instant whose wall clock reads later than w.
		for !wallOf(at, s.loc).After(w) {
			at = at.Add(time.Minute)
		}
		for wallOf(at.Add(-time.Minute), s.loc).After(w) {
			at = at.Add(-time.Minute)
		}
		return at
	}
	// A repeated wall time: take the earlier of the two instants.
	for _, back := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
		if e := at.Add(-back); wallOf(e, s.loc).Equal(w) {
			return e
		}
	}
	return at
}

// wallOf is t's local wall clock in loc, written as a UTC time.
func wallOf(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

// Prev returns the last run time at or before now that is after since, or the zero
// time when there is none: the run a catch-up after downtime must do (one run,
// however many were missed). The search is bounded; a schedule missed for years
// catches up on its latest run within the bound.
func (s *Schedule) Prev(since, now time.Time) time.Time {
	var last time.Time
	t := since
	for range 1 << 20 {
		n := s.Next(t)
		if n.IsZero() || n.After(now) {
			return last
		}
		last, t = n, n
	}
	return last
}

// Key is the run key of a logical run time: RFC 3339 in UTC, which sorts in time order.
func Key(at time.Time) string { return at.UTC().Format(time.RFC3339) }

// ParseKey reads a Key back.
func ParseKey(k string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, k)
	if err != nil {
		return time.Time{}, errors.New("schedule: run key " + k + " is not an RFC 3339 time")
	}
	return t, nil
}
