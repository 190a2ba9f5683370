#!/usr/bin/env bash
# Throughput of cheap requests (ping) and of direct upstream tool calls (tools/call of server-everything's echo) with
# several clients at once, over the Unix socket and over HTTP in both protocol eras, with the gateway's CPU time per
# request (docs/benchmarks.md, "Throughput"). Needs the distribution and interop/node_modules (./mvnw -B package
# -DskipTests builds both). Loopback only; Linux (reads /proc).
# Usage: [ONLY=socket:tools/call,...] bench/throughput.sh [clients] [seconds per measure]   (default 4 clients, 10 s)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
socket_dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work" "$socket_dir"' EXIT
SOCKET_PATH="$socket_dir/conduit.sock"
# Measured once every engine is warm: the CPU per request is the server's, and the engines' warm-up (GraalPy's takes
# seconds of CPU) counted in the first measures otherwise.
WAIT_FOR="${WAIT_FOR:-graaljs.ready: graalpy.ready: rhino.runs.programs deno.runs.programs}"
source bench/start-conduit.sh

echo "{\"machine\":\"$(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo)\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
(cd interop && "../$node" bench-throughput.mjs "$url" "$BENCH_KEY" "$pid" "$SOCKET_PATH" "$@")
