#!/usr/bin/env bash
# Which engine for which work (docs/code-mode.md, "Choosing an engine"; docs/benchmarks.md, "Workloads per engine"):
# a tight loop, JSON of 100,000 records, string processing, sorting and a tool-call-bound program on every engine,
# one program at a time, medians of the executions' own durations. Needs the distribution and interop/node_modules
# (./mvnw -B package -DskipTests builds both). Loopback only.
# Usage: bench/workloads.sh [runs] [workload]   (default 5 per engine and workload, after one warm-up run; every
# workload, or those whose name matches the second argument, a regular expression). PAUSE_MS=150 waits that long
# before each program, as an agent's programs come; WARMUP=20 runs twenty programs first instead of one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
WAIT_FOR="graaljs.ready graalpy.ready"
source bench/start-conduit.sh

echo "{\"machine\":\"$(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo)\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
(cd interop && "../$node" bench-workloads.mjs "$url" "$BENCH_KEY" "$@")
