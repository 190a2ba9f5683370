package dev.conduit.core.testing;

import java.time.Duration;
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
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * What every engine must do alike: output, return values, tool calls and ToolError, guest errors, and every limit.
 * Extended once per engine; programs are written in JavaScript (the common language of the JS engines).
 */
public abstract class ExecutorContract {
    /** Generous limits, lowered one at a time by the limit tests. */
    protected static final ExecutionLimits LIMITS = new ExecutionLimits(Duration.ofSeconds(10), Duration.ofSeconds(5),
                                                                        256L * 1024 * 1024, 64 * 1024, 1000, 50,
                                                                        64 * 1024);
    private static final ExecutorService THREADS = Executors.newFixedThreadPool(2,
            Thread.ofPlatform().name("contract-guest-", 0).daemon(true).stackSize(Executor.GUEST_STACK_BYTES).factory());

    /** For subclasses, one per engine. */
    protected ExecutorContract() {
        // The engine comes from executor().
    }

    /** The engine under test, shared by the tests of one class. */
    protected abstract Executor executor();

    @AfterAll
    static void stopThreads() {
        THREADS.shutdownNow();
    }

    protected ExecutionOutcome run(String code) throws Exception {
        return run(code, LIMITS, new RecordingBridge(LIMITS.toolCalls()));
    }

    protected ExecutionOutcome run(String code, ExecutionLimits limits, ToolBridge bridge) throws Exception {
        return run(code, Language.JAVASCRIPT, limits, bridge);
    }

