import { callTool } from "./bench-call.mjs";
const [url, key, engine = "graaljs", runsArg = "200", calls = "0"] = process.argv.slice(2);
const code = `let n = 0; for (let i = 0; i < ${calls}; i++) { n += JSON.stringify(await tools.everything.echo({message: "m" + i})).length; } return n;`;
const t = performance.now();
for (let i = 0; i < Number(runsArg); i++) {
  const { answer, text } = await callTool(url, key, "execute_javascript", { code, engine });
  if (answer.result?.structuredContent?.exitCode !== 0) throw new Error(text);
}
console.log(JSON.stringify({ engine, calls, perRequestMs: +((performance.now() - t) / Number(runsArg)).toFixed(2) }));
process.exit(0);
