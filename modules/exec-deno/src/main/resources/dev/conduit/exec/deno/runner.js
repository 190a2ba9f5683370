// Conduit's runner inside one Deno process: it waits for exactly one program, runs it with the tools SDK, and exits.
// The process has no permissions at all. It talks to the gateway over its own stdio only:
//   stdin  (gateway -> runner): one line {nonce, code, manifest, memoryBytes, maxArgumentBytes}, then one line per
//                               tool-call answer {id, value|error};
//   stdout (runner -> gateway): frames "<nonce> <json>\n": {t:"call",id,tool,args|oversized}, {t:"out",err,s},
//                               {t:"done",result},
//                               {t:"error",message,stack}.
// The nonce is a secret of this execution, read before the program exists; the program also loses Deno.stdin,
// Deno.stdout and Deno.stderr, and its console is this runner's. So nothing a program writes can pass for a frame.
"use strict";
// The shared tools SDK (tools-sdk.js) is put in place of the next line when the runner is written out.
// @conduit-sdk
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const stdout = Deno.stdout;
const stdin = Deno.stdin;
const parse = JSON.parse;
const stringify = JSON.stringify;
const inspect = Deno.inspect;
const memoryUsage = Deno.memoryUsage;
// V8's collector, exposed (--expose-gc) for the runner alone: the global is not configurable, so it is overwritten.
const collect = globalThis.gc;
globalThis.gc = undefined;
for (const name of ["stdin", "stdout", "stderr"]) {
  delete Deno[name];
}
if (Deno.internal !== undefined) {
  delete Deno[Deno.internal];
}
// Host facts a program has no use for and must not learn: process ids, where Deno is installed, the runner's path
// and working directory. (Everything else that tells about the host already needs a permission the process lacks.)
for (const name of ["pid", "ppid", "mainModule"]) {
  delete Deno[name];
}
// Deno.execPath() says "deno", not where it is installed, and Deno.cwd() says "/" (as os.getcwd() in a Python
// program): node:process reads both as it loads, which `process` and most node: modules do on first use, and a
// refusal there failed every such program. Reading or writing files stays refused for want of a permission.
for (const [name, value] of [["execPath", "deno"], ["cwd", "/"]]) {
  Object.defineProperty(Deno, name, { value: () => value, writable: false, configurable: false });
}
// Deno.exit(0) from the program ends it as a success, with what it printed, as sys.exit(0) does a Python program (it
// was a failure: the process ended before the runner said it was done); another code ends the process as before.
const exit = Deno.exit;
Object.defineProperty(Deno, "exit", {
  value: (code) => {
    if (code === undefined || code === 0) {
      send({ t: "done", result: undefined });
    }
    exit(code === undefined ? 0 : code);
  },
  writable: false,
  configurable: false,
});
// A worker gets a fresh Deno namespace, with the real stdin and stdout the lines above take away: no workers.
delete globalThis.Worker;
// Storage Deno keeps on disk, in its cache, for the main module (the runner, the same for every program):
// localStorage and the Cache API's caches. Through a shared cache one program read what another had stored, and
// the Cache API has no quota. Nothing a program stores may outlive it; sessionStorage, in memory, stays.
for (const name of ["localStorage", "caches", "CacheStorage", "Cache"]) {
  delete globalThis[name];
  if (name in globalThis) {
    throw new Error(`the runner could not remove ${name}`);
  }
}

// stdin is read with its own read calls, not through a ReadableStream: setting one up costs milliseconds. Each read
// is searched for line ends on its own and a line's pieces are joined once, when its end arrives: adding every read
// to one string and searching all of it each time took quadratic time (a 15 MB tool answer reached the program after
// 7.2 s, 0.5 s of it the upstream's).
const chunk = new Uint8Array(64 * 1024);
const lines = [];
let pieces = [];
function absorb(n) {
  const text = decoder.decode(chunk.subarray(0, n), { stream: true });
  let start = 0;
  for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
    pieces.push(text.slice(start, end));
    lines.push(pieces.join(""));
    pieces = [];
    start = end + 1;
  }
  if (start < text.length) {
    pieces.push(text.slice(start));
  }
}
// The program arrives while nothing else runs: a blocking read is the quickest way to it.
function readFirstLine() {
  while (lines.length === 0) {
    const n = stdin.readSync(chunk);
    if (n === null) {
      exit(0); // the gateway gave up on this process before handing it a program
    }
    absorb(n);
  }
  return lines.shift();
}
async function readLine() {
  while (lines.length === 0) {
    const n = await stdin.read(chunk);
    if (n === null) {
      return null;
    }
    absorb(n);
  }
  return lines.shift();
}

