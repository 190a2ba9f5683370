package dev.conduit.core.testing;

import dev.conduit.core.spi.Language;

/**
 * The programs of {@link ExecutorContract} in one guest language: each does the same thing in every language, so
 * every engine is held to the same expected outcomes. Methods are named after the contract tests that use them.
 */
public interface ContractPrograms {

    Language language();

    /** Prints {@code hello 42} to stdout and {@code oops} to stderr. */
    String console();

    /** Ends with the value {@code {"n": 2}}. */
    String lastValue();

    /** Returns 21 from the top level without awaiting anything (Python, which has no top-level return: ends with 21). */
    String returnWithoutAwait();

    /**
     * Awaits test.echo({x: 3}) written in parentheses, {@code await (call)}, at the top level, and prints its x; returns
     * nothing.
     */
    String parenthesizedAwait();

    /** Awaits test.echo({x: 1}) on its first line and throws an error with the message "late" on its third. */
    String thrownOnLineThreeAfterAwait();

    /** Calls test.echo({x: 1}), the raw test__echo({y: 2}), test.get_sum({a: 1}); prints "1 2"; result {first, raw}. */
    String toolCalls();

    /** Catches test.fail's ToolError and prints "yes ToolError -32602 test__fail it failed". */
    String toolErrorCaught();

    /** Calls test.fail without catching. */
    String toolErrorUncaught();

    /** Prints "before", then throws an error with the message "boom" from a function. */
    String thrown();

    String syntaxError();

    /** Awaits a tool call, then ends inside a string literal, right after a backslash. */
    String cutOffAfterABackslash();

    /** Loops forever, catching whatever would stop it. */
    String runawayLoop();

    /** Keeps allocating 100000-element arrays. */
    String memoryBomb();

    /**
     * Builds and serialises 40 batches of 10,000 small records, one batch at a time: some hundreds of megabytes
     * allocated, a few held at any moment. Answers the total length of the JSON text.
     */
    String churn();

    /**
     * Asks for one 512 MB buffer in a try block; ends with "refused RangeError" when the allocation fails in the
     * guest; where it does not, keeps the buffer and goes on writing to it for a while.
     */
    String oneHugeBuffer();

    /**
     * Whether {@link #oneHugeBuffer()}'s allocation fails in the guest (JavaScript engines ask before large
     * allocations, GraalPy checks the size where the program's text shows one), which the program catches and
     * answers "refused " and the error's name; otherwise the program is stopped by its memory limit.
     */
    boolean refusesHugeAllocationsInTheGuest();

    /** Prints "first", then 1000-character lines forever. */
    String outputFlood();

    /** Prints a counter forever, one line each. */
    String logFlood();

    /** Calls test.echo forever, catching tool errors. */
    String toolBudget();

    /** A comment line of {@code length} more characters. */
    String comment(int length);

    /** Unbounded recursion. */
    String deepRecursion();

    /** Evaluates to a number. */
    String trivial();

    /** Discovers every tool and those matching "sum"; prints both name lists and "schema" if the first has one. */
    String discovery();

    /** Calls other.ping and test.get_sum without their namespaces; prints "1 2". */
    String flatAccess();

    /** Prints the messages of an ambiguous flat name (echo), an unknown namespace and an unknown tool of test. */
    String misses();

    /** Calls the raw "test.echo" (prints 3), then the refused secret__tool (prints the error's type and message). */
    String rawCalls();

    /** Prints tools, then whether its shown text reveals internals, its namespaces sorted, and whether await is harmless. */
    String inspection();

    /**
     * Schedules "b" after 20 ms, "a" after 10 ms (passed to its callback as an argument), one cancelled after 5 ms and
     * "micro" as soon as possible; waits for three ticks of 1 ms, then 25 ms; ends with "micro,a,b,3".
     */
    String timers();

    /** Leaves a global named leftover behind. */
    String leaveGlobal();

    /** Evaluates to whether a global named leftover exists. */
    String hasGlobal();

