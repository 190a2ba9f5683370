// The official TypeScript SDK v2 client (@modelcontextprotocol/client) against Conduit in the modern era
// (2026-07-28): pinned to that revision, and in 'auto' mode (which probes server/discover and must stay modern).
// Lists tools, calls an upstream tool and the gateway's execution tool, and prints one JSON object.
// Usage: node modern-client.mjs http <url> <api-key>
//        node modern-client.mjs stdio <command> [args...]     (a Conduit started with --stdio)
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

const [kind, ...rest] = process.argv.slice(2);

function transport() {
  if (kind === "http") {
    const [url, key] = rest;
    return new StreamableHTTPClientTransport(new URL(url),
      { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
  }
  const [command, ...args] = rest;
  return new StdioClientTransport({ command, args, stderr: "ignore" });
}

async function session(mode) {
  const client = new Client({ name: "conduit-modern-it", version: "1.0.0" }, { versionNegotiation: { mode } });
  await client.connect(transport());
  const out = { era: client.getProtocolEra() };
  const tools = await client.listTools();
  out.tools = tools.tools.map((tool) => tool.name);
  const echo = await client.callTool({ name: "everything__echo", arguments: { message: "modern" } });
  out.echo = echo.content?.[0]?.text ?? null;
  const program = await client.callTool({ name: "execute_javascript", arguments: {
    code: "const r = await tools.everything.echo({ message: 'from a program' }); return r;" } });
  out.program = program.structuredContent ?? null;
  await client.close();
  return out;
}

const out = {};
out.pinned = await session({ pin: "2026-07-28" });
out.auto = await session("auto");
console.log(JSON.stringify(out));
