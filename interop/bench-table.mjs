// Prints issue 20's table from the JSON lines bench/table.sh kept in a folder: each measure beside the original
// TypeScript Conduit's (1.1.8 on Node 24, as the issue measured it on this machine kind), the ratio, the target and
// whether it holds. A measure whose script printed nothing shows as "not measured".
// Usage: node bench-table.mjs <folder>
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const folder = process.argv[2];
const lines = (name) => {
  const file = join(folder, `${name}.jsonl`);
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line)) : [];
};
const find = (name, match) => lines(name).find((row) => Object.entries(match).every(([k, v]) => row[k] === v));

const throughput = (transport, method) => find("throughput", { transport, method });
const socketCall = throughput("socket", "tools/call");
const http2025Call = throughput("http-2025", "tools/call");
const http2026Call = throughput("http-2026", "tools/call");
const httpPing = throughput("http-2025", "ping");
const nodeClientCall = find("throughput-node", { transport: "http-2026", method: "tools/call" });
const startup = find("startup", { median: true, named: false });
const first = find("first-executions", { engine: "default" });
const tools10 = (engine, step = "code-mode") => find(step, { program: "tools10", engine, clients: 1 });
const tools10Lean = (engine) => tools10(engine, "code-mode-lean");
const rss = (key) => {
  const row = lines("code-mode").find((r) => r[key] !== undefined);
  return row ? Number.parseInt(row[key], 10) : undefined;
};
const idle = rss("rssIdle");
const after = rss("rssAfterIdle20s");
const waiting = (engine) => find("waiting", { engine, waitSeconds: 2 });

const fmt = (value, unit, digits = 0) => value === undefined || Number.isNaN(value) ? "not measured"
  : `${value.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits })}${unit}`;
const ratio = (ours, original, higherIsBetter) => ours === undefined || original === undefined ? ""
  : `${(higherIsBetter ? ours / original : original / ours).toFixed(2)}x`;
const met = (ok) => ok === undefined ? "?" : ok ? "yes" : "no";
const defined = (...values) => values.every((v) => v !== undefined && !Number.isNaN(v));

const ratioHttp = (row) => defined(socketCall?.perSecond, row?.perSecond) ? socketCall.perSecond / row.perSecond
  : undefined;
