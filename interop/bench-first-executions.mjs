// The first executions after a start: `count` trivial JavaScript programs one after another, sent as soon as the
// server is ready (engines may still be warming; JIT compilation is under way), each a stateless 2026-07-28
// tools/call over HTTP. Prints the p50 and p90 of the client's wall time, the execution's own durationMs p50, the
// first ten times and the p50 of the last twenty.
// Usage: node bench-first-executions.mjs <url> <api-key> [engine] [count]
import { callTool } from "./bench-call.mjs";

const [url, key, engine = "", count = "200"] = process.argv.slice(2);
const walls = [];
const durations = [];
for (let i = 0; i < Number(count); i++) {
  const started = performance.now();
  const { answer, text } = await callTool(url, key, "execute_javascript",
                                          { code: `return ${i} + 1`, ...(engine ? { engine } : {}) });
  walls.push(performance.now() - started);
  if (answer.result?.structuredContent?.exitCode !== 0) {
    throw new Error(text);
  }
  durations.push(answer.result.structuredContent.durationMs);
}
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(values.length * q)];
console.log(JSON.stringify({ engine: engine || "default", count: Number(count),
  p50Ms: +quantile(walls, 0.5).toFixed(1), p90Ms: +quantile(walls, 0.9).toFixed(1),
  durationP50Ms: quantile(durations, 0.5), first10Ms: walls.slice(0, 10).map(Math.round),
  last20P50Ms: +quantile(walls.slice(-20), 0.5).toFixed(1) }));
process.exit(0);
