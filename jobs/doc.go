// Package jobs is icss's daemon: every stage of the corridor as a small, idempotent
// River job, the schedules that start them, and the picture `icss status` shows.
//
// # Queue
//
// Jobs live in River (github.com/riverqueue/river): on SQLite (riversqlite over
// modernc.org/sqlite, in a file beside the ledger, "<ledger>-jobs.db") for one node,
// on the ledger's PostgreSQL database (riverpgxv5) for several. A job carries keys,
// never paths — an endpoint name, a file's SHA-256, a delivery's endpoint and name —
// and reads its input from the ledger and the blob store, so any node can run it.
//
// # Stages
//
//	schedule   one logical run of a schedule (its name and run time): starts its stage
//	pull       one endpoint's inbox into the raw store and the ledger (storage/sftp);
//	           an ingest per carrier file taken, an import for a port's returns
//	ingest     one pulled file: inspect and acknowledge (edi/acks), normalize
//	           (transforms/normalize), record the versions in the ledger; a file that
//	           is not EDI or a table, or yields nothing, is quarantined with the reason
//	score      one ingested batch, with the rule set, history, referrals and capacity
//	           in force; scores in the ledger, assessments in the records store
//	exam-list  one port's list at one cut-off (transforms/examlist), kept in the
//	           exam-lists store and the ledger, queued for the port's outbox and e-mail
//	deliver    one outgoing file (the ledger's deliveries row: acknowledgments, exam
//	           lists) into its endpoint's outbox, or an exam list by e-mail
//	           (storage/mail), exactly once
//	import     a port's returns (transforms/examimport): signed evidence, results
//	results    the next signed result batch and its delivery (transforms/results)
//	notices    hold and release notices (transforms/notices: Notify, Deliver)
//
// Each job is unique by what it acts on (River unique jobs), and each checks the
// ledger before it acts, so a stage enqueued twice, retried after a crash, or run by
// two nodes at once does its work once. A failing job is retried with exponential
// backoff (config jobs.retry_backoff..retry_backoff_max); after jobs.max_attempts it
// is parked (River "discarded"), counted by `icss status` and listed by `icss jobs
// list` until an operator retries or cancels it.
//
// An outage of our own blob store is nobody's input's fault: the pull leaves the
// carrier's files in the inbox uncharged (storage/sftp.ErrStorage), a stream the
// store breaks off is retried, never quarantined as bad input, and a job's last
// attempt is not spent while the store does not answer (it is snoozed until the
// store is back), so a long outage ends with the work caught up, not parked.
//
// # Schedules
//
// River's periodic jobs forget their state on restart, so schedules are kept here:
// every node computes the next run time of each schedule (package jobs/schedule) and
// inserts a schedule job unique by (schedule, run time); the job claims the run in the
// ledger (job_runs, keyed by the logical run time) before it acts. On start, a node
// looks up each schedule's last run in the ledger and, when a run time has passed
// since, runs the latest one once: downtime costs a late run, never a lost or a double
// one.
package jobs
