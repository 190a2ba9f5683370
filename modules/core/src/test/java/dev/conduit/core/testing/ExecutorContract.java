package dev.conduit.core.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.core.spi.ToolBridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every engine must do alike: output, return values, tool calls and ToolError, guest errors, and every limit.
 * Extended once per engine; programs are written in JavaScript (the common language of the JS engines).
 */
public abstract class ExecutorContract {
    /** Generous limits, lowered one at a time by the limit tests. */
    protected static final ExecutionLimits LIMITS = new ExecutionLimits(Duration.ofSeconds(10), Duration.ofSeconds(5),
                                                                        256L * 1024 * 1024, 64 * 1024, 1000, 50,
                                                                        64 * 1024);
    /** What Deno answers {@link #urlWorksAsInDeno}'s program. */
    private static final String URL_ANSWER = "\"https://User:Pa%20ss@example.com/a/c%20d?x=1%202&y=%C3%A9#frag "
            + "https://example.com example.com  /a/c%20d ?x=1%202&y=%C3%A9 #frag\\nhttp://h.com/a/x?q#h\\n"
            + "https://other.org/p\\n[::ffff:c0a8:1]:8080\\n127.0.0.1\\nsomeone@example.com null\\n"
            + "xn--mnchen-3ya.de\\nfalse true null\\ntrue\\nhttps://a.com/?a=1&a=3&b=2&c=x+y%2F%C3%A9%26%3D 1,3 4\\n"
            + "9 https://a.com:8080/a%20b?z=9#top\\nq=a%26b&n=2 x=\u20ac;y= 1 \\\"http://a/b\\\"\"";
    /** Guest threads of the test class running now (classes run one after another). */
    private static ExecutorService threads;

    /** For subclasses, one per engine. */
    protected ExecutorContract() {
        // The engine comes from executor().
    }

    /** The engine under test, shared by the tests of one class. */
    protected abstract Executor executor();

    /** The contract's programs in the language the engine is tested in. */
    protected abstract ContractPrograms programs();

