// An MCP server offering what the MCP conformance suite's server scenarios ask of a server (tools test_*, resources
// test://..., prompts test_*, completion, logging, subscriptions), written for Conduit's tests from the scenarios'
// published requirements on the pinned official SDK's low-level Server. ConformanceIT runs the suite against it
// directly (HTTP) and puts it behind the gateway with `namespace: ""` (stdio and HTTP), so the suite, talking to the
// gateway, finds the names it expects. Usage: node conformance-fixture.mjs            (stdio)
//                                                node conformance-fixture.mjs --http <port>   (Streamable HTTP, /mcp)
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema, CompleteRequestSchema, CreateMessageResultSchema, ElicitResultSchema, GetPromptRequestSchema,
  ListPromptsRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ListToolsRequestSchema,
  ReadResourceRequestSchema, SetLevelRequestSchema, SubscribeRequestSchema, UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

// A 1x1 PNG and a WAV header with no samples: the smallest valid files of their kind.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const WAV = Buffer.from("52494646240000005741564566666d7420100000000100010044ac000088580100020010006461746100000000",
  "hex").toString("base64");

const noArguments = { type: "object", properties: {} };
const text = (value) => ({ content: [{ type: "text", text: value }] });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const dynamic = { tool: false, prompt: false };
const dynamicTool = { description: "Listed while test_trigger_tool_change says so", run: async () => text("dynamic") };
const dynamicPrompt = { description: "Listed while test_trigger_prompt_change says so", get: () => [
  { role: "user", content: { type: "text", text: "A dynamic prompt." } }] };

