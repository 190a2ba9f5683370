// An MCP server for the tests, built on the pinned official SDK: its tools answer what the request carried, so a test
// can see what a gateway sends upstream: `meta` the request's _meta (the W3C traceparent, a progress token), `headers`
// the HTTP headers it came with (over HTTP: the traceparent header).
// Usage: node meta-echo-server.mjs                (stdio)
//        node meta-echo-server.mjs --http <port>  (stateless Streamable HTTP on 127.0.0.1:<port>/mcp)
import { createServer } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

function build() {
  const server = new McpServer({ name: "meta-echo", version: "1.0.0" });
  server.tool("meta", "Answers the _meta of the request as JSON text", async (extra) => ({
    content: [{ type: "text", text: JSON.stringify(extra?._meta ?? {}) }],
  }));
  server.tool("headers", "Answers the HTTP headers of the request as JSON text", async (extra) => ({
    content: [{ type: "text", text: JSON.stringify(extra?.requestInfo?.headers ?? {}) }],
  }));
  return server;
}

if (process.argv[2] === "--http") {
  const port = Number(process.argv[3]);
  createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) {
      chunks.push(chunk);
    }
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    // Stateless: a server and a transport per request.
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }).listen(port, "127.0.0.1", () => console.log(`meta-echo listening on port ${port}`));
} else {
  await build().connect(new StdioServerTransport());
}
