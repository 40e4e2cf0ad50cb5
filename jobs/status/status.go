package status

import (
	"fmt"
	"sort"
	"time"
)

// Status is a snapshot of one icss node and of the corridor it works on: what
// `icss status` prints, `icss status --json` encodes and the status page shows.
// The daemon fills it (jobs from River, schedules from its scheduler, files and
// deliveries from the ledger); this package only shows it. The JSON field names are
// stable: scripts read them.
type Status struct {
	// GeneratedAt is when the snapshot was taken.
	GeneratedAt time.Time `json:"generated_at"`
	// Day is the calendar day "today" covers (YYYY-MM-DD) in TimeZone, the zone the
	// ports' cut-offs are in.
	Day      string `json:"day"`
	TimeZone string `json:"time_zone"`
	// Node is the node that answered and the health of what it depends on.
	Node Node `json:"node"`
	// Stages lists every stage of the corridor in flow order (pull, ingest, ...),
	// including idle ones, so a missing stage is never mistaken for an idle one.
	Stages []Stage `json:"stages"`
	// Schedules lists every configured schedule with its last and next run.
	Schedules []Schedule `json:"schedules"`
	// Quarantined lists the files set aside for a person to look at.
	Quarantined []Quarantined `json:"quarantined"`
	// Deliveries counts the deliveries not yet done, by channel.
	Deliveries []Deliveries `json:"deliveries"`
	// ExamLists are today's exam lists (cut-off on Day), per port.
	ExamLists []ExamList `json:"exam_lists"`
	// Selections counts today's selections for exam by path (referral, rule, hits,
	// random, capacity: risk.Path*).
	Selections []PathCount `json:"selections"`
}

// Node identifies the node and the health of its dependencies.
type Node struct {
	Name      string    `json:"name"`
	Version   string    `json:"version,omitempty"`
	StartedAt time.Time `json:"started_at,omitzero"`
	// Checks are the readiness checks (database, blob store, ...) as last run.
	Checks []Check `json:"checks"`
}

// Check is the outcome of one readiness check.
type Check struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// Stage counts the jobs of one stage (one River job kind) by where they stand.
type Stage struct {
	Name string `json:"name"`
	// Backlog is jobs waiting to run: available, scheduled or pending.
	Backlog int `json:"backlog"`
	// Running is jobs being worked now, on any node.
	Running int `json:"running"`
	// Failed is jobs that failed at least once and will be retried (retryable), or
	// are being retried now (those are counted in Running too).
	Failed int `json:"failed"`
	// Parked is jobs that will not run again by themselves (attempts exhausted or
	// cancelled): a person must look (`icss jobs list|retry|cancel`).
	Parked int `json:"parked"`
}

// Schedule is one configured schedule (a cron spec with CRON_TZ).
type Schedule struct {
	Name string `json:"name"`
	Spec string `json:"spec"`
	// LastRun is the logical time of the last run (zero: never ran) and LastState
	// how it ended: "succeeded", "failed" or "running".
	LastRun   time.Time `json:"last_run,omitzero"`
	LastState string    `json:"last_state,omitempty"`
	LastError string    `json:"last_error,omitempty"`
	NextRun   time.Time `json:"next_run,omitzero"`
}

// Quarantined is a file set aside: it could not be pulled or read, and waits for
// a person (the original is kept).
type Quarantined struct {
	Endpoint string    `json:"endpoint"`
	Name     string    `json:"name"`
	SHA256   string    `json:"sha256,omitempty"`
	Reason   string    `json:"reason"`
	Since    time.Time `json:"since,omitzero"`
}

// Deliveries counts the outstanding deliveries of one channel ("sftp", "bucket",
// "email"): Pending are still to be made (or being retried), Failed need a person.
type Deliveries struct {
	Channel       string    `json:"channel"`
	Pending       int       `json:"pending"`
	Failed        int       `json:"failed"`
	OldestPending time.Time `json:"oldest_pending,omitzero"`
}

