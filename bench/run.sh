#!/bin/bash
# Run nook's benchmarks side by side with crun, runc and podman (issue 6).
#   make bench        full run (Release build); table + bench/results/<host>.json
#   make bench-smoke  BENCH_SMOKE=1: tiny sizes, < 60 s, no verdicts
# Binaries come from $NOOK_BIN_DIR, else build-release/bin, else build/bin.
# All knobs are env variables: see bench/bench.py and docs/performance.md.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${NOOK_BIN_DIR:-}" ]; then
    if [ -d "$REPO/build-release/bin" ]; then NOOK_BIN_DIR=$REPO/build-release/bin; else NOOK_BIN_DIR=$REPO/build/bin; fi
fi
export NOOK_BIN_DIR
export PYTHONDONTWRITEBYTECODE=1  # keep the tree clean
PY=$(command -v python3 || true)
[ -n "$PY" ] || { echo "bench: python3 is required" >&2; exit 1; }
exec "$PY" "$REPO/bench/bench.py" "$@"
