package dev.conduit.exec.rhino;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.exec.Reachable;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Language;
import dev.conduit.core.testing.RecordingBridge;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Scopes made ahead serve the execution that takes them and no other: each program's tool calls reach its own
 * bridge, and what one program leaves in its global scope is not seen by the next.
 */
class RhinoPoolTest {
    private static final ExecutionLimits LIMITS = new ExecutionLimits(Duration.ofSeconds(10), Duration.ofSeconds(5),
                                                                      64L * 1024 * 1024, 64 * 1024, 100, 10,
                                                                      64 * 1024);

    @Test
    void aScopeMadeAheadServesOnlyTheExecutionThatTakesIt() throws Exception {
        RhinoExecutor executor = new RhinoExecutor();
        ExecutorService guests = Executors.newSingleThreadExecutor(Thread.ofPlatform().factory());
        try {
            RecordingBridge first = new RecordingBridge(10);
            ExecutionOutcome one = run(guests, executor, "globalThis.left = 'behind'; "
                                                         + "return (await tools.test.echo({n: 1})).n", first);
            assertThat(one.toString(), one, is(new ExecutionOutcome.Completed("", "", Optional.of("1"))));
            executor.refilled().get(30, TimeUnit.SECONDS);
            assertThat(executor.pooled().getAsInt(), is(2));
            RecordingBridge second = new RecordingBridge(10);
            ExecutionOutcome two = run(guests, executor, "console.log(typeof left); "
                                                         + "return (await tools.test.echo({n: 2})).n", second);
            assertThat(two.toString(), two, is(new ExecutionOutcome.Completed("undefined\n", "", Optional.of("2"))));
            assertThat(first.seen(), is(List.of("test__echo {\"n\":1}")));
            assertThat(second.seen(), is(List.of("test__echo {\"n\":2}")));
        } finally {
            guests.shutdownNow();
            executor.close();
        }
    }

    /**
     * A scope waiting in the pool reaches nothing of a program that ran before it: two scopes made in one Rhino context
     * shared that context's cached objects (the thrower of a strict function's {@code caller}, with the prototype of
     * the first scope), so the scope waiting kept the other's program, and all it held, reachable after it ended.
     */
    @Test
    void aScopeMadeAheadReachesNothingOfTheProgramBefore() throws Exception {
        assumeTrue(Reachable.AVAILABLE, "walks of objects are off on this JDK");
        RhinoExecutor executor = new RhinoExecutor();
        ExecutorService guests = Executors.newSingleThreadExecutor(Thread.ofPlatform().factory());
        try {
            run(guests, executor, "return 1", new RecordingBridge(10)); // made its own scope, and the pool's two
            executor.refilled().get(30, TimeUnit.SECONDS);
            ExecutionOutcome kept = run(guests, executor, "globalThis.kept = []; "
                                                          + "for (var i = 0; i < 8; i++) kept.push(new Uint8Array(1 << 20)); "
                                                          + "return kept.length", new RecordingBridge(10));
            assertThat(kept.toString(), kept, is(new ExecutionOutcome.Completed("", "", Optional.of("8"))));
            executor.refilled().get(30, TimeUnit.SECONDS);
            List<Long> reach = executor.pooledReach(64L * 1024 * 1024);
            assertThat(reach.size(), is(2));
            for (long bytes : reach) {
                // A scope and its SDK come to a few hundred KB; the program's buffers alone were 8 MB.
                assertThat(reach.toString(), bytes, lessThan(4L * 1024 * 1024));
            }
        } finally {
            guests.shutdownNow();
            executor.close();
        }
    }

    private static ExecutionOutcome run(ExecutorService guests, RhinoExecutor executor, String code,
                                        RecordingBridge bridge) throws Exception {
        return guests.submit(() -> executor.execute(new ExecutionRequest(code, Language.JAVASCRIPT, LIMITS, bridge,
                                                                         "test"))).get(30, TimeUnit.SECONDS);
    }
}
