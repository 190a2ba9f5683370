#!/usr/bin/env bash
# Median added latency of one tools/call through Conduit, against calling the same stdio upstream directly.
# Needs the distribution and interop/node_modules (./mvnw -B install -DskipTests builds both). Loopback only.
# Usage: bench/tool-call-latency.sh [calls]   (default 1000)
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
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/log"; exit 1; }

(cd interop && "../$node" bench-latency.mjs direct "$calls")
(cd interop && "../$node" bench-latency.mjs gateway "$calls" "$url" "$BENCH_KEY")
(cd interop && "../$node" bench-latency.mjs gateway-ping "$calls" "$url" "$BENCH_KEY")
