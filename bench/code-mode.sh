#!/usr/bin/env bash
# Code Mode through /mcp: p50/p99 of a trivial JavaScript program, of ten tool calls and of trivial Python, and
# executions/s with 1, 4 and 16 clients, on every engine, plus the server's resident memory idle, after the load and 20 s later.
# Loopback only. DENO_POOL sets executors.deno.pool-size (default 2; 0 measures Deno without its pool).
# Needs the distribution and interop/node_modules (./mvnw -B package -DskipTests builds both).
# UNIQUE=1 makes every program differ (a trailing comment), as an agent's do, so no engine reuses an earlier parse.
# HTTP_CLIENT=lean sends the programs from a bare-socket client instead of fetch (interop/lean-http.mjs).
# PROGRAMS (default "trivial typescript tools10 python"; "parallel10" adds the ten calls at once (Promise.all),
# "throws" a JavaScript program that fails, whose guest thread then ends) and CLIENTS (default "1 4 16") choose the rows measured; every engine is warmed all the same.
# Usage: [ONLY=<engine>] [DENO_POOL=<n>] [UNIQUE=1] [HTTP_CLIENT=lean] [IDLE_WAIT=<s>] [PROGRAMS=<programs>]
#        [CLIENTS=<counts>] bench/code-mode.sh [calls]   (default 1000 per measurement)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
calls="${1:-1000}"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
WAIT_FOR="graaljs.ready graalpy.ready deno.ready"
EXTRA_YAML="executors:
  deno:
    pool-size: ${DENO_POOL:-2}"
source bench/start-conduit.sh

rss() { ps -o rss= -p "$pid" | awk '{printf "%d MiB", $1/1024}'; }
# Idle: every engine warm, then IDLE_WAIT seconds (default 15) for the warm-up's garbage to be collected and given
# back (right after "ready" the same server measured 356-451 MiB).
sleep "${IDLE_WAIT:-15}"
echo "{\"rssIdle\":\"$(rss)\"}"
# The Deno pool's own cost: the resident memory of the idle processes waiting for a program.
deno_rss() { ps -o rss= --ppid "$pid" -C deno 2>/dev/null | awk '{s+=$1} END {printf "%d MiB in %d processes", s/1024, NR}'; }
echo "{\"denoPoolRss\":\"$(deno_rss)\"}"
# Steady state, as a long-running gateway runs: the JIT compiles the request path and the engines' own code over
# the first thousands of requests (measured: trivial JavaScript 4.5 ms median over the first thousand, 1.1 ms by the
# third; GraalJS's ten tool calls 4-6 ms over the first two thousand, 3-3.4 ms from the fourth), so every engine is
# warmed with its programs before anything is measured.
for warm in "trivial graaljs 3000" "typescript graaljs 1000" "tools10 graaljs 3000" "python graalpy 300" \
            "trivial rhino 3000" "tools10 rhino 1500" "typescript deno 300"; do
  set -- $warm
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$2" ]; then continue; fi
  (cd interop && "../$node" bench-exec.mjs "$url" "$BENCH_KEY" "$3" 4 "$1" "$2" > /dev/null)
done
# Python last: GraalPy's context refills and its heap churn would otherwise run under the next rows.
for run in "trivial graaljs" "typescript graaljs" "tools10 graaljs" "parallel10 graaljs" "throws graaljs" \
           "trivial rhino" "tools10 rhino" "parallel10 rhino" "throws rhino" "trivial deno" "typescript deno" \
           "tools10 deno" "parallel10 deno" "python graalpy"; do
  set -- $run
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$2" ]; then continue; fi
  case " ${PROGRAMS:-trivial typescript tools10 python} " in *" $1 "*) ;; *) continue ;; esac
  for clients in ${CLIENTS:-1 4 16}; do
    (cd interop && "../$node" bench-exec.mjs "$url" "$BENCH_KEY" "$calls" "$clients" "$1" "$2")
  done
done
echo "{\"rssAfterLoad\":\"$(rss)\"}"
sleep 20 # what an idle server gives back (bin/conduit's heap flags; docs/code-mode.md, "Memory")
echo "{\"rssAfterIdle20s\":\"$(rss)\"}"
