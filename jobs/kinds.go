package jobs

import (
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Job kinds, one per stage, in flow order.
const (
	KindSchedule = "schedule"
	KindPull     = "pull"
	KindIngest   = "ingest"
	KindDeliver  = "deliver"
	KindScore    = "score"
)

// Stages lists the job kinds in flow order (the status shows every one, idle or not).
func Stages() []string {
	return []string{KindSchedule, KindPull, KindIngest, KindScore, KindExamList, KindDeliver, KindImport, KindResults, KindNotices}
}

// whileLive are the states in which a job blocks an identical insert: waiting,
// running or waiting to be retried. A finished pull does not stop the next one.
var whileLive = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}

// onceEver adds the finished and parked states: work on one file or one delivery is
// done once; a parked one waits for an operator (icss jobs retry), and is not revived
// by the next sweep.
var onceEver = append(append([]rivertype.JobState{}, whileLive...),
	rivertype.JobStateCompleted, rivertype.JobStateDiscarded)

// ScheduleArgs is one logical run of a schedule.
type ScheduleArgs struct {
	Schedule string    `json:"schedule" river:"unique"`
	At       time.Time `json:"at" river:"unique"`
}

func (ScheduleArgs) Kind() string { return KindSchedule }
func (ScheduleArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: onceEver}}
}

// PullArgs pulls one endpoint's inbox.
type PullArgs struct {
	Endpoint string `json:"endpoint" river:"unique"`
}

func (PullArgs) Kind() string { return KindPull }
func (PullArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: whileLive}}
}

// IngestArgs ingests one pulled file, named by its endpoint and content.
type IngestArgs struct {
	Endpoint string `json:"endpoint" river:"unique"`
	SHA256   string `json:"sha256" river:"unique"`
}

func (IngestArgs) Kind() string { return KindIngest }
func (IngestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: onceEver}}
}

// DeliverArgs delivers one file of the ledger's deliveries to its endpoint.
type DeliverArgs struct {
	Endpoint string `json:"endpoint" river:"unique"`
	Name     string `json:"name" river:"unique"`
}

func (DeliverArgs) Kind() string { return KindDeliver }
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: onceEver}}
}

// ScoreArgs scores the batch of records one file brought.
type ScoreArgs struct {
	Endpoint string `json:"endpoint" river:"unique"`
	SHA256   string `json:"sha256" river:"unique"`
}

func (ScoreArgs) Kind() string { return KindScore }
func (ScoreArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: onceEver}}
}
