// Load through one URL (a replica, or a balancer in front of several): C clients, each with a keep-alive connection
// of its own, sending stateless 2026-07-28 requests one after another for S seconds after 8 s of warm-up (WARM_MS). Workloads:
// "cheap" (server/discover) and "io" (execute_javascript of a program waiting on one upstream call of `waitMs`).
// Prints one JSON line: requests per second, p50 and p99 latency, errors.
// Usage: node bench-replicas.mjs <url> <api-key> <label> <cheap|io> [clients] [seconds] [waitMs]
import http from "node:http";

const [url, key, label, workload, clientsArg = "4", secondsArg = "10", waitArg = "200"] = process.argv.slice(2);
const target = new URL(url);
const meta = { "io.modelcontextprotocol/protocolVersion": "2026-07-28",
               "io.modelcontextprotocol/clientCapabilities": {} };
const seconds = Number(secondsArg);
const request = workload === "cheap"
  ? { method: "server/discover", params: { _meta: meta }, name: null }
  : { method: "tools/call", name: "execute_javascript", params: { name: "execute_javascript", _meta: meta,
      arguments: { engine: "rhino", limits: { memoryLimitMb: 8 }, code:
        `await tools.$raw('everything__trigger-long-running-operation', {duration: ${Number(waitArg) / 1000}, steps: 1}); return 1;` } } };

function client() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return (body) => new Promise((resolve, reject) => {
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
      Authorization: `Bearer ${key}`, "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": request.method,
      "Content-Length": Buffer.byteLength(body) };
    if (request.name) headers["Mcp-Name"] = request.name;
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST",
                               agent, headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => { text += chunk; });
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function run(durationMs, record) {
  const end = performance.now() + durationMs;
  await Promise.all(Array.from({ length: Number(clientsArg) }, async () => {
    const send = client();
    let id = 0;
    while (performance.now() < end) {
      const started = performance.now();
      const { status, text } = await send(JSON.stringify({ jsonrpc: "2.0", id: ++id, method: request.method,
                                                           params: request.params }));
      const ok = status === 200 && text.includes('"result"') && !text.includes('"isError":true');
      record(ok, performance.now() - started);
    }
  }));
}

await run(Number(process.env.WARM_MS ?? 8000), () => {});
const latencies = [];
let errors = 0;
await run(seconds * 1000, (ok, ms) => { if (ok) latencies.push(ms); else errors++; });
latencies.sort((a, b) => a - b);
const at = (q) => +latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))].toFixed(2);
console.log(JSON.stringify({ label, workload, clients: Number(clientsArg), perSecond: Math.round(latencies.length / seconds),
                             p50Ms: at(0.5), p99Ms: at(0.99), errors }));
process.exit(0);
