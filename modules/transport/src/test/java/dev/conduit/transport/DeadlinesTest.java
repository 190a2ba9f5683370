package dev.conduit.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conduit.core.Timers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/** Deadlines swept by hand (the timer's own sweep is an hour away), and once by the timer itself. */
class DeadlinesTest {
    private final ScheduledExecutorService timer = Timers.daemon("deadlines-test");
    private final Deadlines deadlines = new Deadlines(timer, Duration.ofHours(1));

    @AfterEach
    void stop() {
        deadlines.close();
        timer.shutdownNow();
    }

    @Test
    void aDeadlineFiresOnceWhenDueAndIsThenGone() {
        AtomicInteger runs = new AtomicInteger();
        Deadlines.Deadline due = deadlines.after(Duration.ZERO, fired -> runs.incrementAndGet());
        Deadlines.Deadline later = deadlines.after(Duration.ofHours(1), fired -> runs.addAndGet(100));
        assertThat(due.fired(), is(false));

        deadlines.sweep();
        deadlines.sweep();
        assertThat(runs.get(), is(1));
        assertThat(due.fired(), is(true));
        assertThat("fired: too late to cancel", due.cancel(), is(false));
        assertThat("the one not due waits", deadlines.waiting(), is(1));

        assertThat(later.cancel(), is(true));
        assertThat(later.cancel(), is(false));
        deadlines.sweep();
        assertThat(runs.get(), is(1));
        assertThat(deadlines.waiting(), is(0));
    }

    @Test
    void aCancelledDeadlineNeverFires() {
        AtomicInteger runs = new AtomicInteger();
        Deadlines.Deadline cancelled = deadlines.after(Duration.ZERO, fired -> runs.incrementAndGet());
        assertThat(cancelled.cancel(), is(true));
        deadlines.sweep();
        assertThat(runs.get(), is(0));
        assertThat(cancelled.fired(), is(false));
        assertThat(deadlines.waiting(), is(0));
    }

    @Test
    void aRepeatingDeadlineFiresEveryPeriodUntilCancelled() {
        AtomicInteger beats = new AtomicInteger();
        Deadlines.Deadline heartbeats = deadlines.every(Duration.ofNanos(1), beat -> beats.incrementAndGet());
        deadlines.sweep();
        deadlines.sweep();
        deadlines.sweep();
        assertThat(beats.get(), is(3));
        assertThat("still waiting for its next beat", deadlines.waiting(), is(1));

        heartbeats.cancel();
        deadlines.sweep();
        assertThat(beats.get(), is(3));
        assertThat(deadlines.waiting(), is(0));
    }

    @Test
    void aFailingActionLeavesTheOthersToRun() {
        List<String> ran = new ArrayList<>();
        deadlines.after(Duration.ZERO, fired -> {
            ran.add("failing");
            throw new IllegalStateException("on purpose");
        });
        deadlines.after(Duration.ZERO, fired -> ran.add("other"));
        deadlines.sweep();
        assertThat(ran.size(), is(2));
        assertThat(ran.contains("other"), is(true));
        assertThat(deadlines.waiting(), is(0));
    }

    @Test
    void theTimerSweepsOnItsOwn() throws Exception {
        try (Deadlines ticking = new Deadlines(timer, Duration.ofMillis(10))) {
            CountDownLatch fired = new CountDownLatch(1);
            ticking.after(Duration.ofMillis(20), deadline -> fired.countDown());
            assertThat(fired.await(10, TimeUnit.SECONDS), is(true));
            assertThat(ticking.waiting(), is(0));
        }
    }

    @Test
    void theTickIsAQuarterOfTheShortestDeadlineWithinBounds() {
        assertThat(List.of(Deadlines.tickFor(Duration.ofMillis(100)), Deadlines.tickFor(Duration.ofMillis(400)),
                           Deadlines.tickFor(Duration.ofSeconds(15))),
                   contains(Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250)));
        assertThat(Deadlines.tickFor(Duration.ofMillis(1)), is(Duration.ofMillis(10)));
    }
}
