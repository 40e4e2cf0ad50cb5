#!/usr/bin/env bash
# Runs the benchmarks COUNT times each and prints a benchstat summary (MB/s, allocs/op,
# B/op, and custom metrics). The raw results stay in bench.txt, so that two runs can be
# compared: benchstat old.txt bench.txt.
#   scripts/bench.sh [COUNT] [BENCHTIME]      environment: PKGS (default ./...), BENCH (regexp, default .)
# The machine's noise matters: compare runs made under the same load.
set -euo pipefail
count="${1:-6}"; benchtime="${2:-1s}"
cd "$(dirname "$0")/.."
scripts/test-deps.sh benchstat
# shellcheck disable=SC2086
go test -run '^$' -bench "${BENCH:-.}" -benchmem -count "$count" -benchtime "$benchtime" -timeout 90m ${PKGS:-./...} | tee bench.txt
"$(go env GOPATH)/bin/benchstat" bench.txt
