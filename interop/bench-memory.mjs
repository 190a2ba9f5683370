// The memory limit under load: per engine, the churn program and a 10 MB JSON transform (which must complete), then
// bombs of two shapes (arrays kept; filled typed arrays kept, in Python bytes repeated) 1, 4 and 8 at a time, each under the default 256 MB
// limit. For each: the outcome, the time until every program answered, the peak resident memory of the server and its
// children (sampled every 50 ms from /proc), and the latency of another client's `return 1 + 1` meanwhile (with its own
// key, BENCH_OTHER_KEY when set: with the bombs' key it would wait for one of the key's executions-per-key slots,
// which is that limit doing its work, not the server's health).
// Prints one JSON line per measurement. Linux only (reads /proc).
// Usage: node bench-memory.mjs <url> <api-key> <server-pid> [engines, comma-separated] [concurrencies]
import { readFileSync, readdirSync } from "node:fs";
import { callTool } from "./bench-call.mjs";

const [url, key, serverPid, enginesArg, concurrencyArg] = process.argv.slice(2);
const engines = (enginesArg ?? "graaljs,rhino,deno,graalpy").split(",");
const concurrencies = (concurrencyArg ?? "1,4,8").split(",").map(Number);

const CHURN_JS = `let total = 0; for (let i = 0; i < 200; i++) { const rows = []; for (let j = 0; j < 10000; j++)
  rows.push({id: j, name: "row-" + j, v: Math.random()}); total += JSON.stringify(rows).length; } return total;`;
const CHURN_PY = `import json, random
total = 0
for i in range(200):
    rows = [{"id": j, "name": "row-" + str(j), "v": random.random()} for j in range(10000)]
    total += len(json.dumps(rows))
total`;
const JSON_JS = `const text = JSON.stringify(Array.from({length: 100000}, (_, i) => ({id: i, name: "item-" + i,
  tags: ["a", "b", "c"], price: i * 1.5})));
const out = JSON.parse(text).filter((r) => r.id % 2 === 0).map((r) => ({...r, price: r.price * 2}));
return [text.length, JSON.stringify(out).length];`;
const JSON_PY = `import json
text = json.dumps([{"id": i, "name": "item-" + str(i), "tags": ["a", "b", "c"], "price": i * 1.5} for i in range(100000)])
out = [dict(r, price=r["price"] * 2) for r in json.loads(text) if r["id"] % 2 == 0]
[len(text), len(json.dumps(out))]`;
const ARRAYS_JS = "var keep = []; for (;;) keep.push(new Array(131072).fill(Math.random()));";
const ARRAYS_PY = "keep = []\nwhile True:\n    keep.append([0.5] * 131072)";
// Copies of one filled 8 MB array (a built-in copy: filling each in an interpreter would make this a CPU test).
const BUFFERS_JS = "var t = new Uint8Array(8 * 1024 * 1024).fill(1); var keep = []; for (;;) keep.push(new Uint8Array(t));";
// Python's buffers: 8 MB bytes repeated through variables, so that only the check of every product sees their size.
const BUFFERS_PY = "chunk = b'x'\nsize = 8 * 1024 * 1024\nkeep = []\nwhile True:\n    keep.append(chunk * size)";

const otherKey = process.env.BENCH_OTHER_KEY ?? key;
async function execute(engine, code, as = key) {
  const python = engine === "graalpy";
  const { answer } = await callTool(url, as, python ? "execute_python" : "execute_javascript",
                                    { code, ...(python ? {} : { engine }) });
  if (answer.error) {
    return answer.error.data?.limit ?? `error ${answer.error.code}`;
  }
  const structured = answer.result?.structuredContent;
  if (structured?.exitCode === 0) {
    return "completed";
  }
  // A large allocation the memory limit had no room for, refused in the program (a RangeError it did not catch).
  return structured?.stderr?.includes("memory limit leaves") ? "refused" : "failed";
}

function residentTree(root) {
  const parents = new Map();
  for (const entry of readdirSync("/proc")) {
    if (/^\d+$/.test(entry)) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        parents.set(entry, stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      } catch {
        // gone
      }
    }
  }
  const tree = new Set([String(root)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of tree) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      total += match ? Number(match[1]) * 1024 : 0;
    } catch {
      // gone
    }
  }
  return total;
}

const mib = (bytes) => Math.round(bytes / 1048576);
const percentile = (sorted, p) => sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function measure(engine, shape, code, concurrency) {
  const before = residentTree(serverPid);
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, residentTree(serverPid)); }, 50);
  const started = performance.now();
  const running = Array.from({ length: concurrency }, () => execute(engine, code));
  let done = false;
  const others = [];
  const bystander = (async () => {
    while (!done) {
      const t = performance.now();
      await execute("graaljs", "return 1 + 1", otherKey);
      others.push(performance.now() - t);
    }
  })();
  const outcomes = await Promise.all(running);
  const elapsed = performance.now() - started;
  done = true;
  await bystander;
  clearInterval(sampler);
  others.sort((a, b) => a - b);
  console.log(JSON.stringify({ engine, shape, concurrency, outcomes: [...new Set(outcomes)], ms: Math.round(elapsed),
    rssBeforeMiB: mib(before), rssPeakMiB: mib(peak), otherP50Ms: Math.round(percentile(others, 0.5) ?? -1),
    otherMaxMs: Math.round(others.at(-1) ?? -1), otherCalls: others.length }));
}

for (const engine of engines) {
  const python = engine === "graalpy";
  await measure(engine, "churn", python ? CHURN_PY : CHURN_JS.replaceAll("let ", "var ").replaceAll("const ", "var "), 1);
  await measure(engine, "json-10mb", python ? JSON_PY : JSON_JS, 1);
  for (const concurrency of concurrencies) {
    await measure(engine, "arrays", python ? ARRAYS_PY : ARRAYS_JS, concurrency);
    await measure(engine, "buffers", python ? BUFFERS_PY : BUFFERS_JS, concurrency);
  }
}
