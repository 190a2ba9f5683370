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
        try (Watchdog watchdog = new Watchdog()) {
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
        }
    }
}
