package dev.conduit.core.testing;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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
    private static ExecutorService guests;
    private static long idleHeap = -1;

    /** What a hostile program must end in: a guest error, one of some limits, or a completion printing a line. */
    public record Expect(boolean guestError, Set<Limit> limits, String stdout) {
        public static Expect error() {
            return new Expect(true, Set.of(), null);
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
    protected abstract String memoryBomb();

    /** A program whose value is 42. */
    protected abstract String fortyTwo();

    /** Waits for whatever the engine releases after an execution off the request's path, before the heap is measured. */
    protected void awaitReleased() throws Exception {
        // Nothing by default.
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
        long started = System.nanoTime();
        ExecutionOutcome outcome = run(code);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(name + " took " + millis + " ms", millis, lessThan(LIMITS.wallTime().toMillis() + 2000));
        if (expect.guestError()) {
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
        Executor executor = executor();
        return guests.submit(() -> executor.execute(new ExecutionRequest(code, language(), LIMITS,
                new RecordingBridge(LIMITS.toolCalls()), "hostile"))).get(30, TimeUnit.SECONDS);
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
