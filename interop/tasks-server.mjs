// An upstream MCP server of protocol revision 2026-07-28 that runs tools as tasks of the tasks extension
// (io.modelcontextprotocol/tasks): tools/call answers resultType "task", tasks/get shows the task with its result,
// error or questions (inputRequests) inline, tasks/update answers the questions, tasks/cancel stops it. Written for
// Conduit's tests, by hand on newline-delimited JSON-RPC over stdio (the SDK has no server side of the extension):
// the gateway follows such tasks for its clients (ModernTasks), and the conformance suite's tasks scenarios find the
// fixture tools they name here through the gateway (greet, slow_compute, failing_job, protocol_error_job,
// confirm_delete, multi_input, test_tool_with_task).
// Usage: node tasks-server.mjs
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";

const VERSION = "2026-07-28";
const EXTENSION = "io.modelcontextprotocol/tasks";
const TTL_MS = 600_000;
const POLL_MS = 100;

const text = (value, isError = false) => ({ content: [{ type: "text", text: value }], ...(isError ? { isError } : {}) });
const object = (properties = {}, required = []) => ({ type: "object", properties, required });
const elicit = (message, properties) => ({
  method: "elicitation/create",
  params: { mode: "form", message, requestedSchema: object(properties, Object.keys(properties)) },
});

const TOOLS = [
  { name: "greet", description: "Greets by name, at once", inputSchema: object({ name: { type: "string" } }, ["name"]) },
  { name: "slow_compute", description: "Computes for `seconds` seconds, as a task (at once for 0)",
    inputSchema: object({ seconds: { type: "number" }, label: { type: "string" } }, ["seconds"]),
    execution: { taskSupport: "optional" } },
  { name: "failing_job", description: "A task whose tool reports an error after a second",
    inputSchema: object(), execution: { taskSupport: "required" } },
  { name: "protocol_error_job", description: "A task that fails with a protocol error",
    inputSchema: object(), execution: { taskSupport: "required" } },
  { name: "confirm_delete", description: "A task that asks the user to confirm deleting a file",
    inputSchema: object({ filename: { type: "string" } }, ["filename"]), execution: { taskSupport: "required" } },
  { name: "multi_input", description: "A task that asks two questions at once",
    inputSchema: object(), execution: { taskSupport: "required" } },
  { name: "test_tool_with_task", description: "Asks for a name by input_required, then runs on as a task",
    inputSchema: object(), execution: { taskSupport: "required" } },
];

const tasks = new Map();

function newTask() {
  const now = new Date().toISOString();
  const task = { taskId: randomUUID(), status: "working", createdAt: now, lastUpdatedAt: now, ttlMs: TTL_MS,
    pollIntervalMs: POLL_MS, questions: new Map(), timers: [] };
  tasks.set(task.taskId, task);
  return task;
}

function settle(task, status, outcome = {}) {
  if (["completed", "failed", "cancelled"].includes(task.status)) {
    return;
  }
  task.status = status;
  task.lastUpdatedAt = new Date().toISOString();
  task.questions.clear();
  task.timers.forEach(clearTimeout);
  Object.assign(task, outcome);
}

function later(task, ms, action) {
  task.timers.push(setTimeout(action, ms));
}

function shown(task) {
  const { questions, timers, answers, onAnswer, ...wire } = task;
  if (task.status === "input_required") {
    wire.inputRequests = Object.fromEntries(questions);
  }
  return wire;
}

function ask(task, asked, onAnswer) {
  task.status = "input_required";
  task.lastUpdatedAt = new Date().toISOString();
  task.answers = {};
  task.onAnswer = onAnswer;
  Object.entries(asked).forEach(([key, question]) => task.questions.set(key, question));
}

const failure = (code, message, data) => ({ error: { code, message, ...(data ? { data } : {}) } });