const tools = {
  test_simple_text: { description: "Returns simple text", run: async () => text("This is a simple text response for testing.") },
  test_image_content: { description: "Returns an image", run: async () => ({
    content: [{ type: "image", data: PNG, mimeType: "image/png" }] }) },
  test_audio_content: { description: "Returns audio", run: async () => ({
    content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }] }) },
  test_embedded_resource: { description: "Returns an embedded resource", run: async () => ({
    content: [{ type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain",
                                              text: "This is an embedded resource content." } }] }) },
  test_multiple_content_types: { description: "Returns text, an image and a resource", run: async () => ({
    content: [
      { type: "text", text: "Multiple content types test:" },
      { type: "image", data: PNG, mimeType: "image/png" },
      { type: "resource", resource: { uri: "test://mixed-content-resource", mimeType: "application/json",
                                      text: JSON.stringify({ test: "data", value: 123 }) } },
    ] }) },
  test_tool_with_logging: { description: "Logs three messages while it runs", run: async (args, extra) => {
    for (const [i, data] of ["Tool execution started", "Tool processing data", "Tool execution completed"].entries()) {
      if (i > 0) await sleep(50);
      await extra.sendNotification({ method: "notifications/message", params: { level: "info", data } });
    }
    return text("Logged three messages");
  } },
  // The suite's Multi Round-Trip scenarios, written as a 2025 server writes them (a request to the client during the
  // call): a gateway serving a 2026-07-28 client turns each into an input_required round trip.
  // The 2026 server-stateless scenario: the gateway must refuse a question its client cannot answer (-32021), and
  // pass a question on as input_required, never as a request of its own on the response stream.
  test_missing_capability: { description: "Asks the client's model (needs sampling)", run: async (args, extra) => {
    const answer = await extra.sendRequest({ method: "sampling/createMessage", params: {
      messages: [{ role: "user", content: { type: "text", text: "Say something" } }], maxTokens: 20 } },
    CreateMessageResultSchema);
    return text(`Model said: ${answer.content.text}`);
  } },
  test_streaming_elicitation: { description: "Asks the user's name while it streams", run: async (args, extra) => {
    const answer = await ask(extra, "What is your name?", { name: { type: "string" } });
    return text(`Hello, ${answer.content?.name}!`);
  } },
  // A parameter mirrored into an Mcp-Param-Region header (2026-07-28, x-mcp-header), for the header-validation scenario.
  test_custom_header: { description: "Routes by region", schema: { type: "object", properties: {
    region: { type: "string", "x-mcp-header": "Region" } }, required: ["region"] },
  run: async (args) => text(`routed to ${args.region}`) },
  test_input_required_result_sampling: { description: "Asks the client's model", run: async (args, extra) => {
    const answer = await extra.sendRequest({ method: "sampling/createMessage", params: {
      messages: [{ role: "user", content: { type: "text", text: "What is the capital of France?" } }], maxTokens: 50 } },
    CreateMessageResultSchema);
    return text(`Model said: ${answer.content.text}`);
  } },
  test_input_required_result_request_state: { description: "Asks for a confirmation", run: async (args, extra) => {
    const answer = await ask(extra, "Please confirm", { ok: { type: "boolean" } });
    return text(`state-ok: confirmed=${answer.content?.ok}`);
  } },
  test_input_required_result_multi_round: { description: "Asks twice", run: async (args, extra) => {
    const first = await ask(extra, "Step 1: What is your name?", { name: { type: "string" } });
    const second = await ask(extra, "Step 2: What is your age?", { age: { type: "number" } });
    return text(`Done: ${first.content?.name}, ${second.content?.age}`);
  } },
  test_input_required_result_tampered_state: { description: "Asks once", run: async (args, extra) => {
    await ask(extra, "Please confirm", { ok: { type: "boolean" } });
    return text("completed");
  } },
  // Change the tool or prompt list (a tool or prompt appears or goes away) and say so: a client listening for list
  // changes must hear it.
  test_trigger_tool_change: { description: "Adds or removes test_dynamic_tool", run: async (args, extra) => {
    dynamic.tool = !dynamic.tool;
    await extra.sendNotification({ method: "notifications/tools/list_changed" });
    return text(`test_dynamic_tool is ${dynamic.tool ? "listed" : "gone"}`);
  } },
  test_trigger_prompt_change: { description: "Adds or removes test_dynamic_prompt", run: async (args, extra) => {
    dynamic.prompt = !dynamic.prompt;
    await extra.sendNotification({ method: "notifications/prompts/list_changed" });
    return text(`test_dynamic_prompt is ${dynamic.prompt ? "listed" : "gone"}`);
  } },
  // Logs while it runs; a 2026-07-28 client that did not ask for a log level must receive none of it.
  test_logging_tool: { description: "Logs two messages while it runs", run: async (args, extra) => {
    for (const data of ["Logging tool started", "Logging tool finished"]) {
      await extra.sendNotification({ method: "notifications/message", params: { level: "info", data } });
    }
    return text("Logged two messages");
  } },
  test_error_handling: { description: "Always fails", run: async () => ({
    isError: true, content: [{ type: "text", text: "This tool intentionally returns an error for testing" }] }) },
  test_tool_with_progress: { description: "Reports progress 0, 50, 100 of 100", run: async (args, extra) => {
    const progressToken = extra._meta?.progressToken;
    for (const [i, progress] of [0, 50, 100].entries()) {
      if (i > 0) await sleep(50);
      if (progressToken !== undefined) {
        await extra.sendNotification({ method: "notifications/progress",
                                       params: { progressToken, progress, total: 100 } });
      }
    }
    return text("Progress reported");
  } },
  test_sampling: { description: "Asks the client's model", schema: {
    type: "object", properties: { prompt: { type: "string" } }, required: ["prompt"] },
  run: async (args, extra) => {
    const answer = await extra.sendRequest({ method: "sampling/createMessage", params: {
      messages: [{ role: "user", content: { type: "text", text: args.prompt } }], maxTokens: 100 } },
    CreateMessageResultSchema);
    return text(`LLM response: ${answer.content.text ?? JSON.stringify(answer.content)}`);
  } },
  test_elicitation: { description: "Asks the user", schema: {
    type: "object", properties: { message: { type: "string" } }, required: ["message"] },
  run: async (args, extra) => {
    const answer = await extra.sendRequest({ method: "elicitation/create", params: { message: args.message,
      requestedSchema: { type: "object", properties: {
        username: { type: "string", description: "User's response" },
        email: { type: "string", description: "User's email address" } }, required: ["username", "email"] } } },
    ElicitResultSchema);
    return text(`User response: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`);
  } },
  test_elicitation_sep1034_defaults: { description: "Asks the user, with defaults", run: async (args, extra) =>
    elicited(extra, "Please confirm your details", {
      name: { type: "string", default: "John Doe" },
      age: { type: "integer", default: 30 },
      score: { type: "number", default: 95.5 },
      status: { type: "string", enum: ["active", "inactive", "pending"], default: "active" },
      verified: { type: "boolean", default: true },
    }) },
  test_elicitation_sep1330_enums: { description: "Asks the user to choose", run: async (args, extra) =>
    elicited(extra, "Please choose", {
      untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
      titledSingle: { type: "string", oneOf: [{ const: "value1", title: "First Option" },
                                              { const: "value2", title: "Second Option" },
                                              { const: "value3", title: "Third Option" }] },
      legacyEnum: { type: "string", enum: ["opt1", "opt2", "opt3"],
                    enumNames: ["Option One", "Option Two", "Option Three"] },
      untitledMulti: { type: "array", items: { type: "string", enum: ["option1", "option2", "option3"] } },
      titledMulti: { type: "array", items: { anyOf: [{ const: "value1", title: "First Choice" },
                                                     { const: "value2", title: "Second Choice" },
                                                     { const: "value3", title: "Third Choice" }] } },
    }) },
  // Closes the request's SSE stream mid-call (SEP-1699 polling); the client resumes with Last-Event-ID and gets the
  // result from the event store. On stdio there is no stream to close and it simply answers.
  test_reconnection: { description: "Closes its response stream before it answers", run: async (args, extra) => {
    await sleep(50);
    extra.closeSSEStream?.();
    await sleep(300);
    return text("Reconnection test completed");
  } },
  json_schema_2020_12_tool: { description: "Tool with JSON Schema 2020-12 features", schema: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    $defs: { address: { $anchor: "addressDef", type: "object",
                        properties: { street: { type: "string" }, city: { type: "string" } } } },
    properties: { name: { type: "string" }, address: { $ref: "#/$defs/address" },
                  contactMethod: { type: "string", enum: ["phone", "email"] },
                  phone: { type: "string" }, email: { type: "string" } },
    allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
    if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
    then: { required: ["phone"] },
    else: { required: ["email"] },
    additionalProperties: false,
  }, run: async () => text("ok") },
};

