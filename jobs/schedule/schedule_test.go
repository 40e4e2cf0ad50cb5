package schedule

import (
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, spec string) *Schedule {
	t.Helper()
	s, err := Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseRequiresZone(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]string{
		"0 6 * * *":                       "must start with CRON_TZ=",
		"TZ=UTC 0 6 * * *":                "must start with CRON_TZ=",
		"CRON_TZ=Mars/Base 0 6 * * *":     "not an IANA time zone",
		"CRON_TZ=Local 0 6 * * *":         "not an IANA time zone",
		"CRON_TZ=UTC @every 5m":           "@every is not supported",
		"CRON_TZ=UTC 0 6 * *":             "expected exactly 5 fields",
		"CRON_TZ=UTC */10 * * * * *":      "expected exactly 5 fields",
		"CRON_TZ=UTC 61 6 * * *":          "above maximum",
		"CRON_TZ=UTC CRON_TZ=UTC 0 * * *": "one CRON_TZ only",
	} {
		if _, err := Parse(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", spec, err, want)
		}
	}
	for _, ok := range []string{"CRON_TZ=UTC */5 * * * *", "CRON_TZ=America/Vancouver 0 6,14 * * *", "CRON_TZ=Europe/Paris @daily"} {
		if _, err := Parse(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// runs lists the run times in [from, to).
func runs(s *Schedule, from, to time.Time) []string {
	var out []string
	for t := s.Next(from.Add(-time.Second)); !t.IsZero() && t.Before(to); t = s.Next(t) {
		out = append(out, t.UTC().Format("01-02 15:04Z"))
	}
	return out
}

func TestDaylightSaving(t *testing.T) {
	t.Parallel()
	tor, _ := time.LoadLocation("America/Toronto")
	day := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, tor) }
	tests := []struct {
		name, spec string
		from, to   time.Time
		want       []string
	}{
		// 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist. robfig/cron skips
		// the day; a cut-off must still happen, at the end of the gap (07:00Z).
		{"SpringGap", "CRON_TZ=America/Toronto 30 2 * * *", day(3, 7, 0), day(3, 10, 0),
			[]string{"03-07 07:30Z", "03-08 07:00Z", "03-09 06:30Z"}},
		// 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice. Once, at the first.
		{"FallRepeat", "CRON_TZ=America/Toronto 30 1 * * *", day(10, 31, 0), day(11, 3, 0),
			[]string{"10-31 05:30Z", "11-01 05:30Z", "11-02 06:30Z"}},
		// Two cut-offs a day across the spring change keep their local times.
		{"TwiceADay", "CRON_TZ=America/Toronto 0 6,14 * * *", day(3, 7, 12), day(3, 9, 0),
			[]string{"03-07 19:00Z", "03-08 10:00Z", "03-08 18:00Z"}},
		// An every-15-minutes pull keeps real time through the repeated hour: 8 runs
		// in the two real hours from 05:00Z, none lost, none doubled.
		{"IntervalThroughRepeat", "CRON_TZ=America/Toronto */15 * * * *",
			time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC),
			[]string{"11-01 05:00Z", "11-01 05:15Z", "11-01 05:30Z", "11-01 05:45Z", "11-01 06:00Z", "11-01 06:15Z", "11-01 06:30Z", "11-01 06:45Z"}},
		// ... and through the gap: 4 runs in the real hour 06:30Z-07:30Z.
		{"IntervalThroughGap", "CRON_TZ=America/Toronto */15 * * * *",
			time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC), time.Date(2026, 3, 8, 7, 30, 0, 0, time.UTC),
			[]string{"03-08 06:30Z", "03-08 06:45Z", "03-08 07:00Z", "03-08 07:15Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runs(mustParse(t, tt.spec), tt.from, tt.to)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("runs\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// Next from inside the repeated hour, after the first 01:30 has run, does not go
// back to the second 01:30.
func TestNextFromInsideRepeatedHour(t *testing.T) {
	t.Parallel()
	s := mustParse(t, "CRON_TZ=America/Toronto 30 1 * * *")
	first := time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC) // 01:30 EDT
	for _, from := range []time.Time{first, first.Add(40 * time.Minute), first.Add(61 * time.Minute)} {
		if got := s.Next(from); !got.Equal(time.Date(2026, 11, 2, 6, 30, 0, 0, time.UTC)) {
			t.Errorf("Next(%v) = %v", from, got.UTC())
		}
	}
}

// After downtime the catch-up is the latest missed run, once; none when nothing was missed.
func TestPrev(t *testing.T) {
	t.Parallel()
	s := mustParse(t, "CRON_TZ=America/Vancouver 0 6,14 * * *")
	van, _ := time.LoadLocation("America/Vancouver")
	last := time.Date(2026, 12, 1, 6, 0, 0, 0, van)
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, van)
	if got := s.Prev(last, now); !got.Equal(time.Date(2026, 12, 3, 6, 0, 0, 0, van)) {
		t.Errorf("Prev = %v", got)
	}
	if got := s.Prev(time.Date(2026, 12, 3, 6, 0, 0, 0, van), now); !got.IsZero() {
		t.Errorf("nothing missed, Prev = %v", got)
	}
	k := Key(time.Date(2026, 12, 3, 6, 0, 0, 0, van))
	if k != "2026-12-03T14:00:00Z" {
		t.Errorf("Key = %s", k)
	}
	if back, err := ParseKey(k); err != nil || !back.Equal(time.Date(2026, 12, 3, 6, 0, 0, 0, van)) {
		t.Errorf("ParseKey = %v, %v", back, err)
	}
}
