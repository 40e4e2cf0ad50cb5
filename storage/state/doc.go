// Package state is the ledger: the durable record of what icss has seen,
// fetched, processed and delivered, kept in SQL so that nothing is lost or
// done twice across crashes, restarts and nodes.
//
// # Databases
//
// SQLite (modernc.org/sqlite, pure Go) is the embedded default: WAL journal,
// busy_timeout so writers queue, synchronous=FULL, foreign keys, and
// BEGIN IMMEDIATE transactions. PostgreSQL (pgx) serves several nodes on one
// database. Both run the same contract suite (package statetest).
//
// # Schema
//
// The schema is a list of numbered SQL files per dialect, embedded in the
// binary and applied at Open inside one transaction each, recorded in
// schema_migrations (see Migrations). PostgreSQL nodes starting together
// serialize on an advisory lock. Times are stored as microseconds since the
// Unix epoch so both dialects sort and compare them alike.
//
// Tables: files (remote files and their states), shipments and
// shipment_versions (harmonized records, one version per distinct content),
// scores, exam_lists and exam_list_entries, exam_results, deliveries,
// control_numbers and job_runs.
//
// # Performance
//
// Measured with BenchmarkSQLite and BenchmarkPostgres (make bench) on the
// project's 2-core machine under load; the test PostgreSQL runs with fsync
// off, SQLite with synchronous=FULL on the local disk:
//
//	                              SQLite     PostgreSQL
//	FileSeen, new file            ~3,300/s   ~5,100/s
//	FileSeen, known identity      ~37,000/s  ~22,000/s
//	seen + fetched + archived     ~520/s     ~1,700/s
//	NextControlNumber             ~1,550/s   ~8,300/s
//	NextControlNumber, 4 workers  ~3,000/s   ~4,400/s
//
// Every change is one durable commit, so SQLite's figures are those of the
// disk's fsync; they are far above what a pull of carrier files needs.
//
// # Invariants
//
// Every state change is one transaction. A remote file identity (endpoint,
// name, size, mtime) is one row, however often it is listed; a content
// (endpoint, SHA-256) is taken by exactly one file, which a unique index
// enforces, and any later file with the same bytes is recorded as its
// duplicate and never processed. Control numbers come from one atomic
// statement. The clock is Config.Now.
package state
