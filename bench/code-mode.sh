#!/usr/bin/env bash
# Code Mode through /mcp: p50/p99 of a trivial JavaScript program, of ten tool calls and of trivial Python, and
# executions/s with 1, 4 and 16 clients, plus the server's resident memory idle and after the load. Loopback only.
# Needs the distribution and interop/node_modules (./mvnw -B install -DskipTests builds both).
# Usage: bench/code-mode.sh [calls]   (default 1000 per measurement)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
calls="${1:-1000}"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
WAIT_FOR="graaljs.ready graalpy.ready"
source bench/start-conduit.sh

rss() { ps -o rss= -p "$pid" | awk '{printf "%d MiB", $1/1024}'; }
echo "{\"rssIdle\":\"$(rss)\"}"
for program in trivial tools10 python; do
  for clients in 1 4 16; do
    (cd interop && "../$node" bench-exec.mjs "$url" "$BENCH_KEY" "$calls" "$clients" "$program")
  done
done
echo "{\"rssAfterLoad\":\"$(rss)\"}"
