// A stdio MCP server for the tests, built on the pinned official SDK: its one tool answers the _meta the request
// carried, so a test can see what a gateway sends upstream (the W3C traceparent, a progress token).
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const server = new McpServer({ name: "meta-echo", version: "1.0.0" });
server.tool("meta", "Answers the _meta of the request as JSON text", async (extra) => ({
  content: [{ type: "text", text: JSON.stringify(extra?._meta ?? {}) }],
}));
await server.connect(new StdioServerTransport());
