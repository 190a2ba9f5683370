package dev.conduit.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.Cancellation;
import dev.conduit.core.jsonrpc.RpcException;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A lane takes exactly its threads plus its queue, however fast work arrives, and gives places back. */
class ExecutionPoolTest {
    private static final long LATER = TimeUnit.SECONDS.toNanos(30);

    @Test
    void aBurstGetsEveryThreadAndQueuePlaceEvenWithThreadsIdleFromBefore() throws Exception {
        try (ExecutionPool pool = new ExecutionPool("test-", 8, 2);
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                assertThat(pool.run(() -> "warm", new Cancellation(), System.nanoTime() + LATER), is("warm"));
            }
            CountDownLatch release = new CountDownLatch(1);
            List<Future<String>> burst = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                burst.add(callers.submit(() -> pool.run(() -> {
                    release.await();
                    return "ran";
                }, new Cancellation(), System.nanoTime() + LATER)));
            }
            awaitTaken(pool, 10);
            RpcException busy = assertThrows(RpcException.class,
                    () -> pool.run(() -> "eleventh", new Cancellation(), System.nanoTime() + LATER));
            assertThat(busy.getMessage(), containsString("every execution slot and the queue are taken"));
            release.countDown();
            for (Future<String> work : burst) {
                assertThat(work.get(30, TimeUnit.SECONDS), is("ran"));
            }
            assertThat(pool.run(() -> "again", new Cancellation(), System.nanoTime() + LATER), is("again"));
        }
    }

    @Test
    void workOneAtATimeReusesAThreadInsteadOfStartingTheLanesAll() throws Exception {
        // A fixed-size pool started a thread per submission until it had all of them (256 by default), each keeping
        // the stack its guest touched.
        try (ExecutionPool pool = new ExecutionPool("test-", 16, 2)) {
            for (int i = 0; i < 64; i++) {
                assertThat(pool.run(() -> "ran", new Cancellation(), System.nanoTime() + LATER), is("ran"));
            }
            assertThat(pool.threadCount(), is(1));
        }
    }

    @Test
    void workCancelledWhileQueuedGivesItsPlaceBack() throws Exception {
        try (ExecutionPool pool = new ExecutionPool("test-", 1, 1);
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch release = new CountDownLatch(1);
            Future<String> running = callers.submit(() -> pool.run(() -> {
                release.await();
                return "ran";
            }, new Cancellation(), System.nanoTime() + LATER));
            awaitTaken(pool, 1);
            Cancellation cancellation = new Cancellation();
            Future<String> queued = callers.submit(() -> pool.run(() -> "queued", cancellation,
                                                                   System.nanoTime() + LATER));
            awaitTaken(pool, 2);
            cancellation.cancel();
            assertThrows(java.util.concurrent.ExecutionException.class, () -> queued.get(30, TimeUnit.SECONDS));
            // Its place is free again: one more may queue behind the running work.
            Future<String> next = callers.submit(() -> pool.run(() -> "next", new Cancellation(),
                                                                 System.nanoTime() + LATER));
            release.countDown();
            assertThat(running.get(30, TimeUnit.SECONDS), is("ran"));
            assertThat(next.get(30, TimeUnit.SECONDS), is("next"));
        }
    }

    @Test
    void aThreadWhoseWorkWasSpentEndsAndAnotherTakesTheNextWork() throws Exception {
        // The JVM may keep a thread's last exception in the thread's own state; a guest stopped by its memory limit
        // left its heap that way for as long as its thread sat idle.
        try (ExecutionPool pool = new ExecutionPool("test-", 4, 2)) {
            Thread kept = pool.run(Thread::currentThread, _ -> false, new Cancellation(), System.nanoTime() + LATER);
            assertThat("spent work that allocated little keeps its thread", pool.run(Thread::currentThread,
                    _ -> true, new Cancellation(), System.nanoTime() + LATER), is(sameInstance(kept)));
            assertThat("spent work that allocated much", pool.run(() -> allocating(Thread.currentThread()), _ -> true,
                                                             new Cancellation(), System.nanoTime() + LATER),
                       is(sameInstance(kept)));
            Thread next = pool.run(Thread::currentThread, new Cancellation(), System.nanoTime() + LATER);
            assertThat("the spent thread takes no more work", next, is(not(sameInstance(kept))));
            kept.join(TimeUnit.SECONDS.toMillis(5)); // it ends at once; the lane's idle threads wait 30 s
            assertThat("the spent thread ended", kept.isAlive(), is(false));
            // Which of the idle threads takes it is theirs to race for: the pool started one in the spent one's place.
            assertThat(pool.run(Thread::currentThread, new Cancellation(), System.nanoTime() + LATER),
                       is(not(sameInstance(kept))));
        }
    }

    @Test
    void aThreadWhoseWorkThrewEndsAndItsCallerGetsTheFailure() throws Exception {
        try (ExecutionPool pool = new ExecutionPool("test-", 4, 2)) {
            Thread[] ran = new Thread[1];
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> pool.run(() -> {
                ran[0] = allocating(Thread.currentThread());
                throw new IllegalStateException("the engine failed");
            }, _ -> false, new Cancellation(), System.nanoTime() + LATER));
            assertThat(thrown.getMessage(), is("the engine failed"));
            assertThat(pool.run(Thread::currentThread, new Cancellation(), System.nanoTime() + LATER),
                       is(not(sameInstance(ran[0]))));
            ran[0].join(TimeUnit.SECONDS.toMillis(5));
            assertThat("the thread whose work threw ended", ran[0].isAlive(), is(false));
        }
    }

    /** Returns {@code value} after allocating twice what makes spent work end its thread. */
    private static <T> T allocating(T value) {
        long sum = 0;
        for (long allocated = 0; allocated < 2 * ExecutionPool.SPENT_AFTER_BYTES; allocated += 1024 * 1024) {
            byte[] garbage = new byte[1024 * 1024];
            garbage[(int) (allocated % garbage.length)] = 1;
            sum += garbage[0];
        }
        return sum < 0 ? null : value;
    }

    /** Returns once {@code places} of the lane are taken (running or queued), bounded. */
    private static void awaitTaken(ExecutionPool pool, int places) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.running() + pool.queued() < places && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}