function call(params) {
  const tool = TOOLS.find((candidate) => candidate.name === params.name);
  if (!tool) {
    return failure(-32602, `Unknown tool: ${params.name}`);
  }
  const args = params.arguments ?? {};
  const extension = params._meta?.["io.modelcontextprotocol/clientCapabilities"]?.extensions?.[EXTENSION];
  if (tool.name === "greet") {
    return { result: text(`Hello, ${args.name}!`) };
  }
  if (tool.name === "slow_compute" && !(args.seconds > 0)) {
    return { result: text(`Computed ${args.label ?? "it"} at once`) };
  }
  if (!extension) {
    if (tool.execution.taskSupport === "required") {
      return failure(-32021, "Missing required client capability: this tool runs only as a task",
        { requiredCapabilities: { extensions: { [EXTENSION]: {} } } });
    }
    return { wait: args.seconds * 1000, result: text(`Computed ${args.label ?? "it"} after ${args.seconds} s`) };
  }
  if (tool.name === "test_tool_with_task") {
    const name = params.inputResponses?.user_name?.content?.name;
    if (name === undefined) {
      return { result: { resultType: "input_required", requestState: "asked-for-name",
        inputRequests: { user_name: elicit("What is your name?", { name: { type: "string" } }) } } };
    }
    const task = newTask();
    later(task, 1500, () => settle(task, "completed", { result: text(`Hello, ${name}, from the task`) }));
    return { task };
  }
  const task = newTask();
  switch (tool.name) {
    case "slow_compute":
      later(task, args.seconds * 1000,
        () => settle(task, "completed", { result: text(`Computed ${args.label ?? "it"} after ${args.seconds} s`) }));
      break;
    case "failing_job":
      later(task, 1000, () => settle(task, "completed", { result: text("The job failed: disk full", true) }));
      break;
    case "protocol_error_job":
      later(task, 500, () => settle(task, "failed", failure(-32603, "The job's worker crashed")));
      break;
    case "confirm_delete":
      ask(task, { confirm: elicit(`Delete ${args.filename}?`, { confirm: { type: "boolean" } }) }, (answers) =>
        settle(task, "completed", { result: text(answers.confirm?.action === "accept" && answers.confirm.content?.confirm
          ? `Deleted ${args.filename}` : `Kept ${args.filename}`) }));
      break;
    case "multi_input":
      ask(task, { first: elicit("First value?", { value: { type: "string" } }),
        second: elicit("Second value?", { value: { type: "string" } }) }, (answers) =>
        settle(task, "completed", { result: text(`Got ${answers.first?.content?.value} and `
          + `${answers.second?.content?.value}`) }));
      break;
  }
  return { task };
}

function update(task, responses) {
  if (task.status !== "input_required") {
    return;
  }
  for (const [key, answer] of Object.entries(responses ?? {})) {
    if (task.questions.delete(key)) {
      task.answers[key] = answer;
    }
  }
  if (task.questions.size === 0) {
    task.status = "working";
    task.onAnswer(task.answers);
  }
}

function handle(message) {
  const { id, method, params = {} } = message;
  const ok = (result) => ({ jsonrpc: "2.0", id, result: { resultType: "complete", ...result } });
  const error = ({ error }) => ({ jsonrpc: "2.0", id, error });
  const task = () => tasks.get(params.taskId);
  const extension = params._meta?.["io.modelcontextprotocol/clientCapabilities"]?.extensions?.[EXTENSION];
  if (method.startsWith("tasks/") && !extension) {
    return error(failure(-32021, `Missing required client capability: ${method} needs the ${EXTENSION} extension`,
      { requiredCapabilities: { extensions: { [EXTENSION]: {} } } }));
  }
  if (method.startsWith("tasks/") && !task()) {
    return error(failure(-32602, `No task ${params.taskId}`));
  }
  switch (method) {
    case "server/discover":
      return ok({ supportedVersions: [VERSION], capabilities: { tools: {}, extensions: { [EXTENSION]: {} } },
        _meta: { "io.modelcontextprotocol/serverInfo": { name: "conduit-tasks-fixture", version: "1.0.0" } } });
    case "tools/list":
      return ok({ tools: TOOLS, ttlMs: 0, cacheScope: "private" });
    case "tools/call": {
      const outcome = call(params);
      if (outcome.error) {
        return error(outcome);
      }
      if (outcome.task) {
        return { jsonrpc: "2.0", id, result: { resultType: "task", ...shown(outcome.task) } };
      }
      if (outcome.wait) {
        return new Promise((resolve) => setTimeout(() => resolve(ok(outcome.result)), outcome.wait));
      }
      return { jsonrpc: "2.0", id, result: { resultType: "complete", ...outcome.result } };
    }
    case "tasks/get":
      return ok(shown(task()));
    case "tasks/update":
      update(task(), params.inputResponses);
      return ok({});
    case "tasks/cancel":
      settle(task(), "cancelled");
      return ok({});
    case "ping":
      return ok({});
    default:
      return error(failure(-32601, `Method not found: ${method}`));
  }
}

createInterface({ input: process.stdin }).on("line", async (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } })
      + "\n");
    return;
  }
  if (message.id === undefined || !message.method) {
    return; // notifications and responses: nothing to answer
  }
  process.stdout.write(JSON.stringify(await handle(message)) + "\n");
});
