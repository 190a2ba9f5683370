#!/usr/bin/env bash
# The first 200 JavaScript executions after a start (issue 20: p50 at most the original's 8-11 ms): for each engine
# choice (none named, then graaljs, rhino, deno), a fresh start with server-everything as upstream, then 200 trivial
# programs one after another as soon as the server says ready. Needs the distribution and interop/node_modules
# (./mvnw -B package -DskipTests builds both). Loopback only. ENGINES picks the rows (default: "default graaljs rhino
# deno"; "default" names no engine). Usage: [ENGINES=...] bench/first-executions.sh [count]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count="${1:-200}"
echo "{\"machine\":\"$(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo)\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
for engine in ${ENGINES:-default graaljs rhino deno}; do
  [ "$engine" = default ] && engine=""
  (
    trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
    source bench/start-conduit.sh
    (cd interop && "../$node" bench-first-executions.mjs "$url" "$BENCH_KEY" "$engine" "$count")
  )
done
