package dev.conduit.exec.rhino;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Language;
import dev.conduit.core.testing.RecordingBridge;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

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

    private static ExecutionOutcome run(ExecutorService guests, RhinoExecutor executor, String code,
                                        RecordingBridge bridge) throws Exception {
        return guests.submit(() -> executor.execute(new ExecutionRequest(code, Language.JAVASCRIPT, LIMITS, bridge,
                                                                         "test"))).get(30, TimeUnit.SECONDS);
    }
}
