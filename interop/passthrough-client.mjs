// Reads an upstream's resources, resource templates and prompts through Conduit with the official MCP TypeScript SDK
// client, and prints what it saw as one JSON object. Usage: node passthrough-client.mjs <url> <api-key>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, key] = process.argv.slice(2);
const client = new Client({ name: "conduit-passthrough-it", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(url),
  { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
await client.connect(transport);

// Every page, as a client that follows nextCursor does.
async function all(list, field) {
  const items = [];
  let cursor;
  do {
    const page = await list(cursor ? { cursor } : {});
    items.push(...page[field]);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

// An error as data, so the test sees its code and message.
async function attempt(call) {
  try {
    return { result: await call() };
  } catch (e) {
    return { code: e.code, message: e.message };
  }
}

const out = {};
out.resources = await all((p) => client.listResources(p), "resources");
out.templates = await all((p) => client.listResourceTemplates(p), "resourceTemplates");
out.prompts = await all((p) => client.listPrompts(p), "prompts");
out.readListed = out.resources.length ? await attempt(() => client.readResource({ uri: out.resources[0].uri })) : null;
out.readFromTemplate = await attempt(() => client.readResource({ uri: "demo://resource/dynamic/text/42" }));
out.readUnknown = await attempt(() => client.readResource({ uri: "demo://nowhere/1" }));
out.promptWithArguments = await attempt(() => client.getPrompt({
  name: "everything__args-prompt", arguments: { city: "Lisbon", state: "none" } }));
out.promptUnknown = await attempt(() => client.getPrompt({ name: "everything__no-such-prompt" }));
out.completePrompt = await attempt(() => client.complete({
  ref: { type: "ref/prompt", name: "everything__completable-prompt" },
  argument: { name: "department", value: "E" } }));
out.completeTemplate = await attempt(() => client.complete({
  ref: { type: "ref/resource", uri: "demo://resource/dynamic/text/{resourceId}" },
  argument: { name: "resourceId", value: "1" } }));
out.completeUnknown = await attempt(() => client.complete({
  ref: { type: "ref/prompt", name: "everything__no-such-prompt" }, argument: { name: "x", value: "" } }));
await client.close();
console.log(JSON.stringify(out));