    protected ExecutionOutcome run(String code, Language language, ExecutionLimits limits, ToolBridge bridge)
            throws Exception {
        awaitAvailable();
        Future<ExecutionOutcome> outcome = THREADS.submit(() -> executor().execute(
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
        ExecutionOutcome outcome = run("console.log('hello', 42); console.error('oops');");
        assertThat(outcome, instanceOf(ExecutionOutcome.Completed.class));
        assertThat(outcome.stdout(), is("hello 42\n"));
        assertThat(outcome.stderr(), is("oops\n"));
    }

    @Test
    void lastValueIsTheResult() throws Exception {
        ExecutionOutcome.Completed completed = (ExecutionOutcome.Completed) run("const a = {n: 1 + 1}; a");
        assertThat(completed.resultJson().orElseThrow(), is("{\"n\":2}"));
    }

    @Test
    void topLevelAwaitWithToolCallsAndReturn() throws Exception {
        RecordingBridge bridge = new RecordingBridge(10);
        ExecutionOutcome outcome = run("""
                const first = await tools.test.echo({x: 1});
                const raw = await tools.$raw('test__echo', {y: 2});
                const flat = await tools.test.get_sum({a: 1});
                console.log(first.x, raw.y);
                return {first, raw};""", LIMITS, bridge);
        assertThat(outcome.stderr(), outcome, instanceOf(ExecutionOutcome.Completed.class));
        ExecutionOutcome.Completed completed = (ExecutionOutcome.Completed) outcome;
        assertThat(completed.stdout(), is("1 2\n"));
        assertThat(completed.resultJson().orElseThrow(), is("{\"first\":{\"x\":1},\"raw\":{\"y\":2}}"));
        assertThat(bridge.seen().size(), is(3));
        assertThat(bridge.seen().get(2), is("test__get-sum {\"a\":1}"));
    }

    @Test
    void toolErrorsCanBeCaught() throws Exception {
        ExecutionOutcome outcome = run("""
                try { await tools.test.fail({}); }
                catch (e) { console.log(e instanceof ToolError, e instanceof Error, e.name, e.code, e.tool, e.message); }""");
        assertThat(outcome.stdout(), is("true true ToolError -32602 test__fail it failed\n"));
    }

    @Test
    void uncaughtToolErrorIsAGuestError() throws Exception {
        ExecutionOutcome outcome = run("await tools.test.fail({});");
        assertThat(outcome, instanceOf(ExecutionOutcome.GuestError.class));
        assertThat(outcome.stderr(), containsString("it failed"));
    }

    @Test
    void thrownErrorIsAGuestErrorWithItsMessageAndNoHostFrames() throws Exception {
        ExecutionOutcome outcome = run("function f() { throw new Error('boom'); }\nconsole.log('before');\nf();");
        ExecutionOutcome.GuestError error = (ExecutionOutcome.GuestError) outcome;
        assertThat(error.stdout(), is("before\n"));
        assertThat(error.stderr(), containsString("boom"));
        assertThat(error.stderr(), not(containsString("dev.conduit")));
        assertThat(error.stderr(), not(containsString("org.graalvm")));
    }

    @Test
    void syntaxErrorIsAGuestError() throws Exception {
        assertThat(run("let x = ;"), instanceOf(ExecutionOutcome.GuestError.class));
    }

    @Test
    void runawayLoopStopsAtItsCpuOrTimeLimit() throws Exception {
        ExecutionLimits tight = new ExecutionLimits(Duration.ofSeconds(2), Duration.ofMillis(300), LIMITS.memoryBytes(),
                                                    LIMITS.outputBytes(), LIMITS.logEntries(), LIMITS.toolCalls(),
                                                    LIMITS.codeBytes());
        long started = System.nanoTime();
        ExecutionOutcome outcome = run("for (;;) { try { while (true) {} } catch (e) {} }", tight,
                                       new RecordingBridge(1));
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(outcome, instanceOf(ExecutionOutcome.LimitExceeded.class));
        assertThat(((ExecutionOutcome.LimitExceeded) outcome).limit(), is(ExecutionOutcome.Limit.CPU_TIME));
        assertThat(millis, lessThan(1500L));
    }

    @Test
    void memoryBombStopsNearItsBudget() throws Exception {
        ExecutionLimits small = new ExecutionLimits(LIMITS.wallTime(), LIMITS.cpuTime(), 32L * 1024 * 1024,
                                                    LIMITS.outputBytes(), LIMITS.logEntries(), LIMITS.toolCalls(),
                                                    LIMITS.codeBytes());
        ExecutionOutcome outcome = run("const keep = []; for (;;) { keep.push(new Array(100000).fill(1)); }", small,
                                       new RecordingBridge(1));
        assertThat(((ExecutionOutcome.LimitExceeded) outcome).limit(), is(ExecutionOutcome.Limit.MEMORY));
    }

    @Test
    void outputFloodStopsAndKeepsWhatFitted() throws Exception {
        ExecutionOutcome outcome = run("console.log('first'); for (;;) { console.log('x'.repeat(1000)); }");
        ExecutionOutcome.LimitExceeded exceeded = (ExecutionOutcome.LimitExceeded) outcome;
        assertThat(exceeded.limit(), is(ExecutionOutcome.Limit.OUTPUT));
        assertThat(exceeded.stdout().startsWith("first\n"), is(true));
        assertThat((long) exceeded.stdout().length() <= LIMITS.outputBytes(), is(true));
    }

    @Test
    void logFloodStopsAtTheEntryLimit() throws Exception {
        ExecutionOutcome outcome = run("for (let i = 0; ; i++) { console.log(i); }");
        ExecutionOutcome.LimitExceeded exceeded = (ExecutionOutcome.LimitExceeded) outcome;
        assertThat(exceeded.limit(), is(ExecutionOutcome.Limit.LOG_ENTRIES));
        assertThat(exceeded.stdout().lines().count(), is((long) LIMITS.logEntries()));
    }

    @Test
    void toolBudgetStopsTheProgram() throws Exception {
        ExecutionOutcome outcome = run("for (let i = 0; ; i++) { try { await tools.test.echo({i}); } catch (e) {} }",
                                       LIMITS, new RecordingBridge(5));
        assertThat(((ExecutionOutcome.LimitExceeded) outcome).limit(), is(ExecutionOutcome.Limit.TOOL_CALLS));
    }

    @Test
    void oversizedCodeIsRefused() throws Exception {
        ExecutionOutcome outcome = run("// " + "x".repeat(LIMITS.codeBytes()));
        assertThat(((ExecutionOutcome.LimitExceeded) outcome).limit(), is(ExecutionOutcome.Limit.CODE_SIZE));
    }

    @Test
    void deepRecursionEndsWithoutHarm() throws Exception {
        ExecutionOutcome outcome = run("function f(n) { return f(n + 1) + 1; } f(0);");
        assertThat(outcome.getClass() == ExecutionOutcome.Completed.class, is(false));
        assertThat(run("1 + 1"), instanceOf(ExecutionOutcome.Completed.class));
    }

    @Test
    void eachExecutionStartsFresh() throws Exception {
        run("globalThis.leftover = 'secret';");
        ExecutionOutcome.Completed second = (ExecutionOutcome.Completed) run("typeof globalThis.leftover");
        assertThat(second.resultJson().orElseThrow(), is("\"undefined\""));
    }
}
