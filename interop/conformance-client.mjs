// The gateway as the client the MCP conformance suite's client scenarios test (`conformance client --command ...`):
// for one scenario it starts the Conduit distribution over stdio with the scenario's mock server as its only
// upstream (Streamable HTTP, namespace ""), then, as an MCP client of the gateway (the official SDK), does what a
// scenario expects of a client: lists tools, resources and prompts, calls every tool (with the scenario's arguments
// when its context names them), reads every resource, gets every prompt, and answers the questions the upstream asks.
// What the suite checks is what the gateway sent its mock server. Only Rhino runs programs here: the scenarios call
// the mock's tools, not programs, and a gateway without the other engines starts in about a second.
// Usage (the suite appends the mock server's URL): node conformance-client.mjs <conduit home> <url>
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CreateMessageRequestSchema, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [home, url] = process.argv.slice(2);
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? "{}");
const dir = mkdtempSync(join(tmpdir(), "conduit-conformance-client-"));
const config = join(dir, "conduit.yaml");
writeFileSync(config, `server:
  host: 127.0.0.1
  port: 0
  sockets:
    - name: ops
      host: 127.0.0.1
      port: 0
auth:
  enabled: false
executors:
  enabled: [rhino]
policy:
  outbound:
    allow: [127.0.0.1, localhost]
upstreams:
  - id: mock
    namespace: ""
    type: http
    url: ${JSON.stringify(url)}
`);

const client = new Client({ name: "conduit-conformance-client", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } });
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  const content = {};
  for (const [name, property] of Object.entries(request.params.requestedSchema?.properties ?? {})) {
    content[name] = property.default ?? (property.type === "number" || property.type === "integer" ? 1
      : property.type === "boolean" ? true : property.enum?.[0] ?? "conformance");
  }
  return { action: "accept", content };
});
client.setRequestHandler(CreateMessageRequestSchema, async () =>
  ({ role: "assistant", model: "conformance-model", content: { type: "text", text: "sampled" } }));

/** Arguments for a tool: the context's, else values of the schema's required properties. */
function argumentsFor(tool, tools) {
  const given = (context.toolCalls ?? []).find((call) => call.name === tool.name);
  if (given) {
    return given.arguments;
  }
  if (tool.name === "json_schema_echo") {
    return { schema: tools.find((other) => other.name === "json_schema_2020_12_tool")?.inputSchema ?? {} };
  }
  const values = {};
  for (const name of tool.inputSchema?.required ?? []) {
    const type = tool.inputSchema.properties?.[name]?.type;
    values[name] = type === "number" || type === "integer" ? 1 : type === "boolean" ? true
      : type === "object" ? {} : type === "array" ? [] : "conformance";
  }
  return values;
}

async function all(list, key) {
  const items = [];
  for (let cursor; ;) {
    const page = await list(cursor ? { cursor } : {});
    items.push(...page[key]);
    if (!(cursor = page.nextCursor)) {
      return items;
    }
  }
}

const attempt = async (what) => {
  try {
    return await what();
  } catch (error) {
    console.error(String(error?.message ?? error));
    return undefined;
  }
};

const transport = new StdioClientTransport({ command: join(home, "bin", "conduit"), args: ["--stdio", "--config", config],
  stderr: "inherit" });
try {
  await client.connect(transport);
  const tools = (await attempt(() => all((p) => client.listTools(p), "tools"))) ?? [];
  const named = (context.toolCalls ?? []).map((call) => call.name);
  // The context's calls in its order (some scenarios check several calls of one tool), then every other tool once.
  for (const call of context.toolCalls ?? []) {
    await attempt(() => client.callTool({ name: call.name, arguments: call.arguments }));
  }
  // The gateway's own tools (programs, search) are not the scenario's.
  const own = (name) => name.startsWith("execute_") || name.endsWith("search_tools");
  for (const tool of tools.filter((t) => !named.includes(t.name) && !own(t.name))) {
    await attempt(() => client.callTool({ name: tool.name, arguments: argumentsFor(tool, tools) }));
  }
  const capabilities = client.getServerCapabilities() ?? {};
  if (capabilities.resources) {
    for (const resource of (await attempt(() => all((p) => client.listResources(p), "resources"))) ?? []) {
      await attempt(() => client.readResource({ uri: resource.uri }));
    }
  }
  if (capabilities.prompts) {
    for (const prompt of (await attempt(() => all((p) => client.listPrompts(p), "prompts"))) ?? []) {
      const args = Object.fromEntries((prompt.arguments ?? []).map((a) => [a.name, "conformance"]));
      await attempt(() => client.getPrompt({ name: prompt.name, arguments: args }));
    }
  }
} finally {
  await client.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
