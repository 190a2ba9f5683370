package dev.conduit.gateway;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Admission by memory: programs start while their caps fit beside the server's reserve, give them back, and wait in
 * turn for room within their deadline.
 */
class HeapBudgetTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void aQuarterOfTheHeapAtLeast256MbIsKeptForTheServer() {
        assertThat(new HeapBudget(4096 * MIB).budget(), is(3072 * MIB));
        assertThat(new HeapBudget(512 * MIB).budget(), is(256 * MIB));
        assertThat(new HeapBudget(200 * MIB).budget(), is(0L));
    }

    @Test
    void programsStartWhileTheirCapsFitAndGiveThemBack() {
        HeapBudget budget = new HeapBudget(1024 * MIB); // 768 MiB for programs
        Optional<HeapBudget.Reservation> first = budget.reserve(512 * MIB);
        Optional<HeapBudget.Reservation> second = budget.reserve(256 * MIB);
        assertThat(first.isPresent() && second.isPresent(), is(true));
        assertThat(budget.reserve(1).isPresent(), is(false));
        first.get().close();
        first.get().close(); // twice gives back once
        assertThat(budget.reserved(), is(256 * MIB));
        assertThat(budget.reserve(512 * MIB).isPresent(), is(true));
        assertThat(budget.reserve(1).isPresent(), is(false));
    }

    @Test
    void aProgramThatDoesNotFitWaitsForRoomGivenBack() throws Exception {
        HeapBudget budget = new HeapBudget(1024 * MIB);
        HeapBudget.Reservation held = budget.reserve(768 * MIB).orElseThrow();
        CompletableFuture<Optional<HeapBudget.Reservation>> waiter = waitingFor(budget, 256 * MIB);
        assertThat(waiter.isDone(), is(false));
        held.close();
        assertThat(waiter.get(30, TimeUnit.SECONDS).isPresent(), is(true));
        assertThat(budget.reserved(), is(256 * MIB));
    }

    @Test
    void noRoomByTheDeadlineOrNeverRoomIsRefused() throws Exception {
        HeapBudget budget = new HeapBudget(1024 * MIB);
        budget.reserve(768 * MIB).orElseThrow();
        assertThat(budget.reserve(1, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20)).isPresent(), is(false));
        assertThat(budget.waiting(), is(0));
        HeapBudget empty = new HeapBudget(1024 * MIB);
        // More than the whole budget: refused at once, however long the caller would wait.
        assertThat(empty.reserve(769 * MIB, System.nanoTime() + TimeUnit.HOURS.toNanos(1)).isPresent(), is(false));
    }

    @Test
    void roomGoesToTheOldestWaiterFirst() throws Exception {
        HeapBudget budget = new HeapBudget(1024 * MIB);
        HeapBudget.Reservation held = budget.reserve(700 * MIB).orElseThrow();
        CompletableFuture<Optional<HeapBudget.Reservation>> large = waitingFor(budget, 256 * MIB);
        // 32 MB would fit beside what is held, but the larger program came first.
        assertThat(budget.reserve(32 * MIB).isPresent(), is(false));
        held.close();
        assertThat(large.get(30, TimeUnit.SECONDS).isPresent(), is(true));
        assertThat(budget.reserve(32 * MIB).isPresent(), is(true));
    }

    /** A program on a thread of its own waiting (up to 30 s) for {@code bytes}, once it is seen waiting. */
    private static CompletableFuture<Optional<HeapBudget.Reservation>> waitingFor(HeapBudget budget, long bytes) {
        int before = budget.waiting();
        CompletableFuture<Optional<HeapBudget.Reservation>> waiter = CompletableFuture.supplyAsync(
                () -> reserveWithin(budget, bytes, TimeUnit.SECONDS.toNanos(30)));
        awaitWaiting(budget, before + 1);
        return waiter;
    }

    private static Optional<HeapBudget.Reservation> reserveWithin(HeapBudget budget, long bytes, long nanos) {
        try {
            return budget.reserve(bytes, System.nanoTime() + nanos);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Until {@code count} programs wait (they block on the budget's lock: nothing to sleep for). */
    private static void awaitWaiting(HeapBudget budget, int count) {
        long give = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (budget.waiting() < count) {
            if (System.nanoTime() > give) {
                throw new AssertionError("no program waited for room");
            }
            Thread.onSpinWait();
        }
    }
}
