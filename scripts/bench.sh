#!/usr/bin/env bash
# Runs every benchmark COUNT times and prints a benchstat summary (MB/s, allocs/op, B/op).
# The raw results stay in bench.txt so two runs can be compared: benchstat old.txt bench.txt
set -euo pipefail
count="${1:-6}"; benchtime="${2:-1s}"
cd "$(dirname "$0")/.."
scripts/test-deps.sh benchstat
go test -run '^$' -bench . -benchmem -count "$count" -benchtime "$benchtime" -timeout 60m ./... | tee bench.txt
"$(go env GOPATH)/bin/benchstat" bench.txt
