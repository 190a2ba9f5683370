package dev.conduit.exec.graal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Closes used contexts off the request's path, several at once, and never lets more than a bound of them wait.
 *
 * <p>Why several: closing a GraalPy context joins the two threads the context starts for weakref callbacks and
 * signals, waiting up to 15 ms for each while holding its interpreter lock, so a close takes 10-30 ms of wall time
 * and little CPU (the option that would spare those threads is refused under the sandbox policy). One closer
 * thread fell behind a burst of Python programs: 1,000 used contexts, over a gigabyte of heap, still waited after
 * the load and took 20 s to close. Why a bound: a close that cannot keep up must slow the programs down, not grow
 * the heap; past the bound the program's own thread closes its context before it answers.
 *
 * @param <T> what is closed
 */
final class ContextCloser<T> {
    private final Consumer<T> close;
    private final Semaphore room;
    private final ThreadPoolExecutor threads;
    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param name       the closer threads' name
     * @param threads    how many close at once
     * @param maxWaiting how many may wait to be closed, those being closed included
     * @param close      how one is closed; must not throw
     */
    ContextCloser(String name, int threads, int maxWaiting, Consumer<T> close) {
        this.close = close;
        this.room = new Semaphore(maxWaiting);
        this.threads = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                                              Thread.ofPlatform().name(name, 0).daemon(true).factory());
        this.threads.allowCoreThreadTimeOut(true); // an idle server keeps no closer thread
    }

    /** Closes {@code used} on a closer thread, or on this one when the bound is reached or the closer is shut down. */
    void close(T used) {
        if (!room.tryAcquire()) {
            close.accept(used);
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.add(done);
        try {
            threads.execute(() -> closeCounted(used, done));
        } catch (RejectedExecutionException e) {
            closeCounted(used, done);
        }
    }

    private void closeCounted(T used, CompletableFuture<Void> done) {
        try {
            close.accept(used);
        } finally {
            room.release();
            pending.remove(done);
            done.complete(null);
        }
    }

    /** Completes once everything handed to {@link #close} so far is closed. */
    CompletableFuture<Void> idle() {
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    /** Closes what waits, for up to {@code wait}; answers whether all of it was closed. */
    boolean shutdown(Duration wait) throws InterruptedException {
        threads.shutdown();
        return threads.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
    }
}
