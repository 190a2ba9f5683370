// Programs that wait on tool calls, all at once: `count` JavaScript programs, each waiting `seconds` on
// server-everything's trigger-long-running-operation, sent together (stateless 2026-07-28 tools/call over HTTP,
// memory limit 8 MB each so that their caps fit the heap's budget). Prints how many completed, the time until the
// last answered, and the errors by code.
// Usage: node bench-waiting.mjs <url> <api-key> [count] [seconds] [engine]
import { callTool } from "./bench-call.mjs";

const [url, key, countArg = "200", secondsArg = "2", engine = "graaljs"] = process.argv.slice(2);
const count = Number(countArg);
const code = `await tools.$raw('everything__trigger-long-running-operation', {duration: ${Number(secondsArg)}, steps: 1});
return 'waited';`;
const started = performance.now();
const answers = await Promise.all(Array.from({ length: count }, () => callTool(url, key, "execute_javascript",
  { code, engine, limits: { memoryLimitMb: 8, timeoutMs: 60000, cpuTimeMs: 10000 } }).then(({ answer }) => answer)));
const tookMs = Math.round(performance.now() - started);
const errors = {};
let completed = 0;
for (const answer of answers) {
  if (answer.result?.structuredContent?.result === "waited") {
    completed++;
  } else {
    const code = answer.error?.code ?? "other";
    if (process.env.SHOW_ERRORS) console.error(JSON.stringify(answer.error ?? answer).slice(0, 300));
    errors[code] = (errors[code] ?? 0) + 1;
  }
}
console.log(JSON.stringify({ engine, programs: count, waitSeconds: Number(secondsArg), completed, tookMs, errors }));
process.exit(0);
