// The benchmarks' one way to call a tool: a stateless 2026-07-28 `tools/call` over HTTP (envelope in _meta, the
// revision's headers), answered as JSON or as an SSE stream whose last data line is the response (a long program's
// answer is streamed, with keep-alive comments before it). Resolves to the JSON-RPC response and its raw text.
const META = { "io.modelcontextprotocol/protocolVersion": "2026-07-28",
               "io.modelcontextprotocol/clientCapabilities": {} };

export async function callTool(url, key, name, args) {
  const body = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args, _meta: META } };
  const response = await fetch(url, { method: "POST", body: JSON.stringify(body), headers: {
    "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: `Bearer ${key}`,
    "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": name } });
  const text = await response.text();
  const data = text.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5)).at(-1);
  return { answer: JSON.parse(data ?? text), text };
}
