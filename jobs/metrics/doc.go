// Package metrics holds icss's Prometheus collectors (client_golang) behind a small
// API the jobs call as they work: files pulled and their bytes, records normalized,
// records scored and selected by path, exam lists, results, deliveries by channel
// and state, and each job's duration and failures.
//
// A nil *Metrics is valid and records nothing, so by-hand commands and tests that do
// not serve /metrics pass nil. Labels take only values from the configuration or
// fixed vocabularies (endpoint and port names, selection paths, channels, job
// kinds), never file names or IDs, so the number of series stays bounded.
package metrics
