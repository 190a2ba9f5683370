// The official TypeScript SDK v2 client (@modelcontextprotocol/client) against Conduit in the modern era
// (2026-07-28): pinned to that revision, and in 'auto' mode (which probes server/discover and must stay modern).
// Lists tools, calls an upstream tool and the gateway's execution tool, and answers an upstream's elicitation and
// sampling, which reach it as input_required results (Multi Round-Trip Requests). Prints one JSON object.
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
  const client = new Client({ name: "conduit-modern-it", version: "1.0.0" },
    { versionNegotiation: { mode }, capabilities: { elicitation: {}, sampling: {} } });
  const out = { elicited: 0, sampled: 0 };
  client.setRequestHandler("elicitation/create", async () => {
    out.elicited++;
    return { action: "accept", content: { name: "Grace Hopper", check: true, firstLine: "Once", integer: 3,
                                          number: 2.5, enum: "value1", untitledSingleSelectEnum: "value1",
                                          titledSingleSelectEnum: "value1" } };
  });
  client.setRequestHandler("sampling/createMessage", async () => {
    out.sampled++;
    return { role: "assistant", model: "modern-test-model", content: { type: "text", text: "sampled in rounds" } };
  });
  await client.connect(transport());
  out.era = client.getProtocolEra();
  const tools = await client.listTools();
  out.tools = tools.tools.map((tool) => tool.name);
  const echo = await client.callTool({ name: "everything__echo", arguments: { message: "modern" } });
  out.echo = echo.content?.[0]?.text ?? null;
  const program = await client.callTool({ name: "execute_javascript", arguments: {
    code: "const r = await tools.everything.echo({ message: 'from a program' }); return r;" } });
  out.program = program.structuredContent ?? null;
  const elicitation = await client.callTool({ name: "everything__trigger-elicitation-request", arguments: {} });
  out.elicitation = elicitation.content?.map((c) => c.text ?? "").join("\n") ?? null;
  const sampling = await client.callTool({ name: "everything__trigger-sampling-request",
                                           arguments: { prompt: "in rounds" } });
  out.sampling = sampling.content?.map((c) => c.text ?? "").join("\n") ?? null;
  await client.close();
  return out;
}

const out = {};
out.pinned = await session({ pin: "2026-07-28" });
out.auto = await session("auto");
console.log(JSON.stringify(out));
