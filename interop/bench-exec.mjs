// Code Mode latency and throughput through Conduit's /mcp, with fetch or, with HTTP_CLIENT=lean, a bare-socket client (one
// session per client).
// Usage: node bench-exec.mjs <url> <api-key> <calls> <clients>
//        <program: trivial|typescript|tools10|parallel10|python|throws> [engine]
// "tools10" awaits ten echo calls one after another, "parallel10" the same ten at once (Promise.all). "throws" is a
// JavaScript program that fails (exitCode 1): its guest thread ends after it (ExecutionPool).
import { jsonRpcAnswer, leanHttpClient } from "./lean-http.mjs";
const [url, key, callsArg = "500", clientsArg = "1", program = "trivial", engine] = process.argv.slice(2);
const calls = Number(callsArg), clients = Number(clientsArg);
const code = program === "trivial" || program === "python" ? "1 + 1"
  : program === "typescript" ? "const n: number = 1 + 1; return n;"
  : program === "throws" ? "throw new Error('failed ' + (1 + 1));"
  : program === "parallel10" ? "const all = await Promise.all(Array.from({length: 10}, (_, i) => "
    + "tools.everything.echo({message: 'm' + i}))); return all.reduce((n, text) => n + text.length, 0);"
  : "let n = 0; for (let i = 0; i < 10; i++) { n += (await tools.everything.echo({message: 'm' + i})).length; } return n;";
const tool = program === "python" ? "execute_python" : program === "typescript" ? "execute_typescript"
  : "execute_javascript";
const headers = { "content-type": "application/json", accept: "application/json, text/event-stream",
                  authorization: `Bearer ${key}` };

// UNIQUE=1: every program differs (a trailing comment), as an agent's do, so no engine reuses an earlier parse.
let sent = 0;
const comment = program === "python" ? "#" : "//";
const source = () => process.env.UNIQUE === "1" ? `${code}\n${comment} ${process.pid}-${sent++}` : code;

async function session() {
  const r = await fetch(url, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 0,
    method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "b", version: "1" } } }) });
  await r.text();
  return r.headers.get("mcp-session-id");
}

// HTTP_CLIENT=lean sends the requests from a bare socket (lean-http.mjs) instead of fetch, whose own CPU per program
// (0.9-1.5 ms, measured) is on every latency's path with one client.
const lean = process.env.HTTP_CLIENT === "lean";

/** send(text) -> the answer's JSON, over fetch or the bare-socket client. */
async function sender(h) {
  if (!lean) {
    return async (text) => (await fetch(url, { method: "POST", headers: h, body: text })).json();
  }
  const send = await leanHttpClient(new URL(url), h);
  return async (text) => {
    const answer = await send(text);
    if (answer.status !== 200) {
      throw new Error(`HTTP ${answer.status}: ${answer.body}`);
    }
    return jsonRpcAnswer(answer);
  };
}

async function client(count, samples) {
  const sid = await session();
  const send = await sender({ ...headers, "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" });
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    const body = await send(JSON.stringify({ jsonrpc: "2.0", id: i + 1, method: "tools/call",
      params: { name: tool, arguments: { code: source(), ...(engine ? { engine } : {}) } } }));
    if (body.result?.structuredContent?.exitCode !== (program === "throws" ? 1 : 0)) {
      throw new Error(JSON.stringify(body));
    }
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
}

await client(300, []);                                    // warm-up: the JIT compiles the request path
const samples = [];
const clientCpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: clients }, () => client(Math.ceil(calls / clients), samples)));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const clientCpu = process.cpuUsage(clientCpuBefore);
samples.sort((a, b) => a - b);
const pick = (q) => Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]);
console.log(JSON.stringify({ program, engine: engine ?? "default", clients, ...(lean ? { client: "lean" } : {}),
                             calls: samples.length, p50Micros: pick(0.5), p99Micros: pick(0.99),
                             perSecond: Math.round(samples.length / seconds),
                             // this client's own CPU per program (fetch, JSON): with one client, part of each latency
                             clientCpuMicros: Math.round((clientCpu.user + clientCpu.system) / samples.length) }));
