// Drives a Conduit server with the official MCP TypeScript SDK client and prints what it saw as one JSON object.
// Usage: node sdk-client.mjs <url> [api-key]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, key] = process.argv.slice(2);
const headers = key ? { Authorization: `Bearer ${key}` } : {};
const out = {};

const client = new Client({ name: "conduit-it", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
await client.connect(transport);
out.sessionId = transport.sessionId;
out.protocolVersion = transport.protocolVersion;
out.serverVersion = client.getServerVersion();
out.capabilities = client.getServerCapabilities();

out.tools = (await client.listTools()).tools;
out.ping = await client.ping();

try {
  out.unknownTool = { result: await client.callTool({ name: "no_such_tool", arguments: {} }) };
} catch (e) {
  out.unknownTool = { code: e.code, message: e.message };
}

await transport.terminateSession();
out.sessionIdAfterDelete = transport.sessionId ?? null;

// The terminated id must now be unknown: a raw request with it gets 404.
const after = await fetch(url, {
  method: "POST",
  headers: {
    ...headers,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-session-id": out.sessionId,
    "mcp-protocol-version": out.protocolVersion,
  },
  body: JSON.stringify({ jsonrpc: "2.0", id: 99, method: "tools/list" }),
});
out.afterDelete = { status: after.status, body: await after.json() };

await client.close();
console.log(JSON.stringify(out));
