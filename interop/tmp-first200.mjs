import { callTool } from "./bench-call.mjs";
const [url, key, engine = "", n = "200"] = process.argv.slice(2);
const walls = [], durs = [];
for (let i = 0; i < Number(n); i++) {
  const t = performance.now();
  const { answer, text } = await callTool(url, key, "execute_javascript", { code: `return ${i} + 1`, ...(engine ? { engine } : {}) });
  walls.push(performance.now() - t);
  if (answer.result?.structuredContent?.exitCode !== 0) throw new Error(text);
  durs.push(answer.result.structuredContent.durationMs);
}
const p = (v, q) => [...v].sort((a, b) => a - b)[Math.floor(v.length * q)];
console.log(JSON.stringify({ engine: engine || "default", p50: +p(walls, 0.5).toFixed(1), p90: +p(walls, 0.9).toFixed(1), durationP50: p(durs, 0.5), first10: walls.slice(0, 10).map(Math.round), last10p50: +p(walls.slice(-20), 0.5).toFixed(1) }));
process.exit(0);
