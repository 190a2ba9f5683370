// Start-up of the distribution, measured from the launch of bin/conduit: when the MCP socket answers, when readiness
// first reports a JavaScript engine available, when the first JavaScript program (no engine named) and the first
// Python program complete, when every engine is warm (health reports none warming), and the first program on each
// engine named. Runs the server `runs` times, one at a time,
// and prints each run and the medians as JSON lines.
// Usage: node bench-startup.mjs <bin/conduit> <config.yaml> <mcpPort> <opsPort> <key> [runs]
import { spawn } from "node:child_process";
import { callTool } from "./bench-call.mjs";

const [bin, config, mcpPort, opsPort, key, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const mcp = `http://127.0.0.1:${mcpPort}/mcp`;
const ops = `http://127.0.0.1:${opsPort}/observe/health/ready`;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function execute(tool, args) {
  const { answer, text } = await callTool(mcp, key, tool, args);
  if (answer.error || answer.result?.structuredContent?.result !== 2) {
    throw new Error(`${tool} ${JSON.stringify(args)}: ${text.slice(0, 300)}`);
  }
  return answer.result.structuredContent.engine;
}

// A start that has not got this far by then is reported as failed instead of waiting for ever (a wedged server).
const START_DEADLINE_MS = 120_000;
let deadline = Infinity;

async function until(probe) {
  for (;;) {
    if (performance.now() > deadline) {
      throw new Error(`not done within ${START_DEADLINE_MS / 1000} s of the launch`);
    }
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    await pause(10);
  }
}

async function once(named) {
  const server = spawn(bin, ["--config", config], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env } });
  const launched = performance.now();
  deadline = launched + START_DEADLINE_MS;
  const since = () => Math.round(performance.now() - launched);
  let log = "";
  server.stderr.on("data", (chunk) => { log += chunk; });
  const exited = new Promise((resolve) => server.on("exit", resolve));
  const result = {};
  try {
    const bound = Promise.race([until(async () => (await fetch(mcp)).status > 0), exited.then(() => {
      throw new Error("the server exited:\n" + log);
    })]);
    await bound;
    result.socketMs = since();
    const firsts = named
      ? ["graaljs", "rhino", "deno"].map((engine) => execute("execute_javascript", { code: "return 1+1", engine })
        .then(() => { result[`${engine}FirstMs`] = since(); }))
      : [until(async () => {
        // JavaScript ready: readiness reports a JavaScript engine that runs programs (issue 19's measure; the first
        // result below adds the client's request to it).
        const health = JSON.parse(await (await fetch(ops)).text());
        const states = health.checks.find((check) => check.name === "engine-states");
        return ["graaljs", "rhino", "deno"].some((engine) => states?.data?.[engine]?.startsWith("available"));
      }).then(() => { result.javascriptReadyMs = since(); }),
      execute("execute_javascript", { code: "return 1+1" }).then((engine) => {
        result.firstJavascriptMs = since();
        result.firstJavascriptEngine = engine;
      }), execute("execute_python", { code: "1+1" }).then(() => { result.firstPythonMs = since(); })];
    let timer;
    const late = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`not done within ${START_DEADLINE_MS / 1000} s of the launch`)),
        deadline - performance.now());
    });
    try {
      await Promise.race([late, Promise.all([...firsts, until(async () => {
        const health = await (await fetch(ops)).text();
        return health.includes("engine-states") && !/warming|unavailable/.test(health);
      }).then(() => { result.allWarmMs = since(); })])]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    server.kill("SIGTERM");
    // The server ends itself within its shutdown grace and 18 s; SIGKILL should that fail too.
    const killer = setTimeout(() => server.kill("SIGKILL"), 40_000);
    await exited;
    clearTimeout(killer);
  }
  return result;
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const named of [false, true]) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const result = await once(named);
    console.log(JSON.stringify({ run: i + 1, named, ...result }));
    results.push(result);
  }
  const medians = {};
  for (const field of Object.keys(results[0]).filter((name) => name.endsWith("Ms"))) {
    medians[field] = median(results.map((result) => result[field]));
  }
  console.log(JSON.stringify({ median: true, named, runs, ...medians }));
}
