package dev.conduit.gateway;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

import com.sun.management.ThreadMXBean;
import dev.conduit.core.Cancellation;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.spi.Executor;

/**
 * One lane of platform threads that guests run on (GraalVM's CPU limit and the per-thread allocation the memory limit
 * is measured by need platform threads, GraalJS and virtual threads are not a supported pair, and a Deno session reads
 * its process's pipes), with a bounded queue in front: when both are full a request gets -32000 busy at once. Tool
 * calls made by guests never need a slot of their own.
 */
final class ExecutionPool implements AutoCloseable {
    private final ThreadPoolExecutor threads;
    /** Places on a thread or in the queue: taken when work is given, given back when it ends or will never run. */
    private final Semaphore capacity;

    /** What became of work given to the lane when its caller stopped waiting. */
    sealed interface Overdue {
        /** It never started: the wait for a thread used up its time. */
        record NeverStarted() implements Overdue {
        }

        /** It started and is still running past the time it was given (its engine did not stop it in time). */
        record StillRunning() implements Overdue {
        }
    }

    /** The caller's time ran out; {@link #overdue()} says how far the work got. */
    static final class OverdueException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Overdue overdue;

        OverdueException(Overdue overdue) {
            super(null, null, false, false);
            this.overdue = overdue;
        }

