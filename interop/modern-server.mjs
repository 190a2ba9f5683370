// An upstream MCP server that speaks only protocol revision 2026-07-28 (no initialize: 2025-era requests are refused
// with -32022), written for Conduit's tests on the official TypeScript SDK v2 (@modelcontextprotocol/server) in its
// stateless serving modes. It lets UpstreamEraIT check that the gateway negotiates the modern era with
// server/discover, sends the per-request envelope, and relays multi round-trip requests (input_required) to its own
// clients of either era.
// Usage: node modern-server.mjs                  (stdio, serveStdio with legacy: 'reject')
//        node modern-server.mjs --http <port>    (Streamable HTTP on 127.0.0.1:<port>/mcp, createMcpHandler)
import { createServer } from "node:http";
import {
  McpServer, acceptedContent, createMcpHandler, fromJsonSchema, inputRequired, inputResponse,
} from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";

const text = (value) => ({ content: [{ type: "text", text: value }] });
const schema = (properties, required = []) => fromJsonSchema({ type: "object", properties, required });
const nameSchema = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };

// Tools added at run time (add_tool); every new instance of the factory lists them too, as a real server would.
const added = new Set();
// A resource clients may subscribe to (through subscriptions/listen: the era has no resources/subscribe); the tool
// touch_status changes it and tells its subscribers.
const STATUS = "modern://status";
let touches = 0;

