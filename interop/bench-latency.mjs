// Measures the latency of one tools/call of server-everything's echo, directly over stdio and through Conduit.
// Usage: node bench-latency.mjs direct <calls>
//        node bench-latency.mjs gateway <calls> <url> <api-key>
//        node bench-latency.mjs gateway-ping <calls> <url> <api-key>   (HTTP round trip without an upstream)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { fileURLToPath } from "node:url";

const [mode, callsArg = "500", url, key] = process.argv.slice(2);
const calls = Number(callsArg);
const everything = fileURLToPath(new URL("node_modules/@modelcontextprotocol/server-everything/dist/index.js",
                                          import.meta.url));
const client = new Client({ name: "conduit-bench", version: "1.0.0" });
const transport = mode === "direct"
  ? new StdioClientTransport({ command: process.execPath, args: [everything, "stdio"], stderr: "ignore" })
  : new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
await client.connect(transport);
const tool = mode === "direct" ? "echo" : "everything__echo";

const once = async (i) => {
  const started = process.hrtime.bigint();
  if (mode === "gateway-ping") {
    await client.ping();
    return Number(process.hrtime.bigint() - started) / 1000;
  }
  const result = await client.callTool({ name: tool, arguments: { message: `m${i}` } });
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  if (result.content[0].text !== `Echo: m${i}`) throw new Error(`wrong answer ${JSON.stringify(result)}`);
  return micros;
};
for (let i = 0; i < 100; i++) await once(i);             // warm-up: JIT on both sides, connections open
const samples = [];
for (let i = 0; i < calls; i++) samples.push(await once(i));
samples.sort((a, b) => a - b);
const pick = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
console.log(JSON.stringify({ mode, calls, medianMicros: Math.round(pick(0.5)), p90Micros: Math.round(pick(0.9)),
                             p99Micros: Math.round(pick(0.99)) }));
await client.close();
