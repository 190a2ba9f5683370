#!/usr/bin/env bash
# Issue 20's table in one run: every row measured on the distribution by the script that measures it (throughput.sh,
# startup.sh, first-executions.sh, code-mode.sh, waiting.sh), then printed beside the original TypeScript Conduit's
# figures from the issue (1.1.8 on Node 24, the same machine kind) with the ratio and whether the target holds.
# Takes 16-20 minutes on 2 cores; each script starts servers of its own, one at a time. Loopback only. Needs the
# distribution with its start-up cache (./mvnw -B install -DskipTests; a copied distribution starts without it) and
# interop/node_modules. Keeps every script's output in OUT (default: a new folder under /tmp, printed at the end).
# Usage: [OUT=<folder>] bench/table.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${OUT:-$(mktemp -d /tmp/conduit-table.XXXXXX)}"
mkdir -p "$out"
step() { # <name> <command...>: runs one script, its JSON lines kept in $out/<name>.jsonl
  local name="$1"
  shift
  echo "== $name: $*" >&2
  "$@" > "$out/$name.jsonl"
}
echo "{\"machine\":\"$(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo)\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"date\":\"$(date -u +%FT%TZ)\"}" > "$out/machine.json"
# HTTP measured with the bare-socket client, whose CPU per request is about the socket client's (two cores shared
# with the server); then with Node's http module, for the record
step throughput env HTTP_CLIENT=lean bench/throughput.sh 4 8
step throughput-node env ONLY=http-2026:tools/call bench/throughput.sh 4 8
step startup env RUNS=5 bench/startup.sh
step first-executions env ENGINES=default bench/first-executions.sh 200
# Programs from fetch, as the issue measured them; its own CPU per program (0.8-1.3 ms) is in the row. Then the ten
# echo calls again from the bare-socket client (0.1-0.3 ms per program), on a server of their own warmed the same way
# (docs/benchmarks.md, "The ten echo calls")
step code-mode env UNIQUE=1 bench/code-mode.sh 1000
step code-mode-lean env UNIQUE=1 HTTP_CLIENT=lean PROGRAMS=tools10 CLIENTS=1 bench/code-mode.sh 1000
step waiting bench/waiting.sh 200 2
interop/node_modules/node/bin/node interop/bench-table.mjs "$out"
echo "(each script's output: $out)" >&2
