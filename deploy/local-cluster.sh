#!/usr/bin/env bash
# A cluster on this machine, compose-style: a Redis, two replicas of the distribution on the shipped configuration
# (config/conduit.yaml) sharing cluster.secret and the store, and nginx round-robin in front of them. Clients use
# http://127.0.0.1:8080/mcp as with one server; the replicas listen on 8081/8082 (ops 9091/9092), Redis on 6390.
# Ctrl-C stops everything. Needs the distribution (./mvnw -B package -DskipTests), redis-server and nginx (Debian
# packages of those names) and CONDUIT_API_KEY in the environment; CONDUIT_CLUSTER_SECRET is made up when not set.
# Logs: the folder printed at start. Usage: deploy/local-cluster.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
: "${CONDUIT_API_KEY:?set it first: export CONDUIT_API_KEY=\$(openssl rand -hex 32)}"
export CONDUIT_CLUSTER_SECRET="${CONDUIT_CLUSTER_SECRET:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}"
for tool in redis-server /usr/sbin/nginx app/target/conduit/bin/conduit; do
  command -v "$tool" >/dev/null || { echo "local-cluster: $tool not found (see the comment at the top)" >&2; exit 1; }
done
state="$(mktemp -d)"
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM
echo "local-cluster: logs and configuration in $state" >&2

redis-server --port 6390 --bind 127.0.0.1 --save "" --appendonly no > "$state/redis.log" 2>&1 &
pids+=($!)
for i in 1 2; do
  # The shipped configuration with its own ports, its relative paths made absolute, and what replicas share.
  sed -e "s#\.\./#$root/#g" -e "s/^  port: 8080/  port: 808$i/" -e "s/^      port: 9090/      port: 909$i/" \
      config/conduit.yaml > "$state/replica-$i.yaml"
  cat >> "$state/replica-$i.yaml" <<YAML

cluster:
  secret: \${CONDUIT_CLUSTER_SECRET}
policy:
  rate-limits:
    store:
      url: redis://127.0.0.1:6390
YAML
  app/target/conduit/bin/conduit --config "$state/replica-$i.yaml" > "$state/replica-$i.log" 2>&1 &
  pids+=($!)
done
source deploy/nginx/standalone.sh
nginx_standalone_conf "$state/nginx" "$root/deploy/nginx/conduit.conf"
nginx_standalone_start "$state/nginx"
pids+=("$nginx_pid")
for i in 1 2; do
  until grep -q "ready: MCP at" "$state/replica-$i.log"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "local-cluster: replica $i stopped:" >&2; tail -5 "$state/replica-$i.log" >&2; exit 1
    fi
    sleep 0.2
  done
done
echo "local-cluster: ready: MCP at http://127.0.0.1:8080/mcp (2 replicas, Redis 6390); Ctrl-C stops it" >&2
wait