// ExamList is one of today's exam lists.
type ExamList struct {
	Port   string    `json:"port"`
	ListID string    `json:"list_id"`
	Cutoff time.Time `json:"cutoff"`
	// Containers is the number of rows (one per container) on the list.
	Containers int `json:"containers"`
	// Delivered names the channels the list has reached ("sftp", "bucket", "email").
	Delivered []string `json:"delivered"`
	// Returned is the number of containers with a result imported from a return.
	Returned int `json:"returned"`
}

// PathCount is a number of selections by one selection path.
type PathCount struct {
	Path  string `json:"path"`
	Count int    `json:"count"`
}

// Healthy reports whether every readiness check passed.
func (s Status) Healthy() bool {
	for _, c := range s.Node.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// SelectedToday is the total of Selections.
func (s Status) SelectedToday() int {
	n := 0
	for _, p := range s.Selections {
		n += p.Count
	}
	return n
}

// Attention lists, one sentence each, what an operator on call must look at:
// failed checks, parked jobs, failed schedules and deliveries, quarantined files.
// Empty when all is well.
func (s Status) Attention() []string {
	var out []string
	for _, c := range s.Node.Checks {
		if !c.OK {
			out = append(out, fmt.Sprintf("check %s failed: %s", c.Name, c.Error))
		}
	}
	for _, st := range s.Stages {
		if st.Parked > 0 {
			out = append(out, fmt.Sprintf("stage %s: %d parked %s (icss jobs list)", st.Name, st.Parked, plural(st.Parked, "job", "jobs")))
		}
	}
	for _, sc := range s.Schedules {
		if sc.LastState == "failed" {
			out = append(out, fmt.Sprintf("schedule %s: last run failed: %s", sc.Name, sc.LastError))
		}
	}
	for _, d := range s.Deliveries {
		if d.Failed > 0 {
			out = append(out, fmt.Sprintf("%s: %d failed %s", d.Channel, d.Failed, plural(d.Failed, "delivery", "deliveries")))
		}
	}
	if n := len(s.Quarantined); n > 0 {
		out = append(out, fmt.Sprintf("%d quarantined %s", n, plural(n, "file", "files")))
	}
	return out
}

// Sort puts the lists in their display order (stages are left in flow order):
// schedules by name, quarantined files by endpoint and name, deliveries by
// channel, exam lists by port and cut-off, selections in the order the risk
// engine applies the paths (referral, rule, hits, random, capacity, then others). The renderers
// call it on a copy, so a daemon may fill in any order.
func (s *Status) Sort() {
	sort.SliceStable(s.Schedules, func(i, j int) bool { return s.Schedules[i].Name < s.Schedules[j].Name })
	sort.SliceStable(s.Quarantined, func(i, j int) bool {
		a, b := s.Quarantined[i], s.Quarantined[j]
		return a.Endpoint < b.Endpoint || a.Endpoint == b.Endpoint && a.Name < b.Name
	})
	sort.SliceStable(s.Deliveries, func(i, j int) bool { return s.Deliveries[i].Channel < s.Deliveries[j].Channel })
	sort.SliceStable(s.ExamLists, func(i, j int) bool {
		a, b := s.ExamLists[i], s.ExamLists[j]
		return a.Port < b.Port || a.Port == b.Port && a.Cutoff.Before(b.Cutoff)
	})
	sort.SliceStable(s.Selections, func(i, j int) bool {
		a, b := pathRank(s.Selections[i].Path), pathRank(s.Selections[j].Path)
		return a < b || a == b && s.Selections[i].Path < s.Selections[j].Path
	})
}

// pathOrder is the order in which the risk engine considers the selection paths.
var pathOrder = []string{"referral", "rule", "hits", "random", "capacity"}

func pathRank(p string) int {
	for i, q := range pathOrder {
		if p == q {
			return i
		}
	}
	return len(pathOrder)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
