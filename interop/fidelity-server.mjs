// A stdio MCP server for the tests, on the pinned official SDK's low-level Server so that it can send every field the
// specification defines: its one tool has a title, icons, _meta, annotations and an output schema, and its result
// carries a resource link, an embedded resource, structured content and _meta. A gateway must pass all of it on. Its
// tool "announce" adds a tool "late" and says that its tool, resource and prompt lists changed, which a gateway must
// relay.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  CallToolRequestSchema, ListPromptsRequestSchema, ListResourcesRequestSchema, ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

const server = new Server({ name: "fidelity", version: "1.0.0" },
  { capabilities: { tools: {}, resources: { listChanged: true }, prompts: { listChanged: true } } });
const tool = {
  name: "describe",
  title: "Describe the fixture",
  description: "Answers with every kind of content a tool result may hold",
  inputSchema: { type: "object", properties: {} },
  outputSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
  annotations: { readOnlyHint: true, openWorldHint: false },
  icons: [{ src: "data:image/png;base64,iVBORw0KGgo=", mimeType: "image/png", sizes: ["48x48"] }],
  _meta: { "example.org/owner": "conduit-tests" },
};
const announce = { name: "announce", description: "Says that the resource and prompt lists changed",
  inputSchema: { type: "object", properties: {} } };
const late = { name: "late", description: "Appears once announce was called", inputSchema: { type: "object" } };
let announced = false;
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: announced ? [tool, announce, late]
                                                                                 : [tool, announce] }));
server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: [] }));
server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: [] }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  if (request.params.name === "announce") {
    announced = true;
    await server.sendToolListChanged();
    await server.sendResourceListChanged();
    await server.sendPromptListChanged();
    return { content: [{ type: "text", text: "announced" }] };
  }
  return {
    content: [
      { type: "text", text: "{\"ok\":true}" },
      { type: "resource_link", uri: "fixture://doc/1", name: "doc-1", mimeType: "text/plain" },
      { type: "resource", resource: { uri: "fixture://doc/2", mimeType: "text/plain", text: "embedded" } },
    ],
    structuredContent: { ok: true },
    _meta: { "example.org/trace": "t-1" },
  };
});
await server.connect(new StdioServerTransport());
