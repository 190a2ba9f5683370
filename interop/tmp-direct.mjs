import { callTool } from "./bench-call.mjs";
const [url, key, seconds = "10", tool = "everything__echo"] = process.argv.slice(2);
const end = performance.now() + Number(seconds) * 1000;
let n = 0;
async function loop() { while (performance.now() < end) { const { answer, text } = await callTool(url, key, tool, { message: "hi" }); if (!answer.result) throw new Error(text); n++; } }
await Promise.all([loop(), loop(), loop(), loop()]);
console.log(JSON.stringify({ tool, perSecond: Math.round(n / Number(seconds)), n }));
process.exit(0);
