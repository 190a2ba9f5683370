package dev.conduit.core.testing;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * A hostile-programs suite for one engine: each program must end in its expected outcome within its limits, and
 * afterwards the engine still answers and the heap is back near idle. A subclass names its engine and lists its
 * programs in a static {@code programs()} method of {@code (name, code, Expect)} arguments.
 */
public abstract class HostileSuite {
    /** Tight limits, so that every runaway ends quickly. */
    protected static final ExecutionLimits LIMITS = new ExecutionLimits(Duration.ofSeconds(3), Duration.ofMillis(800),
                                                                        64L * 1024 * 1024, 64 * 1024, 500, 20,
                                                                        64 * 1024);
    /**
     * For a program expected to hit a limit other than time: wall and CPU time get ample room, so that on a busy
     * machine the program still meets the limit it is meant to meet before a clock runs out.
     */
    private static final ExecutionLimits TIME_TO_SPARE = LIMITS.withWallTime(Duration.ofSeconds(30));

    private static ExecutionLimits limitsFor(Expect expect) {
        boolean timeExpected = expect.limits().contains(Limit.WALL_TIME) || expect.limits().contains(Limit.CPU_TIME);
        if (timeExpected || expect.limits().isEmpty() && !expect.guestError() && expect.stdout() == null) {
            return LIMITS;
        }
        return new ExecutionLimits(TIME_TO_SPARE.wallTime(), Duration.ofSeconds(20), LIMITS.memoryBytes(),
                                   LIMITS.outputBytes(), LIMITS.logEntries(), LIMITS.toolCalls(), LIMITS.codeBytes());
    }
    private static ExecutorService guests;
    private static long idleHeap = -1;

    /** What a hostile program must end in: a guest error, one of some limits, or a completion printing a line. */
    public record Expect(boolean guestError, Set<Limit> limits, String stdout) {
        public static Expect error() {
            return new Expect(true, Set.of(), null);
        }

        /**
         * Stopped by the memory limit, or failed in the guest: a large allocation the limit leaves no room for is
         * refused there (a RangeError saying so), which a bomb does not catch.
         */
        public static Expect memory() {
            return new Expect(true, Set.of(Limit.MEMORY), null);
        }

        public static Expect limit(Limit... limits) {
            return new Expect(false, Set.of(limits), null);
        }

        public static Expect prints(String stdout) {
            return new Expect(false, Set.of(), stdout);
        }
    }

    /** For subclasses, one per engine. */
    protected HostileSuite() {
        // The engine comes from executor().
    }

    /** The engine under test, ready to run. */
    protected abstract Executor executor() throws Exception;

    /** The language the programs are written in. */
    protected abstract Language language();

    /** A program that allocates without end, run three times before the heap is measured. */
    protected String memoryBomb() {
        return language() == Language.PYTHON ? "a = []\nwhile True:\n    a.append([0] * 100000)"
                                             : "const a = []; for (;;) a.push(new Array(1e5).fill(0))";
    }

    /** A program whose value is 42. */
    protected String fortyTwo() {
        return "6 * 7";
    }

    /** Waits for whatever the engine releases after an execution off the request's path, before the heap is measured. */
    protected void awaitReleased() throws Exception {
        // Nothing by default.
    }

