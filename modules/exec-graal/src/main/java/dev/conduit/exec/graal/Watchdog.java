package dev.conduit.exec.graal;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;

import com.sun.management.ThreadMXBean;
import dev.conduit.core.exec.GuestOutput;
import dev.conduit.core.exec.LiveHeap;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ToolBridge;
import org.graalvm.polyglot.Context;

/**
 * Watches running executions every few milliseconds and stops one (closing its context with cancellation) when it
 * crosses its wall time, its CPU time (read for the guest's platform thread), its memory cap (what it holds, measured
 * by {@link LiveHeap}), its output or log-entry limit, or its tool-call budget. One daemon thread for all executions.
 */
final class Watchdog implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Watchdog.class.getName());
    private static final long PERIOD_MILLIS = 5;

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Set<Watched> running = ConcurrentHashMap.newKeySet();
    /** Executions stopped by a limit, by when they were stopped, until their thread leaves the guest. */
    private final Map<Watched, Long> stopping = new ConcurrentHashMap<>();
    private final Set<Watched> stuck = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    /** The ticks while an execution is watched or stopping; none while idle (they cost 2 % of a core each). */
    private ScheduledFuture<?> ticking; // guarded by this
    /** Where stopped executions' contexts are cancelled, each on a platform thread of its own, all at once. */
    private final ExecutorService cancelling = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("graal-cancel-", 0).daemon(true).factory());

    /** One execution being watched; {@link #stoppedBy()} says which limit ended it, if one did. */
    final class Watched {
        private final long threadId;
        private final Context context;
        private final long deadline;
        private final long cpuStart;
        private final long cpuLimit;
        private final LiveHeap.Share heap;
        private final GuestOutput output;
        private final ToolBridge bridge;
        private final AtomicReference<Limit> stoppedBy = new AtomicReference<>();
        private final CompletableFuture<Void> reportedStuck = new CompletableFuture<>();
        /** Runs an action on the guest's own thread ({@link GuestThreads}); null where walks are not made there. */
        private volatile Function<Runnable, Future<Void>> onItsThread;
        /** The walk last asked of the guest's own thread. The watchdog's thread only. */
        private Future<Void> walkAsked;

        private Watched(Thread thread, Context context, ExecutionLimits limits, GuestOutput output, ToolBridge bridge) {
            this.threadId = thread.threadId();
            this.context = context;
            this.deadline = System.nanoTime() + limits.wallTime().toNanos();
            this.cpuStart = threads.getThreadCpuTime(threadId);
            this.cpuLimit = limits.cpuTime().toNanos();
            this.heap = LiveHeap.shared().track(thread, limits.memoryBytes());
            this.output = output;
            this.bridge = bridge;
        }

        Limit stoppedBy() {
            return stoppedBy.get();
        }

        /** Completes when this guest is reported stuck: outliving its cancellation. */
        CompletableFuture<Void> reportedStuck() {
            return reportedStuck.copy();
        }

        /**
         * Makes the walks of what the program holds ({@code walk}, null where the language has none) on its own
         * thread, through {@code onItsThread}, whenever the measurer wants one, and there too the waits for a full
         * collection a young one's figure called for: the program waits meanwhile, rather than grow past its cap or
         * end before it is measured.
         */
        void walkOnItsThread(LongUnaryOperator walk, Function<Runnable, Future<Void>> onItsThread) {
            this.onItsThread = onItsThread;
            heap.walkedOnItsThreadBy(walk);
        }

        /** The program's claim on the heap: what is left of its cap, for the guest's buffer check. */
        LiveHeap.Share heap() {
            return heap;
        }

        private void check() {
            heap.poll();
            askWalk();
            Limit crossed = null;
            if (bridge.cancelled()) {
                crossed = Limit.CANCELLED;
            } else if (System.nanoTime() > deadline) {
                crossed = Limit.WALL_TIME;
            } else if (threads.getThreadCpuTime(threadId) - cpuStart > cpuLimit) {
                crossed = Limit.CPU_TIME;
            } else if (heap.exceeded()) {
                crossed = Limit.MEMORY;
            } else if (output.exceeded().isPresent()) {
                crossed = output.exceeded().get();
            } else if (bridge.budgetExceeded()) {
                crossed = Limit.TOOL_CALLS;
            }
            if (crossed != null && stoppedBy.compareAndSet(null, crossed)) {
                running.remove(this);
                stopping.put(this, System.nanoTime());
                Limit limit = crossed;
                // close(true) returns once the guest has left, which takes a GraalPy program hundreds of milliseconds:
                // on this thread, a second program stopped at the same moment (four memory bombs judged by one
                // collection) would go on allocating until the first had left.
                cancelling.execute(() -> cancel(limit));
            }
        }

        /**
         * Asks the guest's thread for the walk or the wait the measurer wants of it, unless it was asked and has not
         * made it.
         */
        private void askWalk() {
            Function<Runnable, Future<Void>> runner = onItsThread;
            if (runner == null || !heap.dueOnItsThread() || walkAsked != null && !walkAsked.isDone()) {
                return;
            }
            try {
                walkAsked = runner.apply(heap::pollOnItsThread);
            } catch (IllegalStateException e) {
                onItsThread = null; // the context is closing: the program is over, and no walk is needed
            }
        }

        private void cancel(Limit crossed) {
            try {
                context.close(true);
            } catch (RuntimeException e) {
                // close(true) on a running context reports the cancellation; the guest thread sees it too.
                LOGGER.log(Level.TRACE, "context closed after " + crossed);
            }
        }
    }

    /** @param engine names the watchdog's thread ({@code <engine>-watchdog}) */
    Watchdog(String engine) {
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(engine + "-watchdog")
                                                                         .daemon(true).factory());
    }

    /** Starts watching an execution running on {@code thread}, which must be a platform thread. */
    Watched watch(Thread thread, Context context, ExecutionLimits limits, GuestOutput output, ToolBridge bridge) {
        Watched watched = new Watched(thread, context, limits, output, bridge);
        running.add(watched);
        tickWhileWatching();
        return watched;
    }

    /** Starts the ticks if they stopped; after {@code running.add}, so that a tick stopping them sees the addition. */
    private synchronized void tickWhileWatching() {
        if (ticking == null) {
            ticking = ticker.scheduleWithFixedDelay(this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Whether the watchdog ticks now. For tests. */
    synchronized boolean ticking() {
        return ticking != null;
    }

    void unwatch(Watched watched) {
        if (watched.stoppedBy() != null && watched.stoppedBy() != Limit.MEMORY) {
            watched.heap.stopped();
        }
        watched.heap.close();
        running.remove(watched);
        stopping.compute(watched, (same, stoppedAt) -> {
            if (stuck.remove(same)) { // a guest reported stuck that did leave after all is not stuck
                LOGGER.log(Level.WARNING, "the guest thread reported still running after its " + same.stoppedBy()
                                          + " limit has stopped, " + TimeUnit.NANOSECONDS.toSeconds(
                                                  System.nanoTime() - stoppedAt) + " s after the cancellation");
            }
            return null;
        });
    }

    /**
     * Guest threads that kept running more than {@value #STUCK_AFTER_SECONDS} s after their context was cancelled.
     * Cancellation has been seen to get lost (a recursion that catches its own stack overflow); a thread like that
     * burns a core until the process restarts, so the engine reports itself unavailable.
     */
    int stuck() {
        return stuck.size();
    }

    private static final long STUCK_AFTER_SECONDS = 5;

    private void tick() {
        for (Watched watched : running) {
            try {
                watched.check();
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "watchdog check failed", e);
            }
        }
        long now = System.nanoTime();
        stopping.forEach((watched, since) -> {
            if (now - since > TimeUnit.SECONDS.toNanos(STUCK_AFTER_SECONDS)) {
                // Atomic with unwatch on the same key: a guest that left meanwhile is not reported stuck for good.
                stopping.computeIfPresent(watched, (same, stoppedAt) -> {
                    if (stuck.add(same)) {
                        same.reportedStuck.complete(null);
                        LOGGER.log(Level.ERROR, "a guest thread is still running " + STUCK_AFTER_SECONDS + " s after "
                                                + "its " + same.stoppedBy() + " limit cancelled it: inside a long "
                                                + "built-in call, which stops it when it returns (a warning says so), "
                                                + "or past the cancellation, which only a restart of the server ends");
                    }
                    return stoppedAt;
                });
            }
        });
        synchronized (this) {
            if (running.isEmpty() && stopping.isEmpty() && ticking != null) {
                ticking.cancel(false); // a watch() after this starts them again
                ticking = null;
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        cancelling.shutdown();
    }
}
