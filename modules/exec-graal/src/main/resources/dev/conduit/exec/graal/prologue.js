// Conduit's in-sandbox SDK for GraalJS. Evaluated once per context, while the context is made ahead; it returns an
// installer that removes the globals that lead to the host, receives the host's functions (two for tool calls, one
// that notes a call and one that begins those noted and hands over the answers; one that answers the manifest, one that
// discovers tools: JSON data, never code; one that answers what is left of the program's memory limit, one that
// counts a buffer against it; random bytes and digests for crypto) and the shared SDK (tools-sdk.js), makes large allocations
// ask first, defines `tools`, `discoverMCPTools`, `ToolError` and the timers (setTimeout and its kin), and keeps the
// host functions in this closure only: user code can reach neither them nor the host.
// `tools` is built from the manifest the first time a program touches it, so a program that calls no tool pays
// nothing for it.
(function () {
  "use strict";
  return function install(start, answered, manifest, discover, sdk, room, hold, hostGlobals, random, digest) {
    // The globals that lead (or look like they lead) to the host, named by the executor (comma-separated), go first.
    // Strict mode: one that cannot be deleted fails the context's making instead of staying.
    hostGlobals.split(",").forEach((name) => {
      delete globalThis[name];
    });
    sdk.guardAllocations(globalThis, (wanted) => room(wanted), (bytes) => hold(bytes), true);
    // Captured now: a program that replaces JSON.parse or JSON.stringify later only confuses itself.
    const parse = JSON.parse;
    const stringify = JSON.stringify;
    const timers = sdk.timers(globalThis, Date.now);
    // Each call answers a promise at once, so the calls of Promise.all overlap (sdk.calls).
    const calls = sdk.calls(start, answered, parse, stringify, timers.none);

    let tools;
    const discoverMCPTools = sdk.discovery((options) => new Promise((resolve) => {
      resolve(parse(discover(stringify(options))));
    }));

    Object.defineProperty(globalThis, "tools", {
      get: () => tools || (tools = sdk.tools(calls.call, parse(manifest()))),
      enumerable: false
    });
    Object.defineProperty(globalThis, "discoverMCPTools", { value: discoverMCPTools, enumerable: false });
    Object.defineProperty(globalThis, "ToolError", { value: sdk.ToolError, enumerable: false });
    // Error.captureStackTrace(target, until), V8's way to give error types without classes a stack, which GraalJS
    // lacks (a program calling it failed with a TypeError): the stack where it is called, formatted at once under
    // what the target says, without the frames down to the most recent call of `until` and without the SDK's.
    if (typeof Error.captureStackTrace !== "function") {
      Object.defineProperty(Error, "captureStackTrace", { writable: true, configurable: true,
        value: function captureStackTrace(target, until) {
          if (target === null || (typeof target !== "object" && typeof target !== "function")) {
            throw new TypeError("Error.captureStackTrace needs an object");
          }
          let frames = String(new Error().stack).split("\n").slice(1)
            .filter((line) => !/conduit-(tools|sdk)\.js/.test(line));
          const name = typeof until === "function" ? until.name : "";
          if (name) {
            const escaped = name.replace(/[$.*+?^(){}|[\]\\]/g, "\\$&");
            const call = new RegExp("^\\s*at (new )?(\\S+\\.)?" + escaped + " ");
            frames = frames.slice(frames.findIndex((line) => call.test(line)) + 1);
          }
          Object.defineProperty(target, "stack", { value: String(target) + frames.map((line) => "\n" + line).join(""),
                                                   writable: true, configurable: true });
        } });
    }
    sdk.webGlobals(globalThis, random, digest);
    // GraalJS's own console printed objects as "[object Object]" and had no table: the SDK's, written through it.
    const native = globalThis.console;
    const out = native.log;
    const err = native.error;
    Object.defineProperty(globalThis, "console", {
      value: sdk.console((error, text) => (error ? err : out).call(native, text.slice(0, -1)), null, Date.now),
      writable: true, configurable: true, enumerable: false
    });

    // How a program's failure is told, [message, frames]: an Error by its name and message and its stack's frames
    // that are the program's (not the SDK's, nor the wrapper's: the async body's call after the program's last line
    // and its head on the first line, whose columns lose the head's length); any other thrown value as Deno tells it ("Uncaught { code: 42 }";
    // GraalJS gave a thrown object as "Error", its content lost), with no frames (the host has them).
    const failure = (value, lines, offset) => {
      if (!(value instanceof Error)) {
        return ["Uncaught " + (typeof value === "string" ? stringify(value) : sdk.inspect(value)), ""];
      }
      let message;
      try {
        message = String(value);
      } catch (e) {
        message = "Error";
      }
      const stack = typeof value.stack === "string" ? value.stack : "";
      const frames = stack.split("\n").map((line) => line.trim()).filter((line) => line.startsWith("at "))
        .map((line) => /^(at (?:.* \()?program\.js:)(\d+):(\d+)(\)?)$/.exec(line))
        .filter((match) => match !== null && Number(match[2]) <= lines
                && !(match[2] === "1" && Number(match[3]) <= offset))
        .map((match) => "\n    " + match[1] + match[2] + ":"
             + (match[2] === "1" ? Math.max(1, Number(match[3]) - offset) : match[3]) + match[4]);
      return [message, frames.join("")];
    };
    // For the host: the value a program leaves behind, as JSON text (undefined when JSON cannot express it), the
    // next step of what the program waits for (sdk.waiting: answered calls, timers), which it takes while the program
    // waits and after it, and how its failure is told.
    return Object.freeze({ result: (value) => sdk.resultJson(value, stringify, (text) => err.call(native, text)),
                           next: sdk.waiting(timers, calls),
                           failure });
  };
})()
