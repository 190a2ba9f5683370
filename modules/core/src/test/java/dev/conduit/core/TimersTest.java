package dev.conduit.core;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class TimersTest {

    @Test
    void aCancelledTaskLeavesTheQueueAndWhatItHolds() {
        ScheduledThreadPoolExecutor timers = (ScheduledThreadPoolExecutor) Timers.daemon("timers-test");
        try {
            for (int i = 0; i < 1_000; i++) {
                byte[] held = new byte[1024];
                ScheduledFuture<?> heartbeat = timers.scheduleAtFixedRate(() -> held[0]++, 15, 15, TimeUnit.SECONDS);
                ScheduledFuture<?> deadline = timers.schedule(() -> held[1]++, 30, TimeUnit.SECONDS);
                heartbeat.cancel(false);
                deadline.cancel(false);
            }
            assertThat(timers.getQueue().size(), is(0));
        } finally {
            timers.shutdownNow();
        }
    }
}
