// What a request costs in each protocol era: tools/list and a trivial execute_javascript through Conduit, sent as raw
// JSON-RPC over one keep-alive HTTP connection (Node's fetch), so that both eras go through the same client code. The
// 2025 era opens a session with initialize first; the 2026-07-28 era sends its envelope and headers on every request.
// Prints one JSON line per era and method: median, p90 and p99 in microseconds.
// Usage: node bench-eras.mjs <url> <api-key> [requests]
const [url, key, countArg = "1000"] = process.argv.slice(2);
const count = Number(countArg);
const WARM_UP = 200;

const base = { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
               Authorization: `Bearer ${key}` };

async function post(headers, body) {
  const response = await fetch(url, { method: "POST", headers: { ...base, ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`HTTP ${response.status}: ${text}`);
  }
  return { headers: response.headers, body: JSON.parse(text) };
}

async function legacyEra() {
  const opened = await post({}, { jsonrpc: "2.0", id: 0, method: "initialize", params: {
    protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "conduit-bench-eras", version: "1.0.0" } } });
  const session = opened.headers.get("mcp-session-id");
  const headers = { "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25" };
  await fetch(url, { method: "POST", headers: { ...base, ...headers },
                     body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) });
  return (id, method, params) => post(headers, { jsonrpc: "2.0", id, method, params });
}

function modernEra() {
  const meta = { "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                 "io.modelcontextprotocol/clientCapabilities": {},
                 "io.modelcontextprotocol/clientInfo": { name: "conduit-bench-eras", version: "1.0.0" } };
  return (id, method, params) => {
    const headers = { "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method };
    if (params.name) {
      headers["Mcp-Name"] = params.name;
    }
    return post(headers, { jsonrpc: "2.0", id, method, params: { ...params, _meta: meta } });
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function measure(era, send, method, params, check) {
  const times = [];
  for (let i = 0; i < WARM_UP + count; i++) {
    const started = process.hrtime.bigint();
    const answer = await send(i + 1, method, params);
    const micros = Number(process.hrtime.bigint() - started) / 1000;
    if (!check(answer.body)) {
      throw new Error(`${era} ${method}: unexpected answer ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
    if (i >= WARM_UP) {
      times.push(micros);
    }
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ era, method: params.name ?? method, requests: count,
                               p50: Math.round(percentile(times, 0.5)), p90: Math.round(percentile(times, 0.9)),
                               p99: Math.round(percentile(times, 0.99)) }));
}

const listed = (body) => Array.isArray(body.result?.tools) && body.result.tools.length > 0;
const ran = (body) => body.result?.structuredContent?.result === 1;
const program = { name: "execute_javascript", arguments: { code: "return 1" } };
// Interleaved, so that load on the machine falls on both eras alike.
const legacy = await legacyEra();
const modern = modernEra();
for (const round of [1, 2]) {
  await measure(`2025-11-25#${round}`, legacy, "tools/list", {}, listed);
  await measure(`2026-07-28#${round}`, modern, "tools/list", {}, listed);
  await measure(`2025-11-25#${round}`, legacy, "tools/call", program, ran);
  await measure(`2026-07-28#${round}`, modern, "tools/call", program, ran);
}