        Overdue overdue() {
            return overdue;
        }
    }

    /** How long a thread of the lane with nothing to do waits for work before it ends. */
    static final long IDLE_THREAD_SECONDS = 30;
    /**
     * What a piece of spent work must have allocated on its thread for the thread to end after it: what the thread's
     * state may keep is no more than that, and a new thread costs a failing program 0.3-1.5 ms (a GraalJS program
     * that throws went from 1.5-2.1 to 2.3-3.0 ms at the median, one client, when every failure ended its thread).
     */
    static final long SPENT_AFTER_BYTES = 16L * 1024 * 1024;
    private static final ThreadMXBean ALLOCATION = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    ExecutionPool(String name, int size, int queue) {
        // Capacity is counted here, not by a bounded queue: a burst of submissions outran the idle threads taking work
        // off a queue of 64, and half of 200 programs were refused with 56 threads free.
        this.capacity = new Semaphore(size + queue);
        HandOff work = new HandOff(() -> size + queue - capacity.availablePermits());
        this.threads = new Lane(size, work, Thread.ofPlatform().name(name, 0).daemon(true)
                .stackSize(Executor.GUEST_STACK_BYTES)
                .uncaughtExceptionHandler(ExecutionPool::uncaught).factory());
        work.pool = threads;
    }

    /**
     * The lane's threads. One whose work was {@linkplain #run(Callable, Predicate, Cancellation, long) spent} ends
     * once its caller has the answer, and the pool starts another in its place. The JVM can keep an exception a
     * thread threw in the thread's own state (its VM result slot, found in a core file; a heap dump shows no path to
     * it) until the thread next goes through the same path: a guest stopped by its memory limit left its whole heap
     * that way through its exception's frames, 80-100 MB kept for as long as its thread sat idle (seconds on a busy
     * machine), which the memory limit then took for the server's own.
     */
    private static final class Lane extends ThreadPoolExecutor {
        /** Set on a thread whose work was spent, until the thread ends. */
        private static final ThreadLocal<Boolean> SPENT = new ThreadLocal<>();

        Lane(int size, HandOff work, ThreadFactory factory) {
            super(0, size, IDLE_THREAD_SECONDS, TimeUnit.SECONDS, work, factory, work::queue);
        }

        @Override
        protected void afterExecute(Runnable task, Throwable thrown) {
            if (SPENT.get() != null) {
                SPENT.remove();
                throw new Retired(); // ends this thread: ThreadPoolExecutor replaces a thread whose work threw
            }
        }
    }

    /** Thrown by a lane's thread to end itself; not an error, and never seen by a caller. */
    private static final class Retired extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Retired() {
            super("retired", null, false, false);
        }
    }

    private static void uncaught(Thread thread, Throwable thrown) {
        if (!(thrown instanceof Retired)) {
            System.getLogger(ExecutionPool.class.getName())
                    .log(System.Logger.Level.ERROR, thread.getName() + " ended by a failure", thrown);
        }
    }

    /**
     * The lane's queue: work goes to a new thread only when every thread the lane has is taken by work given before
     * (running or queued, as {@link #capacity} counts it) and the lane is below its size; otherwise it is queued for
     * the thread that is free or about to be. (A pool of fixed size starts a new thread for each submission until
     * it has them all, and then hands work round all of them: under steady load of four clients the lane kept 256
     * threads, each with the stack a guest had touched, about 38 MB resident in all.)
     */
    private static final class HandOff extends LinkedTransferQueue<Runnable> {
        private static final long serialVersionUID = 1L;
        /** Work given to the lane and not yet finished, this one included. */
        private final transient IntSupplier outstanding;
        private transient volatile ThreadPoolExecutor pool;

        HandOff(IntSupplier outstanding) {
            this.outstanding = outstanding;
        }

        @Override
        public boolean offer(Runnable task) {
            int threads = pool.getPoolSize();
            return (threads >= outstanding.getAsInt() || threads >= pool.getMaximumPoolSize()) && super.offer(task);
        }

        /** Work refused a new thread because the lane just filled up: it waits (capacity bounds the queue). */
        void queue(Runnable task, ThreadPoolExecutor executor) {
            if (executor.isShutdown()) {
                throw new RejectedExecutionException("the lane is closed");
            }
            super.offer(task);
        }
    }

    /** How many threads the lane has now, busy or idle. */
    int threadCount() {
        return threads.getPoolSize();
    }

    /**
     * Runs {@code work} on a thread of this lane and waits for it until {@code giveUpAtNanos}; -32000 when the lane
     * and its queue are full. Work still queued when {@code cancellation} fires never starts: the caller gets
     * {@link CancellationException} at once (work already running is stopped by its engine, which sees the same
     * cancellation through its tool bridge).
     *
     * @throws OverdueException when {@code giveUpAtNanos} passes first; work that had not started never will
     */
    <T> T run(Callable<T> work, Cancellation cancellation, long giveUpAtNanos)
            throws InterruptedException, OverdueException {
        return run(work, _ -> false, cancellation, giveUpAtNanos);
    }

    /**
     * As {@link #run(Callable, Cancellation, long)}, and the thread that ran {@code work} ends after it (another takes
     * its place) when {@code spent} holds for the result, or when the work threw, if the work allocated more than
     * {@link #SPENT_AFTER_BYTES} on it.
     */
    <T> T run(Callable<T> work, Predicate<? super T> spent, Cancellation cancellation, long giveUpAtNanos)
            throws InterruptedException, OverdueException {
        if (!capacity.tryAcquire()) {
            throw busy();
        }
        // Whoever sets `started` first owns the place: the thread that runs the work, or the caller giving up on it.
        AtomicBoolean started = new AtomicBoolean();
        Future<T> future;
        try {
            future = threads.submit(() -> {
                if (!started.compareAndSet(false, true)) {
                    throw new CancellationException("cancelled while queued");
                }
                long allocatedBefore = ALLOCATION.getCurrentThreadAllocatedBytes();
                boolean reusable = false;
                try {
                    T result = work.call();
                    reusable = !spent.test(result);
                    return result;
                } finally {
                    if (!reusable
                        && ALLOCATION.getCurrentThreadAllocatedBytes() - allocatedBefore > SPENT_AFTER_BYTES) {
                        Lane.SPENT.set(Boolean.TRUE);
                    }
                    capacity.release();
                }
            });
        } catch (RejectedExecutionException e) {
            capacity.release();
            throw busy();
        }
        try (Cancellation.Registration _ = cancellation.onCancel(() -> {
            if (started.compareAndSet(false, true)) {
                future.cancel(false); // still queued: it will never run
                capacity.release();
            }
        })) {
            return future.get(Math.max(0, giveUpAtNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (started.compareAndSet(false, true)) {
                future.cancel(false);
                capacity.release();
                throw new OverdueException(new Overdue.NeverStarted());
            }
            throw new OverdueException(new Overdue.StillRunning());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    int running() {
        return threads.getActiveCount();
    }

    int queued() {
        return threads.getQueue().size();
    }

    private static RpcException busy() {
        return new RpcException(Outcome.BUSY.error(
                "Server busy: every execution slot and the queue are taken; retry shortly"));
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
