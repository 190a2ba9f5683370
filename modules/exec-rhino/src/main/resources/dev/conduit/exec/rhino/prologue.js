// Conduit's in-sandbox SDK for Rhino. Evaluated in every fresh scope, made ahead of the program that uses it; it
// returns an installer that receives the host's functions (two for tool calls, one that notes a call and one that
// begins those noted and hands over the answers; one that answers the manifest: JSON data, never code; discovery, console
// output, the microtask drain), the shared SDK (tools-sdk.js), what is left of the program's memory limit, a function
// that counts a buffer against it and one that idles until a timer is due or a call answers, makes large allocations
// ask first, defines `tools`, `discoverMCPTools`, `ToolError`, `console`, the timers (setTimeout and its kin) and the
// settling function that stands in for `await`, and keeps the host functions in this closure only.
// Rhino has no classes or async functions: plain prototypes here.
(function () {
  "use strict";
  return function install(start, answered, manifest, discover, write, drain, sdk, room, hold, idle, random, digest,
                          zoneOffset) {
    sdk.guardAllocations(this, room, hold, true);
    var timers = sdk.timers(this, Date.now);
    sdk.webGlobals(this, random, digest);
    // Captured now: a program that replaces JSON, Promise or String later only confuses itself.
    var parse = JSON.parse;
    var stringify = JSON.stringify;
    var resolved = Promise.resolve.bind(Promise);
    var rejected = Promise.reject.bind(Promise);
    var toText = String;

    // A caught error's stack reads as in V8 (Deno, GraalJS): "RangeError: bad\n    at f (program.js:2)". Rhino's own
    // was the frames alone ("\tat program.js:2 (f)"): a program printing e.stack lost the message. Rhino formats it
    // with Error.prepareStackTrace (for every native error: the host shares it); the SDK's frames are left out, as in
    // the other engines. A program may set its own, as in V8.
    var v8Stack = function (error, frames) {
      var lines = "";
      for (var i = 0; i < frames.length; i++) {
        var file = frames[i].getFileName();
        if (file !== "conduit-sdk.js" && file !== "conduit-tools.js") {
          var at = file + ":" + frames[i].getLineNumber();
          var name = frames[i].getFunctionName();
          lines += "\n    at " + (name ? name + " (" + at + ")" : at);
        }
      }
      var head;
      try {
        head = toText(error);
      } catch (e) {
        head = "Error";
      }
      return head + lines;
    };
    Error.prepareStackTrace = v8Stack;
    // Rhino formats an error's stack with the hooks of the error's prototype, which it takes for an error: after
    // Object.setPrototypeOf(error, Custom.prototype) (the SDK's ToolError is made so, as are programs' own error
    // types without classes) reading the stack threw inside Rhino and ended the execution with an internal error.
    // So the frames are taken while the prototype is still an error's, and the stack is made from them when first
    // read, as V8 does (with the name and message the error has then).
    var errorTag = Object.prototype.toString;
    var pinStack = function (target) {
      if (target === null || typeof target !== "object" || errorTag.call(target) !== "[object Error]"
          || errorTag.call(Object.getPrototypeOf(target)) !== "[object Error]") {
        return; // not an error, or one whose prototype Rhino can no longer read hooks from
      }
      var hook = Error.prepareStackTrace;
      var frames;
      Error.prepareStackTrace = function (error, sites) {
        return sites;
      };
      try {
        frames = target.stack;
      } finally {
        Error.prepareStackTrace = hook;
      }
      if (!Array.isArray(frames)) {
        return; // formatted already, or set by the program: a plain value, safe to read
      }
      var made;
      Object.defineProperty(target, "stack", {
        configurable: true,
        enumerable: false,
        get: function () {
          if (made === undefined) {
            var format = Error.prepareStackTrace;
            made = typeof format === "function" ? format(target, frames) : v8Stack(target, frames);
          }
          return made;
        },
        set: function (value) {
          Object.defineProperty(target, "stack", {value: value, writable: true, configurable: true});
        }
      });
    };
    // Error.captureStackTrace(this, MyError), the way error types without classes get a stack: Rhino formats it for
    // an error of its own ("Error" first); V8 formats it at once under what the object it was given says.
    var capture = Error.captureStackTrace;
    Object.defineProperty(Error, "captureStackTrace", {writable: true, configurable: true,
      value: function captureStackTrace(target, until) {
        capture.apply(this, arguments);
        var stack = target !== null && typeof target === "object" ? target.stack : undefined;
        if (Error.prepareStackTrace === v8Stack && typeof stack === "string" && stack.indexOf("Error") === 0) {
          var head;
          try {
            head = toText(target);
          } catch (e) {
            return;
          }
          Object.defineProperty(target, "stack", {value: head + stack.slice("Error".length), writable: true,
                                                  configurable: true});
        }
      }});
    var setPrototypeOf = Object.setPrototypeOf;
    Object.defineProperty(Object, "setPrototypeOf", {writable: true, configurable: true, value: function (target, proto) {
      pinStack(target);
      return setPrototypeOf(target, proto);
    }});
    var reflectSetPrototypeOf = Reflect.setPrototypeOf;
    Object.defineProperty(Reflect, "setPrototypeOf", {writable: true, configurable: true, value: function (target, proto) {
      pinStack(target);
      return reflectSetPrototypeOf(target, proto);
    }});

    // Each call answers a promise at once, so the calls of Promise.all overlap (sdk.calls).
    var calls = sdk.calls(start, answered, parse, stringify, timers.none);
    var next = sdk.waiting(timers, calls);

    var tools;
    var discoverMCPTools = sdk.discovery(function (options) {
      try {
        return resolved(parse(discover(stringify(options))));
      } catch (e) {
        return rejected(e);
      }
    });

    function fractionDigits(value, otherwise) {
      if (value === undefined) {
        return otherwise;
      }
      var digits = Math.floor(Number(value));
      if (!(digits >= 0 && digits <= 100)) {
        throw new RangeError("fraction digits value is out of range.");
      }
      return digits;
    }
    // The digits of a non-negative finite number in plain decimal form: "1.2e-7" -> "0.00000012".
    function plainDecimal(abs) {
      var text = toText(abs);
      var e = text.indexOf("e");
      if (e < 0) {
        return text;
      }
      var point = text.indexOf(".");
      var whole = point >= 0 ? point : e;
      var digits = text.substring(0, e).replace(".", "");
      var at = whole + Number(text.substring(e + 1));
      if (at <= 0) {
        return "0." + new Array(1 - at).join("0") + digits;
      }
      if (at >= digits.length) {
        return digits + new Array(at - digits.length + 1).join("0");
      }
      return digits.substring(0, at) + "." + digits.substring(at);
    }
    function localeNumber(x, options) {
      if (x !== x) {
        return "NaN";
      }
      var negative = x < 0 || (x === 0 && 1 / x < 0);
      if (x === Infinity || x === -Infinity) {
        return (negative ? "-" : "") + "\u221e";
      }
      var min = fractionDigits(options.minimumFractionDigits, 0);
      var max = fractionDigits(options.maximumFractionDigits, Math.max(min, 3));
      if (max < min) {
        throw new RangeError("maximumFractionDigits value is out of range.");
      }
      var parts = plainDecimal(Math.abs(x)).split(".");
      var whole = parts[0];
      var fraction = parts.length > 1 ? parts[1] : "";
      if (fraction.length > max) {
        var digits = (whole + fraction.substring(0, max)).split("");
        if (fraction.charAt(max) >= "5") {
          var i = digits.length - 1;
          while (i >= 0 && digits[i] === "9") {
            digits[i] = "0";
            i -= 1;
          }
          if (i < 0) {
            digits.unshift("1");
          } else {
            digits[i] = toText(Number(digits[i]) + 1);
          }
        }
        whole = digits.slice(0, digits.length - max).join("") || "0";
        fraction = digits.slice(digits.length - max).join("");
      }
      while (fraction.length > min && fraction.charAt(fraction.length - 1) === "0") {
        fraction = fraction.substring(0, fraction.length - 1);
      }
      while (fraction.length < min) {
        fraction += "0";
      }
      if (options.useGrouping !== false) {
        whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
      }
      return (negative ? "-" : "") + whole + (fraction ? "." + fraction : "");
    }

    // Hands over the answers of tool calls and runs the program's timers, draining microtasks after each step, until
    // done() says so or nothing is left to wait for; idles (the host waits without the program's turn, at most a
    // slice, less when a call answers, and checks its limits) while nothing is due.
    function runTimers(done) {
      drain();
      while (!done()) {
        var wait = next(); // after handing over what answered and running the timer that was due
        drain();
        if (wait < 0 || done()) {
          return;
        }
        if (wait > 0) {
          idle(wait);
        }
      }
    }

    // `await x`, rewritten: settles x now. Settled promises resolve within one microtask drain; a promise waiting for a
    // tool call or a timer, once what it waits for has come.
    function settle(value) {
      if (value === null || (typeof value !== "object" && typeof value !== "function")) {
        return value;
      }
      var then = value.then;
      if (typeof then !== "function") {
        return value;
      }
      var state = 0;
      var outcome;
      then.call(value, function (v) { state = 1; outcome = v; }, function (e) { state = 2; outcome = e; });
      runTimers(function () { return state !== 0; });
      if (state === 1) {
        return outcome;
      }
      if (state === 2) {
        throw outcome;
      }
      throw new Error("await: the promise never settled, and nothing is left that could settle it (no timer is "
                      + "pending and no tool call is out)");
    }

    function format(value) {
      if (typeof value === "string") {
        return value;
      }
      if (value instanceof Error) {
        // As V8's consoles show it: its stack, which starts with what the error says (unless a program's own
        // prepareStackTrace left that out).
        var head = toText(value);
        var stack = value.stack;
        return typeof stack !== "string" || stack === "" ? head : stack.indexOf(head) === 0 ? stack
               : head + "\n" + stack;
      }
      if (value !== null && typeof value === "object") {
        try {
          var json = stringify(value);
          if (json !== undefined) {
            return json;
          }
        } catch (e) {
          // Cyclic or otherwise not JSON: shown as the other engines show objects ("{ self: [Circular] }"), not as
          // "[object Object]".
          return sdk.inspect(value);
        }
      }
      return toText(value);
    }
    var console = sdk.console(write, format, Date.now);

    var global = this;
    [["ToolError", sdk.ToolError], ["console", console], ["__conduit_await", settle],
     ["discoverMCPTools", discoverMCPTools]].forEach(function (entry) {
      Object.defineProperty(global, entry[0], { value: entry[1], enumerable: false });
    });
    Object.defineProperty(global, "tools", {
      get: function () {
        return tools || (tools = sdk.tools(calls.call, parse(manifest())));
      },
      enumerable: false
    });

    // Rhino 1.9.2's Promise.allSettled reports a rejection's status as " rejected", with a stray space, so a program's
    // `status === "rejected"` never held: replaced by one that answers as the specification (and every other engine)
    // does.
    var all = Promise.all.bind(Promise);
    var arrayFrom = Array.from;
    Object.defineProperty(Promise, "allSettled", {
      value: function allSettled(values) {
        return all(arrayFrom(values, function (value) {
          return resolved(value).then(function (fulfilled) {
            return { status: "fulfilled", value: fulfilled };
          }, function (reason) {
            return { status: "rejected", reason: reason };
          });
        }));
      },
      writable: true,
      configurable: true,
      enumerable: false
    });

    // Rhino has no Intl, and its Number.prototype.toLocaleString reads a locale as a radix ("illegal radix 0"), so
    // `n.toLocaleString("en-US")`, common in programs written for Deno, failed: replaced by what Deno answers for
    // en-US (digits grouped by three, at most three fraction digits, rounded half up from the number's shortest
    // decimal form), honouring minimumFractionDigits, maximumFractionDigits and useGrouping. Every locale formats as
    // en-US here.
    Object.defineProperty(Number.prototype, "toLocaleString", {
      value: function toLocaleString(locales, options) {
        return localeNumber(Number.prototype.valueOf.call(this), options || {});
      },
      writable: true,
      configurable: true,
      enumerable: false
    });

    // Rhino has no Intl, and a date's locale string ignored its timeZone option: `d.toLocaleString("en-GB",
    // {timeZone: "Europe/Paris"})` told UTC's time as Paris's, a wrong answer without an error. The zone's offset at
    // that instant comes from the host's time zone database; an unknown zone is a RangeError, as in Deno.
    ["toLocaleString", "toLocaleDateString", "toLocaleTimeString"].forEach(function (name) {
      var local = Date.prototype[name];
      var timeOf = Date.prototype.getTime;
      Object.defineProperty(Date.prototype, name, {
        value: function (locales, options) {
          var zone = options !== null && typeof options === "object" ? options.timeZone : undefined;
          var time = timeOf.call(this);
          if (zone === undefined || time !== time) {
            return local.call(this, locales, options);
          }
          var offset = zoneOffset(String(zone), time);
          if (offset === null) {
            throw new RangeError("Invalid time zone specified: " + zone);
          }
          return local.call(new Date(time + offset * 60000), locales, options);
        },
        writable: true,
        configurable: true,
        enumerable: false
      });
    });

    // The value a program leaves behind, settled, as JSON text (undefined when JSON cannot express it).
    return function finish(value) {
      value = settle(value);
      runTimers(function () { return false; }); // what the program left for later: its timers and calls still out
      return sdk.resultJson(value, stringify, function (text) {
        write(true, text + "\n");
      });
    };
  };
})()
