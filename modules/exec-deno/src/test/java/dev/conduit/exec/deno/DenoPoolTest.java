package dev.conduit.exec.deno;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The process that replaces the one a program took is started once the program is over, not beside it: a Deno start
 * is 30-40 ms of CPU, which on 2 cores slowed the program (unless it took the last pooled one).
 */
class DenoPoolTest {
    /** The pool's heap cap (256 MB): a program with this memory limit takes a pooled process. */
    private static final ExecutionLimits LIMITS = new ExecutionLimits(Duration.ofSeconds(20), Duration.ofSeconds(10),
                                                                      256L * 1024 * 1024, 64 * 1024, 100, 10,
                                                                      64 * 1024);

    @Test
    void theReplacementStartsOnceTheProgramIsOver() throws Exception {
        ExecutorService guests = Executors.newSingleThreadExecutor(Thread.ofPlatform().factory());
        try (DenoExecutor executor = new DenoExecutor(new DenoSettings(
                Optional.of(Path.of(System.getProperty("conduit.deno.binary"))), 2, 8,
                DenoSettings.DEFAULT_POOL_MEMORY_MB, DenoSettings.DEFAULT_CPU_BACKSTOP))) {
            executor.refilled().get(60, TimeUnit.SECONDS);
            assertThat(executor.pooled().getAsInt(), is(2));
            List<Integer> pooledMeanwhile = new ArrayList<>();
            RecordingBridge watching = new RecordingBridge(10, () -> {
                executor.refilled().join(); // whatever the pool's thread was asked to do by now
                pooledMeanwhile.add(executor.pooled().getAsInt());
            });
            ExecutionOutcome outcome = guests.submit(() -> executor.execute(new ExecutionRequest(
                    "return (await tools.test.echo({n: 1})).n", Language.JAVASCRIPT, LIMITS, watching, "test")))
                    .get(60, TimeUnit.SECONDS);
            assertThat(outcome.toString(), outcome, is(new ExecutionOutcome.Completed("", "", Optional.of("1"))));
            assertThat("one process left while the program ran", pooledMeanwhile, is(List.of(1)));
        } finally {
            guests.shutdownNow();
        }
    }
}