    @BeforeAll
    static void startThreads() {
        threads = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("contract-guest-", 0).daemon(true)
                .stackSize(Executor.GUEST_STACK_BYTES).factory());
    }

    @AfterAll
    static void stopThreads() {
        threads.shutdownNow();
    }

    protected ExecutionOutcome run(String code) throws Exception {
        return run(code, LIMITS, new RecordingBridge(LIMITS.toolCalls()));
    }

    protected ExecutionOutcome run(String code, ExecutionLimits limits, ToolBridge bridge) throws Exception {
        return run(code, programs().language(), limits, bridge);
    }

    protected ExecutionOutcome run(String code, Language language, ExecutionLimits limits, ToolBridge bridge)
            throws Exception {
        awaitAvailable();
        Future<ExecutionOutcome> outcome = threads.submit(() -> executor().execute(
                new ExecutionRequest(code, language, limits, bridge, "test")));
        return outcome.get(60, TimeUnit.SECONDS);
    }

    private void awaitAvailable() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!executor().availability().available() && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling an engine's warm-up with a deadline, not synchronising test threads
        }
        assertThat(executor().availability().detail(), executor().availability().available(), is(true));
    }

    @Test
    void consoleGoesToStdoutAndStderr() throws Exception {
        ExecutionOutcome outcome = run(programs().console());
        assertThat(outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("hello 42\n"));
        assertThat(outcome.stderr(), is("oops\n"));
    }

    @Test
    void lastValueIsTheResult() throws Exception {
        ExecutionOutcome.Completed completed = (ExecutionOutcome.Completed) run(programs().lastValue());
        assertThat(completed.resultJson().orElseThrow(), is("{\"n\":2}"));
    }

    /**
     * Timers run in the order they are due, with their arguments, cleared ones never, microtasks before them, and a
     * promise waits for the timer that settles it (Python: the loop asyncio gives a program). Time to spare for
     * GraalPy's cold import of asyncio.
     */
    @Test
    void timersRunInTheOrderTheyAreDueAndPromisesWaitForThem() throws Exception {
        ExecutionLimits spare = new ExecutionLimits(Duration.ofSeconds(60), Duration.ofSeconds(30),
                                                    LIMITS.memoryBytes(), LIMITS.outputBytes(), LIMITS.logEntries(),
                                                    LIMITS.toolCalls(), LIMITS.codeBytes());
        ExecutionOutcome outcome = run(programs().timers(), spare, new RecordingBridge(1));
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is("\"micro,a,b,3\""));
    }

    /** What a JavaScript program leaves to run later runs before it ends, as in Deno (Python's asyncio drops it). */
    @Test
    void whatIsLeftForLaterRunsBeforeTheProgramEnds() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "asyncio drops what is left, in Python as in CPython");
        ExecutionOutcome outcome = run("setTimeout(() => console.log('later'), 10); console.log('now');");
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("now\nlater\n"));
    }

    /**
     * The calls of {@code Promise.all} are in flight together, as in Deno: each of four waits at a rendezvous for the
     * other three, which calls made one after another never reach (the first would wait its whole wall limit).
     * Python's asyncio.gather has the same test in GraalPyExecutorTest.
     */
    @Test
    void theCallsOfPromiseAllAreInFlightTogether() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "Promise.all; GraalPyExecutorTest has asyncio.gather's");
        RecordingBridge bridge = RecordingBridge.meeting(4, LIMITS.toolCalls());
        ExecutionOutcome outcome = run("""
                const answers = await Promise.all([1, 2, 3, 4].map((n) => tools.test.echo({n})));
                return answers.map((answer) => answer.n).join(",");""", LIMITS, bridge);
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is("\"1,2,3,4\""));
        assertThat(bridge.seen().size(), is(4));
    }

    /**
     * Each call's promise settles with its own answer, whichever answers first: a refusal rejects only its own, and a
     * call the program does not wait for still answers before the program ends (its reaction runs, as in Deno).
     */
    @Test
    void eachCallSettlesWithItsOwnAnswer() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "Promise.all; GraalPyExecutorTest has asyncio.gather's");
        ExecutionOutcome outcome = run("""
                const settled = await Promise.allSettled([tools.test.echo({a: 1}), tools.test.fail({}),
                                                          tools.$raw("secret.tool", {}), tools.other.echo({b: 2})]);
                tools.other.ping({late: true}).then((answer) => console.log("late " + answer.late));
                console.log("last line");
                return settled.map((one) => one.status === "fulfilled" ? JSON.stringify(one.value)
                                                                        : one.reason.name + " " + one.reason.code);""");
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(),
                   is("[\"{\\\"a\\\":1}\",\"ToolError -32602\",\"ToolError -32003\",\"{\\\"b\\\":2}\"]"));
        assertThat(outcome.stdout(), is("last line\nlate true\n"));
    }

    /**
     * The web platform's small globals that programs written for the original's Deno use, alike in every JavaScript
     * engine (Deno's own are the reference): UTF-8 text encoding, base64, structuredClone with cycles, performance,
     * crypto's random UUIDs and values within the Web Crypto quota.
     */
    @Test
    void webGlobalsWorkAsInDeno() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "JavaScript's globals");
        ExecutionOutcome outcome = run("""
                const bytes = new TextEncoder().encode("h\u00e9llo \u20ac\ud83d\ude00");
                const back = new TextDecoder().decode(bytes) === "h\u00e9llo \u20ac\ud83d\ude00";
                const b64 = btoa("hello\u00ff");
                const original = {a: [1, {b: new Date(0)}], m: new Map([["k", new Set([1])]]), r: /x/gi};
                original.self = original;
                const clone = structuredClone(original);
                const deep = clone !== original && clone.self === clone && clone.a[1].b.getTime() === 0
                    && clone.a[1] !== original.a[1] && clone.m.get("k").has(1) && clone.r.flags === "gi";
                const failure = (f) => { try { f(); return "none"; } catch (e) { return e.name; } };
                [bytes.length, back, b64, atob(b64) === "hello\u00ff", deep, failure(() => structuredClone(() => 1)),
                 failure(() => atob("!")), new TextDecoder().decode(new Uint8Array([0xff, 0x41])),
                 typeof performance.now(),
                 /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
                 crypto.randomUUID() !== crypto.randomUUID(),
                 crypto.getRandomValues(new Uint32Array(64)).some((n) => n !== 0),
                 failure(() => crypto.getRandomValues(new Uint8Array(65537)))].join(",");""");
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(),
                   is("\"14,true,aGVsbG//,true,true,DataCloneError,InvalidCharacterError,\uFFFDA,number,true,true,true,"
                      + "QuotaExceededError\""));
    }

    /**
     * URL and URLSearchParams after the WHATWG URL Standard in every JavaScript engine (GraalJS and Rhino had none):
     * parsing against a base, percent-encoding per component, default ports, IPv4 and IPv6 hosts, punycode, the
     * setters, and search parameters in step with their URL. Deno's own are the reference.
     */
    @Test
    void urlWorksAsInDeno() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "JavaScript's globals");
        ExecutionOutcome outcome = run("""
                const out = [];
                const show = (u) => [u.href, u.origin, u.host, u.port, u.pathname, u.search, u.hash].join(" ");
                out.push(show(new URL("https://User:Pa ss@EXAMPLE.com:443/a/./b/../c d?x=1 2&y=\\u00e9#frag")));
                out.push(new URL("../x?q#h", "http://h.com/a/b/c").href);
                out.push(new URL("//other.org/p", "https://h.com/x").href);
                out.push(new URL("http://[::ffff:192.168.0.1]:8080/").host);
                out.push(new URL("http://0x7f.1/").hostname);
                out.push(new URL("mailto:someone@example.com").pathname + " " + new URL("mailto:a@b").origin);
                out.push(new URL("http://m\\u00fcnchen.de/").hostname);
                out.push(URL.canParse("nope") + " " + URL.canParse("x", "http://a") + " " + URL.parse("nope"));
                let error = "none";
                try { new URL("http://a:99999/"); } catch (e) { error = e instanceof TypeError; }
                out.push(error);
                const u = new URL("https://a.com/?b=2&a=1&a=3");
                u.searchParams.append("c", "x y/\\u00e9&=");
                u.searchParams.sort();
                out.push(u.href + " " + u.searchParams.getAll("a").join(",") + " " + u.searchParams.size);
                u.search = "?z=9"; u.hash = "top"; u.pathname = "/a b"; u.port = "8080";
                out.push(u.searchParams.get("z") + " " + u.href);
                const p = new URLSearchParams({q: "a&b", n: 1});
                p.set("n", "2"); p.delete("missing");
                const pairs = [];
                new URLSearchParams("?x=%E2%82%AC&y=+1").forEach((v, k) => pairs.push(k + "=" + v));
                out.push(p.toString() + " " + pairs.join(";") + " " + JSON.stringify(new URL("http://a/b")));
                return out.join("\\n");""");
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is(URL_ANSWER));
    }

    /**
     * A long URL parses in linear time: the SDK's parser trimmed its ends with a regular expression that retried at
     * every position of a run of spaces (200,000 took 18 s in V8; on Rhino this program used up its 5 s of CPU;
     * GraalJS's regular expressions are automata and were not slowed).
     */
    @Test
    void aLongUrlParsesInLinearTime() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "JavaScript's URL");
        ExecutionOutcome outcome = run("return new URL('http://a/' + ' '.repeat(50000) + 'b').pathname.length;");
        assertThat(outcome.stderr(), outcome, is(new ExecutionOutcome.Completed("", "", Optional.of("150002"))));
    }

    /**
     * A large tool answer reaches the program in time linear in its size: Deno's runner searched everything it had
     * read for a line's end at each 64 KB read, so a 15 MB answer took 7 s and this one would outlast the wall limit.
     */
    @Test
    void aLargeToolAnswerArrivesInLinearTime() throws Exception {
        String code = programs().language() == Language.PYTHON
                ? "answer = await tools.test.echo(repeat=24 * 1024 * 1024)\nprint(len(answer))"
                : "console.log((await tools.test.echo({repeat: 24 * 1024 * 1024})).length);";
        ExecutionOutcome outcome = run(code, LIMITS, new RecordingBridge(1));
        assertThat(outcome.toString(), outcome.stdout(), is("25165824\n"));
    }

    /**
     * An answer of many records, as a query tool gives, fits a program's memory: GraalPy read answers as Python
     * literal text through compile's syntax trees, more than 256 MB for 20,000 records.
     */
    @Test
    void manyRecordsComeBackWithinTheMemoryLimit() throws Exception {
        String code = programs().language() == Language.PYTHON ? """
                records = [{'id': i, 'name': 'user%d' % i, 'active': i % 3 == 0, 'score': i * 1.5, 'tags': ['a', 'b']}
                           for i in range(50000)]
                back = (await tools.test.echo(records=records))['records']
                print(len(back), sum(1 for r in back if r['active']), back[49999]['name'], back == records)""" : """
                const records = Array.from({length: 50000}, (_, i) =>
                    ({id: i, name: 'user' + i, active: i % 3 === 0, score: i * 1.5, tags: ['a', 'b']}));
                const back = (await tools.test.echo({records})).records;
                console.log(back.length, back.filter((r) => r.active).length, back[49999].name,
                            JSON.stringify(back) === JSON.stringify(records) ? 'True' : 'False');""";
        ExecutionOutcome outcome = run(code, LIMITS, new RecordingBridge(1));
        assertThat(outcome.toString(), outcome.stdout(), is("50000 16667 user49999 True\n"));
    }

    /**
     * Arguments over the bridge's limit are refused in the program, which can catch that and go on, in every engine:
     * Deno's runner sent them down a pipe whose lines are bounded, and the program was stopped for its output.
     */
    @Test
    void argumentsOverTheLimitAreRefusedAndTheProgramGoesOn() throws Exception {
        RecordingBridge bridge = RecordingBridge.limitingArguments(10, 1024 * 1024);
        String code = programs().language() == Language.PYTHON ? """
                try:
                    await tools.test.echo(s='x' * (5 * 1024 * 1024))
                    print('sent')
                except ToolError as e:
                    print(e.code, e.message)
                print((await tools.test.echo(n=1))['n'])""" : """
                try { await tools.test.echo({s: 'x'.repeat(5 * 1024 * 1024)}); console.log('sent'); }
                catch (e) { console.log(e.code, e.message); }
                console.log((await tools.test.echo({n: 1})).n);""";
        ExecutionOutcome outcome = run(code, LIMITS, bridge);
        assertThat(outcome.toString(), outcome.stdout(), is("-32602 The arguments for tool test__echo are 5242888 bytes "
                                                            + "of JSON; the limit is 1048576 bytes\n1\n"));
        assertThat(bridge.seen().size(), is(1));
    }

    /**
     * A date's locale string in a named time zone tells that zone's time, and an unknown zone is a RangeError, as in
     * Deno: Rhino (no Intl) told UTC's time whatever the zone.
     */
    @Test
    void aDatesLocaleStringHonoursItsTimeZone() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "JavaScript's Date");
        ExecutionOutcome outcome = run("""
                const d = new Date(Date.UTC(2026, 6, 1, 12));
                let bad = 'none';
                try { d.toLocaleString('en-US', {timeZone: 'Mars/Olympus'}); } catch (e) { bad = e.name; }
                console.log(d.toLocaleTimeString('en-GB', {timeZone: 'Europe/Paris'}) + ' | '
                            + d.toLocaleString('en-GB', {timeZone: 'asia/tokyo'}) + ' | '
                            + d.toLocaleDateString('en-GB', {timeZone: 'Pacific/Honolulu'}) + ' | ' + bad);""");
        assertThat(outcome.toString(), outcome.stdout(),
                   matchesPattern("14:00(:00)? \\| 01/07/2026,? 21:00(:00)? \\| 01/07/2026 \\| RangeError\n"));
    }

    /** crypto.subtle.digest in every JavaScript engine (GraalJS and Rhino had no crypto.subtle), as Deno answers. */
    @Test
    void cryptoDigestsAsInDeno() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "JavaScript's crypto");
        ExecutionOutcome outcome = run("""
                const hex = (buffer) => {
                  const bytes = new Uint8Array(buffer);
                  let out = "";
                  for (let i = 0; i < bytes.length; i++) { out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16); }
                  return out;
                };
                const abc = new TextEncoder().encode("abc");
                let md5 = "none";
                try { await crypto.subtle.digest("MD5", abc); } catch (e) { md5 = e.name; }
                let text = "none";
                try { await crypto.subtle.digest("SHA-256", "abc"); } catch (e) { text = e.name; }
                return [hex(await crypto.subtle.digest("SHA-256", abc)),
                        hex(await crypto.subtle.digest({name: "sha-1"}, new Uint8Array(0))),
                        (await crypto.subtle.digest("SHA-512", abc.buffer)).byteLength,
                        hex(await crypto.subtle.digest("SHA-384", new DataView(abc.buffer))).slice(0, 16),
                        md5, text].join(",");""");
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(),
                   is("\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad,"
                      + "da39a3ee5e6b4b0d3255bfef95601890afd80709,64,cb00753f45a35e8b,NotSupportedError,TypeError\""));
    }

    /**
     * A thrown or rejected value that is no Error is told with its content, as Deno tells it: GraalJS said "Error" and
     * Rhino "[object Object]" for a thrown object. Each engine prints the value its own way (Rhino as JSON).
     */
    @ParameterizedTest
    @ValueSource(strings = {"throw {code: 42};", "await Promise.reject({code: 42});"})
    void aThrownValueThatIsNoErrorIsTold(String program) throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "JavaScript's throw");
        ExecutionOutcome thrown = run("console.log('before');\n" + program);
        assertThat(thrown.toString(), thrown, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(thrown.stderr(), matchesPattern("(?s)Uncaught \\{ ?\"?code\"?: ?42 ?}\n.*"));
        ExecutionOutcome text = run("throw 'a string';");
        assertThat(text.stderr(), startsWith("Uncaught \"a string\"\n"));
        ExecutionOutcome error = run("throw new TypeError('an error');");
        assertThat(error.stderr(), startsWith("TypeError: an error\n"));
    }

    /**
     * A failure names the program's own frames in V8's form, with its own line and column numbers, in the engines
     * that have columns (GraalJS's host-side frames read "at <js> f(program.js:1:21-41)"; Deno's named the runner's
     * eval; the first line's columns counted the wrapper's head). Rhino has lines only.
     */
    @Test
    void aFailureNamesTheProgramsOwnFrames() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON && !executor().name().equals("rhino"), "V8's frames");
        ExecutionOutcome script = run("function f() {\n  throw new TypeError('deep');\n}\nf();");
        assertThat(script.stderr(), is("TypeError: deep\n    at f (program.js:2:9)\n    at program.js:4:1\n"));
        ExecutionOutcome body = run("await 0; throw new TypeError('one');");
        assertThat(body.stderr(), matchesPattern("TypeError: one\n    at program\\.(js|ts):1:16\n"));
        ExecutionOutcome read = run("try { null.f(); } catch (e) { console.log(e.stack.split('\\n').length); }");
        assertThat("the program's own e.stack has its frame and no other", read.stdout(), is("2\n"));
    }

    /**
     * A caught error's {@code stack} starts with its name and message, then the program's frames, as in V8: a program
     * printing {@code e.stack} shows what went wrong (Rhino's own stack was the frames alone, the message lost).
     */
    @Test
    void aCaughtErrorsStackStartsWithItsNameAndMessage() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "JavaScript's Error.stack");
        ExecutionOutcome made = run("function f() { throw new RangeError('bad ' + 1); }\n"
                                    + "try { f(); } catch (e) { console.log(e.stack); }");
        assertThat(made.stdout(), matchesPattern(
                "RangeError: bad 1\\n    at f \\(program\\.js:1(:\\d+)?\\)\\n    at program\\.js:2(:\\d+)?\\n"));
        ExecutionOutcome logged = run("console.log(new Error('e'));");
        assertThat("an error logged shows what it says once", logged.stdout(),
                   matchesPattern("Error: e\\n    at program\\.js:1(:\\d+)?\\n"));
        ExecutionOutcome thrown = run("try { null.f(); } catch (e) { console.log(e.stack); }");
        assertThat(thrown.stdout(), matchesPattern("TypeError: [^\\n]+\\n    at program\\.js:1(:\\d+)?\\n"));
        ExecutionOutcome captured = run("function MyErr(m) { this.name = 'MyErr'; this.message = m; "
                + "Error.captureStackTrace(this, MyErr); }\nMyErr.prototype = Object.create(Error.prototype);\n"
                + "try { throw new MyErr('y'); } catch (e) { console.log(e.stack); }");
        assertThat("an error type of the program's own, without classes", captured.stdout(),
                   matchesPattern("MyErr: y\\n    at program\\.js:3(:\\d+)?\\n"));
        ExecutionOutcome tool = run("try { await tools.$raw('nope', {}); } catch (e) { console.log(e.stack); }");
        assertThat("the SDK's frames are left out", tool.stdout(), not(containsString("conduit-")));
        // (Rhino read it with an internal error: the SDK's ToolError is an Error given another prototype.)
        assertThat(tool.stdout(), startsWith("ToolError: Unknown tool: nope"));
    }

    /**
     * A result JSON cannot express although the program meant one (a cycle; in Python a set) is left out, and stderr
     * says why: it used to vanish without a word. A value JSON has no form for at all (a function) stays silent.
     */
    @Test
    void aResultJsonCannotExpressIsLeftOutWithTheReason() throws Exception {
        boolean python = programs().language() == Language.PYTHON;
        ExecutionOutcome cyclic = run(python ? "print('kept')\n{1, 2}"
                                             : "console.log('kept'); const a = {}; a.self = a; return a;");
        assertThat(cyclic.toString(), cyclic, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(((ExecutionOutcome.Completed) cyclic).resultJson(), is(Optional.empty()));
        assertThat(cyclic.stdout(), is("kept\n"));
        assertThat(cyclic.stderr(), startsWith("The program's result is left out: JSON cannot express it ("));
        if (!python) {
            ExecutionOutcome function = run("return () => 1;");
            assertThat(function.stderr(), is(""));
            // And shown, where printed, as the engines show a cycle (Rhino printed "[object Object]").
            ExecutionOutcome logged = run("const a = {n: 1}; a.self = a; console.log(a);");
            assertThat(logged.stdout(), containsString("self: [Circular"));
        }
    }

    /** A program may replace a console method to collect its own logs, as in Node and Deno (it was frozen). */
    @Test
    void aProgramMayReplaceAConsoleMethod() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "JavaScript's console");
        ExecutionOutcome outcome = run("var logs = [];\nconsole.log = function (a, b) { logs.push(a + ' ' + b); };\n"
                                       + "console.log('a', 1);\nconsole.error('kept');\nreturn logs;");
        assertThat(outcome.stderr(), outcome, is(new ExecutionOutcome.Completed("", "kept\n", Optional.of("[\"a 1\"]"))));
    }

    /**
     * The console API Deno and Node give programs, alike in every JavaScript engine: a program that called
     * console.table failed with a TypeError in all three, and GraalJS printed objects as "[object Object]".
     */
    @Test
    void theConsoleApiWorksAsInDeno() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "JavaScript's console");
        ExecutionOutcome outcome = run("""
                console.table([{a: 1, b: 'x'}, {a: 2}]);
                console.log('%s=%d%%', 'n', 5);
                console.assert(1 === 2, 'bad');
                console.assert(true, 'fine');
                console.count(); console.count(); console.count('x'); console.countReset(); console.count();
                console.group('g'); console.log('in'); console.groupEnd(); console.log('out');
                console.time('t'); console.timeEnd('t');
                console.dir(7);
                console.log({a: 1, b: [1, 2]});""");
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        String[] lines = outcome.stdout().split("\n");
        assertThat(String.join("\n", Arrays.copyOf(lines, lines.length - 1)).replaceAll("t: \\d+ms", "t: Nms"),
                   is("""
                      ┌─────────┬───┬─────┐
                      │ (index) │ a │ b   │
                      ├─────────┼───┼─────┤
                      │ 0       │ 1 │ 'x' │
                      │ 1       │ 2 │     │
                      └─────────┴───┴─────┘
                      n=5%
                      default: 1
                      default: 2
                      x: 1
                      default: 1
                      g
                        in
                      out
                      t: Nms
                      7"""));
        // Each engine prints an object its own way (Deno's inspect, JSON in Rhino), but never as "[object Object]".
        assertThat(lines[lines.length - 1], allOf(containsString("a"), containsString("1"), containsString("2"),
                                                  not(containsString("[object"))));
        assertThat(outcome.stderr(), is("Assertion failed: bad\n"));
    }

    /** A timer callback's uncaught exception ends the program with it, as it ends a Deno process. */
    @Test
    void aTimerCallbacksExceptionEndsTheProgram() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "JavaScript's timers");
        ExecutionOutcome outcome = run("""
                setTimeout(() => { throw new Error("late failure"); }, 1);
                await new Promise((resolve) => setTimeout(resolve, 50));
                return "survived";""");
        assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.GuestError error
                                       && error.message().contains("late failure"), is(true));
    }

    /** A program waiting for a timer past its wall time is stopped there, its thread given back. */
    @Test
    void aTimerPastTheWallTimeIsStoppedAtIt() throws Exception {
        assumeTrue(programs().language() != Language.PYTHON, "GraalPyExecutorTest has asyncio's sleep");
        ExecutionLimits brief = LIMITS.withWallTime(Duration.ofSeconds(1));
        ExecutionOutcome outcome = run("await new Promise((resolve) => setTimeout(resolve, 60000)); return 1;", brief,
                                       new RecordingBridge(1));
        assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.LimitExceeded exceeded
                                       && exceeded.limit() == ExecutionOutcome.Limit.WALL_TIME, is(true));
    }

    @Test
    void topLevelReturnWithoutAwait() throws Exception {
        ExecutionOutcome outcome = run(programs().returnWithoutAwait());
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is("21"));
    }

    @Test
    void topLevelAwaitWithToolCallsAndReturn() throws Exception {
        RecordingBridge bridge = new RecordingBridge(10);
        ExecutionOutcome outcome = run(programs().toolCalls(), LIMITS, bridge);
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        ExecutionOutcome.Completed completed = (ExecutionOutcome.Completed) outcome;
        assertThat(completed.stdout(), is("1 2\n"));
        assertThat(completed.resultJson().orElseThrow(), is("{\"first\":{\"x\":1},\"raw\":{\"y\":2}}"));
        assertThat(bridge.seen().size(), is(3));
        assertThat(bridge.seen().get(2), is("test__get-sum {\"a\":1}"));
    }

    /** {@code await (x)}: parsed as a script, it was a call of a function named await ("await is not defined"). */
    @Test
    void parenthesizedAwaitAtTheTopLevelAwaits() throws Exception {
        ExecutionOutcome outcome = run(programs().parenthesizedAwait());
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("3\n"));
    }

    /** A program that awaits runs inside a wrapper, which must not move its lines. */
    @Test
    void anErrorAfterAnAwaitNamesItsOwnLine() throws Exception {
        ExecutionOutcome outcome = run(programs().thrownOnLineThreeAfterAwait());
        assertThat(outcome, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(outcome.stderr(), containsString("late"));
        assertThat(outcome.stderr(), matchesPattern("(?s).*(:3\\b|line 3\\b).*"));
        assertThat(outcome.stderr(), not(matchesPattern("(?s).*(:4\\b|line 4\\b).*")));
    }

    @Test
    void toolErrorsCanBeCaught() throws Exception {
        ExecutionOutcome outcome = run(programs().toolErrorCaught());
        assertThat(outcome.stderr(), outcome.stdout(), is("yes ToolError -32602 test__fail it failed\n"));
    }

    @Test
    void uncaughtToolErrorIsAGuestError() throws Exception {
        ExecutionOutcome outcome = run(programs().toolErrorUncaught());
        assertThat(outcome, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(outcome.stderr(), containsString("it failed"));
    }

    @Test
    void thrownErrorIsAGuestErrorWithItsMessageAndNoHostFrames() throws Exception {
        ExecutionOutcome outcome = run(programs().thrown());
        ExecutionOutcome.GuestError error = (ExecutionOutcome.GuestError) outcome;
        assertThat(error.stdout(), is("before\n"));
        assertThat(error.stderr(), containsString("boom"));
        assertThat(error.stderr(), not(containsString("dev.conduit")));
        assertThat(error.stderr(), not(containsString("org.graalvm")));
    }

    @Test
    void syntaxErrorIsAGuestError() throws Exception {
        assertThat(run(programs().syntaxError()), instanceOf(ExecutionOutcome.GuestError.class));
    }

    /** Rhino's await rewrite read past the end of such a program: an internal error instead of the syntax error. */
    @Test
    void aProgramCutOffInsideALiteralIsASyntaxError() throws Exception {
        ExecutionOutcome outcome = run(programs().cutOffAfterABackslash());
        assertThat(outcome, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(outcome.stderr(), containsString("SyntaxError"));
    }

    @Test
    void runawayLoopStopsAtItsCpuOrTimeLimit() throws Exception {
        // The wall limit is far away, so only a working CPU limit ends the loop as CPU_TIME.
        ExecutionLimits tight = new ExecutionLimits(Duration.ofSeconds(20), Duration.ofMillis(300),
                                                    LIMITS.memoryBytes(), LIMITS.outputBytes(), LIMITS.logEntries(),
                                                    LIMITS.toolCalls(), LIMITS.codeBytes());
        ExecutionOutcome outcome = run(programs().runawayLoop(), tight, new RecordingBridge(1));
        assertThat(outcome, instanceOf(ExecutionOutcome.LimitExceeded.class));
        assertThat(((ExecutionOutcome.LimitExceeded) outcome).limit(), is(ExecutionOutcome.Limit.CPU_TIME));
    }

    /**
     * A wall limit spent before the program starts (in the queue, on a busy machine) ends it as that limit, never as
     * an engine failure: the cancellation can land while the engine still sets the program up (GraalJS answered 11 in
     * 3,000 such programs with an internal error). Many runs, over the limits at which the cancellation meets the
     * set-up.
     */
    @Test
    void aProgramStoppedAsItStartsEndsAtItsLimit() throws Exception {
        for (int i = 0; i < stoppedAsItStartsRuns(); i++) {
            ExecutionLimits instant = LIMITS.withWallTime(Duration.ofNanos(1_000 + (i % 50) * 100_000L));
            ExecutionOutcome outcome = run(programs().runawayLoop(), instant, new RecordingBridge(1));
            assertThat("run " + i + ": " + outcome, outcome instanceof ExecutionOutcome.LimitExceeded exceeded
                                                    && exceeded.limit() == ExecutionOutcome.Limit.WALL_TIME, is(true));
        }
    }

    /** How many programs {@link #aProgramStoppedAsItStartsEndsAtItsLimit} runs; fewer where each starts a process. */
    protected int stoppedAsItStartsRuns() {
        return 1000;
    }

    /** The contract's limits with another memory cap. */
    private static ExecutionLimits withMemory(long bytes) {
        return new ExecutionLimits(LIMITS.wallTime(), LIMITS.cpuTime(), bytes, LIMITS.outputBytes(),
                                   LIMITS.logEntries(), LIMITS.toolCalls(), LIMITS.codeBytes());
    }

    @Test
    void memoryBombStopsNearItsBudget() throws Exception {
        ExecutionLimits small = withMemory(32L * 1024 * 1024);
        ExecutionOutcome outcome = run(programs().memoryBomb(), small,
                                       new RecordingBridge(1));
        assertThat(((ExecutionOutcome.LimitExceeded) outcome).limit(), is(ExecutionOutcome.Limit.MEMORY));
    }

    /**
     * The memory cap is on what a program holds, not on what it allocates: churning through far more than the cap
     * while holding a few megabytes completes.
     */
    @Test
    void churningThroughMoreThanTheCapCompletes() throws Exception {
        ExecutionLimits small = withMemory(64L * 1024 * 1024);
        ExecutionOutcome outcome = run(programs().churn(), small, new RecordingBridge(1));
        assertThat(outcome.toString(), outcome, instanceOf(ExecutionOutcome.Completed.class));
    }

    /**
     * One allocation larger than the cap never completes: in the JavaScript engines it fails in the guest with a
     * RangeError the program catches; elsewhere the memory limit stops the program.
     */
    @Test
    void oneAllocationLargerThanTheCapDoesNotComplete() throws Exception {
        ExecutionLimits small = withMemory(64L * 1024 * 1024);
        ExecutionOutcome outcome = run(programs().oneHugeBuffer(), small, new RecordingBridge(1));
        if (programs().refusesHugeAllocationsInTheGuest()) {
            ExecutionOutcome.Completed completed = (ExecutionOutcome.Completed) outcome;
            assertThat(completed.toString(), completed.resultJson().orElseThrow(),
                       anyOf(is("\"refused RangeError\""), is("\"refused MemoryError\"")));
        } else {
            assertThat(outcome.toString(), ((ExecutionOutcome.LimitExceeded) outcome).limit(),
                       is(ExecutionOutcome.Limit.MEMORY));
        }
    }

    @Test
    void outputFloodStopsAndKeepsWhatFitted() throws Exception {
        ExecutionOutcome outcome = run(programs().outputFlood());
        ExecutionOutcome.LimitExceeded exceeded = (ExecutionOutcome.LimitExceeded) outcome;
        assertThat(exceeded.limit(), is(ExecutionOutcome.Limit.OUTPUT));
        assertThat(exceeded.stdout().startsWith("first\n"), is(true));
        assertThat((long) exceeded.stdout().length() <= LIMITS.outputBytes(), is(true));
    }

    @Test
    void logFloodStopsAtTheEntryLimit() throws Exception {
        ExecutionOutcome outcome = run(programs().logFlood());
        ExecutionOutcome.LimitExceeded exceeded = (ExecutionOutcome.LimitExceeded) outcome;
        assertThat(exceeded.limit(), is(ExecutionOutcome.Limit.LOG_ENTRIES));
        assertThat(exceeded.stdout().lines().count(), is((long) LIMITS.logEntries()));
    }

    @Test
    void toolBudgetStopsTheProgram() throws Exception {
        ExecutionOutcome outcome = run(programs().toolBudget(),
                                       LIMITS, new RecordingBridge(5));
        assertThat(((ExecutionOutcome.LimitExceeded) outcome).limit(), is(ExecutionOutcome.Limit.TOOL_CALLS));
    }

    @Test
    void oversizedCodeIsRefused() throws Exception {
        ExecutionOutcome outcome = run(programs().comment(LIMITS.codeBytes()));
        assertThat(((ExecutionOutcome.LimitExceeded) outcome).limit(), is(ExecutionOutcome.Limit.CODE_SIZE));
    }

    @Test
    void deepRecursionEndsWithoutHarm() throws Exception {
        ExecutionOutcome outcome = run(programs().deepRecursion());
        assertThat(outcome.getClass() == ExecutionOutcome.Completed.class, is(false));
        assertThat(run(programs().trivial()), instanceOf(ExecutionOutcome.Completed.class));
    }

    @Test
    void discoveryListsWhatTheExecutionMayCallAndFilters() throws Exception {
        ExecutionOutcome outcome = run(programs().discovery());
        assertThat(outcome.stderr(), outcome.stdout(),
                   is("test__echo,test__fail,test__get-sum,other__echo,other__ping test__get-sum schema\n"));
    }

    @Test
    void flatAccessFindsTheOneNamespaceWithTheTool() throws Exception {
        RecordingBridge bridge = new RecordingBridge(10);
        ExecutionOutcome outcome = run(programs().flatAccess(), LIMITS, bridge);
        assertThat(outcome.stderr(), outcome.stdout(), is("1 2\n"));
        assertThat(bridge.seen(), is(List.of("other__ping {\"n\":1}", "test__get-sum {\"a\":2}")));
    }

    @Test
    void missesNameWhatExists() throws Exception {
        String[] lines = run(programs().misses()).stdout().split("\n");
        assertThat(lines.length, is(3));
        assertThat(lines[0], is("Tool 'echo' is in more than one namespace: tools.test.echo, tools.other.echo. "
                                + "Name the namespace."));
        assertThat(lines[1], startsWith("Namespace or Tool 'nope' not found. Available namespaces: test, other. Use "
                                        + "tools."));
        assertThat(lines[2], startsWith("Tool 'nope' not found in namespace 'test'. Available tools: echo, fail, "
                                        + "get-sum, get_sum. Use tools."));
    }

    @Test
    void rawCallsTakeDottedNamesAndRefusalsSayAllowlist() throws Exception {
        ExecutionOutcome outcome = run(programs().rawCalls());
        assertThat(outcome.stderr(), outcome.stdout(), is("3\nToolError Authorization failed: tool secret__tool is not "
                                                          + "in the allowlist or does not exist\n"));
    }

    @Test
    void inspectionShowsNamespacesAndNothingOfTheBridge() throws Exception {
        ExecutionOutcome outcome = run(programs().inspection());
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), endsWith("\nfalse other,test true\n"));
        assertThat(outcome.stdout(), not(containsString("bridge")));
    }

    @Test
    void eachExecutionStartsFresh() throws Exception {
        run(programs().leaveGlobal());
        ExecutionOutcome.Completed second = (ExecutionOutcome.Completed) run(programs().hasGlobal());
        assertThat(second.resultJson().orElseThrow(), is("false"));
    }
}
