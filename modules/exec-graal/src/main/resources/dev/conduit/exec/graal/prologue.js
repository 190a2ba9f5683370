// Conduit's in-sandbox SDK for GraalJS. Evaluated once per context, while the context is made ahead; it returns an
// installer that receives the host's three functions (the tool bridge, one that answers the manifest, one that
// discovers tools: JSON data, never code) and the shared SDK (tools-sdk.js), defines `tools`, `discoverMCPTools` and
// `ToolError`, and keeps the host functions in this closure only: user code can reach neither them nor the host.
// `tools` is built from the manifest the first time a program touches it, so a program that calls no tool pays
// nothing for it.
(function () {
  "use strict";
  return function install(bridge, manifest, discover, sdk) {
    // Captured now: a program that replaces JSON.parse or JSON.stringify later only confuses itself.
    const parse = JSON.parse;
    const stringify = JSON.stringify;
    class ToolError extends Error {
      constructor(tool, code, message) {
        super(message);
        this.name = "ToolError";
        this.tool = tool;
        this.code = code;
      }
    }
    Object.freeze(ToolError.prototype);

    const call = (name, args) => {
      if (args !== undefined && (args === null || typeof args !== "object" || Array.isArray(args))) {
        throw new ToolError(name, -32602, "Tool arguments must be an object");
      }
      const answer = parse(bridge(name, stringify(args === undefined ? {} : args)));
      if (answer.error) {
        throw new ToolError(name, answer.error.code, answer.error.message);
      }
      return answer.value;
    };
    const asyncCall = (name, args) => new Promise((resolve) => resolve(call(name, args)));

    let tools;
    const discoverMCPTools = sdk.discovery((options) => new Promise((resolve) => {
      resolve(parse(discover(stringify(options))));
    }));

    Object.defineProperty(globalThis, "tools", {
      get: () => tools || (tools = sdk.tools(asyncCall, parse(manifest()))),
      enumerable: false
    });
    Object.defineProperty(globalThis, "discoverMCPTools", { value: discoverMCPTools, enumerable: false });
    Object.defineProperty(globalThis, "ToolError", { value: ToolError, enumerable: false });

    // The value a program leaves behind, as JSON text (undefined when JSON cannot express it).
    return function toJson(value) {
      if (value === undefined || typeof value === "function" || typeof value === "symbol") {
        return undefined;
      }
      try {
        return stringify(value);
      } catch (e) {
        return undefined;
      }
    };
  };
})()
