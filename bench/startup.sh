#!/usr/bin/env bash
# Start-up, from the launch of bin/conduit on a configuration like the shipped one (the demo upstream, every
# engine): when the MCP socket answers, when readiness first reports a JavaScript engine available, when the first
# JavaScript program (no engine named) and the first Python program complete, and when every engine is warm; then the
# first program on each JavaScript engine named. Medians of RUNS starts (default 5), one at a time. Loopback only. Needs the distribution and interop/node_modules
# (./mvnw -B package -DskipTests builds both). NO_UPSTREAM=1 leaves the demo upstream out (a first program then
# waits for no tool list). Usage: [RUNS=<n>] [NO_UPSTREAM=1] [CONDUIT_DIST=<dist>] bench/startup.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
node=interop/node_modules/node/bin/node
# CONDUIT_DIST, when set, is the distribution to start instead of app/target/conduit (another build, to compare).
dist="$(cd "${CONDUIT_DIST:-app/target/conduit}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
free_port() { "$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
mcp_port="$(free_port)"
ops_port="$(free_port)"
key="bench-key-$(date +%s%N)"
cat > "$work/conduit.yaml" <<YAML
server:
  port: $mcp_port
  sockets:
    - name: ops
      port: $ops_port
auth:
  api-keys:
    - id: bench
      secret: \${BENCH_KEY}
YAML
if [ -z "${NO_UPSTREAM:-}" ]; then
  cat >> "$work/conduit.yaml" <<YAML
upstreams:
  - id: files
    command: node
    args: [$PWD/interop/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js, $PWD/demo/files]
    eager: true
YAML
fi
echo "{\"machine\":\"$(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo)\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"startupCache\":$([ -f "$dist/aot/conduit.aot" ] && echo true || echo false),\"upstream\":$([ -z "${NO_UPSTREAM:-}" ] && echo true || echo false)}"
# bin/conduit works out the heap for a configuration file once (a JVM start, about a second) and keeps the answer:
# asked here first, so that the first run pays no more than the others.
BENCH_KEY="$key" "$dist/bin/conduit" --config "$work/conduit.yaml" --heap > /dev/null
BENCH_KEY="$key" "$node" interop/bench-startup.mjs "$dist/bin/conduit" "$work/conduit.yaml" \
  "$mcp_port" "$ops_port" "$key" "${RUNS:-5}"
