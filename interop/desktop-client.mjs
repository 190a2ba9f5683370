// Starts `conduit --stdio` the way a desktop client's configuration does (Claude Desktop, VS Code, Cursor): an absolute
// command, the configuration file by absolute path, nothing but CONDUIT_API_KEY in `env` beside the client's minimal
// default environment (HOME, LOGNAME, PATH, SHELL, TERM, USER), the working directory `/`, no terminal. Then reads a
// file of the demo upstream directly and from a program (both need the configuration's relative paths to hold), and
// tries a write the shipped key must not have. Prints one JSON object.
// Usage: node desktop-client.mjs <conduit command> <config file> <api key>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, config, key] = process.argv.slice(2);
const started = Date.now();
const transport = new StdioClientTransport({ command, args: ["--config", config, "--stdio"],
                                            env: { CONDUIT_API_KEY: key }, cwd: "/", stderr: "pipe" });
let log = "";
transport.stderr?.on("data", (chunk) => { log += chunk; });
const client = new Client({ name: "conduit-desktop-it", version: "1.0.0" });
const out = {};
try {
  await client.connect(transport);
  out.connectedMs = Date.now() - started;
  out.tools = (await client.listTools()).tools.map((t) => t.name);
  out.read = await client.callTool({ name: "files__read_text_file", arguments: { path: "inventory.csv" } });
  out.execute = await client.callTool({ name: "execute_javascript", arguments: {
    code: "const csv = await tools.files.read_text_file({path: 'inventory.csv'}); return csv.content.split('\\n')[0]" } });
  out.firstResultMs = Date.now() - started;
  try {
    out.write = await client.callTool({ name: "files__write_file", arguments: { path: "x.txt", content: "x" } });
  } catch (e) {
    out.write = { error: { code: e.code, message: e.message } };
  }
} catch (e) {
  out.failure = String(e);
  out.log = log.slice(-4000);
} finally {
  await client.close();
}
if (!out.log && !out.tools?.some((name) => name.startsWith("files__"))) {
  out.log = log.slice(-6000); // why the upstream's tools are missing
}
console.log(JSON.stringify(out));
