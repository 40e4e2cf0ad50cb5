#!/usr/bin/env bash
# make demo: the main job end to end, on embedded defaults, in .demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
icss=bin/icss
demo=.demo
rm -rf "$demo"; mkdir -p "$demo"
