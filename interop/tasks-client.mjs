// Tasks (MCP 2025-11-25) through Conduit, with the official MCP TypeScript SDK client's task API: a program and an
// upstream tool run as tasks (created, polled, result fetched), the upstream's question asked while the task waits for
// input reaches this client on tasks/result, a failing program ends its task "failed", tasks/list and tasks/cancel,
// and a second key cannot see or cancel the first key's tasks; then the 2026-07-28 tasks extension over raw HTTP, a
// question answered by tasks/update. Prints one JSON object.
// Usage: node tasks-client.mjs <url> <api-key> <other-api-key> <upstream-id>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [url, key, otherKey, upstream] = process.argv.slice(2);

async function connect(name, apiKey) {
  const client = new Client({ name, version: "1.0.0" }, { capabilities: { elicitation: {} } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url),
    { requestInit: { headers: { Authorization: `Bearer ${apiKey}` } } }));
  return client;
}

// Runs a tool as a task to its end: what the stream showed (task created, statuses, result or error).
async function asTask(client, name, args) {
  const seen = { statuses: [] };
  for await (const message of client.experimental.tasks.callToolStream({ name, arguments: args }, undefined,
                                                                         { task: { ttl: 60000 } })) {
    if (message.type === "taskCreated") seen.created = message.task;
    if (message.type === "taskStatus") seen.statuses.push(message.task.status);
    if (message.type === "result") seen.result = message.result;
    if (message.type === "error") seen.error = { code: message.error.code, message: message.error.message };
  }
  return seen;
}

const errorOf = (promise) => promise.then(() => null, (e) => ({ code: e.code, message: e.message }));
const out = { questions: [] };
const client = await connect("conduit-tasks-it", key);
out.capabilities = client.getServerCapabilities();
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  out.questions.push({ message: request.params.message, meta: request.params._meta ?? null });
  return { action: "accept", content: { interpretation: "technical" } };
});
out.listed = (await client.listTools()).tools.find((t) => t.name === "execute_javascript")?.execution ?? null;

out.program = await asTask(client, "execute_javascript", { code: `
  await new Promise((r) => setTimeout(r, 1500));
  return JSON.stringify(await tools.$raw(${JSON.stringify(`${upstream}__echo`)}, { message: "from a task" }));` });
out.research = await asTask(client, `${upstream}__simulate-research-query`, { topic: "tides", ambiguous: true });
out.failing = await asTask(client, "execute_javascript", { code: "throw new Error('no luck')" });
out.failedTask = out.failing.created ? await client.experimental.tasks.getTask(out.failing.created.taskId) : null;

// A task stopped while it works: cancelled at once, and stays so.
const started = await client.request({ method: "tools/call", params: { name: "execute_javascript",
  arguments: { code: "await new Promise((r) => setTimeout(r, 20000)); return 'too late'" }, task: { ttl: 60000 } } },
  (await import("@modelcontextprotocol/sdk/types.js")).CreateTaskResultSchema);
const id = started.task.taskId;
out.slowCreated = started.task;
const other = await connect("conduit-tasks-it-other", otherKey);
out.otherGet = await errorOf(other.experimental.tasks.getTask(id));
out.otherCancel = await errorOf(other.experimental.tasks.cancelTask(id));
out.otherList = (await other.experimental.tasks.listTasks()).tasks.map((t) => t.taskId);
out.cancelled = await client.experimental.tasks.cancelTask(id);
out.afterCancel = await client.experimental.tasks.getTask(id);
out.cancelAgain = await errorOf(client.experimental.tasks.cancelTask(id));
out.cancelledResult = await errorOf(client.experimental.tasks.getTaskResult(id));
out.listedTasks = (await client.experimental.tasks.listTasks()).tasks.map((t) => ({ id: t.taskId, status: t.status }));
out.unknown = await errorOf(client.experimental.tasks.getTask("no-such-task"));
await other.close();
await client.close();

// The 2026-07-28 tasks extension as its wire has it (raw JSON-RPC: the SDK v2 client leaves tasks to ext-tasks): a
// call still running after a second becomes a task; its question shows in tasks/get and is answered by tasks/update.
let ids = 100;
async function modern(method, params, name) {
  const meta = { "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                 "io.modelcontextprotocol/clientCapabilities": { elicitation: {},
                                                                 extensions: { "io.modelcontextprotocol/tasks": {} } },
                 "io.modelcontextprotocol/clientInfo": { name: "conduit-tasks-it", version: "1.0.0" } };
  const response = await fetch(url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: ++ids, method,
                                                                             params: { ...params, _meta: meta } }),
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json",
               Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2026-07-28",
               "Mcp-Method": method, "Mcp-Name": name } });
  const text = await response.text();
  const body = (response.headers.get("content-type") ?? "").startsWith("text/event-stream")
    ? text.split("\n").filter((l) => l.startsWith("data:")).map((l) => JSON.parse(l.slice(5))).findLast((m) => "id" in m)
    : JSON.parse(text);
  return body.result ?? { error: body.error };
}
async function until(taskId, status) {
  const deadline = Date.now() + 30000;
  for (;;) {
    const task = await modern("tasks/get", { taskId }, taskId);
    if (task.status === status || Date.now() > deadline) return task;
    await new Promise((r) => setTimeout(r, 200)); // polled more often than pollIntervalMs: a test
  }
}
const research = `${upstream}__simulate-research-query`;
const created = await modern("tools/call", { name: research, arguments: { topic: "rivers", ambiguous: true } }, research);
out.modernCreated = created;
if (created.taskId) {
  const asking = await until(created.taskId, "input_required");
  out.modernAsking = asking;
  const [keyOf] = Object.keys(asking.inputRequests ?? {});
  out.modernUpdate = await modern("tasks/update", { taskId: created.taskId,
    inputResponses: { [keyOf]: { action: "accept", content: { interpretation: "historical" } } } }, created.taskId);
  out.modernDone = await until(created.taskId, "completed");
}
console.log(JSON.stringify(out));