    /**
     * Hostile JavaScript programs with the same expected outcome in the in-process JavaScript engines (GraalJS,
     * Rhino): doors to the host, tampering with the SDK, runaways, bombs and floods. Each engine's suite adds its own.
     */
    public static Stream<Arguments> javascriptInProcess() {
        return Stream.of(
                Arguments.of("Packages", "Packages.java.lang.System.exit(0)", Expect.error()),
                Arguments.of("load", "load('/etc/passwd')", Expect.error()),
                Arguments.of("print", "print('x')", Expect.error()),
                Arguments.of("JSON monkeypatch",
                             "JSON.parse = () => ({value: 'forged'}); const r = await tools.test.echo({a: 1}); "
                             + "console.log(r.a)", Expect.prints("1\n")),
                Arguments.of("non-object arguments",
                             "try { await tools.test.echo('x') } catch (e) { console.log(e.code) }",
                             Expect.prints("-32602\n")),
                Arguments.of("tool budget storm",
                             "await Promise.all(Array.from({length: 1000}, (_, i) => tools.test.echo({i}).catch(() => 0)))",
                             Expect.limit(Limit.TOOL_CALLS)),
                Arguments.of("while true", "while (true) {}", Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("loop that catches", "for (;;) { try { while (true) {} } catch (e) {} }",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                Arguments.of("microtask loop", "const f = () => Promise.resolve().then(f); f(); 1",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME, Limit.MEMORY)),
                Arguments.of("promise storm", "for (;;) { Promise.resolve().then(() => 0); }",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME, Limit.MEMORY)),
                Arguments.of("getter in result", "({ get x() { for (;;) {} } })",
                             Expect.limit(Limit.CPU_TIME, Limit.WALL_TIME)),
                // Buffers of 256 KB or more count against the program while they live, by a token they keep under
                // the SDK's symbol (LiveHeap.Share#hold); views and small buffers hold none; JSON and keys never see it.
                // A typed array's own buffer is counted once, on the array or on its buffer (Rhino makes it through
                // the global ArrayBuffer, which counts it).
                Arguments.of("held buffer's token",
                             "const b = new ArrayBuffer(1 << 20); const s = Object.getOwnPropertySymbols(b);"
                             + " console.log(s.length, String(s[0]), JSON.stringify(Object.keys(b)), typeof b[s[0]],"
                             + " Object.getOwnPropertySymbols(new Uint8Array(b)).length,"
                             + " Object.getOwnPropertySymbols(new Uint8Array(1000)).length,"
                             + " ((t) => Object.getOwnPropertySymbols(t).length"
                             + " + Object.getOwnPropertySymbols(t.buffer).length)(new Float64Array(1 << 16)))",
                             Expect.prints("1 Symbol(conduit.held) [] object 0 0 1\n")),
                // The buffer constructors are guarded on first use: every way to one before that is the guarded one,
                // and a global the program deleted or replaced first stays as it left it.
                Arguments.of("buffer constructors reached around the globals",
                             "const big = 1536 * 1024 * 1024; const tries = [];"
                             + " const d = Object.getOwnPropertyDescriptor(globalThis, 'Int16Array');"
                             + " tries.push(() => new (d.get ? d.get() : d.value)(big));"
                             + " tries.push(() => new (new Uint8Array(4).constructor)(big));"
                             + " tries.push(() => new (new Float32Array(4).buffer.constructor)(big));"
                             + " tries.push(() => new (Reflect.get(globalThis, 'BigInt64Array'))(big / 8));"
                             + " console.log(tries.map((t) => { try { t(); return 'allocated'; }"
                             + " catch (e) { return e.name; } }).join(' '))",
                             Expect.prints("RangeError RangeError RangeError RangeError\n")),
                Arguments.of("buffer globals deleted or replaced before their first use",
                             "delete globalThis.ArrayBuffer; globalThis.Float64Array = 5; let made;"
                             + " try { new Uint8Array(1536 * 1024 * 1024); made = 'allocated'; }"
                             + " catch (e) { made = e.name; }"
                             + " console.log(made, typeof ArrayBuffer, Float64Array, typeof Uint8Array)",
                             Expect.prints("RangeError undefined 5 function\n")),
                // The guard is made on first use, inside a program that may have replaced what it is made of.
                Arguments.of("buffer guard's materials replaced before its first use",
                             "globalThis.Proxy = function (target) { return target; };"
                             + " Array.prototype.forEach = function () {};"
                             + " Array.prototype.slice = function () { return []; };"
                             + " Array.isArray = () => false;"
                             + " Object.getOwnPropertyDescriptor = () => undefined;"
                             + " Object.getOwnPropertyNames = () => [];"
                             + " Reflect.construct = (target) => new target(8);"
                             + " let made; try { made = new Uint8Array(1536 * 1024 * 1024).length; }"
                             + " catch (e) { made = e.name; } console.log(made)",
                             Expect.prints("RangeError\n")),
                Arguments.of("a Proxy made to hand the buffer guard its target back",
                             "const RealProxy = Proxy;"
                             + " globalThis.Proxy = function (target, handler) {"
                             + " if (handler.construct) { try { handler.construct(target, [], target); } catch (e) {} }"
                             + " return target; };"
                             + " let made; try { made = new Float64Array(192 * 1024 * 1024).length; }"
                             + " catch (e) { made = e.name; } globalThis.Proxy = RealProxy; console.log(made)",
                             Expect.prints("RangeError\n")),
                Arguments.of("array bomb", "const a = []; for (;;) a.push(new Array(1e5).fill(0))",
                             Expect.limit(Limit.MEMORY)),
                Arguments.of("typed array bomb", "const a = []; for (;;) a.push(new Float64Array(1e6))",
                             Expect.memory()),
                // Buffers written to, so that they are resident: Deno finds these outside V8's heap by the process's RSS.
                Arguments.of("filled buffer bomb",
                             "var a = []; for (;;) { var b = new Uint8Array(8 * 1024 * 1024); b.fill(1); a.push(b) }",
                             Expect.memory()),
                Arguments.of("string bomb", "const a = []; for (let i = 0; ; i++) a.push('x'.repeat(1e6) + i)",
                             Expect.memory()),
                Arguments.of("object bomb", "const a = []; for (let i = 0; ; i++) a.push({i, s: String(i)})",
                             Expect.limit(Limit.MEMORY)),
                Arguments.of("recursion", "function f(n) { return f(n + 1) + 1 } f(0)",
                             Expect.limit(Limit.STACK_DEPTH)),
                Arguments.of("stdout flood", "for (;;) console.log('x'.repeat(100))",
                             Expect.limit(Limit.OUTPUT, Limit.LOG_ENTRIES)),
                Arguments.of("stderr flood", "for (;;) console.error('y'.repeat(5000))", Expect.limit(Limit.OUTPUT)),
                Arguments.of("log flood", "for (let i = 0; ; i++) console.log(i)", Expect.limit(Limit.LOG_ENTRIES)),
                Arguments.of("huge result", "'x'.repeat(1e6)", Expect.limit(Limit.OUTPUT)),
                Arguments.of("circular result", "const o = {}; o.self = o; console.log('ok'); o",
                             Expect.prints("ok\n")));
    }

