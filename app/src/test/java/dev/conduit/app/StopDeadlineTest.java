package dev.conduit.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class StopDeadlineTest {

    @Test
    void aStopThatHangsIsOverrun() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        Thread stuck = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CountDownLatch overrun = new CountDownLatch(1);
        StopDeadline.watch(stuck, Duration.ofMillis(50), overrun::countDown);
        assertThat("the overrun ran", overrun.await(30, TimeUnit.SECONDS), is(true));
        assertThat("the stop was still stuck", stuck.isAlive(), is(true));
        never.countDown();
    }

    @Test
    void aStopThatEndsIsLeftAlone() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Thread stopping = Thread.ofPlatform().start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicBoolean overrun = new AtomicBoolean();
        Thread watcher = StopDeadline.watch(stopping, Duration.ofSeconds(30), () -> overrun.set(true));
        release.countDown();
        assertThat("the watcher ends with the stop", watcher.join(Duration.ofSeconds(30)), is(true));
        assertThat(overrun.get(), is(false));
    }
}