function factory(context) {
  const server = new McpServer({ name: "conduit-modern-fixture", version: "1.0.0" },
    { capabilities: { tools: { listChanged: true }, resources: { subscribe: true } } });
  server.registerResource("status", STATUS, { description: "Changes on touch_status", mimeType: "text/plain" },
    async (uri) => ({ contents: [{ uri: uri.href, text: `touched ${touches} times` }] }));
  server.registerTool("touch_status", { description: `Changes ${STATUS} and tells its subscribers`,
    inputSchema: schema({}) }, async () => {
    touches++;
    await notifyResourceUpdated(server, STATUS);
    return text(`touched ${touches} times`);
  });
  server.registerTool("echo", { description: "Echoes its text", inputSchema: schema({ text: { type: "string" } }, ["text"]) },
    async ({ text: value }) => text(`echo: ${value}`));
  // What the request's _meta envelope carried: the gateway's protocol version, client info and log level.
  server.registerTool("envelope", { description: "Returns the request's envelope", inputSchema: schema({}) },
    async (_args, ctx) => text(JSON.stringify(ctx.mcpReq.envelope ?? {})));
  // Multi round-trip elicitation, continuing from the state minted in the first round.
  server.registerTool("confirm", { description: "Asks the user for a name (elicitation), then greets them",
    inputSchema: schema({ action: { type: "string" } }, ["action"]) }, async ({ action }, ctx) => {
    const answer = acceptedContent(ctx.mcpReq.inputResponses, "who");
    const state = ctx.mcpReq.requestState();
    if (answer === undefined) {
      if (inputResponse(ctx.mcpReq.inputResponses, "who").kind === "elicit") {
        return text(`${action}: declined`);
      }
      return inputRequired({
        inputRequests: { who: inputRequired.elicit({ message: `Who confirms ${action}?`, requestedSchema: nameSchema }) },
        requestState: `confirm:${action}`,
      });
    }
    if (state !== `confirm:${action}`) {
      throw new Error(`the request state came back as ${JSON.stringify(state)}`);
    }
    return text(`${action} confirmed by ${answer.name}`);
  });
  // Multi round-trip sampling.
  server.registerTool("sample", { description: "Asks the client's model (sampling)",
    inputSchema: schema({ prompt: { type: "string" } }, ["prompt"]) }, async ({ prompt }, ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, "model");
    if (answer.kind !== "sampling") {
      return inputRequired({ inputRequests: { model: inputRequired.createMessage({
        messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens: 50 }) } });
    }
    return text(`the model said: ${answer.result.content.text}`);
  });
  // A parameter mirrored into a header (x-mcp-header): says which Mcp-Param-Region header the request carried.
  server.registerTool("route", { description: "Routes by region", inputSchema: schema({
    region: { type: "string", "x-mcp-header": "Region" } }, ["region"]) }, async ({ region }) => {
    const header = context?.requestInfo?.headers.get("mcp-param-region") ?? "none";
    return text(`routed to ${region} (header: ${header})`);
  });
  server.registerTool("add_tool", { description: "Adds the tool 'late' and announces the change",
    inputSchema: schema({}) }, async () => {
    added.add("late");
    notifyToolsChanged();
    return text("added");
  });
  // The conformance suite's multi round-trip scenarios (2026-07-28), served natively: ConformanceIT publishes this
  // server unprefixed beside conformance-fixture.mjs, so a 2026 client sees these questions under the keys and with
  // the state a native server uses, relayed by the gateway.
  const elicitName = { message: "What is your name?", requestedSchema: nameSchema };
  server.registerTool("test_input_required_result_elicitation", { description: "Asks for a name",
    inputSchema: schema({}) }, async (_args, ctx) => {
    const answer = acceptedContent(ctx.mcpReq.inputResponses, "user_name");
    return answer === undefined
      ? inputRequired({ inputRequests: { user_name: inputRequired.elicit(elicitName) } })
      : text(`Hello, ${answer.name}!`);
  });
  server.registerTool("test_input_required_result_list_roots", { description: "Asks for the client's roots",
    inputSchema: schema({}) }, async (_args, ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, "client_roots");
    return answer.kind === "roots"
      ? text(`roots: ${answer.roots.map((root) => root.uri).join(", ")}`)
      : inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
  });
  server.registerTool("test_input_required_result_multiple_inputs", { description: "Asks three things at once",
    inputSchema: schema({}) }, async (_args, ctx) => {
    const responses = ctx.mcpReq.inputResponses ?? {};
    if (["user_name", "greeting", "client_roots"].every((key) => key in responses)
        && ctx.mcpReq.requestState() === "multiple:1") {
      return text("all three answered");
    }
    return inputRequired({
      inputRequests: {
        user_name: inputRequired.elicit(elicitName),
        greeting: inputRequired.createMessage({
          messages: [{ role: "user", content: { type: "text", text: "Generate a greeting" } }], maxTokens: 50 }),
        client_roots: inputRequired.listRoots(),
      },
      requestState: "multiple:1",
    });
  });
  // Asks only for what the request's envelope says its client can give.
  server.registerTool("test_input_required_result_capabilities", { description: "Asks within the client's means",
    inputSchema: schema({}) }, async (_args, ctx) => {
    const declared = ctx.mcpReq.envelope?.["io.modelcontextprotocol/clientCapabilities"] ?? {};
    const responses = ctx.mcpReq.inputResponses ?? {};
    if (Object.keys(responses).length > 0) {
      return text("answered");
    }
    const inputRequests = {};
    if (declared.sampling) {
      inputRequests.greeting = inputRequired.createMessage({
        messages: [{ role: "user", content: { type: "text", text: "Say hello" } }], maxTokens: 20 });
    }
    if (declared.elicitation) {
      inputRequests.user_name = inputRequired.elicit(elicitName);
    }
    return Object.keys(inputRequests).length > 0 ? inputRequired({ inputRequests }) : text("nothing to ask");
  });
  for (const name of added) {
    server.registerTool(name, { description: "Added at run time", inputSchema: schema({}) }, async () => text(name));
  }
  return server;
}

let notifyToolsChanged = () => {};
// On stdio the connection's one instance tells its listen streams; over HTTP, instances live per request and the
// handler's notifier reaches the open streams.
let notifyResourceUpdated = (server, uri) => server.server.sendResourceUpdated({ uri });

if (process.argv[2] === "--http") {
  const handler = createMcpHandler(factory, { legacy: "reject" });
  notifyToolsChanged = () => handler.notify.toolsChanged();
  notifyResourceUpdated = (_server, uri) => handler.notify.resourceUpdated(uri);
  const http = createServer(async (req, res) => {
    if (req.url !== "/mcp") {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    for await (const chunk of req) {
      chunks.push(chunk);
    }
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method, headers: req.headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
      signal: abort.signal,
    });
    const response = await handler.fetch(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) {
      for await (const chunk of response.body) {
        res.write(chunk);
      }
    }
    res.end();
  });
  http.listen(Number(process.argv[3]), "127.0.0.1",
    () => console.log(`modern fixture listening on port ${process.argv[3]}`));
} else {
  serveStdio(factory, { legacy: "reject" });
}
