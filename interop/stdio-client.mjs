// Drives `conduit --stdio` with the official MCP TypeScript SDK client over its stdio transport and prints what it
// saw as one JSON object. Usage: node stdio-client.mjs <conduit command> <config file> [<large file of the files upstream>]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, config, largeFile] = process.argv.slice(2);
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
if (largeFile) {
  // An answer larger than this client reads (the SDK's stdio client closes the connection past 10 MiB) comes back
  // as a tool error, and the connection goes on.
  const large = await client.callTool({ name: "files__read_text_file", arguments: { path: largeFile } });
  out.large = { isError: large.isError ?? false, text: large.content[0].text.slice(0, 300) };
  out.after = await client.callTool({ name: "everything__echo", arguments: { message: "still here" } });
}
await client.close();
console.log(JSON.stringify(out));
