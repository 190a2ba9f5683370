#!/usr/bin/env bash
# Code Mode through /mcp: p50/p99 of a trivial program, of ten tool calls and of trivial Python, and executions/s with 1, 4 and 16
# clients, plus the server's resident memory idle and after the load. Loopback only.
# Needs the distribution and interop/node_modules (./mvnw -B install -DskipTests builds both).
# Usage: bench/code-mode.sh [calls]   (default 1000 per measurement)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
calls="${1:-1000}"
node=interop/node_modules/node/bin/node
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

cat > "$work/conduit.yaml" <<YAML
server:
  port: 0
  sockets:
    - name: ops
      port: 0
auth:
  api-keys:
    - id: bench
      secret: \${BENCH_KEY}
transports:
  http:
    max-sessions: 100
upstreams:
  - id: everything
    command: $PWD/$node
    args: [$PWD/interop/node_modules/@modelcontextprotocol/server-everything/dist/index.js, stdio]
YAML
export BENCH_KEY="bench-key-$(date +%s%N)"
app/target/conduit/bin/conduit --config "$work/conduit.yaml" 2> "$work/log" &
pid=$!
for _ in $(seq 1 300); do
  url=$(sed -n 's/.*ready: MCP at \(http[^ ]*\) .*/\1/p' "$work/log")
  [ -n "$url" ] && grep -q "graaljs ready" "$work/log" && grep -q "graalpy ready" "$work/log" && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/log"; exit 1; }
rss() { ps -o rss= -p "$pid" | awk '{printf "%d MiB", $1/1024}'; }
echo "{\"rssIdle\":\"$(rss)\"}"
for program in trivial tools10 python; do
  for clients in 1 4 16; do
    (cd interop && "../$node" bench-exec.mjs "$url" "$BENCH_KEY" "$calls" "$clients" "$program")
  done
done
echo "{\"rssAfterLoad\":\"$(rss)\"}"
