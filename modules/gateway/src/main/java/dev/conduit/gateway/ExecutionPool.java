package dev.conduit.gateway;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.conduit.core.Cancellation;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.spi.Executor;

/**
 * One lane of platform threads that guests run on (GraalVM's CPU limit and the allocation budget need platform
 * threads, GraalJS and virtual threads are not a supported pair, and a Deno session reads its process's pipes), with
 * a bounded queue in front: when both are full a request gets -32000 busy at once. Tool calls made by guests never
 * need a slot of their own.
 */
final class ExecutionPool implements AutoCloseable {
    private final ThreadPoolExecutor threads;

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

    ExecutionPool(String name, int size, int queue) {
        BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        this.threads = new ThreadPoolExecutor(size, size, 0, TimeUnit.SECONDS, waiting,
                                              Thread.ofPlatform().name(name, 0).daemon(true)
                                                      .stackSize(Executor.GUEST_STACK_BYTES).factory());
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
        AtomicBoolean started = new AtomicBoolean();
        Future<T> future;
        try {
            future = threads.submit(() -> {
                if (!started.compareAndSet(false, true)) {
                    throw new CancellationException("cancelled while queued");
                }
                return work.call();
            });
        } catch (RejectedExecutionException e) {
            throw new RpcException(Outcome.BUSY.error(
                    "Server busy: every execution slot and the queue are taken; retry shortly"));
        }
        try (Cancellation.Registration _ = cancellation.onCancel(() -> {
            if (started.compareAndSet(false, true)) {
                future.cancel(false); // still queued: it will never run
            }
        })) {
            return future.get(Math.max(0, giveUpAtNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (started.compareAndSet(false, true)) {
                future.cancel(false);
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

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
