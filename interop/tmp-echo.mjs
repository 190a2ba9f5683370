import { callTool } from "./bench-call.mjs";
const [url, key, engine = "graaljs", runsArg = "60"] = process.argv.slice(2);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
for (const calls of [0, 1, 10]) {
  const code = `let n = 0; for (let i = 0; i < ${calls}; i++) { n += JSON.stringify(await tools.everything.echo({message: "m" + i})).length; } return n;`;
  const times = [], walls = [];
  for (let i = 0; i < Number(runsArg); i++) {
    const t = performance.now();
    const { answer, text } = await callTool(url, key, "execute_javascript", { code, engine });
    walls.push(performance.now() - t);
    if (answer.result?.structuredContent?.exitCode !== 0) throw new Error(text);
    times.push(answer.result.structuredContent.durationMs);
  }
  console.log(JSON.stringify({ engine, calls, durationMs: median(times.slice(10)), wallMs: +median(walls.slice(10)).toFixed(2) }));
}
process.exit(0);