const request = parse(readFirstLine());
const nonce = request.nonce;
// A large buffer that does not fit in what is left of the program's memory limit fails in the program (a RangeError)
// instead of growing the process until the gateway kills it. What the program holds is V8's heap in use plus its
// external memory (buffer contents), above what the runner held before the program; when an allocation would not fit,
// a full collection first tells garbage from what is held. (Measured before this: four programs keeping 8 MB buffers
// under a 256 MB limit took the processes 2 GB above their start before the gateway's resident-memory check, at twice
// the limit, stopped them.) V8 frees the contents of dead buffers after a collection, concurrently, and counts them
// as external memory until then; the next collection finishes that first. So a second one runs when the first left
// no room: with one, a program churning through 4 MB buffers under 64 MB was refused its fifteenth (measured: 52 MB
// still counted after one collection, 4 MB after two).
const memoryBytes = request.memoryBytes;
const maxArgumentBytes = request.maxArgumentBytes;
const held = () => {
  const usage = memoryUsage();
  return usage.heapUsed + usage.external;
};
const heldBefore = held();
ConduitSdk.guardAllocations(globalThis, (wanted) => {
  let left = memoryBytes - (held() - heldBefore);
  for (let collections = 0; wanted > left && collect !== undefined && collections < 2; collections++) {
    collect();
    left = memoryBytes - (held() - heldBefore);
  }
  return left;
});
function send(frame) {
  sendJson(stringify(frame));
}
function sendJson(json) {
  const bytes = encoder.encode(nonce + " " + json + "\n");
  for (let written = 0; written < bytes.length;) {
    written += stdout.writeSync(bytes.subarray(written));
  }
}


// Tool calls: one frame out, one answer line back, matched by id; answers are read while the program runs.
const pending = new Map();
let nextId = 0;
(async () => {
  for (;;) {
    const line = await readLine();
    if (line === null) {
      break;
    }
    const answer = parse(line);
    const waiting = pending.get(answer.id);
    pending.delete(answer.id);
    if (waiting) {
      waiting(answer);
      checkLater(); // the end may wait for this call
    }
  }
  for (const waiting of pending.values()) {
    waiting({ error: { code: -32603, message: "The gateway closed the tool channel" } });
  }
  pending.clear();
})();

function call(name, args) {
  if (!ConduitSdk.argumentsOk(args)) {
    return Promise.reject(ConduitSdk.badArguments(name));
  }
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const json = stringify(args === undefined ? {} : args);
    pending.set(id, (answer) => answer.error
      ? reject(ConduitSdk.failure(name, answer))
      : resolve(answer.value));
    // Arguments over the gateway's limit are not sent (the pipe's lines are bounded by it): the gateway answers the
    // call with the refusal every engine gets. A UTF-8 encoding takes at most three bytes per UTF-16 unit.
    const bytes = json.length * 3 <= maxArgumentBytes ? 0 : encoder.encode(json).length;
    const head = `{"t":"call","id":${id},"tool":${stringify(name)},`;
    sendJson(bytes > maxArgumentBytes ? `${head}"oversized":${bytes}}` : `${head}"args":${json}}`);
  });
}

const tools = ConduitSdk.tools(call, request.manifest);
const discoverMCPTools = ConduitSdk.discovery((options) => new Promise((resolve, reject) => {
  const id = ++nextId;
  pending.set(id, (answer) => answer.error ? reject(new Error(answer.error.message)) : resolve(answer.value));
  send({ t: "discover", id, options });
}));

// The SDK's console (table, assert, count, time, group besides log and error), printing values with Deno's inspect.
const console = ConduitSdk.console((err, s) => send({ t: "out", err, s }), (v) => inspect(v, { colors: false }),
                                   Date.now);
Object.defineProperty(globalThis, "console", { value: console, writable: false, configurable: false });
Object.defineProperty(globalThis, "tools", { value: tools, enumerable: false });
Object.defineProperty(globalThis, "discoverMCPTools", { value: discoverMCPTools, enumerable: false });
Object.defineProperty(globalThis, "ToolError", { value: ConduitSdk.ToolError, enumerable: false });
globalThis.addEventListener("unhandledrejection", (event) => event.preventDefault());

// What the program leaves to run later (timers, and tool calls still out) runs before it ends, as in a Deno process
// of its own (the original's executor) and in the in-process engines: its timers are counted, and the end waits until
// none is left and every call has answered. A callback's exception ends the program, as it would end that process.
const timers = new Set();
const native = { setTimeout, setInterval, clearTimeout, clearInterval };
let nothingLeft = null;
function checkLater() {
  native.setTimeout(() => { // a task of its own: after the microtasks the callback started, which may add timers
    if (timers.size === 0 && pending.size === 0 && nothingLeft) {
      nothingLeft();
    }
  }, 0);
}
function guarded(callback, once, id) {
  return (...args) => {
    if (once) {
      timers.delete(id.value);
    }
    try {
      if (typeof callback === "function") {
        callback(...args);
      }
    } catch (error) {
      fail(error);
    } finally {
      checkLater();
    }
  };
}
function schedule(start, once) {
  return (callback, delay, ...args) => {
    const id = {};
    id.value = start(guarded(callback, once, id), delay, ...args);
    timers.add(id.value);
    return id.value;
  };
}
function unschedule(stop) {
  return (id) => {
    timers.delete(id);
    stop(id);
    checkLater();
  };
}
Object.assign(globalThis, {
  setTimeout: schedule(native.setTimeout, true), setInterval: schedule(native.setInterval, false),
  clearTimeout: unschedule(native.clearTimeout), clearInterval: unschedule(native.clearInterval),
});