    /** The contract's programs in JavaScript. */
    ContractPrograms JAVASCRIPT = new ContractPrograms() {
        @Override
        public Language language() {
            return Language.JAVASCRIPT;
        }

        @Override
        public String console() {
            return "console.log('hello', 42); console.error('oops');";
        }

        @Override
        public String lastValue() {
            return "const a = {n: 1 + 1}; a";
        }

        @Override
        public String returnWithoutAwait() {
            return "const x = 20;\nreturn x + 1;";
        }

        @Override
        public String parenthesizedAwait() {
            return "const r = await (tools.test.echo({x: 3}));\nconsole.log(r.x);";
        }

        @Override
        public String thrownOnLineThreeAfterAwait() {
            return "const r = await tools.test.echo({x: 1});\n\nthrow new Error('late');";
        }

        @Override
        public String toolCalls() {
            return """
                    const first = await tools.test.echo({x: 1});
                    const raw = await tools.$raw('test__echo', {y: 2});
                    const flat = await tools.test.get_sum({a: 1});
                    console.log(first.x, raw.y);
                    return {first, raw};""";
        }

        @Override
        public String toolErrorCaught() {
            return """
                    try { await tools.test.fail({}); }
                    catch (e) {
                      console.log(e instanceof ToolError && e instanceof Error ? 'yes' : 'no', e.name, e.code, e.tool,
                                  e.message);
                    }""";
        }

        @Override
        public String toolErrorUncaught() {
            return "await tools.test.fail({});";
        }

        @Override
        public String thrown() {
            return "function f() { throw new Error('boom'); }\nconsole.log('before');\nf();";
        }

        @Override
        public String syntaxError() {
            return "let x = ;";
        }

        @Override
        public String cutOffAfterABackslash() {
            return "const r = await tools.test.echo({x: 1});\nconst s = 'abc\\";
        }

        @Override
        public String runawayLoop() {
            return "for (;;) { try { while (true) {} } catch (e) {} }";
        }

        @Override
        public String memoryBomb() {
            return "const keep = []; for (;;) { keep.push(new Array(100000).fill(1)); }";
        }

        @Override
        public String churn() {
            return "var total = 0; for (var i = 0; i < 40; i++) { var rows = []; "
                   + "for (var j = 0; j < 10000; j++) rows.push({id: j, name: 'row-' + j, v: j / 7}); "
                   + "total += JSON.stringify(rows).length; } total";
        }

        @Override
        public String oneHugeBuffer() {
            return "var outcome; try { outcome = new Uint8Array(512 * 1024 * 1024).length; } "
                   + "catch (e) { outcome = 'refused ' + e.name; } outcome";
        }

        @Override
        public boolean refusesHugeAllocationsInTheGuest() {
            return true;
        }

        @Override
        public String outputFlood() {
            return "console.log('first'); for (;;) { console.log('x'.repeat(1000)); }";
        }

        @Override
        public String logFlood() {
            return "for (let i = 0; ; i++) { console.log(i); }";
        }

        @Override
        public String toolBudget() {
            return "for (let i = 0; ; i++) { try { await tools.test.echo({i}); } catch (e) {} }";
        }

        @Override
        public String comment(int length) {
            return "// " + "x".repeat(length);
        }

        @Override
        public String deepRecursion() {
            return "function f(n) { return f(n + 1) + 1; } f(0);";
        }

        @Override
        public String trivial() {
            return "1 + 1";
        }

        @Override
        public String discovery() {
            return """
                    const all = await discoverMCPTools();
                    const some = await discoverMCPTools({search: 'sum'});
                    console.log(all.map(t => t.name).join(','), some.map(t => t.name).join(','),
                                all[0].inputSchema ? 'schema' : 'none');""";
        }

        @Override
        public String flatAccess() {
            return "console.log((await tools.ping({n: 1})).n, (await tools.get_sum({a: 2})).a);";
        }

        @Override
        public String misses() {
            return """
                    [() => tools.echo, () => tools.nope, () => tools.test.nope].forEach((miss) => {
                      try { miss(); console.log('no error'); } catch (e) { console.log(e.message); }
                    });""";
        }

        @Override
        public String rawCalls() {
            return """
                    console.log((await tools.$raw('test.echo', {x: 3})).x);
                    try { await tools.$raw('secret__tool', {}); } catch (e) { console.log(e.name, e.message); }""";
        }

        @Override
        public String inspection() {
            return """
                    console.log(tools);
                    const shown = JSON.stringify(tools) + String(Object.keys(tools));
                    console.log(/bridge|invoke|manifest|discover|function|=>/.test(shown),
                                Object.keys(tools).sort().join(','), (await tools) === tools);""";
        }

        @Override
        public String leaveGlobal() {
            return "globalThis.leftover = 'secret';";
        }

        @Override
        public String timers() {
            return """
                    const order = [];
                    setTimeout(() => order.push("b"), 20);
                    setTimeout((x) => order.push(x), 10, "a");
                    clearTimeout(setTimeout(() => order.push("never"), 5));
                    queueMicrotask(() => order.push("micro"));
                    let ticks = 0;
                    await new Promise((resolve) => {
                      const id = setInterval(() => {
                        if (++ticks === 3) {
                          clearInterval(id);
                          resolve();
                        }
                      }, 1);
                    });
                    await new Promise((resolve) => setTimeout(resolve, 25));
                    order.push(ticks);
                    return order.join(",");""";
        }

        @Override
        public String hasGlobal() {
            return "typeof globalThis.leftover !== 'undefined'";
        }
    };

