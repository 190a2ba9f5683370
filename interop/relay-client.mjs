// Through Conduit, with the official MCP TypeScript SDK client declaring sampling and elicitation: an upstream's
// sampling and elicitation requests reach this client and its answers reach the upstream (from a direct tool call and
// from inside a Code Mode program), log messages arrive once a level is set, resource updates arrive once
// subscribed. A second client that declares nothing gets the upstream a clear refusal. Prints one JSON object.
// Usage: node relay-client.mjs <url> <api-key> <upstream-id>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

const [url, key, upstream] = process.argv.slice(2);
const tool = (name) => `${upstream}__${name}`;

function connect(name, capabilities) {
  const client = new Client({ name, version: "1.0.0" }, { capabilities });
  const transport = new StreamableHTTPClientTransport(new URL(url),
    { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
  return client.connect(transport).then(() => client);
}

// Resolves with the first notification that satisfies the test, or with null after the time given.
function waitFor(list, test, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    const check = () => {
      const found = list.find(test);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      } else {
        setTimeout(check, 100);
      }
    };
    check();
  });
}

const out = { sampled: [], elicited: 0, clarified: 0, logs: [], updates: [] };
const asking = await connect("conduit-relay-it", { sampling: {}, elicitation: {} });
out.capabilities = asking.getServerCapabilities();
asking.setRequestHandler(CreateMessageRequestSchema, async (request) => {
  const text = request.params.messages.map((m) => m.content.text).join(" ");
  out.sampled.push(text);
  return { role: "assistant", model: "relay-test-model", content: { type: "text", text: `sampled(${text})` } };
});
asking.setRequestHandler(ElicitRequestSchema, async (request) => {
  if (request.params.requestedSchema?.properties?.interpretation) {
    out.clarified++; // simulate-research-query's question, asked while its task waits for input
    return { action: "accept", content: { interpretation: "historical" } };
  }
  out.elicited++;
  return { action: "accept", content: { name: "Ada Lovelace", check: true, firstLine: "It was late", integer: 7,
                                        number: 1.5, enum: "value1", untitledSingleSelectEnum: "value1",
                                        titledSingleSelectEnum: "value1" } };
});
asking.setNotificationHandler(LoggingMessageNotificationSchema, (n) => out.logs.push(n.params));
asking.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => out.updates.push(n.params.uri));

const text = (result) => result.content.map((c) => c.text ?? "").join("\n");
out.sampling = text(await asking.callTool({ name: tool("trigger-sampling-request"),
                                            arguments: { prompt: "direct call" } }));
out.elicitation = text(await asking.callTool({ name: tool("trigger-elicitation-request"), arguments: {} }));
// The same questions asked as tasks of the upstream's client (2025-11-25), which the gateway takes: the upstream
// polls the gateway's task and fetches this client's answer from it.
out.asyncElicitation = text(await asking.callTool({ name: tool("trigger-elicitation-request-async"), arguments: {} }));
out.asyncSampling = text(await asking.callTool({ name: tool("trigger-sampling-request-async"),
                                                 arguments: { prompt: "as a task" } }));
const program = await asking.callTool({ name: "execute_javascript", arguments: { code: `
  const r = await tools.$raw(${JSON.stringify(tool("trigger-sampling-request"))}, { prompt: "from a program" });
  return JSON.stringify(r);` } });
out.program = program.structuredContent;

// A tool its upstream runs only as a task (MCP 2025-11-25 tasks) is called the ordinary way, directly and from a
// program; the question the task asks on the way reaches this client.
let listed = [];
for (let cursor; ;) {
  const page = await asking.listTools(cursor ? { cursor } : {});
  listed = listed.concat(page.tools);
  if (!(cursor = page.nextCursor)) break;
}
out.taskTool = listed.find((t) => t.name === tool("simulate-research-query")) ?? null;
out.research = text(await asking.callTool({ name: tool("simulate-research-query"),
                                            arguments: { topic: "tides", ambiguous: true } }));
const researched = await asking.callTool({ name: "execute_javascript", arguments: { code: `
  const r = await tools.$raw(${JSON.stringify(tool("simulate-research-query"))}, { topic: "moons" });
  return JSON.stringify(r);` } });
out.programResearch = researched.structuredContent;

// Logs: nothing before a level is set; every level at or above it after.
await asking.setLoggingLevel("debug");
await asking.callTool({ name: tool("toggle-simulated-logging"), arguments: {} });
out.log = await waitFor(out.logs, (p) => String(p.logger ?? "").startsWith(upstream), 20000);
await asking.callTool({ name: tool("toggle-simulated-logging"), arguments: {} });
// The gateway's own message about a request: a program stopped by a limit says why before the error.
try {
  await asking.callTool({ name: "execute_javascript", arguments: {
    code: `await tools.$raw(${JSON.stringify(tool("echo"))}, { message: "x" });`, limits: { maxToolCalls: 0 } } });
  out.limitError = null;
} catch (e) {
  out.limitError = e.code;
}
out.gatewayLog = out.logs.find((p) => p.logger === "conduit") ?? null;

// Updates of a subscribed resource.
const uri = "demo://resource/static/document/architecture.md";
await asking.subscribeResource({ uri });
await asking.callTool({ name: tool("toggle-subscriber-updates"), arguments: {} });
out.update = await waitFor(out.updates, (u) => u === uri, 20000);
await asking.callTool({ name: tool("toggle-subscriber-updates"), arguments: {} });
out.unsubscribe = await asking.unsubscribeResource({ uri });

const silent = await connect("conduit-relay-it-silent", {});
const refused = await silent.callTool({ name: tool("trigger-sampling-request"), arguments: { prompt: "nobody" } });
out.refused = { isError: refused.isError === true, text: text(refused) };
await silent.close();
await asking.close();
console.log(JSON.stringify(out));
