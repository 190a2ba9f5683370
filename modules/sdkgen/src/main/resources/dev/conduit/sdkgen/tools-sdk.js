// Conduit's `tools` SDK for JavaScript guests, shared by every JS engine (GraalJS, Rhino, Deno). Written in the
// JavaScript Rhino runs too: no classes, rest parameters or async functions. An engine evaluates this file to an
// object of two factories, which it calls with its own way to call a tool and to discover tools, and the parts every
// engine's glue shares: ToolError, the argument check, the error of a failed call, the result as JSON. Everything the SDK
// is built from is data from the manifest, never code, and nothing of the engine's host functions is reachable from
// what it returns: they stay in these closures.
(function () {
  "use strict";
  var toText = String;
  var keysOf = Object.keys;
  var freeze = Object.freeze;
  var create = Object.create;
  var hint = "Use tools.$raw(name, args) for dynamic calls.";
  // Names that awaiting, printing or serializing `tools` probes: answered undefined instead of a miss, so that
  // `await tools`, JSON.stringify(tools) and console.log(tools) work.
  var probes = { then: 1, toJSON: 1, constructor: 1, valueOf: 1, inspect: 1, nodeType: 1,
                 asymmetricMatch: 1, $$typeof: 1, prototype: 1, length: 1, name: 1 };

  function isProbe(key) {
    return typeof key !== "string" || probes[key] === 1 || key.indexOf("@@") === 0;
  }

  function refuse() {
    return false; // writes fail: a TypeError in strict code, nothing in sloppy code
  }

  function readOnly(handler) {
    handler.set = refuse;
    handler.defineProperty = refuse;
    handler.deleteProperty = refuse;
    handler.setPrototypeOf = refuse;
    return handler;
  }

  /**
   * The `tools` object: tools.<namespace>.<tool>(args) and tools.$raw(name, args) answer promises; tools.<tool>(args)
   * finds the one namespace that has the tool; a miss is an error that names what exists.
   *
   * @param invoke   (fullName, args) -> Promise: the engine's tool call
   * @param manifest [{name, namespace, local, identifier}]
   */
  function tools(invoke, manifest) {
    var order = [];
    var spaces = create(null);
    var flat = create(null);
    manifest.forEach(function (tool) {
      var space = spaces[tool.namespace];
      if (!space) {
        space = spaces[tool.namespace] = create(null);
        order.push(tool.namespace);
      }
      var binding = function (args) {
        return invoke(tool.name, args);
      };
      [tool.local, tool.identifier].forEach(function (key) {
        if (key && !(key in space)) {
          space[key] = binding;
          (flat[key] || (flat[key] = [])).push(tool.namespace);
        }
      });
    });

    function namespace(name) {
      var target = freeze(spaces[name]);
      return new Proxy(target, readOnly({
        get: function (space, key) {
          if (key in space) {
            return space[key];
          }
          if (key === "toString") {
            return function () {
              return "[tools." + name + ": " + keysOf(space).join(", ") + "]";
            };
          }
          if (isProbe(key)) {
            return undefined;
          }
          throw new Error("Tool '" + toText(key) + "' not found in namespace '" + name + "'. Available tools: "
                          + keysOf(space).join(", ") + ". " + hint);
        }
      }));
    }

    var top = create(null);
    order.forEach(function (name) {
      top[name] = namespace(name);
    });
    Object.defineProperty(top, "$raw", {
      value: function (name, args) {
        return invoke(toText(name), args);
      }
    });
    freeze(top);
    return new Proxy(top, readOnly({
      get: function (all, key) {
        if (key in all) {
          return all[key];
        }
        if (key === "toString") {
          return function () {
            return "[tools: " + (order.length ? order.join(", ") : "none") + "]";
          };
        }
        if (isProbe(key)) {
          return undefined;
        }
        var found = flat[key];
        if (found && found.length === 1) {
          return spaces[found[0]][key];
        }
        if (found) {
          throw new Error("Tool '" + key + "' is in more than one namespace: " + found.map(function (name) {
            return "tools." + name + "." + key;
          }).join(", ") + ". Name the namespace.");
        }
        throw new Error("Namespace or Tool '" + key + "' not found. Available namespaces: "
                        + (order.length ? order.join(", ") : "none") + ". " + hint);
      },
      has: function (all, key) {
        return key in all || (typeof key === "string" && flat[key] !== undefined);
      }
    }));
  }

  /**
   * discoverMCPTools(options?): the tools this execution may call, as [{name, description, inputSchema}]; options
   * may name a `package` (an upstream) and `search` words, ranked by the gateway as conduit__search_tools ranks them.
   *
   * @param discover (options) -> Promise of the array: the engine's discovery call
   */
  function discovery(discover) {
    return function discoverMCPTools(options) {
      if (options !== undefined && options !== null && (typeof options !== "object" || Array.isArray(options))) {
        return Promise.reject(new TypeError("discoverMCPTools(options): options must be an object such as "
                                            + "{package: 'github', search: 'issue'}"));
      }
      return discover(options || {});
    };
  }

  /**
   * The error a refused or failed tool call throws, the same in every engine: an Error whose name is "ToolError",
   * with the tool's name and the gateway's code. A plain constructor, since Rhino has no classes; `new ToolError(...)`
   * and `instanceof ToolError` work as with a class.
   */
  function ToolError(tool, code, message) {
    var error = new Error(message);
    Object.setPrototypeOf(error, ToolError.prototype);
    Object.defineProperty(error, "tool", { value: tool, enumerable: true });
    Object.defineProperty(error, "code", { value: code, enumerable: true });
    // Made inside the SDK, its stack would list the SDK's frames, which the engines leave out of a failure's report.
    var stack = error.stack;
    if (typeof stack === "string") {
      Object.defineProperty(error, "stack", { value: withoutSdkFrames(stack), writable: true, configurable: true });
    }
    return error;
  }

  function withoutSdkFrames(stack) {
    return stack.split("\n").filter(function (line) {
      return !/conduit-(tools|sdk)\.js/.test(line);
    }).join("\n");
  }
  ToolError.prototype = create(Error.prototype, {
    constructor: { value: ToolError },
    name: { value: "ToolError" }
  });
  freeze(ToolError.prototype);
  freeze(ToolError);

  /** Whether `args` may be sent as a tool's arguments: an object, or nothing (sent as {}). */
  function argumentsOk(args) {
    return args === undefined || (args !== null && typeof args === "object" && !Array.isArray(args));
  }

  /** The ToolError of arguments that are not an object. */
  function badArguments(tool) {
    return new ToolError(tool, -32602, "Tool arguments must be an object");
  }

  /** The ToolError of a gateway answer that carries an error ({error: {code, message}}). */
  function failure(tool, answer) {
    return new ToolError(tool, answer.error.code, answer.error.message);
  }

  /**
   * The value a program leaves behind, as JSON text; undefined when JSON cannot express it. A value JSON has no form
   * for at all (undefined, a function, a symbol) is no result, as JSON.stringify says; one whose conversion fails (a
   * cycle, a getter or toJSON that throws, nesting too deep) is told through `warn(text)`, since the program meant to
   * return something.
   */
  function resultJson(value, stringify, warn) {
    if (value === undefined || typeof value === "function" || typeof value === "symbol") {
      return undefined;
    }
    try {
      return stringify(value);
    } catch (e) {
      if (warn) {
        var why;
        try {
          why = e instanceof Error ? e.name + ": " + e.message : toText(e);
        } catch (unreadable) {
          why = "unreadable";
        }
        warn("The program's result is left out: JSON cannot express it (" + why + ")");
      }
      return undefined;
    }
  }


  /**
   * Makes the engine's large allocations ask first: a buffer, typed array, string or array fill of 1 MB or more that
   * does not fit in what is left of the program's memory limit (`room(bytes)`, asked of the host, which may collect
   * garbage before it answers) fails with a RangeError the program can catch, before it reaches the heap. Smaller ones
   * are not worth the question: the host measures what the program holds anyway. Sizes are lower bounds (one byte per
   * character), so nothing that fits is refused. Every JavaScript engine: in-process ones ask the gateway's last full
   * collection, Deno's runner asks V8.
   *
   * With `hold(bytes)` (the in-process engines), every buffer or typed array of 256 KB or more that keeps its size for
   * life (not a view, not resizable) is counted against the program for as long as it lives: the host answers a token
   * that the buffer keeps under a symbol of ours, and counts the bytes while the token is reachable. What a program
   * holds in such buffers is then known after every full collection however many programs run, where the host's
   * heap figures alone cannot tell one program's memory from another's.
   *
   * With `onFirstUse` (the in-process engines, which guard every sandbox made ahead of its program), the buffer and
   * typed array constructors are guarded the first time a program reads or replaces any of them: most programs never
   * touch one, and guarding fourteen constructors was most of the cost of making a Rhino scope ready (about 130 of
   * 300 microseconds). Until then each global is an accessor that guards all of them; nothing the program can reach
   * makes a buffer without reading one. Deno guards them at once: its runtime hands out typed arrays it made itself
   * (TextEncoder), whose `constructor` would otherwise be an unguarded original.
   */
  function guardAllocations(global, room, hold, onFirstUse) {
    var LARGE = 1048576;
    var TRACKED = 262144;
    var HELD = hold && typeof Symbol === "function" ? Symbol("conduit.held") : undefined;
    var hasOwn = Function.prototype.call.bind(Object.prototype.hasOwnProperty);
    var isExtensible = Object.isExtensible;
    var defineProperty = Object.defineProperty;
    var construct = Reflect.construct;
    var apply = Reflect.apply;
    var toArray = Function.prototype.call.bind(Array.prototype.slice);
    var kindOf = Function.prototype.call.bind(Object.prototype.toString);
    var floor = Math.floor;
    var max = Math.max;
    var min = Math.min;
    // Captured now as well: the buffer constructors may be guarded later, inside a program that has replaced these.
    var ProxyOf = typeof Proxy === "function" ? Proxy : undefined;
    var isArray = Array.isArray;
    var namesOf = Object.getOwnPropertyNames;
    var descriptorOf = Object.getOwnPropertyDescriptor;

    function check(bytes) {
      if (bytes >= LARGE) {
        var left = room(bytes);
        if (bytes > left) {
          throw new RangeError("Cannot allocate " + floor(bytes / LARGE) + " MB: the program's memory limit leaves "
                               + floor(max(left, 0) / LARGE) + " MB. Work on the data in smaller pieces, or ask for a "
                               + "higher limits.memoryLimitMb");
        }
      }
    }
    // Counts `bytes` against the program for as long as `made` lives. Never breaks the program: an object that takes
    // no property (a sealed one, a Proxy that refuses) is simply not counted, which only undercounts.
    function track(made, bytes) {
      if (HELD === undefined || bytes < TRACKED || made === null || typeof made !== "object") {
        return;
      }
      try {
        if (!hasOwn(made, HELD) && isExtensible(made)) {
          defineProperty(made, HELD, { value: hold(bytes), configurable: true });
        }
      } catch (e) {
        // not counted
      }
    }
    function counted(made) {
      return HELD !== undefined && made !== null && typeof made === "object" && hasOwn(made, HELD);
    }
    // A buffer whose contents moved to another (transfer) holds nothing any more.
    function untrack(buffer) {
      if (HELD !== undefined) {
        try {
          delete buffer[HELD];
        } catch (e) {
          // still counted: at most what it held before
        }
      }
    }
    function isBuffer(value) {
      var kind = kindOf(value);
      return kind === "[object ArrayBuffer]" || kind === "[object SharedArrayBuffer]";
    }
    function count(value) {
      var n = +value;
      return n > 0 ? floor(n) : 0;
    }
    // Between 0 and length, as slice and fill read a relative index.
    function index(value, length, otherwise) {
      if (value === undefined) {
        return otherwise;
      }
      var n = floor(+value) || 0;
      return n < 0 ? max(length + n, 0) : min(n, length);
    }
    // Whether a Proxy's traps get their arguments as an array: Rhino hands them over as a host array it may not touch.
    function proxiesWork() {
      var real = false;
      try {
        var Probe = new ProxyOf(function () {}, {
          construct: function (target, args) {
            real = isArray(args);
            return {};
          }
        });
        new Probe();
      } catch (e) {
        real = false;
      }
      return real;
    }
    var proxies;
    // `bytesOf(args, target)`: what a construction allocates; `keeps(args, made)`: whether the object it made holds
    // that for life, and is the one to count it. `home`: the object the constructor is a property of (the global);
    // `Original`: the constructor, when it is no longer there to read; `exposed`: whether the guarded one goes there.
    function guardConstructor(name, bytesOf, keeps, home, Original, exposed) {
      home = home || global;
      Original = Original || home[name];
      if (typeof Original !== "function") {
        return;
      }
      if (proxies === undefined) {
        proxies = proxiesWork();
      }
      var Guarded;
      if (proxies) {
        Guarded = new ProxyOf(Original, {
          construct: function (target, args, newTarget) {
            var bytes = bytesOf(args, target);
            check(bytes);
            var made = construct(target, args, newTarget === Guarded ? target : newTarget);
            if (bytes >= TRACKED && keeps(args, made)) {
              track(made, bytes);
            }
            return made;
          }
        });
      } else {
        // A function in front, with the original's prototype and static members (no subclasses: no classes here).
        Guarded = function (a, b, c) {
          var bytes = bytesOf(arguments, Original);
          check(bytes);
          var made;
          switch (arguments.length) {
            case 0: made = new Original(); break;
            case 1: made = new Original(a); break;
            case 2: made = new Original(a, b); break;
            default: made = new Original(a, b, c);
          }
          if (bytes >= TRACKED && keeps(arguments, made)) {
            track(made, bytes);
          }
          return made;
        };
        var keys = namesOf(Original);
        for (var k = 0; k < keys.length; k++) {
          var key = keys[k];
          if (key !== "length" && key !== "name" && key !== "prototype" && key !== "arguments" && key !== "caller") {
            defineProperty(Guarded, key, descriptorOf(Original, key));
          }
        }
        Guarded.prototype = Original.prototype;
      }
      // Methods that make a new one of the same kind (slice, map, subarray) find it through `constructor`.
      defineProperty(Original.prototype, "constructor", { value: Guarded, writable: true, configurable: true });
      if (exposed !== false) {
        defineProperty(home, name, { value: Guarded, writable: true, configurable: true });
      }
    }
    // `after(self, made, bytes)`, if given: what the method's result means for what is counted.
    function guardMethod(prototype, name, bytesOf, after) {
      var original = prototype && prototype[name];
      if (typeof original !== "function") {
        return;
      }
      var guarded = {}; // a method, not a constructor, named as the original
      guarded[name] = function () {
        var bytes = bytesOf(this, arguments);
        check(bytes);
        var made = apply(original, this, toArray(arguments));
        if (after) {
          after(this, made, bytes);
        }
        return made;
      };
      defineProperty(prototype, name, { value: guarded[name], writable: true, configurable: true });
    }

    // A buffer of fixed length holds what it was made with for life: slices are new ones of fixed length too.
    function fixedLength(buffer) {
      return buffer !== null && typeof buffer === "object" && !buffer.resizable && !buffer.growable;
    }
    function trackFixed(self, made, bytes) {
      if (fixedLength(made)) {
        track(made, bytes);
      }
    }
    var BINARY = ["ArrayBuffer", "SharedArrayBuffer", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
                  "Uint16Array", "Float16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array",
                  "BigInt64Array", "BigUint64Array"];
    var originals = create(null);
    var waiting = create(null); // name -> the accessor's getter, while the global waits for the first use
    BINARY.forEach(function (name) {
      originals[name] = global[name];
    });
    // Whether the global still holds the accessor: one the program deleted or replaced stays as the program left it.
    function stillWaiting(name) {
      var now = descriptorOf(global, name);
      return waiting[name] === undefined || (now !== undefined && now.get === waiting[name]);
    }
    var binaryGuarded = false;
    function guardBinary() {
      if (binaryGuarded) {
        return;
      }
      binaryGuarded = true;
      // Plain loops: a program may have replaced Array.prototype's methods by the time this runs.
      for (var b = 0; b < 2; b++) {
        guardBuffer(BINARY[b]);
      }
      for (var t = 2; t < BINARY.length; t++) {
        guardTypedArray(BINARY[t]);
      }
      waiting = create(null);
    }
    function guardBuffer(name) { // ArrayBuffer, SharedArrayBuffer
      guardConstructor(name, function (args) {
        return count(args[0]);
      }, function (args) {
        return args[1] === undefined; // no maxByteLength: not resizable
      }, global, originals[name], stillWaiting(name));
      if (typeof originals[name] !== "function") {
        return;
      }
      var prototype = originals[name].prototype;
      guardMethod(prototype, "slice", function (buffer, args) {
        var length = buffer.byteLength;
        return index(args[1], length, length) - index(args[0], length, 0);
      }, trackFixed);
      guardMethod(prototype, "resize", function (buffer, args) {
        return count(args[0]) - buffer.byteLength;
      });
      guardMethod(prototype, "grow", function (buffer, args) {
        return count(args[0]) - buffer.byteLength;
      });
      var transfers = ["transfer", "transferToFixedLength"];
      for (var m = 0; m < transfers.length; m++) {
        guardMethod(prototype, transfers[m], function (buffer, args) {
          return args[0] === undefined ? 0 : count(args[0]);
        }, function (buffer, made) {
          untrack(buffer);
          trackFixed(buffer, made, made.byteLength);
        });
      }
    }
    function guardTypedArray(name) {
      guardConstructor(name, function (args, target) {
        var source = args[0];
        if (source === null || source === undefined || isBuffer(source)) {
          return 0; // a view of a buffer allocates nothing
        }
        var elements = typeof source === "object" ? count(source.length) : count(source);
        return elements * target.BYTES_PER_ELEMENT;
      }, function (args, made) {
        // A view holds nothing of its own. Rhino makes an array's own buffer through the global ArrayBuffer, which
        // counted it already: counted twice, a program keeping 36 MB of typed arrays was stopped under 64 MB.
        return !isBuffer(args[0]) && !counted(made.buffer);
      }, global, originals[name], stillWaiting(name));
    }
    if (onFirstUse) {
      BINARY.forEach(function (name) {
        if (typeof originals[name] !== "function") {
          return;
        }
        var get = function () {
          guardBinary();
          return global[name];
        };
        waiting[name] = get;
        defineProperty(global, name, {
          get: get,
          set: function (value) {
            guardBinary();
            defineProperty(global, name, { value: value, writable: true, configurable: true });
          },
          configurable: true
        });
      });
    } else {
      guardBinary();
    }
    // WebAssembly memory (Deno): pages of 64 KB, made by the constructor (`initial`) and by grow. Not counted for life:
    // no in-process engine here has WebAssembly, and Deno's runner measures what its process holds.
    var wasm = global.WebAssembly;
    if (wasm !== null && typeof wasm === "object") {
      guardConstructor("Memory", function (args) {
        var descriptor = args[0];
        return descriptor !== null && typeof descriptor === "object" ? count(descriptor.initial) * 65536 : 0;
      }, function () {
        return false;
      }, wasm);
      if (typeof wasm.Memory === "function") {
        guardMethod(wasm.Memory.prototype, "grow", function (memory, args) {
          return count(args[0]) * 65536;
        });
      }
    }
    guardMethod(String.prototype, "repeat", function (text, args) {
      return toText(text).length * count(args[0]);
    });
    guardMethod(String.prototype, "padStart", function (text, args) {
      return count(args[0]);
    });
    guardMethod(String.prototype, "padEnd", function (text, args) {
      return count(args[0]);
    });
    guardMethod(Array.prototype, "fill", function (array, args) {
      var length = count(array.length);
      // A reference per element at least: 4 bytes.
      return 4 * (index(args[2], length, length) - index(args[1], length, 0));
    });
  }

  /**
   * setTimeout, setInterval, their clearing and queueMicrotask, for the engines that have no event loop (GraalJS and
   * Rhino, in-process), defined on `global`. Timers wait in a queue that the engine runs while the program waits for
   * a promise, and after the program, until none is left (as Deno, the original's engine for TypeScript, does): it
   * calls next() and drains the microtasks after each, sleeping (without its turn to run guest code) while next()
   * says how long until one is due. A callback's exception ends the program, as an uncaught one does in Deno.
   */
  function timers(global, clock) {
    var queue = [];
    var ids = 0;
    var order = 0;
    var slice = Array.prototype.slice;
    var resolvedPromise = Promise.resolve();
    var MAX_DELAY = 2147483647;

    function add(callback, delay, args, repeat) {
      if (typeof callback !== "function") {
        throw new TypeError("the callback must be a function (a string of code is not run here)");
      }
      var ms = Number(delay);
      ms = ms >= 1 && ms <= MAX_DELAY ? Math.floor(ms) : (ms > MAX_DELAY ? 1 : 0);
      ids += 1;
      queue.push({ id: ids, due: clock() + ms, order: order++, callback: callback, args: args,
                   every: repeat ? Math.max(ms, 1) : -1 });
      return ids;
    }
    function clear(id) {
      for (var i = 0; i < queue.length; i++) {
        if (queue[i].id === id) {
          queue.splice(i, 1);
          return;
        }
      }
    }
    function earliest() {
      var first = -1;
      for (var i = 0; i < queue.length; i++) {
        if (first < 0 || queue[i].due < queue[first].due
            || queue[i].due === queue[first].due && queue[i].order < queue[first].order) {
          first = i;
        }
      }
      return first;
    }
    var functions = {
      setTimeout: function (callback, delay) {
        return add(callback, delay, slice.call(arguments, 2), false);
      },
      setInterval: function (callback, delay) {
        return add(callback, delay, slice.call(arguments, 2), true);
      },
      clearTimeout: clear,
      clearInterval: clear,
      queueMicrotask: function (callback) {
        if (typeof callback !== "function") {
          throw new TypeError("queueMicrotask: the callback must be a function");
        }
        resolvedPromise.then(function () {
          callback();
        });
      }
    };
    keysOf(functions).forEach(function (name) {
      Object.defineProperty(global, name, { value: functions[name], writable: true, configurable: true,
                                            enumerable: false });
    });
    return freeze({
      /** Whether no timer is waiting. */
      none: function () {
        return queue.length === 0;
      },
      /** Runs the earliest timer if it is due; then how many ms until the next is due: 0 now, -1 none left. */
      next: function () {
        var first = earliest();
        if (first < 0) {
          return -1;
        }
        var timer = queue[first];
        var wait = timer.due - clock();
        if (wait > 0) {
          return wait;
        }
        if (timer.every < 0) {
          queue.splice(first, 1);
        } else {
          timer.due = clock() + timer.every;
          timer.order = order++;
        }
        timer.callback.apply(undefined, timer.args);
        first = earliest();
        return first < 0 ? -1 : Math.max(0, queue[first].due - clock());
      }
    });
  }

  /**
   * A program's tool calls for the in-process engines, in flight together as in Deno: `call(name, args)` notes the
   * call with the host (`start(name, argsJson)` answers its number at once) and answers a promise. The calls noted
   * are begun by the microtask that runs once the program's synchronous run ends (after `Promise.all([...])` has made
   * all of its calls), or by the engine's next step: `answered(alone)` has the host begin them (a call noted alone,
   * when `alone` says the program has nothing else to wait for, is made on the spot) and answers the calls that
   * answered, one a line, "<number> <answer JSON>", or null. Made on the spot within the microtasks, a loop of awaited
   * calls runs without ever leaving the engine. `deliver(alone)` settles the promises of the calls that answered and
   * says how many it settled; `pending()` how many are still out. `parse` and `stringify` are the engine's, captured
   * before the program runs; `quiet()` says whether no timer is waiting.
   */
  function calls(start, answered, parse, stringify, quiet) {
    var inFlight = create(null);
    var count = 0;
    var flushing = false;
    var resolvedPromise = Promise.resolve();
    var then = Promise.prototype.then; // captured: a program that replaces it only confuses itself

    function settle(lines) {
      if (lines === null || lines === undefined) {
        return 0;
      }
      lines = toText(lines).split("\n");
      var settled = 0;
      for (var i = 0; i < lines.length; i++) {
        var space = lines[i].indexOf(" ");
        var key = lines[i].substring(0, space);
        var call = inFlight[key];
        if (call === undefined) {
          continue;
        }
        delete inFlight[key];
        count -= 1;
        settled += 1;
        var answer = parse(lines[i].substring(space + 1));
        if (answer.error) {
          call.reject(failure(call.name, answer));
        } else {
          call.resolve(answer.value);
        }
      }
      return settled;
    }
    function flush() {
      flushing = false;
      settle(answered(quiet()));
    }
    return freeze({
      call: function (name, args) {
        if (!argumentsOk(args)) {
          return Promise.reject(badArguments(name));
        }
        var number;
        try {
          number = start(name, stringify(args === undefined ? {} : args));
        } catch (e) {
          return Promise.reject(e); // arguments JSON cannot express (a BigInt, a cycle)
        }
        var promise = new Promise(function (resolve, reject) {
          inFlight[number] = { name: name, resolve: resolve, reject: reject };
          count += 1;
        });
        if (!flushing) {
          flushing = true;
          then.call(resolvedPromise, flush);
        }
        return promise;
      },
      deliver: function (alone) {
        return settle(answered(alone));
      },
      pending: function () {
        return count;
      }
    });
  }

  /**
   * What an in-process engine does while a program waits, and after its last line: one step runs the timer that is
   * due, begins the tool calls the program made and hands over the answers of those that answered, and says how long
   * the engine may idle before the next step (it idles in slices, and a call's answer ends the idling early): 0 for
   * at once, -1 when no timer is left and no call is out. With no timer at all, a call made alone is made on the spot.
   */
  function waiting(timers, calls) {
    return function next() {
      var wait = timers.next();
      var settled = calls.deliver(timers.none());
      if (settled > 0) {
        return 0; // the promises' reactions run first; they may make calls or set timers
      }
      if (wait < 0 && calls.pending() > 0) {
        return 2147483647; // until a call answers
      }
      return wait;
    };
  }

  // The UTF-8 bytes of `text`, a lone surrogate as U+FFFD (TextEncoder's, and the URL's percent-encoding).
  function utf8Bytes(text) {
    var bytes = [];
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code >= 0xD800 && code <= 0xDBFF && i + 1 < text.length) {
        var low = text.charCodeAt(i + 1);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          i++;
        }
      }
      if (code >= 0xD800 && code <= 0xDFFF) {
        code = 0xFFFD; // a lone surrogate
      }
      if (code < 0x80) {
        bytes.push(code);
      } else if (code < 0x800) {
        bytes.push(0xC0 | (code >> 6), 0x80 | (code & 63));
      } else if (code < 0x10000) {
        bytes.push(0xE0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
      } else {
        bytes.push(0xF0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
      }
    }
    return bytes;
  }

  /**
   * URL and URLSearchParams after the WHATWG URL Standard, for the engines that have none (GraalJS, Rhino), as
   * programs written for Deno use them: parsing against a base (dot segments, percent-encoding per component,
   * special schemes' default ports and backslashes, IPv4 in any of its forms, IPv6, international domain names to
   * punycode), the accessors and their setters, `URL.canParse`/`URL.parse`, and search parameters kept in step with
   * their URL. Not there: `blob:` origins, Windows drive letters in `file:` URLs, IDNA's full mapping (a domain is
   * lower-cased and NFC-normalized before punycode).
   *
   * @param global        where TextDecoder and Uint8Array are found
   */
  function urlGlobals(global) {
    var SPECIAL = { "ftp": "21", "file": "", "http": "80", "https": "443", "ws": "80", "wss": "443" };
    var HEX = "0123456789ABCDEF";
    var FRAGMENT = " \"<>`";
    var QUERY = " \"#<>";
    var SPECIAL_QUERY = QUERY + "'";
    var PATH = QUERY + "?`{}";
    var USERINFO = PATH + "/:;=@[\\]^|";
    var FORBIDDEN_HOST = /[\u0000\t\n\r #\/:<>?@[\\\]^|]/;
    var FORBIDDEN_DOMAIN = /[\u0000-\u001f #%\/:<>?@[\\\]^|\u007f]/;
    var hasOwn = Object.prototype.hasOwnProperty;
    function hidden(target, name, value) {
      Object.defineProperty(target, name, { value: value, writable: true, configurable: true, enumerable: false });
    }
    function invalid(input) {
      return new TypeError("Invalid URL: '" + input + "'");
    }
    // Each code point of `text`, a lone surrogate as U+FFFD, to `each(code, character)`.
    function codePoints(text, each) {
      for (var i = 0; i < text.length; i++) {
        var code = text.charCodeAt(i);
        var length = 1;
        if (code >= 0xD800 && code <= 0xDBFF && i + 1 < text.length) {
          var low = text.charCodeAt(i + 1);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            length = 2;
          }
        }
        if (code >= 0xD800 && code <= 0xDFFF) {
          code = 0xFFFD;
        }
        each(code, text.substr(i, length));
        i += length - 1;
      }
    }
    function percent(bytes) {
      var out = "";
      for (var i = 0; i < bytes.length; i++) {
        out += "%" + HEX.charAt(bytes[i] >> 4) + HEX.charAt(bytes[i] & 15);
      }
      return out;
    }
    // `text` with the C0 controls, everything past ASCII and the characters of `set` percent-encoded as UTF-8.
    function encode(text, set) {
      var out = "";
      codePoints(text, function (code, character) {
        out += code < 0x20 || code > 0x7E || set.indexOf(character) >= 0 ? percent(utf8Bytes(character)) : character;
      });
      return out;
    }
    // The bytes of `text` with its %XX escapes decoded, then read as UTF-8 (bad sequences as U+FFFD).
    function decode(text) {
      var bytes = [];
      text.split(/(%[0-9A-Fa-f]{2})/).forEach(function (part, index) {
        if (index % 2 === 1) {
          bytes.push(parseInt(part.slice(1), 16));
        } else {
          Array.prototype.push.apply(bytes, utf8Bytes(part));
        }
      });
      return new global.TextDecoder().decode(new global.Uint8Array(bytes));
    }
    // RFC 3492's encoding of one label.
    function punycode(label) {
      var input = [];
      codePoints(label, function (code) {
        input.push(code);
      });
      var output = "";
      input.forEach(function (code) {
        if (code < 0x80) {
          output += String.fromCharCode(code);
        }
      });
      var basic = output.length;
      var handled = basic;
      if (basic > 0) {
        output += "-";
      }
      function digit(d) {
        return String.fromCharCode(d + 22 + 75 * (d < 26 ? 1 : 0));
      }
      function adapt(delta, points, first) {
        delta = first ? Math.floor(delta / 700) : delta >> 1;
        delta += Math.floor(delta / points);
        var k = 0;
        for (; delta > 455; k += 36) {
          delta = Math.floor(delta / 35);
        }
        return k + Math.floor(36 * delta / (delta + 38));
      }
      var n = 128;
      var delta = 0;
      var bias = 72;
      while (handled < input.length) {
        var m = Infinity;
        input.forEach(function (code) {
          if (code >= n && code < m) {
            m = code;
          }
        });
        delta += (m - n) * (handled + 1);
        n = m;
        for (var j = 0; j < input.length; j++) {
          if (input[j] < n) {
            delta++;
          }
          if (input[j] === n) {
            var q = delta;
            for (var k = 36; ; k += 36) {
              var t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
              if (q < t) {
                break;
              }
              output += digit(t + (q - t) % (36 - t));
              q = Math.floor((q - t) / (36 - t));
            }
            output += digit(q);
            bias = adapt(delta, handled + 1, handled === basic);
            delta = 0;
            handled++;
          }
        }
        delta++;
        n++;
      }
      return "xn--" + output;
    }
    function ipv4Number(part) {
      var radix = 10;
      if (/^0[xX]/.test(part)) {
        part = part.slice(2);
        radix = 16;
      } else if (part.length > 1 && part.charAt(0) === "0") {
        part = part.slice(1);
        radix = 8;
      }
      if (part === "") {
        return 0;
      }
      var valid = radix === 16 ? /^[0-9A-Fa-f]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
      return valid.test(part) ? parseInt(part, radix) : NaN;
    }
    // A host whose last label is a number is an IPv4 address, in dotted decimal; null for any other host.
    function ipv4(host, input) {
      var parts = host.split(".");
      if (parts[parts.length - 1] === "" && parts.length > 1) {
        parts.pop();
      }
      var last = parts[parts.length - 1];
      if (last === "" || !/^[0-9]+$/.test(last) && isNaN(ipv4Number(last))) {
        return null;
      }
      if (parts.length > 4) {
        throw invalid(input);
      }
      var numbers = parts.map(ipv4Number);
      var address = 0;
      for (var i = 0; i < numbers.length; i++) {
        var limit = i === numbers.length - 1 ? Math.pow(256, 5 - numbers.length) : 256;
        if (isNaN(numbers[i]) || numbers[i] >= limit) {
          throw invalid(input);
        }
        address = i === numbers.length - 1 ? address + numbers[i] : address + numbers[i] * Math.pow(256, 3 - i);
      }
      var out = [];
      for (var b = 3; b >= 0; b--) {
        out.push(Math.floor(address / Math.pow(256, b)) % 256);
      }
      return out.join(".");
    }
    // The standard's IPv6 parser, then its serialization (the longest run of zeros compressed).
    function ipv6(text, input) {
      var address = [0, 0, 0, 0, 0, 0, 0, 0];
      var piece = 0;
      var compress = null;
      var i = 0;
      function fail() {
        throw invalid(input);
      }
      function hexAt(at) {
        return /[0-9A-Fa-f]/.test(text.charAt(at));
      }
      function digitAt(at) {
        return /[0-9]/.test(text.charAt(at));
      }
      if (text.charAt(0) === ":") {
        if (text.charAt(1) !== ":") {
          fail();
        }
        i = 2;
        compress = ++piece;
      }
      while (i < text.length) {
        if (piece === 8) {
          fail();
        }
        if (text.charAt(i) === ":") {
          if (compress !== null) {
            fail();
          }
          i++;
          compress = ++piece;
          continue;
        }
        var value = 0;
        var length = 0;
        while (length < 4 && hexAt(i)) {
          value = value * 16 + parseInt(text.charAt(i), 16);
          i++;
          length++;
        }
        if (text.charAt(i) === ".") {
          if (length === 0 || piece > 6) {
            fail();
          }
          i -= length;
          var seen = 0;
          while (i < text.length) {
            var part = null;
            if (seen > 0) {
              if (text.charAt(i) === "." && seen < 4) {
                i++;
              } else {
                fail();
              }
            }
            if (!digitAt(i)) {
              fail();
            }
            while (digitAt(i)) {
              var number = parseInt(text.charAt(i), 10);
              if (part === null) {
                part = number;
              } else if (part === 0) {
                fail();
              } else {
                part = part * 10 + number;
              }
              if (part > 255) {
                fail();
              }
              i++;
            }
            address[piece] = address[piece] * 256 + part;
            seen++;
            if (seen === 2 || seen === 4) {
              piece++;
            }
          }
          if (seen !== 4) {
            fail();
          }
          break;
        } else if (text.charAt(i) === ":") {
          i++;
          if (i >= text.length) {
            fail();
          }
        } else if (i < text.length) {
          fail();
        }
        address[piece++] = value;
      }
      if (compress !== null) {
        var swaps = piece - compress;
        piece = 7;
        while (piece !== 0 && swaps > 0) {
          var kept = address[piece];
          address[piece] = address[compress + swaps - 1];
          address[compress + swaps - 1] = kept;
          piece--;
          swaps--;
        }
      } else if (piece !== 8) {
        fail();
      }
      var start = -1;
      var longest = 1;
      for (var s = 0; s < 8; s++) {
        var run = 0;
        while (s + run < 8 && address[s + run] === 0) {
          run++;
        }
        if (run > longest) {
          start = s;
          longest = run;
        }
      }
      var out = "";
      for (var p = 0; p < 8; p++) {
        if (p === start) {
          out += p === 0 ? "::" : ":";
          p += longest - 1;
          continue;
        }
        out += address[p].toString(16) + (p < 7 ? ":" : "");
      }
      return "[" + out + "]";
    }
    function parseHost(text, special, input) {
      if (text.charAt(0) === "[") {
        if (text.charAt(text.length - 1) !== "]") {
          throw invalid(input);
        }
        return ipv6(text.slice(1, -1), input);
      }
      if (!special) {
        if (FORBIDDEN_HOST.test(text)) {
          throw invalid(input);
        }
        return encode(text, "");
      }
      var domain = decode(text);
      if (domain === "" || domain.indexOf("\uFFFD") >= 0) {
        throw invalid(input);
      }
      domain = (domain.normalize ? domain.normalize("NFC") : domain).toLowerCase();
      var ascii = domain.split(".").map(function (label) {
        return /[^\u0000-\u007f]/.test(label) ? punycode(label) : label;
      }).join(".");
      if (FORBIDDEN_DOMAIN.test(ascii)) {
        throw invalid(input);
      }
      var address = ipv4(ascii, input);
      return address === null ? ascii : address;
    }
    function isSingleDot(segment) {
      return segment === "." || segment.toLowerCase() === "%2e";
    }
    function isDoubleDot(segment) {
      var lower = segment.toLowerCase();
      return lower === ".." || lower === ".%2e" || lower === "%2e." || lower === "%2e%2e";
    }
    // `path` (its text) added to `segments`, dot segments resolved, each segment percent-encoded.
    function addPath(segments, path, special) {
      if (path === "") {
        return segments;
      }
      var parts = path.split(special ? /[\/\\]/ : "/");
      if (parts.length > 1 && parts[0] === "") {
        parts.shift();
      }
      parts.forEach(function (segment, index) {
        var last = index === parts.length - 1;
        if (isDoubleDot(segment)) {
          segments.pop();
          if (last) {
            segments.push("");
          }
        } else if (isSingleDot(segment)) {
          if (last) {
            segments.push("");
          }
        } else {
          segments.push(encode(segment, PATH));
        }
      });
      return segments;
    }
    function setQuery(record, query) {
      record.query = query === null ? null : encode(query, record.special ? SPECIAL_QUERY : QUERY);
    }
    // The part of `rest` after its authority or path: `?query` and `#fragment`, into `record`; the part before.
    function splitTail(record, rest) {
      var hash = rest.indexOf("#");
      record.fragment = hash >= 0 ? encode(rest.slice(hash + 1), FRAGMENT) : null;
      rest = hash >= 0 ? rest.slice(0, hash) : rest;
      var question = rest.indexOf("?");
      setQuery(record, question >= 0 ? rest.slice(question + 1) : null);
      return question >= 0 ? rest.slice(0, question) : rest;
    }
    function setPort(record, port, input) {
      if (port === "") {
        record.port = null;
        return;
      }
      if (!/^[0-9]+$/.test(port) || Number(port) > 65535) {
        throw invalid(input);
      }
      var value = toText(Number(port));
      record.port = value === SPECIAL[record.scheme] ? null : value;
    }
    // userinfo@host:port into `record`.
    function authority(record, text, input) {
      var at = text.lastIndexOf("@");
      record.username = "";
      record.password = "";
      if (at >= 0) {
        var userinfo = text.slice(0, at);
        var colon = userinfo.indexOf(":");
        record.username = encode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, USERINFO);
        record.password = colon >= 0 ? encode(userinfo.slice(colon + 1), USERINFO) : "";
        text = text.slice(at + 1);
      }
      var close = text.lastIndexOf("]");
      var colonAt = text.indexOf(":", close < 0 ? 0 : close);
      var host = colonAt >= 0 ? text.slice(0, colonAt) : text;
      if (host === "" && (record.special && record.scheme !== "file" || at >= 0 || colonAt >= 0)) {
        throw invalid(input);
      }
      record.host = host === "" ? "" : parseHost(host, record.special, input);
      if (record.scheme === "file" && record.host === "localhost") {
        record.host = "";
      }
      setPort(record, colonAt >= 0 ? text.slice(colonAt + 1) : "", input);
    }
    // Authority, path, query and fragment from `rest`, which begins after the slashes before an authority.
    function afterSlashes(record, rest, input) {
      var end = rest.search(record.special ? /[\/\\?#]/ : /[\/?#]/);
      authority(record, end >= 0 ? rest.slice(0, end) : rest, input);
      record.path = addPath([], splitTail(record, end >= 0 ? rest.slice(end) : ""), record.special);
    }
    function copy(base) {
      return { scheme: base.scheme, special: base.special, username: base.username, password: base.password,
               host: base.host, port: base.port, path: typeof base.path === "string" ? base.path : base.path.slice(),
               query: base.query, fragment: null };
    }
    // `text` without the C0 controls and spaces at its ends: by index, since /[...]+$/ retries at every position of a
    // long run of spaces inside the text (quadratic time).
    function trimControls(text) {
      var start = 0;
      var end = text.length;
      while (start < end && text.charCodeAt(start) <= 0x20) {
        start++;
      }
      while (end > start && text.charCodeAt(end - 1) <= 0x20) {
        end--;
      }
      return text.slice(start, end);
    }
    function parse(text, base) {
      var input = toText(text);
      var rest = trimControls(input).replace(/[\t\n\r]/g, "");
      var scheme = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(rest);
      var record;
      if (scheme !== null) {
        record = { scheme: scheme[1].toLowerCase(), username: "", password: "", host: null, port: null,
                   path: [], query: null, fragment: null };
        record.special = hasOwn.call(SPECIAL, record.scheme);
        rest = rest.slice(scheme[0].length);
        var slashes = record.special ? /^[\/\\]*/ : /^\/\//;
        if (record.special && base && base.scheme === record.scheme && !/^[\/\\]/.test(rest)) {
          return relative(base, rest, input); // "http:page" against an http base
        }
        if (record.scheme === "file") {
          if (/^[\/\\]{2}/.test(rest)) {
            afterSlashes(record, rest.slice(2), input);
          } else {
            record.host = "";
            record.path = addPath([], splitTail(record, rest), true);
          }
        } else if (slashes.test(rest) && (record.special || rest.slice(0, 2) === "//")) {
          afterSlashes(record, rest.replace(slashes, ""), input);
        } else if (rest.charAt(0) === "/") {
          record.path = addPath([], splitTail(record, rest), false);
        } else {
          record.path = encode(splitTail(record, rest), ""); // an opaque path: mailto:, data:, javascript:
        }
        return record;
      }
      if (!base) {
        throw invalid(input);
      }
      if (typeof base.path === "string") {
        if (rest.charAt(0) !== "#") {
          throw invalid(input);
        }
        record = copy(base);
        splitTail(record, rest);
        record.query = base.query;
        return record;
      }
      return relative(base, rest, input);
    }
    function relative(base, rest, input) {
      var record = copy(base);
      var slash = base.special ? /^[\/\\]/ : /^\//;
      if (slash.test(rest) && slash.test(rest.slice(1))) {
        afterSlashes(record, rest.replace(base.special ? /^[\/\\]*/ : /^\/\//, ""), input);
      } else if (slash.test(rest)) {
        record.path = addPath([], splitTail(record, rest), record.special);
      } else if (rest.charAt(0) === "?") {
        splitTail(record, rest);
      } else if (rest.charAt(0) === "#") {
        splitTail(record, rest);
        record.query = base.query;
      } else if (rest === "") {
        record.query = base.query;
      } else {
        record.path.pop();
        record.path = addPath(record.path, splitTail(record, rest), record.special);
      }
      return record;
    }
    function pathOf(record) {
      if (typeof record.path === "string") {
        return record.path;
      }
      var text = record.path.length || record.special ? "/" + record.path.join("/") : "";
      return record.host === null && record.path.length > 1 && record.path[0] === "" ? "/." + text : text;
    }
    function hostOf(record) {
      return record.host === null ? "" : record.host + (record.port === null ? "" : ":" + record.port);
    }
    function hrefOf(record) {
      var out = record.scheme + ":";
      if (record.host !== null) {
        out += "//";
        if (record.username !== "" || record.password !== "") {
          out += record.username + (record.password !== "" ? ":" + record.password : "") + "@";
        }
        out += hostOf(record);
      }
      out += pathOf(record);
      out += record.query === null ? "" : "?" + record.query;
      return out + (record.fragment === null ? "" : "#" + record.fragment);
    }

    // application/x-www-form-urlencoded, as URLSearchParams reads and writes it.
    function formDecode(text) {
      return decode(text.replace(/\+/g, " "));
    }
    function formEncode(text) {
      var out = "";
      codePoints(text, function (code, character) {
        out += /[A-Za-z0-9*\-._]/.test(character) ? character : code === 32 ? "+" : percent(utf8Bytes(character));
      });
      return out;
    }
    function parseForm(text) {
      var list = [];
      text.split("&").forEach(function (pair) {
        if (pair !== "") {
          var equals = pair.indexOf("=");
          list.push([formDecode(equals >= 0 ? pair.slice(0, equals) : pair),
                     formDecode(equals >= 0 ? pair.slice(equals + 1) : "")]);
        }
      });
      return list;
    }
    function iterator(items) {
      var index = 0;
      var it = { next: function () {
        return index < items.length ? { value: items[index++], done: false } : { value: undefined, done: true };
      } };
      if (typeof Symbol === "function" && Symbol.iterator) {
        it[Symbol.iterator] = function () {
          return this;
        };
      }
      return it;
    }

    function URLSearchParams(init) {
      if (!(this instanceof URLSearchParams)) {
        throw new TypeError("URLSearchParams: use the new operator");
      }
      var list = [];
      if (init instanceof URLSearchParams) {
        list = init.__list.map(function (pair) {
          return pair.slice();
        });
      } else if (init !== null && typeof init === "object" || typeof init === "function") {
        var pairs = Array.isArray(init) ? init : null;
        if (pairs === null && typeof Symbol === "function" && typeof init[Symbol.iterator] === "function") {
          pairs = [];
          var it = init[Symbol.iterator]();
          for (var step = it.next(); !step.done; step = it.next()) {
            pairs.push(step.value);
          }
        }
        if (pairs !== null) {
          pairs.forEach(function (pair) {
            var items = Array.isArray(pair) ? pair : Array.prototype.slice.call(pair);
            if (items.length !== 2) {
              throw new TypeError("URLSearchParams: each pair must have two items, a name and a value");
            }
            list.push([toText(items[0]), toText(items[1])]);
          });
        } else {
          keysOf(init).forEach(function (name) {
            list.push([name, toText(init[name])]);
          });
        }
      } else if (init !== undefined) {
        var text = toText(init);
        list = parseForm(text.charAt(0) === "?" ? text.slice(1) : text);
      }
      hidden(this, "__list", list);
      hidden(this, "__url", null);
    }
    function changed(params) {
      if (params.__url !== null) {
        var text = params.toString();
        params.__url.query = text === "" ? null : text;
      }
    }
    URLSearchParams.prototype.append = function (name, value) {
      this.__list.push([toText(name), toText(value)]);
      changed(this);
    };
    URLSearchParams.prototype["delete"] = function (name, value) {
      name = toText(name);
      value = value === undefined ? undefined : toText(value);
      hidden(this, "__list", this.__list.filter(function (pair) {
        return pair[0] !== name || value !== undefined && pair[1] !== value;
      }));
      changed(this);
    };
    URLSearchParams.prototype.get = function (name) {
      name = toText(name);
      for (var i = 0; i < this.__list.length; i++) {
        if (this.__list[i][0] === name) {
          return this.__list[i][1];
        }
      }
      return null;
    };
    URLSearchParams.prototype.getAll = function (name) {
      name = toText(name);
      return this.__list.filter(function (pair) {
        return pair[0] === name;
      }).map(function (pair) {
        return pair[1];
      });
    };
    URLSearchParams.prototype.has = function (name, value) {
      name = toText(name);
      value = value === undefined ? undefined : toText(value);
      return this.__list.some(function (pair) {
        return pair[0] === name && (value === undefined || pair[1] === value);
      });
    };
    URLSearchParams.prototype.set = function (name, value) {
      name = toText(name);
      value = toText(value);
      var found = false;
      hidden(this, "__list", this.__list.filter(function (pair) {
        if (pair[0] !== name) {
          return true;
        }
        if (!found) {
          found = true;
          pair[1] = value;
          return true;
        }
        return false;
      }));
      if (!found) {
        this.__list.push([name, value]);
      }
      changed(this);
    };
    URLSearchParams.prototype.sort = function () {
      var indexed = this.__list.map(function (pair, index) {
        return [pair, index];
      });
      indexed.sort(function (a, b) {
        return a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1];
      });
      hidden(this, "__list", indexed.map(function (item) {
        return item[0];
      }));
      changed(this);
    };
    URLSearchParams.prototype.forEach = function (callback, thisArg) {
      var list = this.__list;
      for (var i = 0; i < list.length; i++) {
        callback.call(thisArg, list[i][1], list[i][0], this);
      }
    };
    URLSearchParams.prototype.entries = function () {
      return iterator(this.__list.map(function (pair) {
        return pair.slice();
      }));
    };
    URLSearchParams.prototype.keys = function () {
      return iterator(this.__list.map(function (pair) {
        return pair[0];
      }));
    };
    URLSearchParams.prototype.values = function () {
      return iterator(this.__list.map(function (pair) {
        return pair[1];
      }));
    };
    URLSearchParams.prototype.toString = function () {
      return this.__list.map(function (pair) {
        return formEncode(pair[0]) + "=" + formEncode(pair[1]);
      }).join("&");
    };
    Object.defineProperty(URLSearchParams.prototype, "size", { get: function () {
      return this.__list.length;
    } });
    if (typeof Symbol === "function" && Symbol.iterator) {
      URLSearchParams.prototype[Symbol.iterator] = URLSearchParams.prototype.entries;
    }

    function URL(url, base) {
      if (!(this instanceof URL)) {
        throw new TypeError("URL: use the new operator");
      }
      var record = parse(url, base === undefined ? null : parse(base, null));
      hidden(this, "__record", record);
      var params = new URLSearchParams(record.query === null ? "" : record.query);
      params.__url = record;
      hidden(this, "__params", params);
    }
    function reparsed(url, record) {
      url.__record = record;
      url.__params.__url = record;
      url.__params.__list = parseForm(record.query === null ? "" : record.query);
    }
    URL.canParse = function (url, base) {
      try {
        parse(url, base === undefined ? null : parse(base, null));
        return true;
      } catch (e) {
        return false;
      }
    };
    URL.parse = function (url, base) {
      return URL.canParse(url, base) ? new URL(url, base) : null;
    };
    function accessor(name, get, set) {
      Object.defineProperty(URL.prototype, name, { get: get, set: set, enumerable: true, configurable: true });
    }
    accessor("href", function () {
      return hrefOf(this.__record);
    }, function (value) {
      reparsed(this, parse(value, null));
    });
    accessor("origin", function () {
      var record = this.__record;
      return record.special && record.scheme !== "file" ? record.scheme + "://" + hostOf(record) : "null";
    });
    accessor("protocol", function () {
      return this.__record.scheme + ":";
    }, function (value) {
      var scheme = toText(value).replace(/:.*$/, "").toLowerCase();
      var record = this.__record;
      if (/^[a-z][a-z0-9+\-.]*$/.test(scheme) && hasOwn.call(SPECIAL, scheme) === record.special
          && !(scheme === "file" && (record.username !== "" || record.password !== "" || record.port !== null))) {
        record.scheme = scheme;
        if (record.port === SPECIAL[scheme]) {
          record.port = null;
        }
      }
    });
    accessor("username", function () {
      return this.__record.username;
    }, function (value) {
      if (this.__record.host !== null && this.__record.host !== "" && this.__record.scheme !== "file") {
        this.__record.username = encode(toText(value), USERINFO);
      }
    });
    accessor("password", function () {
      return this.__record.password;
    }, function (value) {
      if (this.__record.host !== null && this.__record.host !== "" && this.__record.scheme !== "file") {
        this.__record.password = encode(toText(value), USERINFO);
      }
    });
    accessor("host", function () {
      return hostOf(this.__record);
    }, function (value) {
      var record = this.__record;
      if (typeof record.path !== "string") {
        var text = toText(value).split(record.special ? /[\/\\?#]/ : /[\/?#]/)[0];
        var probe = copy(record);
        try {
          authority(probe, text, text);
        } catch (e) {
          return; // an invalid host is ignored, as the standard says
        }
        record.host = probe.host;
        record.port = text.indexOf(":", text.lastIndexOf("]") + 1) >= 0 ? probe.port : record.port;
      }
    });
    accessor("hostname", function () {
      return this.__record.host === null ? "" : this.__record.host;
    }, function (value) {
      var record = this.__record;
      if (typeof record.path !== "string") {
        var text = toText(value).split(record.special ? /[\/\\?#:]/ : /[\/?#:]/)[0];
        try {
          record.host = parseHost(text, record.special, text);
        } catch (e) {
          // ignored, as the standard says
        }
      }
    });
    accessor("port", function () {
      return this.__record.port === null ? "" : this.__record.port;
    }, function (value) {
      var record = this.__record;
      if (record.host !== null && record.host !== "" && record.scheme !== "file") {
        var digits = /^[0-9]*/.exec(toText(value))[0];
        try {
          setPort(record, digits, digits);
        } catch (e) {
          // ignored, as the standard says
        }
      }
    });
    accessor("pathname", function () {
      return pathOf(this.__record);
    }, function (value) {
      var record = this.__record;
      if (typeof record.path !== "string") {
        var text = toText(value);
        record.path = addPath([], record.special && !/^[\/\\]/.test(text) ? "/" + text : text, record.special);
      }
    });
    accessor("search", function () {
      var query = this.__record.query;
      return query === null || query === "" ? "" : "?" + query;
    }, function (value) {
      var text = toText(value);
      setQuery(this.__record, text === "" ? null : text.charAt(0) === "?" ? text.slice(1) : text);
      this.__params.__list = parseForm(this.__record.query === null ? "" : this.__record.query);
    });
    accessor("searchParams", function () {
      return this.__params;
    });
    accessor("hash", function () {
      var fragment = this.__record.fragment;
      return fragment === null || fragment === "" ? "" : "#" + fragment;
    }, function (value) {
      var text = toText(value);
      this.__record.fragment = text === "" ? null : encode(text.charAt(0) === "#" ? text.slice(1) : text, FRAGMENT);
    });
    URL.prototype.toString = function () {
      return this.href;
    };
    URL.prototype.toJSON = function () {
      return this.href;
    };
    return { URL: URL, URLSearchParams: URLSearchParams };
  }

  /**
   * The web platform's small globals that programs written for the original's Deno use and an engine may lack:
   * atob and btoa, structuredClone, TextEncoder and TextDecoder (UTF-8), performance.now(), URL and
   * URLSearchParams, crypto's getRandomValues and randomUUID (from `random`, the host's) and crypto.subtle.digest
   * (from `digest`, the host's: SHA-1, SHA-256, SHA-384, SHA-512). Each is defined on
   * `global` only where the engine has none (GraalJS brings its own text encoding and performance). Arrays are made
   * through `global`'s constructors, which guardAllocations has made ask the memory limit first.
   */
  function webGlobals(global, random, digest) {
    var BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    var fromCode = String.fromCharCode;
    function characterError(message) {
      var error = new Error(message);
      error.name = "InvalidCharacterError";
      return error;
    }
    function btoa(data) {
      var text = toText(data);
      var out = [];
      for (var i = 0; i < text.length; i += 3) {
        var a = text.charCodeAt(i);
        var b = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        var c = i + 2 < text.length ? text.charCodeAt(i + 2) : 0;
        if (a > 255 || b > 255 || c > 255) {
          throw characterError("btoa: the string has a character outside Latin-1");
        }
        out.push(BASE64.charAt(a >> 2), BASE64.charAt(((a & 3) << 4) | (b >> 4)),
                 i + 1 < text.length ? BASE64.charAt(((b & 15) << 2) | (c >> 6)) : "=",
                 i + 2 < text.length ? BASE64.charAt(c & 63) : "=");
      }
      return out.join("");
    }
    function atob(data) {
      var text = toText(data).replace(/[\t\n\f\r ]/g, "");
      if (text.length % 4 === 0) {
        text = text.replace(/==?$/, "");
      }
      if (text.length % 4 === 1 || /[^A-Za-z0-9+\/]/.test(text)) {
        throw characterError("atob: the string is not valid base64");
      }
      var out = [];
      var bits = 0;
      var count = 0;
      for (var i = 0; i < text.length; i++) {
        bits = (bits << 6) | BASE64.indexOf(text.charAt(i));
        count += 6;
        if (count >= 8) {
          count -= 8;
          out.push(fromCode((bits >> count) & 255));
        }
      }
      return out.join("");
    }
    function cloneError(message) {
      var error = new Error("structuredClone: " + message);
      error.name = "DataCloneError";
      return error;
    }
    // A deep copy of what structured cloning copies: primitives, plain objects and arrays, Date, RegExp, Map, Set,
    // ArrayBuffer and typed arrays, errors; shared and cyclic references kept. Functions and symbols cannot be cloned.
    function isView(item) {
      return typeof ArrayBuffer.isView === "function" && ArrayBuffer.isView(item);
    }
    function flagsOf(pattern) {
      return typeof pattern.flags === "string" ? pattern.flags
          : (pattern.global ? "g" : "") + (pattern.ignoreCase ? "i" : "") + (pattern.multiline ? "m" : "");
    }
    function structuredClone(value) {
      var seen = new Map();
      function copy(item) {
        if (typeof item === "function" || typeof item === "symbol") {
          throw cloneError(toText(typeof item) + " values cannot be cloned");
        }
        if (item === null || typeof item !== "object") {
          return item;
        }
        if (seen.has(item)) {
          return seen.get(item);
        }
        var made;
        if (item instanceof Date) {
          made = new Date(item.getTime());
        } else if (item instanceof RegExp) {
          made = new RegExp(item.source, flagsOf(item));
        } else if (item instanceof ArrayBuffer) {
          made = item.slice(0);
        } else if (isView(item)) {
          made = new item.constructor(item);
        } else if (item instanceof Map) {
          made = new Map();
          seen.set(item, made);
          item.forEach(function (v, k) {
            made.set(copy(k), copy(v));
          });
          return made;
        } else if (item instanceof Set) {
          made = new Set();
          seen.set(item, made);
          item.forEach(function (v) {
            made.add(copy(v));
          });
          return made;
        } else if (item instanceof Error) {
          made = new Error(item.message);
          made.name = item.name;
        } else if (Array.isArray(item)) {
          made = new Array(item.length);
        } else if (Object.getPrototypeOf(item) === Object.prototype || Object.getPrototypeOf(item) === null) {
          made = {};
        } else {
          throw cloneError("an object of class " + toText(item.constructor && item.constructor.name)
                           + " cannot be cloned");
        }
        seen.set(item, made);
        if (Array.isArray(item) || !(item instanceof Date || item instanceof RegExp || item instanceof Error
                                     || item instanceof ArrayBuffer || isView(item))) {
          keysOf(item).forEach(function (key) {
            made[key] = copy(item[key]);
          });
        }
        return made;
      }
      return copy(value);
    }
    function TextEncoder() {
    }
    TextEncoder.prototype.encoding = "utf-8";
    TextEncoder.prototype.encode = function (input) {
      return new global.Uint8Array(utf8Bytes(input === undefined ? "" : toText(input)));
    };
    function TextDecoder(label, options) {
      var name = label === undefined ? "utf-8" : toText(label).trim().toLowerCase();
      if (name !== "utf-8" && name !== "utf8" && name !== "unicode-1-1-utf-8") {
        throw new RangeError("TextDecoder: only utf-8 is supported here, not " + name);
      }
      this.fatal = !!(options && options.fatal);
      this.ignoreBOM = !!(options && options.ignoreBOM);
    }
    TextDecoder.prototype.encoding = "utf-8";
    TextDecoder.prototype.decode = function (input) {
      if (input === undefined) {
        return "";
      }
      var bytes = input instanceof ArrayBuffer ? new global.Uint8Array(input)
          : new global.Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      var out = [];
      var fatal = this.fatal;
      function bad() {
        if (fatal) {
          throw new TypeError("TextDecoder: the data is not valid utf-8");
        }
        out.push(0xFFFD);
      }
      var i = !this.ignoreBOM && bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF ? 3 : 0;
      while (i < bytes.length) {
        var first = bytes[i];
        var need = first < 0x80 ? 0 : first >= 0xC2 && first <= 0xDF ? 1 : first >= 0xE0 && first <= 0xEF ? 2
            : first >= 0xF0 && first <= 0xF4 ? 3 : -1;
        if (need < 0) {
          bad();
          i++;
          continue;
        }
        var code = need === 0 ? first : first & (0x3F >> need);
        var j = 1;
        for (; j <= need; j++) {
          var next = bytes[i + j];
          if (next === undefined || (next & 0xC0) !== 0x80) {
            break;
          }
          code = (code << 6) | (next & 63);
        }
        if (j <= need || (need === 2 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF)))
            || (need === 3 && (code < 0x10000 || code > 0x10FFFF))) {
          bad();
          i += Math.max(1, j);
          continue;
        }
        out.push(code);
        i += need + 1;
      }
      var parts = [];
      for (var k = 0; k < out.length; k += 4096) {
        parts.push(String.fromCodePoint.apply(String, out.slice(k, k + 4096)));
      }
      return parts.join("");
    };
    // crypto: random values from the host's SecureRandom (random(n) answers n bytes as hex), the Web Crypto API's
    // quota of 65,536 bytes a call; subtle is not there.
    function namedError(name, message) {
      var error = new Error(message);
      error.name = name;
      return error;
    }
    var INTEGER_ARRAYS = ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
                          "Uint32Array", "BigInt64Array", "BigUint64Array"];
    function getRandomValues(array) {
      var kind = Object.prototype.toString.call(array).slice(8, -1);
      if (INTEGER_ARRAYS.indexOf(kind) < 0) {
        throw namedError("TypeMismatchError", "getRandomValues: the argument must be an integer typed array");
      }
      if (array.byteLength > 65536) {
        throw namedError("QuotaExceededError", "getRandomValues: at most 65536 bytes a call, not "
                         + array.byteLength);
      }
      var hex = toText(random(array.byteLength));
      var bytes = new global.Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (var i = 0; i < bytes.length; i++) {
        bytes[i] = parseInt(hex.substr(2 * i, 2), 16);
      }
      return array;
    }
    function randomUUID() {
      var hex = toText(random(16)).split("");
      hex[12] = "4"; // version 4
      hex[16] = "89ab".charAt(parseInt(hex[16], 16) & 3); // the variant
      var text = hex.join("");
      return text.slice(0, 8) + "-" + text.slice(8, 12) + "-" + text.slice(12, 16) + "-" + text.slice(16, 20) + "-"
          + text.slice(20);
    }
    var DIGESTS = { "SHA-1": "SHA-1", "SHA-256": "SHA-256", "SHA-384": "SHA-384", "SHA-512": "SHA-512" };
    // crypto.subtle.digest: the host hashes the bytes (one character each on the way there, hex back); a promise of
    // an ArrayBuffer, as in Deno.
    function subtleDigest(algorithm, data) {
      try {
        var name = toText(typeof algorithm === "object" && algorithm !== null ? algorithm.name : algorithm);
        if (!Object.prototype.hasOwnProperty.call(DIGESTS, name.toUpperCase())) {
          throw namedError("NotSupportedError", "Unrecognized algorithm name");
        }
        var known = DIGESTS[name.toUpperCase()];
        var bytes;
        if (data instanceof global.ArrayBuffer || Object.prototype.toString.call(data) === "[object ArrayBuffer]") {
          bytes = new global.Uint8Array(data);
        } else if (data !== null && typeof data === "object" && data.buffer !== undefined
                   && typeof data.byteLength === "number") {
          bytes = new global.Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        } else {
          throw new TypeError("crypto.subtle.digest: the data must be an ArrayBuffer, a typed array or a DataView");
        }
        var parts = [];
        for (var i = 0; i < bytes.length; i += 8192) {
          parts.push(fromCode.apply(String, Array.prototype.slice.call(bytes.subarray(i, i + 8192))));
        }
        var hex = toText(digest(known, parts.join("")));
        var out = new global.Uint8Array(hex.length / 2);
        for (var j = 0; j < out.length; j++) {
          out[j] = parseInt(hex.substr(2 * j, 2), 16);
        }
        return Promise.resolve(out.buffer);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    var origin = Date.now();
    var performance = freeze({ timeOrigin: origin, now: function () {
      return Date.now() - origin;
    } });
    var urls = urlGlobals(global);
    var provided = { atob: atob, btoa: btoa, structuredClone: structuredClone, TextEncoder: TextEncoder,
                     TextDecoder: TextDecoder, performance: performance, URL: urls.URL,
                     URLSearchParams: urls.URLSearchParams };
    if (typeof random === "function") {
      var subtle = typeof digest === "function" ? freeze({ digest: subtleDigest }) : undefined;
      provided.crypto = freeze({ getRandomValues: getRandomValues, randomUUID: randomUUID, subtle: subtle });
    }
    keysOf(provided).forEach(function (name) {
      if (global[name] === undefined) {
        Object.defineProperty(global, name, { value: provided[name], writable: true, configurable: true,
                                              enumerable: false });
      }
    });
  }

  var identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

  /**
   * A value as Node and Deno print it, on one line: `{ a: 1, b: [ 1, 2 ] }`, `Map(1) { 'k' => 1 }`,
   * `[Function: f]`, dates in ISO form; nested strings quoted, three levels deep (`[Object]` below), 100 items of
   * an array, circular references `[Circular]`. For engines whose own console printed objects as `[object Object]`.
   */
  function inspect(value) {
    var seen = [];
    function show(item, depth, nested) {
      var type = typeof item;
      if (type === "string") {
        return nested ? "'" + item.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n") + "'" : item;
      }
      if (type === "bigint") {
        return toText(item) + "n";
      }
      if (item === null || type !== "object" && type !== "function") {
        return item === 0 && 1 / item < 0 ? "-0" : toText(item);
      }
      if (type === "function") {
        return item.name ? "[Function: " + item.name + "]" : "[Function (anonymous)]";
      }
      var tag = Object.prototype.toString.call(item).slice(8, -1);
      if (tag === "Date") {
        return isNaN(item.getTime()) ? "Invalid Date" : item.toISOString();
      }
      if (tag === "RegExp") {
        return toText(item);
      }
      if (tag === "Error" || item instanceof Error) {
        return typeof item.stack === "string" && item.stack.indexOf(item.message) >= 0 ? item.stack
               : item.name + ": " + item.message;
      }
      if (seen.indexOf(item) >= 0) {
        return "[Circular]";
      }
      if (depth > 2) {
        return Array.isArray(item) ? "[Array]" : "[" + (tag === "Object" ? "Object" : tag) + "]";
      }
      seen.push(item);
      var parts = [];
      var head = "";
      if (Array.isArray(item) || /Array$/.test(tag) && typeof item.length === "number") {
        var shown = Math.min(item.length, 100);
        for (var i = 0; i < shown; i++) {
          parts.push(show(item[i], depth + 1, true));
        }
        if (item.length > shown) {
          parts.push("... " + (item.length - shown) + " more items");
        }
        head = Array.isArray(item) ? "" : tag + "(" + item.length + ") ";
        seen.pop();
        return head + (parts.length ? "[ " + parts.join(", ") + " ]" : "[]");
      }
      if (tag === "Map" || tag === "Set") {
        item.forEach(function (entry, key) {
          parts.push(tag === "Map" ? show(key, depth + 1, true) + " => " + show(entry, depth + 1, true)
                                   : show(entry, depth + 1, true));
        });
        seen.pop();
        return tag + "(" + item.size + ") " + (parts.length ? "{ " + parts.join(", ") + " }" : "{}");
      }
      keysOf(item).forEach(function (key) {
        parts.push((identifier.test(key) ? key : show(key, 0, true)) + ": " + show(item[key], depth + 1, true));
      });
      seen.pop();
      head = tag === "Object" ? "" : tag + " ";
      return head + (parts.length ? "{ " + parts.join(", ") + " }" : "{}");
    }
    return show(value, 0, false);
  }

  /**
   * The console a program gets: log, info, debug and trace to stdout, error and warn to stderr, as each engine had
   * them, and the rest of the console API Deno and Node give programs (table, dir, assert, count, time, group), which
   * only Deno's own console had: a program that called console.table failed with a TypeError in every engine.
   * `%s %d %i %f %o %O %j %c` in a first string argument take the arguments after it, as in Node.
   *
   * @param write   (isError, text) writes a piece of output
   * @param format  the engine's way to print a value that is not a string (this SDK's inspect when absent)
   * @param clock   milliseconds now
   */
  function console(write, format, clock) {
    format = format || inspect;
    var counts = {};
    var timing = {};
    var indent = "";
    function text(args) {
      var parts = [];
      var from = 0;
      if (typeof args[0] === "string" && args[0].indexOf("%") >= 0 && args.length > 1) {
        from = 1;
        parts.push(args[0].replace(/%([sdifoOjc%])/g, function (whole, letter) {
          if (letter === "%") {
            return "%";
          }
          if (from >= args.length) {
            return whole;
          }
          var value = args[from++];
          switch (letter) {
            case "s": return typeof value === "string" ? value : format(value);
            case "d": case "i": return typeof value === "bigint" ? toText(value) + "n"
                                      : toText(letter === "i" ? parseInt(value, 10) : Number(value));
            case "f": return toText(parseFloat(value));
            case "c": return "";
            case "j": return JSON.stringify(value);
            default: return format(value);
          }
        }));
      }
      for (var i = from; i < args.length; i++) {
        parts.push(typeof args[i] === "string" ? args[i] : format(args[i]));
      }
      return parts.join(" ");
    }
    function line(error, content) {
      write(error, (indent ? indent + content.split("\n").join("\n" + indent) : content) + "\n");
    }
    function printer(error) {
      return function () {
        line(error, text(arguments));
      };
    }
    function label(name) {
      return name === undefined ? "default" : toText(name);
    }
    function elapsed(name) {
      var at = timing[label(name)];
      return at === undefined ? null : label(name) + ": " + Math.round(clock() - at) + "ms";
    }
    function cell(value) {
      return typeof value === "string" ? "'" + value + "'" : inspect(value); // quoted, as Node shows strings there
    }
    function table(data, columns) {
      if (data === null || typeof data !== "object") {
        line(false, text([data]));
        return;
      }
      var rows = [];
      var heads = [];
      var values = false;
      var indexes = data instanceof Map ? Array.from(data.keys()) : keysOf(data);
      indexes.forEach(function (index) {
        var row = data instanceof Map ? data.get(index) : data[index];
        var cells = {};
        if (row !== null && typeof row === "object") {
          keysOf(row).forEach(function (key) {
            if (heads.indexOf(key) < 0) {
              heads.push(key);
            }
            cells[key] = cell(row[key]);
          });
        } else {
          values = true;
          cells["\u0000"] = cell(row);
        }
        rows.push([toText(index), cells]);
      });
      if (columns) {
        heads = columns.map(toText);
      }
      var names = ["(index)"].concat(heads, values ? ["Values"] : []);
      var keys = [null].concat(heads, values ? ["\u0000"] : []);
      var grid = rows.map(function (row) {
        return keys.map(function (key) {
          return key === null ? row[0] : row[1][key] === undefined ? "" : row[1][key];
        });
      });
      var widths = names.map(function (name, column) {
        return grid.reduce(function (widest, cells) {
          return Math.max(widest, cells[column].length);
        }, name.length) + 2;
      });
      function rule(left, middle, right) {
        return left + widths.map(function (width) {
          return new Array(width + 1).join("\u2500");
        }).join(middle) + right;
      }
      function cellsOf(cells) {
        return "\u2502" + cells.map(function (cell, column) {
          return " " + cell + new Array(widths[column] - cell.length).join(" ");
        }).join("\u2502") + "\u2502";
      }
      line(false, [rule("\u250c", "\u252c", "\u2510"), cellsOf(names), rule("\u251c", "\u253c", "\u2524")]
                  .concat(grid.map(cellsOf), [rule("\u2514", "\u2534", "\u2518")]).join("\n"));
    }
    // Not frozen: a program may replace a method (to collect its own logs, say), as in Node and Deno, and Deno's
    // node:process, loading, adds its streams to the console.
    return {
      log: printer(false), info: printer(false), debug: printer(false), error: printer(true), warn: printer(true),
      trace: printer(false), dir: function (value) { line(false, format(value)); }, dirxml: printer(false),
      table: table,
      assert: function (condition) {
        if (!condition) {
          var rest = Array.prototype.slice.call(arguments, 1);
          line(true, "Assertion failed" + (rest.length ? ": " + text(rest) : ""));
        }
      },
      count: function (name) {
        var key = label(name);
        counts[key] = (counts[key] || 0) + 1;
        line(false, key + ": " + counts[key]);
      },
      countReset: function (name) {
        delete counts[label(name)];
      },
      time: function (name) {
        timing[label(name)] = clock();
      },
      timeLog: function (name) {
        var shown = elapsed(name);
        if (shown !== null) {
          line(false, [shown].concat(Array.prototype.slice.call(arguments, 1).map(function (value) {
            return typeof value === "string" ? value : format(value);
          })).join(" "));
        }
      },
      timeEnd: function (name) {
        var shown = elapsed(name);
        if (shown !== null) {
          line(false, shown);
          delete timing[label(name)];
        }
      },
      group: function () {
        if (arguments.length) {
          line(false, text(arguments));
        }
        indent += "  ";
      },
      groupCollapsed: function () {
        if (arguments.length) {
          line(false, text(arguments));
        }
        indent += "  ";
      },
      groupEnd: function () {
        indent = indent.slice(2);
      },
      clear: function () { }
    };
  }

  return freeze({ tools: tools, discovery: discovery, ToolError: ToolError, argumentsOk: argumentsOk,
                  badArguments: badArguments, failure: failure, resultJson: resultJson,
                  guardAllocations: guardAllocations, timers: timers, webGlobals: webGlobals, calls: calls,
                  waiting: waiting, console: console, inspect: inspect });
})()
