// Clients of both eras through Conduit to upstreams of the 2026-07-28 era only (modern-server.mjs over stdio as
// "modern" and over Streamable HTTP as "remote"): the official SDK v1 client (2025 era) gets the upstream's multi
// round-trip questions as requests of the gateway's own, the SDK v2 client pinned to 2026-07-28 gets them as
// input_required; both see the gateway's envelope reach the upstream, a program's tool call wait for the answer, and
// a tool the upstream adds appear (the gateway listens with subscriptions/listen). Prints one JSON object.
// Usage: node era-client.mjs <url> <api-key>
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as TransportV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url, key] = process.argv.slice(2);
const requestInit = { headers: { Authorization: `Bearer ${key}` } };
const text = (result) => result.content?.map((c) => c.text ?? "").join("\n") ?? null;

function answers(out, name) {
  return {
    elicit: async (request) => {
      out.elicited.push(request.params.message);
      return { action: "accept", content: { name } };
    },
    sample: async (request) => {
      out.sampled.push(request.params.messages.map((m) => m.content.text).join(" "));
      return { role: "assistant", model: "era-test-model", content: { type: "text", text: `hello from ${name}` } };
    },
  };
}

// The questions an upstream asks through a tool call, direct and from a program, and the envelope it saw.
async function exercise(client, out) {
  out.envelope = JSON.parse(text(await client.callTool({ name: "modern__envelope", arguments: {} })));
  out.echo = text(await client.callTool({ name: "remote__echo", arguments: { text: "hi" } }));
  out.route = text(await client.callTool({ name: "remote__route", arguments: { region: "eu-west" } }));
  out.confirm = text(await client.callTool({ name: "modern__confirm", arguments: { action: "deploy" } }));
  out.remoteConfirm = text(await client.callTool({ name: "remote__confirm", arguments: { action: "release" } }));
  out.sample = text(await client.callTool({ name: "remote__sample", arguments: { prompt: "say hello" } }));
  const program = await client.callTool({ name: "execute_javascript", arguments: {
    code: "const r = await tools.modern.confirm({ action: 'from a program' }); return JSON.stringify(r);" } });
  out.program = program.structuredContent?.result ?? program.content?.[0]?.text ?? null;
}

// A tool whose upstream asks the client something, called by a client that cannot answer: what it was told.
async function askingTool(client) {
  try {
    const refused = await client.callTool({ name: "modern__confirm", arguments: { action: "deploy" } });
    return { isError: refused.isError ?? false, text: text(refused) };
  } catch (e) {
    return { code: e.code, text: e.message };
  }
}

const out = {};

// 2025 era: questions arrive as elicitation/create and sampling/createMessage requests.
out.legacy = { elicited: [], sampled: [] };
const legacy = new ClientV1({ name: "conduit-era-legacy", version: "1.0.0" },
  { capabilities: { elicitation: {}, sampling: {} } });
const legacyAnswers = answers(out.legacy, "Ada");
legacy.setRequestHandler(ElicitRequestSchema, legacyAnswers.elicit);
legacy.setRequestHandler(CreateMessageRequestSchema, legacyAnswers.sample);
await legacy.connect(new TransportV1(new URL(url), { requestInit }));
out.legacy.version = legacy.transport.protocolVersion ?? null;
await exercise(legacy, out.legacy);

// A tool the upstream adds appears without waiting for the cache TTL.
await legacy.callTool({ name: "remote__add_tool", arguments: {} });
const deadline = Date.now() + 20000;
out.legacy.late = false;
while (Date.now() < deadline && !out.legacy.late) {
  out.legacy.late = (await legacy.listTools()).tools.some((tool) => tool.name === "remote__late");
  if (!out.legacy.late) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
await legacy.close();

// A 2025 client that declared nothing: the upstream's question cannot reach it, and it is told so.
const bare = new ClientV1({ name: "conduit-era-bare", version: "1.0.0" }, { capabilities: {} });
await bare.connect(new TransportV1(new URL(url), { requestInit }));
out.bare = await askingTool(bare);
await bare.close();

// 2026 era: the same questions arrive as input_required and are answered in rounds.
out.modern = { elicited: [], sampled: [] };
const modern = new Client({ name: "conduit-era-modern", version: "1.0.0" },
  { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { elicitation: {}, sampling: {} } });
const modernAnswers = answers(out.modern, "Grace");
modern.setRequestHandler("elicitation/create", modernAnswers.elicit);
modern.setRequestHandler("sampling/createMessage", modernAnswers.sample);
await modern.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit }));
out.modern.era = modern.getProtocolEra();
await exercise(modern, out.modern);
await modern.close();

// A 2026 client that declared nothing: its request runs without a round of its own, and the upstream's question ends
// it with the missing capability named.
const modernBare = new Client({ name: "conduit-era-modern-bare", version: "1.0.0" },
  { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: {} });
await modernBare.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit }));
out.modernBare = await askingTool(modernBare);
out.modernBare.echo = text(await modernBare.callTool({ name: "remote__echo", arguments: { text: "still served" } }));
await modernBare.close();

console.log(JSON.stringify(out));