    /** The contract's programs in Python. */
    ContractPrograms PYTHON = new ContractPrograms() {
        @Override
        public Language language() {
            return Language.PYTHON;
        }

        @Override
        public String console() {
            return "import sys\nprint('hello', 42)\nprint('oops', file=sys.stderr)";
        }

        @Override
        public String lastValue() {
            return "a = {'n': 1 + 1}\na";
        }

        @Override
        public String returnWithoutAwait() {
            return "x = 20\nx + 1";
        }

        @Override
        public String parenthesizedAwait() {
            return "r = await (tools.test.echo({'x': 3}))\nprint(r['x'])";
        }

        @Override
        public String thrownOnLineThreeAfterAwait() {
            return "r = await tools.test.echo({'x': 1})\n\nraise ValueError('late')";
        }

        @Override
        public String toolCalls() {
            return """
                    first = tools.test.echo({'x': 1})
                    raw = tools.raw('test__echo', {'y': 2})
                    flat = tools.test.get_sum({'a': 1})
                    print(first['x'], raw['y'])
                    {'first': first, 'raw': raw}""";
        }

        @Override
        public String toolErrorCaught() {
            return """
                    try:
                        tools.test.fail({})
                    except ToolError as e:
                        print('yes' if isinstance(e, Exception) else 'no', type(e).__name__, e.code, e.tool, e.message)""";
        }

        @Override
        public String toolErrorUncaught() {
            return "tools.test.fail({})";
        }

        @Override
        public String thrown() {
            return "def f():\n    raise ValueError('boom')\nprint('before')\nf()";
        }

        @Override
        public String syntaxError() {
            return "x = = 1";
        }

        @Override
        public String cutOffAfterABackslash() {
            return "r = await tools.test.echo({'x': 1})\ns = 'abc\\";
        }

        @Override
        public String runawayLoop() {
            return "while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass";
        }

        @Override
        public String memoryBomb() {
            return "keep = []\nwhile True:\n    keep.append([1] * 100000)";
        }

        @Override
        public String churn() {
            return "import json\ntotal = 0\nfor i in range(20):\n"
                   + "    rows = [{'id': j, 'name': 'row-' + str(j), 'v': j / 7} for j in range(10000)]\n"
                   + "    total += len(json.dumps(rows))\ntotal";
        }

        @Override
        public String oneHugeBuffer() {
            // Refused before it is made (docs/code-mode.md, "Memory"); were it made, it would be held while the
            // program goes on writing to it, for the memory limit to stop.
            return "try:\n    held = bytearray(512 * 1024 * 1024)\n    outcome = len(held)\n"
                   + "    for i in range(100000000):\n        held[i % 1000] = 1\n"
                   + "except MemoryError as e:\n    outcome = 'refused ' + type(e).__name__\noutcome";
        }

        @Override
        public boolean refusesHugeAllocationsInTheGuest() {
            return true;
        }

        @Override
        public String outputFlood() {
            return "print('first')\nwhile True:\n    print('x' * 1000)";
        }

        @Override
        public String logFlood() {
            return "i = 0\nwhile True:\n    print(i)\n    i += 1";
        }

        @Override
        public String toolBudget() {
            return "while True:\n    try:\n        tools.test.echo({})\n    except ToolError:\n        pass";
        }

        @Override
        public String comment(int length) {
            return "# " + "x".repeat(length);
        }

        @Override
        public String deepRecursion() {
            return "def f(n):\n    return f(n + 1) + 1\nf(0)";
        }

        @Override
        public String trivial() {
            return "1 + 1";
        }

        @Override
        public String discovery() {
            return """
                    every = discover_mcp_tools()
                    some = await discover_mcp_tools({'search': 'sum'})
                    print(','.join(t['name'] for t in every), ','.join(t['name'] for t in some),
                          'schema' if every[0].get('inputSchema') else 'none')""";
        }

        @Override
        public String flatAccess() {
            return "print(tools.ping({'n': 1})['n'], tools.get_sum(a=2)['a'])";
        }

        @Override
        public String misses() {
            return """
                    for miss in (lambda: tools.echo, lambda: tools.nope, lambda: tools.test.nope):
                        try:
                            miss()
                            print('no error')
                        except AttributeError as e:
                            print(e)""";
        }

        @Override
        public String rawCalls() {
            return """
                    print(tools.raw('test.echo', {'x': 3})['x'])
                    try:
                        tools.raw('secret__tool', {})
                    except ToolError as e:
                        print(type(e).__name__, e.message)""";
        }

        @Override
        public String inspection() {
            return """
                    print(tools)
                    shown = repr(tools) + str(dir(tools))
                    print(str(any(w in shown for w in ('bridge', 'manifest', 'discover', 'function', 'lambda'))).lower(),
                          ','.join(dir(tools)), str((await tools) is tools).lower())""";
        }

        @Override
        public String leaveGlobal() {
            return "import builtins\nbuiltins.leftover = 'secret'\nleftover = 'secret'";
        }

        @Override
        public String hasGlobal() {
            return "'leftover' in globals() or 'leftover' in dir(__builtins__)";
        }

        @Override
        public String timers() {
            return """
                    import asyncio
                    order = []
                    loop = asyncio.get_event_loop()
                    loop.call_later(0.02, order.append, "b")
                    loop.call_later(0.01, order.append, "a")
                    loop.call_later(0.005, order.append, "never").cancel()
                    loop.call_soon(order.append, "micro")
                    ticks = 0
                    async def tick():
                        global ticks
                        for _ in range(3):
                            await asyncio.sleep(0.001)
                            ticks += 1
                    await tick()
                    await asyncio.sleep(0.025)
                    order.append(ticks)
                    ",".join(map(str, order))""";
        }
    };
}