async function ask(extra, message, properties) {
  return extra.sendRequest({ method: "elicitation/create", params: { message,
    requestedSchema: { type: "object", properties, required: Object.keys(properties) } } }, ElicitResultSchema);
}

async function elicited(extra, message, properties) {
  const answer = await extra.sendRequest({ method: "elicitation/create", params: { message,
    requestedSchema: { type: "object", properties, required: [] } } }, ElicitResultSchema);
  return text(`Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`);
}

// One server per connection (stdio) or session (HTTP); subscriptions are the session's own.
function fixture() {
  const server = new Server({ name: "conduit-conformance-fixture", version: "1.0.0" }, {
    capabilities: { tools: { listChanged: true }, logging: {}, completions: {}, prompts: { listChanged: true },
                    resources: { subscribe: true } },
  });
  const listedTools = () => (dynamic.tool ? { ...tools, test_dynamic_tool: dynamicTool } : tools);
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: Object.entries(listedTools()).map(([name, tool]) => ({ name, description: tool.description,
                                                                inputSchema: tool.schema ?? noArguments })) }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = listedTools()[request.params.name];
    if (!tool) {
      return { isError: true, content: [{ type: "text", text: `Unknown tool ${request.params.name}` }] };
    }
    return tool.run(request.params.arguments ?? {}, { ...extra, _meta: request.params._meta });
  });

  const resources = {
    "test://static-text": { name: "static-text", description: "A static text resource", mimeType: "text/plain",
                            text: "This is the content of the static text resource." },
    "test://static-binary": { name: "static-binary", description: "A static binary resource", mimeType: "image/png",
                              blob: PNG },
    "test://watched-resource": { name: "watched-resource", description: "A resource to subscribe to",
                                 mimeType: "text/plain", text: "Watched resource content." },
  };
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: Object.entries(resources).map(([uri, r]) => ({ uri, name: r.name, description: r.description,
                                                               mimeType: r.mimeType })) }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [{ uriTemplate: "test://template/{id}/data", name: "template-data",
                          description: "Data for an id", mimeType: "application/json" }] }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const uri = request.params.uri;
    const templated = /^test:\/\/template\/([^/]+)\/data$/.exec(uri);
    if (templated) {
      const id = templated[1];
      return { contents: [{ uri, mimeType: "application/json",
                            text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }] };
    }
    const resource = resources[uri];
    if (!resource) {
      throw Object.assign(new Error(`Resource not found: ${uri}`), { code: -32002 });
    }
    return { contents: [{ uri, mimeType: resource.mimeType,
                          ...(resource.blob ? { blob: resource.blob } : { text: resource.text }) }] };
  });
  const subscribed = new Set();
  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  server.setRequestHandler(SetLevelRequestSchema, async () => ({}));

  const prompts = {
    test_simple_prompt: { description: "A simple prompt", get: () => [
      { role: "user", content: { type: "text", text: "This is a simple prompt for testing." } }] },
    test_prompt_with_arguments: { description: "A prompt with arguments",
      arguments: [{ name: "arg1", description: "First test argument", required: true },
                  { name: "arg2", description: "Second test argument", required: true }],
      get: (args) => [{ role: "user", content: { type: "text",
                                                 text: `Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'` } }] },
    test_prompt_with_embedded_resource: { description: "A prompt embedding a resource",
      arguments: [{ name: "resourceUri", description: "URI of the resource to embed", required: true }],
      get: (args) => [
        { role: "user", content: { type: "resource", resource: { uri: args.resourceUri, mimeType: "text/plain",
                                                                 text: "Embedded resource content for testing." } } },
        { role: "user", content: { type: "text", text: "Please process the embedded resource above." } }] },
    test_input_required_result_prompt: { description: "A prompt that first asks for its context",
    get: async (args, extra) => {
      const answer = await ask(extra, "What context should the prompt use?", { context: { type: "string" } });
      return [{ role: "user", content: { type: "text", text: `Use this context: ${answer.content?.context}` } }];
    } },
  test_prompt_with_image: { description: "A prompt with an image", get: () => [
      { role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } }] },
  };
  const listedPrompts = () => (dynamic.prompt ? { ...prompts, test_dynamic_prompt: dynamicPrompt } : prompts);
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: Object.entries(listedPrompts()).map(([name, p]) => ({ name, description: p.description,
                                                           ...(p.arguments ? { arguments: p.arguments } : {}) })) }));
  server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
    const prompt = listedPrompts()[request.params.name];
    if (!prompt) {
      throw Object.assign(new Error(`Unknown prompt ${request.params.name}`), { code: -32602 });
    }
    return { messages: await prompt.get(request.params.arguments ?? {}, extra) };
  });
  server.setRequestHandler(CompleteRequestSchema, async (request) => {
    const value = request.params.argument.value ?? "";
    const values = ["paris", "park", "party"].filter((candidate) => candidate.startsWith(value));
    return { completion: { values, total: values.length, hasMore: false } };
  });
  return server;
}

