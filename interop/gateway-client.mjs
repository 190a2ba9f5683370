// Drives Conduit's aggregated upstreams (server-everything as "everything", server-filesystem as "files") with the
// official MCP TypeScript SDK client and prints what it saw as one JSON object.
// Usage: node gateway-client.mjs <url> <api-key> <file inside the files root>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, key, insideFile] = process.argv.slice(2);
const client = new Client({ name: "conduit-gateway-it", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${key}` } },
});
await client.connect(transport);
const call = (name, args, options) => client.callTool({ name, arguments: args }, undefined, options);
const out = {};

out.tools = (await client.listTools()).tools.map((t) => t.name);
out.echo = await call("everything__echo", { message: "hello gateway" });
out.sum = await call("everything__get-sum", { a: 2, b: 40 });
out.badSum = await call("everything__get-sum", { a: "x" });
out.structured = await call("everything__get-structured-content", { location: "New York" });
out.image = await call("everything__get-tiny-image", {});
const progress = [];
out.longRunning = await call("everything__trigger-long-running-operation", { duration: 1, steps: 2 }, {
  onprogress: (p) => progress.push(p),
});
out.progress = progress;
out.readInside = await call("files__read_text_file", { path: insideFile });
out.readOutside = await call("files__read_text_file", { path: "/etc/passwd" });

const messages = Array.from({ length: 100 }, (_, i) => `message-${i}`);
const answers = await Promise.all(messages.map((m) => call("everything__echo", { message: m })));
out.concurrent = answers.map((a, i) => a.content[0].text === `Echo: ${messages[i]}`);

await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