    @BeforeAll
    static void startGuests() {
        guests = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("hostile-guest").daemon(true)
                                                           .stackSize(Executor.GUEST_STACK_BYTES).factory());
        idleHeap = -1;
    }

    @AfterAll
    static void stopGuests() {
        guests.shutdownNow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void hostileProgramEndsInItsExpectedOutcome(String name, String code, Expect expect) throws Exception {
        measureIdleHeap();
        ExecutionLimits limits = limitsFor(expect);
        long started = System.nanoTime();
        ExecutionOutcome outcome = run(code, limits);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(name + " took " + millis + " ms", millis, lessThan(limits.wallTime().toMillis() + 2000));
        if (expect.guestError() && !expect.limits().isEmpty()) {
            assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.LimitExceeded exceeded
                                           && expect.limits().contains(exceeded.limit())
                                           || outcome instanceof ExecutionOutcome.GuestError error
                                              && error.message().contains("memory limit leaves"), is(true));
        } else if (expect.guestError()) {
            assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.GuestError, is(true));
        } else if (!expect.limits().isEmpty()) {
            assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.LimitExceeded exceeded
                                           && expect.limits().contains(exceeded.limit()), is(true));
        } else {
            assertThat(outcome.toString(), outcome instanceof ExecutionOutcome.Completed, is(true));
            assertThat(outcome.stdout(), is(expect.stdout()));
        }
        assertThat(outcome.stderr(), not(containsString("at dev.conduit")));
        assertThat(outcome.stderr(), not(containsString("at org.")));
    }

    @Test
    void afterViolationsTheEngineAnswersAndTheHeapIsBackNearIdle() throws Exception {
        measureIdleHeap();
        for (int i = 0; i < 3; i++) {
            ExecutionOutcome bomb = run(memoryBomb());
            assertThat(bomb.toString(), bomb instanceof ExecutionOutcome.LimitExceeded, is(true));
        }
        ExecutionOutcome outcome = run(fortyTwo());
        assertThat(outcome.toString(), ((ExecutionOutcome.Completed) outcome).resultJson().orElseThrow(), is("42"));
        awaitReleased();
        long after = usedHeapAfterGc();
        assertThat("heap grew from " + idleHeap + " to " + after, after - idleHeap, lessThan(48L * 1024 * 1024));
    }

    /** Runs {@code code} on a guest thread with the suite's limits and a fresh recording bridge. */
    protected final ExecutionOutcome run(String code) throws Exception {
        return run(code, LIMITS);
    }

    private ExecutionOutcome run(String code, ExecutionLimits limits) throws Exception {
        Executor executor = executor();
        return guests.submit(() -> executor.execute(new ExecutionRequest(code, language(), limits,
                new RecordingBridge(limits.toolCalls()), "hostile"))).get(60, TimeUnit.SECONDS);
    }

    private void measureIdleHeap() throws Exception {
        if (idleHeap < 0) {
            run(fortyTwo());
            awaitReleased();
            idleHeap = usedHeapAfterGc();
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
