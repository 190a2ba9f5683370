#!/usr/bin/env bash
# The memory limit under load (docs/benchmarks.md, "Memory limits"): per engine, programs that must complete (churn,
# a 10 MB JSON transform) and bombs 1, 4 and 8 at a time, with the server's peak resident memory (children included)
# and another client's latency meanwhile. Needs the distribution and interop/node_modules (./mvnw -B install
# -DskipTests builds both). Loopback only; Linux (reads /proc).
# Usage: bench/memory.sh [engines, comma-separated] [concurrencies]   (default: every engine; 1,4,8)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
WAIT_FOR="graaljs.ready graalpy.ready deno.ready"
EXTRA_YAML="limits:
  execution:
    wall-time: 2m
    cpu-time: 2m"
source bench/start-conduit.sh

(cd interop && "../$node" bench-memory.mjs "$url" "$BENCH_KEY" "$pid" "$@")
