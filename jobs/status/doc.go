// Package status is what an operator sees of a running icss: the Status model
// (per stage backlog, running, failed and parked jobs; schedules; quarantined
// files; pending deliveries; today's exam lists and selections; node health), its
// renderers (text for `icss status`, JSON for `icss status --json`, an HTML page),
// and the HTTP server of `icss run`: /healthz, /readyz, /metrics and the page.
//
// The daemon fills a Status; this package never reads the queue or the ledger
// itself, so the same picture is printed by the command and served by the page.
//
// # HTTP
//
// NewHandler serves:
//
//	GET /healthz      200 "ok" while the process runs (open)
//	GET /readyz       200 when every readiness check passes, else 503 (open; no error details)
//	GET /metrics      Prometheus exposition (behind auth when auth is configured)
//	GET /             the status page (behind auth)
//	GET /status.json  the Status as JSON, same fields as `icss status --json` (behind auth)
//
// Collector turns the same snapshot into Prometheus gauges (jobs by stage and state,
// schedules' last and next runs, quarantined files, outstanding deliveries, checks)
// for alerting; jobs/metrics holds the counters the jobs update as they work.
//
// The server listens on loopback by default. A non-loopback address is refused by
// Config.Validate unless a bearer token or a basic-auth user is configured: the page
// shows which containers were selected for exam. Credentials are compared in
// constant time.
package status
