package dev.conduit.core.exec;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * When {@link LiveHeap} forces a full collection: a program's request always, a measurement of the server's own use
 * only once no program has run for a while. The clock, the waits and the collector are the test's.
 */
class LiveHeapTest {
    private static final long GAP = TimeUnit.MILLISECONDS.toNanos(250);

    private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private final AtomicInteger collections = new AtomicInteger();
    private final LiveHeap heap = new LiveHeap(now::get, (nanos, task) -> waiting.add(new Waiting(nanos, task)),
                                               collections::incrementAndGet);

    private record Waiting(long nanos, Runnable task) {
    }

    /** Lets the clock run to the first waiting task and runs it. */
    private void runNext() {
        Waiting next = waiting.removeFirst();
        now.addAndGet(Math.max(0, next.nanos()));
        next.task().run();
    }

    @Test
    void backToBackProgramsForceNoCollectionToMeasureTheServer() {
        // Before the fix, each program's end with none left running forced a full collection 250 ms later, whoever
        // was running by then: under steady load a pause of 50-150 ms every few hundred milliseconds.
        for (int i = 0; i < 20; i++) {
            LiveHeap.Share share = heap.track(Thread.currentThread(), 64L << 20);
            if (!waiting.isEmpty()) {
                runNext(); // the request made when the previous program ended comes due while this one runs
            }
            share.close();
        }
        assertThat(collections.get(), is(0));
        runNext(); // the last program ended and nothing follows: the server's own use is measured once
        assertThat(collections.get(), is(1));
        assertThat(waiting.isEmpty(), is(true));
    }

    @Test
    void measuringTheServerWaitsUntilTheLastProgramEndedLongEnoughAgo() {
        heap.track(Thread.currentThread(), 64L << 20).close(); // the first end: no baseline yet, one is asked for
        now.addAndGet(GAP / 2);
        heap.track(Thread.currentThread(), 64L << 20).close(); // another program came and went meanwhile
        Waiting first = waiting.removeFirst();
        now.addAndGet(first.nanos() - GAP / 2);
        first.task().run();
        assertThat("too soon after the second program's end", collections.get(), is(0));
        runNext();
        assertThat(collections.get(), is(1));
    }

    @Test
    void aProgramsRequestIsHonouredWhileProgramsRun() {
        heap.track(Thread.currentThread(), 64L << 20).close(); // a measurement of the server's own use is pending
        LiveHeap.Share running = heap.track(Thread.currentThread(), 64L << 20);
        heap.requestCollection(true); // joins the pending one
        runNext();
        assertThat(collections.get(), is(1));
        heap.requestCollection(true);
        runNext();
        assertThat("one at least 250 ms after the previous", collections.get(), is(2));
        assertThat(now.get() >= TimeUnit.HOURS.toNanos(1) + 2 * GAP, is(true));
        running.close();
    }
}
