#!/usr/bin/env bash
# Programs waiting on tool calls at once (issue 20: at least 200 on 2 cores, CPU limits still enforced): 200
# programs (or the count given), each waiting 2 s on server-everything, sent together to a server with the default
# executors (256 guest threads, 4 turns to compute per core) and per-key raised to 256; on graaljs, then rhino.
# Prints completed programs, the time until the last answered, and the server's CPU for the whole batch. Needs the
# distribution and interop/node_modules (./mvnw -B package -DskipTests). Loopback only.
# Usage: bench/waiting.sh [count] [seconds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count="${1:-200}"
seconds="${2:-2}"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
EXTRA_YAML=$'executors:\n  per-key: 256' WAIT_FOR="graaljs.ready rhino.ready" source bench/start-conduit.sh
echo "{\"machine\":\"$(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo)\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
jvm="$(pgrep -P "$pid" java || echo "$pid")"
cpu() { awk '{print $14 + $15}' "/proc/$jvm/stat"; }
for engine in ${ENGINES:-graaljs rhino}; do
  (cd interop && "../$node" bench-waiting.mjs "$url" "$BENCH_KEY" 20 1 "$engine" > /dev/null) # warm the path
  before=$(cpu)
  (cd interop && "../$node" bench-waiting.mjs "$url" "$BENCH_KEY" "$count" "$seconds" "$engine")
  echo "{\"engine\":\"$engine\",\"serverCpuSeconds\":$(echo "scale=2; ($(cpu) - $before) / $(getconf CLK_TCK)" | bc)}"
done
