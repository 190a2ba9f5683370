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
 * When {@link LiveHeap} forces a full collection: a program's request as soon as allowed; a measurement of the
 * server's own use after a pause, or once (not at every program's end) when programs keep running. The clock, the
 * waits and the collector are the test's; the collector reports a full collection as the JVM's notification would.
 */
class LiveHeapTest {
    private static final long GAP = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long MIB = 1024 * 1024;

    private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private final AtomicInteger collections = new AtomicInteger();
    private final LiveHeap heap;

    private record Waiting(long nanos, Runnable task) {
    }

    LiveHeapTest() {
        AtomicLong live = new AtomicLong(100 * MIB);
        LiveHeap[] self = new LiveHeap[1];
        heap = new LiveHeap(now::get, (nanos, task) -> waiting.add(new Waiting(nanos, task)), () -> {
            collections.incrementAndGet();
            self[0].collected(live.get(), true, "test");
        });
        self[0] = heap;
    }

    /** Lets the clock run to the first waiting task and runs it. */
    private void runNext() {
        Waiting next = waiting.removeFirst();
        now.addAndGet(Math.max(0, next.nanos()));
        next.task().run();
    }

    private LiveHeap.Share program() {
        return heap.track(Thread.currentThread(), 64 * MIB);
    }

    @Test
    void backToBackProgramsPayOneCollectionNotOnePerProgram() {
        // Before the fix, each program's end with none left running asked for the server's own use, forced 250 ms
        // later whoever ran by then and never counted as done: a full collection every 300 ms under steady load.
        for (int i = 0; i < 20; i++) {
            LiveHeap.Share share = program();
            if (!waiting.isEmpty()) {
                runNext(); // the request made when the previous program ended comes due while this one runs
            }
            share.close();
        }
        assertThat(collections.get(), is(1));
        assertThat("nothing more is asked for until the figure ages or programs need a collection",
                   waiting.isEmpty(), is(true));
    }

    @Test
    void measuringTheServerWaitsUntilTheLastProgramEndedLongEnoughAgo() {
        program().close(); // the first end: no figure yet, one is asked for
        now.addAndGet(GAP / 2);
        program().close(); // another program came and went meanwhile
        Waiting first = waiting.removeFirst();
        now.addAndGet(first.nanos() - GAP / 2);
        first.task().run();
        assertThat("too soon after the second program's end", collections.get(), is(0));
        runNext();
        assertThat(collections.get(), is(1));
    }

    @Test
    void afterProgramsNeededACollectionTheNextEndMeasuresAgainEvenUnderLoad() {
        program().close();
        runNext(); // measured in a pause
        LiveHeap.Share near = program();
        heap.requestCollection(true); // a program near its cap
        runNext();
        assertThat(collections.get(), is(2));
        near.close(); // what it left (a stopped program's remains) may now be the server's: measure again
        LiveHeap.Share next = program();
        runNext();
        assertThat(collections.get(), is(3));
        next.close();
        assertThat(waiting.isEmpty(), is(true));
    }

    @Test
    void aProgramsRequestIsHonouredWhileProgramsRun() {
        program().close(); // a measurement of the server's own use is pending
        LiveHeap.Share running = program();
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
