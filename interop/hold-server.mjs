// An MCP server for the tests, on the pinned official SDK's low-level Server, that shows what a gateway tells it about
// calls it gave up on. Its tool "hold" answers after `ms` milliseconds unless the request is cancelled first
// (notifications/cancelled, which the SDK turns into the handler's abort signal); "cancellations" answers how many
// holds began and the reasons of every cancelled one so far, waiting up to `waitMs` for there to be `atLeast`
// cancelled (or, with `started`, `atLeast` begun; or, with `streamsAtMost`, at most that many request streams still
// open over HTTP besides the asking one's), so that a test need not poll. A server told that a request is cancelled
// sends nothing more on its stream and never ends it, as the SDK's does: only the client can. Over stdio by default; `node hold-server.mjs http PORT` serves Streamable HTTP (with sessions, so
// that a cancellation reaches the server instance running the request) on 127.0.0.1:PORT.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const reasons = [];
const waiters = new Set();
let started = 0;
let openPosts = 0; // over HTTP: POST requests whose response is not closed yet

function changed() {
  for (const waiter of waiters) waiter();
}

function cancelled(reason) {
  reasons.push(String(reason ?? ""));
  changed();
}

function hold(ms, signal) {
  started++;
  changed();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("held"), ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      cancelled(signal.reason);
      resolve("cancelled");
    }, { once: true });
  });
}

function cancellations(args) {
  const atLeast = Number(args.atLeast ?? 0);
  const streams = () => Math.max(0, openPosts - 1);
  const reached = args.streamsAtMost !== undefined ? () => streams() <= Number(args.streamsAtMost)
    : args.started === true ? () => started >= atLeast : () => reasons.length >= atLeast;
  return new Promise((resolve) => {
    const answer = () => {
      waiters.delete(check);
      clearTimeout(timer);
      resolve({ started, count: reasons.length, reasons: [...reasons], streams: streams() });
    };
    const check = () => { if (reached()) answer(); };
    const timer = setTimeout(answer, Number(args.waitMs ?? 0));
    waiters.add(check);
    check();
  });
}

const tools = [
  { name: "hold", description: "Answers after ms milliseconds unless cancelled first",
    inputSchema: { type: "object", properties: { ms: { type: "number" } }, required: ["ms"] } },
  { name: "cancellations", description: "The holds begun and the reasons of those cancelled so far (waits for "
      + "atLeast cancelled, or begun with started: true, up to waitMs)",
    inputSchema: { type: "object", properties: { atLeast: { type: "number" }, waitMs: { type: "number" },
                                                 started: { type: "boolean" }, streamsAtMost: { type: "number" } } } },
];

function newServer() {
  const server = new Server({ name: "hold", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const args = request.params.arguments ?? {};
    const text = request.params.name === "hold" ? await hold(Number(args.ms ?? 0), extra.signal)
      : JSON.stringify(await cancellations(args));
    return { content: [{ type: "text", text }] };
  });
  return server;
}

if (process.argv[2] === "http") {
  const sessions = new Map();
  const port = Number(process.argv[3]);
  createServer(async (req, res) => {
    if (req.method === "POST") {
      openPosts++;
      res.on("close", () => {
        openPosts--;
        changed();
      });
    }
    let transport = sessions.get(req.headers["mcp-session-id"]);
    if (!transport) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => sessions.set(id, transport),
      });
      await newServer().connect(transport);
    }
    await transport.handleRequest(req, res);
  }).listen(port, "127.0.0.1", () => console.log(`hold fixture listening on port ${port}`));
} else {
  await newServer().connect(new StdioServerTransport());
}
