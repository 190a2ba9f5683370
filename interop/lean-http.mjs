// An HTTP/1.1 client for the benchmarks, written on a bare socket: the request's bytes made by hand and the answer
// read by its Content-Length (or its chunks). Node's http module and fetch cost as much CPU per request as the gateway
// does or more (measured: http 0.085 ms per tools/call, fetch 0.9-1.5 ms per execute_javascript), and on a machine of
// two cores the client's CPU is taken from the server's, or, with one client, added to every latency; this one costs
// about what a line-protocol client does (0.02-0.03 ms), so that the benchmarks measure what the gateway spends.
// One request at a time per client, on one keep-alive connection, which holds the process open only while a request is
// out (an idle keep-alive socket would keep Node running until the server closes it, a minute later).
import net from "node:net";

/**
 * Connects to `target` (a URL) and answers send(body, headers) -> Promise<{status, body, contentType}>: a POST of
 * `body` (JSON text) to the target's path with `fixedHeaders` and `headers`.
 */
export async function leanHttpClient(target, fixedHeaders) {
  const socket = net.createConnection({ host: target.hostname, port: Number(target.port) });
  await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("error", reject); });
  socket.setNoDelay(true);
  socket.unref();
  let buffered = Buffer.alloc(0);
  let waiting = null;
  socket.on("error", (error) => waiting?.reject(error));
  socket.on("close", () => waiting?.reject(new Error("the server closed the connection")));

  /** The first whole answer in the buffer, taken out of it; null until one has arrived. */
  const answer = () => {
    const end = buffered.indexOf("\r\n\r\n");
    if (end < 0) {
      return null;
    }
    const head = buffered.toString("latin1", 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let body;
    let rest;
    if (length) {
      const size = Number(length[1]);
      if (buffered.length < end + 4 + size) {
        return null;
      }
      body = buffered.toString("utf8", end + 4, end + 4 + size);
      rest = end + 4 + size;
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const chunks = [];
      let at = end + 4;
      for (;;) {
        const line = buffered.indexOf("\r\n", at);
        if (line < 0) {
          return null;
        }
        const size = parseInt(buffered.toString("latin1", at, line), 16);
        if (buffered.length < line + 2 + size + 2) {
          return null;
        }
        if (size === 0) {
          rest = line + 4;
          break;
        }
        chunks.push(buffered.subarray(line + 2, line + 2 + size));
        at = line + 2 + size + 2;
      }
      body = Buffer.concat(chunks).toString("utf8");
    } else {
      throw new Error(`an answer without a length: ${head}`);
    }
    buffered = buffered.subarray(rest);
    const type = /\r\ncontent-type: *([^\r;]*)/i.exec(head);
    return { status, body, contentType: type ? type[1].trim().toLowerCase() : "" };
  };
  socket.on("data", (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const done = waiting && answer();
    if (done) {
      const { resolve } = waiting;
      waiting = null;
      socket.unref();
      resolve(done);
    }
  });

  let fixed = `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\n`;
  for (const [name, value] of Object.entries(fixedHeaders)) {
    fixed += `${name}: ${value}\r\n`;
  }
  return (body, headers) => new Promise((resolve, reject) => {
    waiting = { resolve, reject };
    socket.ref();
    let head = fixed;
    for (const [name, value] of Object.entries(headers ?? {})) {
      head += `${name}: ${value}\r\n`;
    }
    socket.write(`${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
}

/**
 * The JSON-RPC answer in an answer's body: the body itself, or, when the gateway answered with an event stream (it does
 * for a request that runs long enough to need heartbeats), the data of its last event.
 */
export function jsonRpcAnswer(answer) {
  if (answer.contentType !== "text/event-stream") {
    return JSON.parse(answer.body);
  }
  const events = answer.body.split(/\r?\n\r?\n/)
    .map((event) => event.split(/\r?\n/).filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).trimStart()).join("\n"))
    .filter((data) => data !== "");
  return JSON.parse(events[events.length - 1]);
}
