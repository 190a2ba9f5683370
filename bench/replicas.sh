#!/usr/bin/env bash
# Scale-out (issue 21): one replica against two behind nginx (round-robin), and the shared store's cost. Starts a
# Redis (redis-server), two distributions sharing cluster.secret and the store (a requests bucket large enough never
# to refuse, so that every request asks the store), a third without a store, and nginx in front of the first two; all
# on loopback and on this machine's cores (2 here: CPU-bound work cannot scale, I/O-bound work can). Workloads:
# cheap requests (server/discover, 4 clients) and programs each waiting 200 ms on an upstream call (128 clients).
# Needs the distribution, interop/node_modules, redis-server and nginx. Usage: bench/replicas.sh [seconds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-10}"
node=interop/node_modules/node/bin/node
scratch="$(mktemp -d)"
pids=()
works=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$scratch" "${works[@]}"' EXIT
free_port() { "$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > "$scratch/redis.log" 2>&1 &
pids+=($!)
export CONDUIT_CLUSTER_SECRET="bench-cluster-secret-$(date +%s%N)"
shared=$'cluster:\n  secret: ${CONDUIT_CLUSTER_SECRET}\nexecutors:\n  per-key: 256\npolicy:\n  rate-limits:\n    requests: {rate: 1000000/s, burst: 1000000}\n    store:\n      url: redis://127.0.0.1:'"$redis_port"
local_only=$'executors:\n  per-key: 256\npolicy:\n  rate-limits:\n    requests: {rate: 1000000/s, burst: 1000000}'

EXTRA_YAML="$shared" source bench/start-conduit.sh
pids+=("$pid"); works+=("$work"); first="$url"; key="$BENCH_KEY" # exported: the next replicas take the same key
EXTRA_YAML="$shared" source bench/start-conduit.sh
pids+=("$pid"); works+=("$work"); second="$url"
EXTRA_YAML="$local_only" source bench/start-conduit.sh
pids+=("$pid"); works+=("$work"); alone="$url"

nginx_port="$(free_port)"
port_of() { sed -E 's#http://[^:]+:([0-9]+)/.*#\1#' <<< "$1"; }
# The balancer: deploy/nginx/conduit.conf with these replicas' ports and a free one of its own.
sed -e "s/127.0.0.1:8081/127.0.0.1:$(port_of "$first")/" -e "s/127.0.0.1:8082/127.0.0.1:$(port_of "$second")/" \
    -e "s/listen 8080;/listen 127.0.0.1:$nginx_port;/" deploy/nginx/conduit.conf > "$scratch/balancer.conf"
source deploy/nginx/standalone.sh
nginx_standalone_conf "$scratch/nginx" "$scratch/balancer.conf"
nginx_standalone_start "$scratch/nginx"
pids+=("$nginx_pid")
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$nginx_port") 2>/dev/null && break; sleep 0.1; done
balanced="http://127.0.0.1:$nginx_port/mcp"

echo "{\"machine\":\"$(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo)\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
b() { (cd interop && "../$node" bench-replicas.mjs "$@"); }
# What each decision costs the store, before any of Conduit: a round trip to Redis on loopback.
echo "{\"redisRoundTripMs\":\"$(timeout 3 redis-cli -p "$redis_port" --latency --raw 2>/dev/null | tail -1 | awk '{print $3 " average over " $4 " pings"}')\"}"
b "$alone" "$key" "1 replica, buckets in memory" cheap 1 "$seconds"
b "$first" "$key" "1 replica, buckets in Redis" cheap 1 "$seconds"
b "$first" "$key" "1 replica (Redis)" cheap 4 "$seconds"
b "$balanced" "$key" "2 replicas behind nginx (Redis)" cheap 4 "$seconds"
b "$first" "$key" "1 replica (Redis)" io 128 "$seconds" 200
b "$balanced" "$key" "2 replicas behind nginx (Redis)" io 128 "$seconds" 200