// Every message of every stream, so that a client whose stream was closed can resume after its last event id.
class Events {
  #events = [];

  async storeEvent(streamId, message) {
    const eventId = `${streamId}:${this.#events.length}`;
    this.#events.push({ eventId, streamId, message });
    return eventId;
  }

  async getStreamIdForEventId(eventId) {
    return this.#events.find((event) => event.eventId === eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId, { send }) {
    const index = this.#events.findIndex((event) => event.eventId === lastEventId);
    const streamId = this.#events[index]?.streamId;
    for (const event of this.#events.slice(index + 1).filter((e) => e.streamId === streamId)) {
      await send(event.eventId, event.message);
    }
    return streamId;
  }
}

// Only local names: a page a browser loaded from elsewhere must not reach this server (DNS rebinding).
function local(value) {
  if (!value) return true;
  const host = value.replace(/^https?:\/\//, "").replace(/:\d+$/, "").replace(/\/.*$/, "");
  return ["localhost", "127.0.0.1", "[::1]"].includes(host);
}

if (process.argv[2] === "--http") {
  const sessions = new Map();
  const http = createServer(async (req, res) => {
    if (!local(req.headers.host) || !local(req.headers.origin)) {
      res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null,
        error: { code: -32000, message: "Forbidden: a non-local Host or Origin" } }));
      return;
    }
    const id = req.headers["mcp-session-id"];
    let transport = id ? sessions.get(id) : undefined;
    if (!transport) {
      if (id) {
        res.writeHead(404).end();
        return;
      }
      transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), eventStore: new Events(),
        retryInterval: 100, onsessioninitialized: (session) => sessions.set(session, transport) });
      transport.onclose = () => sessions.delete(transport.sessionId);
      await fixture().connect(transport);
    }
    await transport.handleRequest(req, res);
  });
  http.listen(Number(process.argv[3]), "127.0.0.1", () => console.log(`fixture listening on port ${process.argv[3]}`));
} else {
  await fixture().connect(new StdioServerTransport());
}