// A plain script keeps its last value as the result. One with top-level await or return (the gateway tells, as
// `asBody`), or TypeScript syntax, runs as a TypeScript module whose body is an async function, so `return` gives the
// result. Either form is tried when the other does not parse: the sentinel, called first thing in both, tells a
// program that never started from a SyntaxError the program throws itself.
const SENTINEL = "__conduit_started__";
let started = false;
function arm() {
  Object.defineProperty(globalThis, SENTINEL, {
    configurable: true,
    value: () => {
      started = true;
      delete globalThis[SENTINEL];
    },
  });
}
const SCRIPT_HEAD = SENTINEL + "();";
// Static imports (`import { createHash } from "node:crypto"`), taken out of the program by the gateway, head the
// module: valid only there, and only as a module (the script form is not tried).
const MODULE_HEAD = (request.imports ?? "") + "export default await (async () => {" + SENTINEL + "();";
const asScript = () => (0, eval)(SCRIPT_HEAD + request.code);
const asModule = async () => {
  const module = MODULE_HEAD + request.code + "\n})();";
  return (await import("data:application/typescript," + encodeURIComponent(module))).default;
};
const RUNNER_URL = import.meta.url;
const PROGRAM_URL = /data:application\/typescript,[^\s:]*/g;
// An error's stack, as the program reads it (e.stack, console.log(e)), names the program's own frames only, program.js
// (a script) or program.ts (a module), as a Deno process of its own names its file: V8's own text named the runner's
// temporary path, its eval and its frames. Deno hands this hook source-mapped call sites, so TypeScript lines are the
// program's.
const programLines = request.code.split("\n").length;
Error.prepareStackTrace = (error, sites) => {
  let header;
  try {
    header = String(error);
  } catch {
    header = "Error";
  }
  const frames = [];
  for (const site of sites) {
    const file = site.getFileName();
    const line = site.getLineNumber();
    const where = typeof file === "string" && file.startsWith("data:application/typescript,") ? "program.ts"
      : file == null && site.isEval() ? "program.js" : undefined;
    // The head before the program on its first line: its columns are the program's less the head's length.
    const head = line === 1 ? (where === "program.ts" ? MODULE_HEAD : SCRIPT_HEAD).length : 0;
    if (where === undefined || line == null || line > programLines || site.getColumnNumber() <= head) {
      continue; // the runner's, Deno's own (ext:, node:), the eval call itself, or the module's call of the body
    }
    const named = site.getFunctionName() || site.getMethodName();
    const name = named === "eval" && site.isEval() && site.isToplevel() ? null : named;
    const location = where + ":" + line + ":" + (site.getColumnNumber() - head);
    const prefix = (site.isAsync() ? "async " : "") + (site.isConstructor() ? "new " : "");
    frames.push("    at " + (name ? prefix + name + " (" + location + ")" : location));
  }
  return [header, ...frames].join("\n");
};
// The program's own frames, named program.js (a script) or program.ts (a module); the runner's and Deno's left out.
// The module's URL holds parentheses (encodeURIComponent leaves them) but never a colon: it ends at ":line:column".
function stackOf(error) {
  const stack = error && typeof error.stack === "string" ? error.stack : "";
  return stack.split("\n")
    .filter((line) => line.trimStart().startsWith("at "))
    .map((line) => line.replace(/eval at [^)]*\), <anonymous>/, "program.js")
      .replace(PROGRAM_URL, "program.ts"))
    .filter((line) => !line.includes(RUNNER_URL) && !line.includes("ext:") && line.trim() !== "at eval (<anonymous>)")
    .map((line) => line.trim())
    .join("\n");
}
try {
  const [first, other] = request.imports ? [asModule, undefined] : request.asBody ? [asModule, asScript]
    : [asScript, asModule];
  let value;
  try {
    arm();
    value = await first();
  } catch (e) {
    if (started || !(e instanceof SyntaxError) || other === undefined) {
      throw e;
    }
    try {
      arm();
      value = await other();
    } catch (again) {
      throw started || !(again instanceof SyntaxError) ? again : e;
    }
  } finally {
    delete globalThis[SENTINEL];
  }
  const result = ConduitSdk.resultJson(await value, stringify, (s) => send({ t: "out", err: true, s: s + "\n" }));
  if (timers.size > 0 || pending.size > 0) {
    await new Promise((resolve) => nothingLeft = resolve);
  }
  send({ t: "done", result });
} catch (error) {
  fail(error);
}
exit(0);

function fail(error) {
  // A module that does not parse is reported by Deno as a TypeError whose message is the SyntaxError; an error raised
  // while Deno loads one of its own modules carries that error's frames, the runner's path among them, in its message.
  const named = error instanceof TypeError && error.message.startsWith("SyntaxError: ") ? error.message
    : error instanceof Error ? error.name + ": " + error.message : "Uncaught " + inspect(error);
  const message = named.replaceAll(RUNNER_URL, "runner.js").replace(PROGRAM_URL, "program.ts");
  send({ t: "error", message, stack: stackOf(error) });
  exit(0);
}
