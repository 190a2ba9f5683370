// Which engine for which work: the same workloads on every engine (JavaScript on graaljs, rhino and deno; the Python
// versions on graalpy), one program at a time, each run `runs` times after one warm-up run. Prints one JSON line per
// engine and workload with the median of the execution's own durationMs, then the ratio of each engine to the fastest.
// Each run's program differs by a trailing comment, as an agent's programs do, so no engine reuses an earlier parse.
// Usage: node bench-workloads.mjs <url> <api-key> [runs] [workload]   (workload: a regular expression a name must
// match, such as a part of it; default all)
// PAUSE_MS in the environment waits that long before each program, as an agent's programs come: what a server does
// between programs (making the next context ahead, cleaning up a used process) then lands in the pause.
import { callTool } from "./bench-call.mjs";

const [url, key, runsArg = "5", only = ""] = process.argv.slice(2);
const runs = Number(runsArg);
let unique = 0;

const pause = Number(process.env.PAUSE_MS || 0);
// Warm-up runs per engine and workload before the measured ones (WARMUP, default 1): a fresh server's first hundred
// programs or so pay for the JIT's warm-up, so compare figures taken at the same point of a server's life.
const warmup = Number(process.env.WARMUP || 1);

const WORKLOADS = {
  "empty program (return 1)": {
    js: `return 1;`,
    py: `1`,
  },
  "tight loop (primes below 300,000)": {
    js: `let count = 0;
for (let n = 2; n < 300000; n++) { let prime = true; for (let d = 2; d * d <= n; d++) { if (n % d === 0) { prime = false; break; } } if (prime) count++; }
return count;`,
    py: `count = 0
for n in range(2, 300000):
    prime = True
    d = 2
    while d * d <= n:
        if n % d == 0:
            prime = False
            break
        d += 1
    if prime:
        count += 1
count`,
  },
  "JSON of 100,000 records (stringify, parse, filter)": {
    js: `const text = JSON.stringify(Array.from({length: 100000}, (_, i) => ({id: i, name: "item-" + i, price: i * 1.5})));
return JSON.parse(text).filter((r) => r.id % 3 === 0).length;`,
    py: `import json
text = json.dumps([{"id": i, "name": "item-" + str(i), "price": i * 1.5} for i in range(100000)])
len([r for r in json.loads(text) if r["id"] % 3 == 0])`,
  },
  "string processing (1 MB: split, regex, join)": {
    js: `const text = Array.from({length: 50000}, (_, i) => "line " + i + " value=" + (i * 7 % 1000)).join("\\n");
const out = text.split("\\n").map((l) => l.replace(/value=(\\d+)/, (_, v) => "v:" + (Number(v) * 2))).filter((l) => l.includes("v:1")).join(";");
return out.length;`,
    py: `import re
text = "\\n".join("line " + str(i) + " value=" + str(i * 7 % 1000) for i in range(50000))
out = ";".join(l for l in (re.sub(r"value=(\\d+)", lambda m: "v:" + str(int(m.group(1)) * 2), l) for l in text.split("\\n")) if "v:1" in l)
len(out)`,
  },
  "sorting 200,000 numbers": {
    js: `const values = Array.from({length: 200000}, (_, i) => (i * 7919) % 200003);
values.sort((a, b) => a - b);
return values[100000];`,
    py: `values = [(i * 7919) % 200003 for i in range(200000)]
values.sort()
values[100000]`,
  },
  "tool-call bound (10 echo calls)": {
    js: `let n = 0; for (let i = 0; i < 10; i++) { n += JSON.stringify(await tools.everything.echo({message: "m" + i})).length; } return n;`,
    py: `n = 0
for i in range(10):
    n += len(str(tools.everything.echo({"message": "m" + str(i)})))
n`,
  },
};

async function execute(engine, code) {
  if (pause > 0) {
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  const python = engine === "graalpy";
  const { answer, text } = await callTool(url, key, python ? "execute_python" : "execute_javascript",
    { code: `${code}\n${python ? "#" : "//"} run ${unique++}`, ...(python ? {} : { engine }),
      limits: { timeoutMs: 120000, cpuTimeMs: 120000 } });
  const result = answer.result?.structuredContent;
  if (!result || result.exitCode !== 0) {
    throw new Error(`${engine}: ${text.slice(0, 400)}`);
  }
  return result.durationMs;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [workload, code] of Object.entries(WORKLOADS).filter(([name]) => new RegExp(only).test(name))) {
  const results = {};
  for (const engine of ["graaljs", "rhino", "deno", "graalpy"]) {
    const program = engine === "graalpy" ? code.py : code.js;
    for (let i = 0; i < warmup; i++) {
      await execute(engine, program);
    }
    const times = [];
    for (let i = 0; i < runs; i++) {
      times.push(await execute(engine, program));
    }
    results[engine] = median(times);
  }
  const fastest = Math.min(...Object.values(results));
  console.log(JSON.stringify({ workload, medianMs: results,
    ratioToFastest: Object.fromEntries(Object.entries(results).map(([engine, ms]) => [engine, +(ms / fastest).toFixed(1)])) }));
}
process.exit(0);
