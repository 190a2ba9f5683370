// Throughput of cheap requests (ping; server/discover in the 2026-07-28 era) and of direct upstream tool calls through
// Conduit: C clients at once (default 4), each sending one request after another on a keep-alive connection of its
// own, for S seconds per measure after 5 s of warm-up. Over HTTP in both protocol eras (2025-11-25 with a session,
// 2026-07-28 stateless) and over the Unix socket (the line protocol). For each measure: requests per second, p50 and
// p99 latency, the CPU time the gateway process spent per request (from /proc/<pid>/stat; its children, such as
// the upstream, are not counted) and the CPU time this client spent per request (on a machine of few cores it is
// taken from the gateway's). HTTP_CLIENT=lean sends HTTP from a bare socket instead of Node's http module
// (lean-http.mjs). Prints one JSON line per measure.
// Usage: node bench-throughput.mjs <url> <api-key> <server-pid> <socket-path> [clients] [seconds]
import http from "node:http";
import net from "node:net";
import { readFileSync } from "node:fs";
import { leanHttpClient } from "./lean-http.mjs";

const [url, key, serverPid, socketPath, clientsArg = "4", secondsArg = "10"] = process.argv.slice(2);
const clients = Number(clientsArg);
const seconds = Number(secondsArg);
const target = new URL(url);
const MODERN = "2026-07-28";
const LEGACY = "2025-11-25";
const meta = { "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {},
               "io.modelcontextprotocol/clientInfo": { name: "conduit-bench-throughput", version: "1" } };

/** CPU time of a process so far, in milliseconds (utime + stime, in clock ticks of 10 ms). */
function cpuMillis(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One HTTP client: a keep-alive connection of its own; send(body, headers) resolves to the response text. */
function httpClient() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return (body, headers) => new Promise((resolve, reject) => {
    const request = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname,
                                   method: "POST", headers: {
        "Content-Type": "application/json", Accept: "application/json, text/event-stream",
        Authorization: `Bearer ${key}`, "Content-Length": Buffer.byteLength(body), ...headers } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => { text += chunk; });
      response.on("end", () => response.statusCode === 200 || response.statusCode === 202 ? resolve(text)
        : reject(new Error(`HTTP ${response.statusCode}: ${text}`)));
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** The bare-socket client with this bench's fixed headers; send(body, headers) resolves to the answer's text. */
async function leanClient(target, key) {
  const send = await leanHttpClient(target, { "Content-Type": "application/json",
                                              Accept: "application/json, text/event-stream",
                                              Authorization: `Bearer ${key}` });
  return async (body, headers) => {
    const answer = await send(body, headers);
    if (answer.status !== 200 && answer.status !== 202) {
      throw new Error(`HTTP ${answer.status}: ${answer.body}`);
    }
    return answer.body;
  };
}

/**
 * One line-protocol client on the Unix socket: send(body) resolves to the answer line (one request at a time);
 * notifications in between are skipped.
 */
async function socketClient() {
  const socket = net.createConnection(socketPath);
  await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("error", reject); });
  socket.setEncoding("utf8");
  let buffered = "";
  let waiting = null;
  socket.on("data", (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.includes('"id"')) {
        continue; // a notification (tools/list_changed as the upstream's tools arrive), not the answer
      }
      const resolve = waiting;
      waiting = null;
      resolve?.(line);
    }
  });
  return (body) => new Promise((resolve) => {
    waiting = resolve;
    socket.write(body + "\n");
  });
}

/** Opens a 2025-era session on a client of its own and answers the headers its requests carry. */
async function legacySession(send) {
  const opened = await new Promise((resolve, reject) => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: LEGACY,
      capabilities: {}, clientInfo: { name: "conduit-bench-throughput", version: "1" } } });
    const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
                 Authorization: `Bearer ${key}` } }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.headers["mcp-session-id"]));
    });
    request.on("error", reject);
    request.end(body);
  });
  const headers = { "Mcp-Session-Id": opened, "MCP-Protocol-Version": LEGACY };
  await send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }), headers);
  return headers;
}

// The cheap request: ping, which the 2026-07-28 revision no longer has; there, server/discover.
const requests = {
  ping: () => ({ method: "ping", params: undefined }),
  "server/discover": () => ({ method: "server/discover", params: undefined }),
  "tools/call": () => ({ method: "tools/call", params: { name: "everything__echo", arguments: { message: "hi" } } }),
};

function body(id, method, params, modern) {
  const message = { jsonrpc: "2.0", id, method };
  if (params !== undefined || modern) {
    message.params = { ...(params ?? {}), ...(modern ? { _meta: meta } : {}) };
  }
  return JSON.stringify(message);
}

async function measure(transport, method) {
  const senders = [];
  for (let i = 0; i < clients; i++) {
    if (transport === "socket") {
      const send = await socketClient();
      let authenticated = false;
      senders.push((id) => {
        const { params } = requests[method]();
        const message = JSON.parse(body(id, method, params, false));
        if (!authenticated) {
          message.auth = { bearerToken: key };
          authenticated = true;
        }
        return send(JSON.stringify(message));
      });
    } else {
      const send = process.env.HTTP_CLIENT === "lean" ? await leanClient(target, key) : httpClient();
      const modern = transport === "http-2026";
      const headers = modern ? { "MCP-Protocol-Version": MODERN, "Mcp-Method": method,
                                 ...(method === "tools/call" ? { "Mcp-Name": "everything__echo" } : {}) }
                             : await legacySession(send);
      senders.push((id) => send(body(id, method, requests[method]().params, modern), headers));
    }
  }
  const run = async (until, latencies) => {
    await Promise.all(senders.map(async (send, client) => {
      for (let n = 0; performance.now() < until; n++) {
        const started = performance.now();
        const answer = await send(client * 10_000_000 + n + 1);
        if (!answer.includes("\"result\"")) {
          throw new Error(`${transport} ${method}: ${answer.slice(0, 300)}`);
        }
        latencies?.push(performance.now() - started);
      }
    }));
  };
  await run(performance.now() + 5000); // warm-up: the JIT compiles this path (a shorter one measured the compiler)
  const latencies = [];
  const cpuBefore = cpuMillis(serverPid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await run(started + seconds * 1000, latencies);
  const elapsed = performance.now() - started;
  const cpu = cpuMillis(serverPid) - cpuBefore;
  const clientCpu = process.cpuUsage(clientBefore);
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  console.log(JSON.stringify({ transport, method, clients,
    ...(transport !== "socket" && process.env.HTTP_CLIENT === "lean" ? { client: "lean" } : {}), perSecond: Math.round(latencies.length / elapsed * 1000),
    p50Ms: +at(0.5).toFixed(2), p99Ms: +at(0.99).toFixed(2), serverCpuMsPerRequest: +(cpu / latencies.length)
      .toFixed(3), clientCpuMsPerRequest: +((clientCpu.user + clientCpu.system) / 1000 / latencies.length).toFixed(3) }));
}

// ONLY=socket:tools/call (a comma-separated list of transport:method) measures those alone.
const only = process.env.ONLY ? process.env.ONLY.split(",") : null;
const wanted = (transport, method) => !only || only.includes(`${transport}:${method}`);
for (const transport of ["socket", "http-2025", "http-2026"]) {
  const method = transport === "http-2026" ? "server/discover" : "ping";
  if (wanted(transport, method)) await measure(transport, method);
}
for (const transport of ["socket", "http-2025", "http-2026"]) {
  if (wanted(transport, "tools/call")) await measure(transport, "tools/call");
}
process.exit(0);
