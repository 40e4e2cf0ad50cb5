// Package risk scores harmonized shipment records in bulk: a versioned, tested rule set
// over built-in indicators, watch lists, hit rates learned from exam outcomes, and the
// selection controls of a targeting centre (referrals, hit threshold, random floor,
// capacity). Every pick is explained.
//
// The package is pure and deterministic: no clock, no environment, no randomness but
// the seeded draw. The same records, rule set, history, referrals and seed give the same
// assessments, whatever the number of workers.
//
// # Rule sets
//
// A RuleSet is a YAML file both agencies read, agree on and version (name, version).
// Each rule has an id, a description, a weight, a condition (When) and optionally a
// numeric Value over the facts, written in expr-lang (github.com/expr-lang/expr) and
// compiled once; a Reason with {{expr}} placeholders; the exam types it calls for; and
// examples that must fire and must not fire, run by RunExamples (`icss risk test`).
// A rule that fires contributes Weight × Value (Value defaults to 1). The shipped set is
// DefaultRuleSet (rules/default.yaml, printed by `icss risk rules`):
//
//	rules:
//	  - id: SEAL-MISSING
//	    description: A loaded container has no seal (#20).
//	    weight: 15
//	    when: seal_missing
//	    reason: "{{seal_detail}}"
//	    exams: [nii_xray, devanning]
//	    examples:
//	      fire:     [{name: no seal, record: {key: S1, equipment: [{number: MSCU1234565, status: full, …}]}}]
//	      not_fire: [{name: sealed, record: {…}}]
//
// Conditions made of facts, literals, logic, comparisons and arithmetic run as Go
// closures (fast.go); anything else in the expr language runs on its VM, including
// conditions over any field of the record itself (Facts.Record, Go field names):
//
//	when: record.Conveyance.VesselFlag == "KP" || any(record.Parties, .Country == "KP")
//
// # Facts and indicators
//
// Facts are what expressions see (their expr names are the struct tags): a few record
// fields and the indicators of the RISK.md §4 catalogue, each with a *_detail text for
// reasons: vague descriptions (#1), description against HS chapter (#2), HS watch
// lists (#3), rare commodity–origin and commodity–port pairs (#5), unit value and
// weight per piece against HS peers, and gross weight over payload (#6, #7),
// first-time parties (#9), forwarder or "to order" consignees (#11), incomplete or
// PO-box addresses (#12), entity, address and vessel watch lists with fuzzy matching
// (#13), listed transshipment or loading ports (#16), origin ≠ loading country (#17),
// in transit (#19), missing or non-high-security seals (#20), ISO 6346 check digits
// (#21), late filing against the 24-hour rule (#24), amendments after loading and,
// given the earlier filings (Engine.WithVersions), amendments that change parties,
// goods, weight or containers and bills deleted and filed again (#25), missing or
// contradictory elements (#26), wood-packaging-prone goods and origins and
// "no WPM" on crates (#28, #29), soil-prone goods (#30).
//
// # History
//
// History is the feedback loop (#4, #10, #36): per key of each dimension (commodity
// HS4 and HS6, HS6×origin, HS6×port, lane, shipper, consignee, notify party, filer,
// carrier) how often it was seen, examined and found non-compliant, plus per HS6 the
// running distribution of unit values and weights per piece. Rates are smoothed
// hierarchically: (hits + m·parent) / (exams + m), where the parent of HS6×origin is
// HS6, of HS6 is HS4, of HS4 the overall rate. Facts.Hist gives each rate and its
// log-odds against the overall rate (woe). `icss risk learn` writes a history (and
// updates one with exam results by bill, ReadResults); `icss risk backtest` learns one
// from labelled tables and measures precision, recall and lift at 1, 2, 5 and 10 %
// inspection rates (Evaluate), with bootstrap intervals (BootstrapPrecision) and a
// weekly simulation of the feedback loop in which only examined records teach the
// history (Simulate, RISK.md §6.3).
//
// # Selection
//
// A record is selected, by the first path that applies: a partner or officer referral
// (Referrals, by bill or container); a score at or above Selection.Score ("rule"); at
// least Selection.Hits counting rules ("hits"); or its random draw below
// Selection.RandomRate ("random"). The draw hashes the seed with the key, so it is
// reproducible and auditable and does not depend on the order of the input.
// ApplyCapacity then fits the list to a budget per port and day ("capacity",
// "over_capacity").
//
// # Bulk scoring
//
// Engine.Score streams JSON lines in and out: one reader cuts the input into batches,
// a worker per CPU decodes and assesses them with its own Scratch, and the writer puts
// the batches back in input order. Batches go round a fixed free list, so memory is
// bounded and their buffers are reused. Facts live in the scratch, and each worker
// decodes only the fields scoring reads (projDecoder, unless a rule reads the record
// fact), into the arrays of its previous record, with the strings copied into a shared
// arena, so a clean record allocates little more than its pointers.
// BenchmarkScore measures the whole path, BenchmarkDecode the decoding; `make
// bench-binary` times the built `icss risk score` against Score in process and a
// line-split loop over the harmonized records of a 100 MB 309.
package risk
