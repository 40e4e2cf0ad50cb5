package status

import (
	"fmt"
	"time"
)

// sample is a busy afternoon at Prince Rupert: the shape the daemon fills.
func sample() Status {
	van, _ := time.LoadLocation("America/Vancouver")
	at := func(h, m int) time.Time { return time.Date(2026, 12, 4, h, m, 0, 0, van) }
	return Status{
		GeneratedAt: at(15, 42),
		Day:         "2026-12-04",
		TimeZone:    "America/Vancouver",
		Node: Node{Name: "icss-a", Version: "v0.9.0", StartedAt: at(6, 0), Checks: []Check{
			{Name: "database", OK: true},
			{Name: "blob store", OK: true},
		}},
		Stages: []Stage{
			{Name: "pull", Running: 1},
			{Name: "ingest", Backlog: 3, Running: 1},
			{Name: "score", Backlog: 1},
			{Name: "exam-list"},
			{Name: "deliver-exam-list", Failed: 1},
			{Name: "import-returns", Parked: 2},
			{Name: "results"},
		},
		Schedules: []Schedule{
			{Name: "pull", Spec: "CRON_TZ=America/Vancouver */5 * * * *", LastRun: at(15, 40), LastState: "succeeded", NextRun: at(15, 45)},
			{Name: "exam-list PRR", Spec: "CRON_TZ=America/Vancouver 0 14 * * *", LastRun: at(14, 0), LastState: "succeeded", NextRun: time.Date(2026, 12, 5, 14, 0, 0, 0, van)},
			{Name: "learn", Spec: "CRON_TZ=America/Vancouver 30 2 * * *", LastRun: at(2, 30), LastState: "failed", LastError: "history: no outcomes since last run", NextRun: time.Date(2026, 12, 5, 2, 30, 0, 0, van)},
		},
		Quarantined: []Quarantined{
			{Endpoint: "cn-rail", Name: "MANIFEST_0412.x12", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Reason: "line 1 byte 0: ISA segment is 91 characters, want 106", Since: at(9, 12)},
		},
		Deliveries: []Deliveries{
			{Channel: "sftp", Pending: 1, OldestPending: at(15, 30)},
			{Channel: "email", Pending: 2, Failed: 1, OldestPending: at(14, 5)},
		},
		ExamLists: []ExamList{
			{Port: "CAPRR", ListID: "CAPRR-20261204-1400", Cutoff: at(14, 0), Containers: 18, Delivered: []string{"sftp", "bucket"}, Returned: 5},
			{Port: "CAVAN", ListID: "CAVAN-20261204-1400", Cutoff: at(14, 0), Containers: 4, Delivered: []string{"sftp", "bucket", "email"}},
		},
		Selections: []PathCount{
			{Path: "rule", Count: 12},
			{Path: "referral", Count: 2},
			{Path: "hits", Count: 5},
			{Path: "random", Count: 3},
		},
	}
}

func fmtV(v any) string      { return fmt.Sprintf("%v %+v", v, v) }
func fmtSharpV(v any) string { return fmt.Sprintf("%#v", v) }
