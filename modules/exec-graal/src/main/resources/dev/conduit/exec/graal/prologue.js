// Conduit's in-sandbox SDK for JavaScript. Evaluated once per context, while the context is made ahead; it returns an
// installer that receives the host's two functions (the tool bridge, and one that answers the manifest: JSON data,
// never code), defines `tools` and `ToolError`, and keeps both functions in this closure only: user code can reach
// neither them nor the host. `tools` is built from the manifest the first time a program touches it, so a program
// that calls no tool pays nothing for it.
(function () {
  "use strict";
  return function install(bridge, manifest) {
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
    const build = () => {
      const namespaces = Object.create(null);
      for (const tool of parse(manifest())) {
        const space = namespaces[tool.namespace] || (namespaces[tool.namespace] = Object.create(null));
        const binding = (args) => asyncCall(tool.name, args);
        space[tool.local] = binding;
        if (tool.identifier && tool.identifier !== tool.local) {
          space[tool.identifier] = binding;
        }
      }
      const built = Object.create(null);
      for (const name of Object.keys(namespaces)) {
        built[name] = Object.freeze(namespaces[name]);
      }
      Object.defineProperty(built, "$raw", { value: (name, args) => asyncCall(String(name), args) });
      return Object.freeze(built);
    };

    Object.defineProperty(globalThis, "tools", { get: () => tools || (tools = build()), enumerable: false });
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
