# Sourced by the benchmark scripts: starts the distribution with server-everything as the stdio upstream "everything"
# on free loopback ports, waits until it is ready (and, with WAIT_FOR, until those log lines appear), and sets
# $url, $pid, $node, $work, BENCH_KEY and BENCH_OTHER_KEY (a second key, for another client; both kept when already
# set, so that several servers accept the same keys). The caller's EXIT trap
# should kill $pid and remove $work. EXTRA_YAML, when set, is appended to the configuration (for example an executors
# node); SOCKET_PATH, when set, adds the Unix socket listener there. CONDUIT_DIST, when set, is the distribution to
# start instead of app/target/conduit (another build, to compare against).
node=interop/node_modules/node/bin/node
work="$(mktemp -d)"
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
    - id: other          # another client: its own key, so its own executions-per-key slots
      secret: \${BENCH_OTHER_KEY}
transports:
  http:
    max-sessions: 10000
${SOCKET_PATH:+  socket:
    path: $SOCKET_PATH}
upstreams:
  - id: everything
    command: $PWD/$node
    args: [$PWD/interop/node_modules/@modelcontextprotocol/server-everything/dist/index.js, stdio]
YAML
printf '%s\n' "${EXTRA_YAML:-}" >> "$work/conduit.yaml"
export BENCH_KEY="${BENCH_KEY:-bench-key-$(date +%s%N)}"
export BENCH_OTHER_KEY="${BENCH_OTHER_KEY:-bench-other-$(date +%s%N)}"
"${CONDUIT_DIST:-app/target/conduit}"/bin/conduit --config "$work/conduit.yaml" 2> "$work/log" &
pid=$!
url=""
for _ in $(seq 1 600); do
  url=$(sed -n 's/.*ready: MCP at \(http[^ ]*\) .*/\1/p' "$work/log")
  ready=yes
  for line in ${WAIT_FOR:-}; do
    grep -q "$line" "$work/log" || ready=no
  done
  [ -n "$url" ] && [ "$ready" = yes ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/log"; exit 1; }