const rows = [
  ["direct tools/call, 4 clients, socket", "3,963/s", fmt(socketCall?.perSecond, "/s"),
   ratio(socketCall?.perSecond, 3963, true), ">= 1.5x the original (5,945/s)",
   met(defined(socketCall?.perSecond) ? socketCall.perSecond >= 5945 : undefined)],
  ["direct tools/call, HTTP 2025 / 2026-07-28 (bare-socket client)", "", `${fmt(http2025Call?.perSecond, "/s")} / ${fmt(http2026Call?.perSecond, "/s")}`,
   `socket ${fmt(ratioHttp(http2025Call), "x", 2)} / ${fmt(ratioHttp(http2026Call), "x", 2)} of HTTP`,
   "HTTP within 1.5x of the socket",
   met(defined(ratioHttp(http2025Call), ratioHttp(http2026Call))
       ? ratioHttp(http2025Call) <= 1.5 && ratioHttp(http2026Call) <= 1.5 : undefined)],
  ["the same over HTTP 2026-07-28 from Node's http module (client CPU per call)", "", nodeClientCall
     ? `${fmt(nodeClientCall.perSecond, "/s")} (${fmt(nodeClientCall.clientCpuMsPerRequest, " ms", 3)})` : "not measured",
   `socket ${fmt(ratioHttp(nodeClientCall), "x", 2)} of HTTP`, "", ""],
  ["server CPU per direct call: socket / HTTP 2026-07-28", "0.19 ms",
   `${fmt(socketCall?.serverCpuMsPerRequest, " ms", 3)} / ${fmt(http2026Call?.serverCpuMsPerRequest, " ms", 3)}`,
   ratio(socketCall?.serverCpuMsPerRequest, 0.19, false), "<= 0.15 ms",
   met(defined(socketCall?.serverCpuMsPerRequest, http2026Call?.serverCpuMsPerRequest)
       ? socketCall.serverCpuMsPerRequest <= 0.15 && http2026Call.serverCpuMsPerRequest <= 0.15 : undefined)],
  ["ping, 4 clients, HTTP keep-alive", "7,912/s (TCP)", fmt(httpPing?.perSecond, "/s"),
   ratio(httpPing?.perSecond, 7912, true), ">= 8,000/s",
   met(defined(httpPing?.perSecond) ? httpPing.perSecond >= 8000 : undefined)],
  ["start to first JavaScript result (median of 5)", "4.7-6.1 s", fmt(startup?.firstJavascriptMs / 1000, " s", 2),
   ratio(startup?.firstJavascriptMs / 1000, 4.7, false), "", ""],
  ["socket / JavaScript ready after launch", "", `${fmt(startup?.socketMs / 1000, " s", 2)} / ${fmt(startup?.javascriptReadyMs / 1000, " s", 2)}`,
   "", "<= 2 s", met(defined(startup?.socketMs, startup?.javascriptReadyMs)
                      ? startup.socketMs <= 2000 && startup.javascriptReadyMs <= 2000 : undefined)],
  ["every engine warm after launch", "", fmt(startup?.allWarmMs / 1000, " s", 2), "", "<= 10 s",
   met(defined(startup?.allWarmMs) ? startup.allWarmMs <= 10000 : undefined)],
  ["first 200 JavaScript executions after start, p50", "8-11 ms", fmt(first?.p50Ms, " ms", 1),
   ratio(first?.p50Ms, 11, false), "<= the original (11 ms)",
   met(defined(first?.p50Ms) ? first.p50Ms <= 11 : undefined)],
  [`ten echo calls from a program, p50 warm: graaljs / rhino (${tools10("graaljs")?.client ?? "fetch"} client, `
   + `${fmt(tools10("graaljs")?.clientCpuMicros / 1000, " ms", 2)} of client CPU each)`, "15.4 ms",
   `${fmt(tools10("graaljs")?.p50Micros / 1000, " ms", 1)} / ${fmt(tools10("rhino")?.p50Micros / 1000, " ms", 1)}`,
   ratio(tools10("graaljs")?.p50Micros / 1000, 15.4, false), "<= 4 ms",
   met(defined(tools10("graaljs")?.p50Micros, tools10("rhino")?.p50Micros)
       ? tools10("graaljs").p50Micros <= 4000 && tools10("rhino").p50Micros <= 4000 : undefined)],
  [`the same from the bare-socket client (${fmt(tools10Lean("graaljs")?.clientCpuMicros / 1000, " ms", 2)} of client `
   + "CPU each)", "",
   `${fmt(tools10Lean("graaljs")?.p50Micros / 1000, " ms", 1)} / ${fmt(tools10Lean("rhino")?.p50Micros / 1000, " ms", 1)}`,
   ratio(tools10Lean("graaljs")?.p50Micros / 1000, 15.4, false), "<= 4 ms",
   met(defined(tools10Lean("graaljs")?.p50Micros, tools10Lean("rhino")?.p50Micros)
       ? tools10Lean("graaljs").p50Micros <= 4000 && tools10Lean("rhino").p50Micros <= 4000 : undefined)],
  ["resident memory idle, every engine warm", "205 MB", fmt(idle, " MiB"), ratio(idle, 205, false), "<= 250 MB",
   met(defined(idle) ? idle * 1.048576 <= 250 : undefined)],
  ["resident memory 20 s after the load", "315 MB", fmt(after, " MiB"), ratio(after, 315, false),
   "within 20 % of idle", met(defined(idle, after) ? after <= idle * 1.2 : undefined)],
  ["programs waiting on tool calls at once (of 200): graaljs / rhino", "10",
   `${fmt(waiting("graaljs")?.completed, "")} / ${fmt(waiting("rhino")?.completed, "")}`,
   ratio(waiting("graaljs")?.completed, 10, true), ">= 200 on 2 cores",
   met(defined(waiting("graaljs")?.completed, waiting("rhino")?.completed)
       ? waiting("graaljs").completed >= 200 && waiting("rhino").completed >= 200 : undefined)],
];

const machine = existsSync(join(folder, "machine.json")) ? JSON.parse(readFileSync(join(folder, "machine.json"), "utf8")) : {};
console.log(`Issue 20's table, ${machine.date ?? ""}, ${machine.machine ?? ""}, load ${machine.load ?? "?"} at the start`);
console.log("");
console.log("| measure | original | ours | ratio (>1: ours better) | target | met |");
console.log("|---|---|---|---|---|---|");
for (const row of rows) {
  console.log(`| ${row.join(" | ")} |`);
}
