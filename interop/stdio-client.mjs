// Drives `conduit --stdio` with the official MCP TypeScript SDK client over its stdio transport and prints what it
// saw as one JSON object. Usage: node stdio-client.mjs <conduit command> <config file>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, config] = process.argv.slice(2);
const transport = new StdioClientTransport({ command, args: ["--config", config, "--stdio"], env: process.env,
                                            stderr: "pipe" });
let log = "";
transport.stderr?.on("data", (chunk) => { log += chunk; });
const client = new Client({ name: "conduit-stdio-it", version: "1.0.0" });
await client.connect(transport);
const out = {};
out.server = client.getServerVersion();
out.tools = (await client.listTools()).tools.map((t) => t.name);
if (!out.tools.some((name) => name.startsWith("everything__"))) {
  out.log = log.slice(-6000); // why the upstream's tools are missing
}
out.echo = await client.callTool({ name: "everything__echo", arguments: { message: "over stdio" } });
out.execute = await client.callTool({ name: "execute_javascript", arguments: {
  code: "const r = await tools.everything.echo({message: 'from code'}); return r" } });
await client.close();
console.log(JSON.stringify(out));
