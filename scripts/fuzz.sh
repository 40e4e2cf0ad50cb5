#!/usr/bin/env bash
# Runs each fuzz target of the module for FUZZTIME (default 30s); go test takes one target at a time.
set -euo pipefail
fuzztime="${1:-30s}"
cd "$(dirname "$0")/.."
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $target ($fuzztime)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
	done
done
