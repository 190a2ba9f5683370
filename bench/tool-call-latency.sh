#!/usr/bin/env bash
# Median added latency of one tools/call through Conduit, against calling the same stdio upstream directly.
# Needs the distribution and interop/node_modules (./mvnw -B package -DskipTests builds both). Loopback only.
# Usage: bench/tool-call-latency.sh [calls]   (default 1000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
calls="${1:-1000}"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
source bench/start-conduit.sh

(cd interop && "../$node" bench-latency.mjs direct "$calls")
(cd interop && "../$node" bench-latency.mjs gateway "$calls" "$url" "$BENCH_KEY")
(cd interop && "../$node" bench-latency.mjs gateway-ping "$calls" "$url" "$BENCH_KEY")
