package dev.conduit.exec.graal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.exec.GuestOutput;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.testing.RecordingBridge;
import org.graalvm.polyglot.Context;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class WatchdogTest {

    @Test
    void executionThatOutlivesItsCancellationIsReportedStuck() throws Exception {
        // The watchdog cancels the context itself, so it is not closed again here.
        Context context = Context.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
        try (Watchdog watchdog = new Watchdog("test")) {
            ExecutionLimits expired = new ExecutionLimits(Duration.ZERO, Duration.ofSeconds(10), Long.MAX_VALUE,
                                                          1024, 10, 1, 1024);
            // Watched, but never unwatched: as if the guest thread never came back from a cancelled context.
            Watchdog.Watched watched = watchdog.watch(Thread.currentThread(), context, expired, new GuestOutput(1, 1),
                                                      new RecordingBridge(1));
            watched.reportedStuck().get(20, TimeUnit.SECONDS);
            assertThat(watched.stoppedBy(), is(Limit.WALL_TIME));
            assertThat(watchdog.stuck(), is(1));
            watchdog.unwatch(watched);
            assertThat(watchdog.stuck(), is(0));
            // Told to the memory measurer, so that what the program held is not pinned on those still running.
            assertThat(watched.heap().stoppedByAnotherLimit(), is(true));
        }
    }

    /**
     * The watchdog ticks only while it watches (idle, its 200 ticks a second cost 2 % of a core), and an execution
     * watched after an idle spell is still stopped at its limit.
     */
    @Test
    void ticksOnlyWhileWatchingAndStillStopsAfterAnIdleSpell() throws Exception {
        Context context = Context.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
        try (Watchdog watchdog = new Watchdog("test")) {
            assertThat("nothing to watch yet", watchdog.ticking(), is(false));
            ExecutionLimits generous = new ExecutionLimits(Duration.ofSeconds(60), Duration.ofSeconds(60),
                                                           Long.MAX_VALUE, 1024, 10, 1, 1024);
            Watchdog.Watched first = watchdog.watch(Thread.currentThread(), context, generous, new GuestOutput(1, 1),
                                                    new RecordingBridge(1));
            assertThat(watchdog.ticking(), is(true));
            watchdog.unwatch(first);
            assertThat("ended within its limits", first.heap().stoppedByAnotherLimit(), is(false));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (watchdog.ticking() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the next tick, within milliseconds, finds nothing to watch and stops
            }
            assertThat("stopped once idle", watchdog.ticking(), is(false));

            ExecutionLimits expired = new ExecutionLimits(Duration.ZERO, Duration.ofSeconds(10), Long.MAX_VALUE,
                                                          1024, 10, 1, 1024);
            Watchdog.Watched second = watchdog.watch(Thread.currentThread(), context, expired, new GuestOutput(1, 1),
                                                     new RecordingBridge(1));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (second.stoppedBy() == null && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the first tick finds its wall time crossed
            }
            assertThat(second.stoppedBy(), is(Limit.WALL_TIME));
            watchdog.unwatch(second);
        }
    }
}
