#!/usr/bin/env bash
# What a request costs in each MCP protocol era: tools/list and a trivial execute_javascript through Conduit, 2025-11-25
# (a session) against 2026-07-28 (stateless, envelope and headers on every request), over one keep-alive connection.
# Needs the distribution and interop/node_modules (./mvnw -B package -DskipTests builds both). Loopback only.
# Usage: bench/eras.sh [requests]   (default 1000 per era and method, after 200 warm-up requests)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
requests="${1:-1000}"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
WAIT_FOR="graaljs.ready"
source bench/start-conduit.sh

(cd interop && "../$node" bench-eras.mjs "$url" "$BENCH_KEY" "$requests")
