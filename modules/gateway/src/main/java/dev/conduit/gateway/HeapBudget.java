package dev.conduit.gateway;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admission by memory for the in-process engines: every running program may come to hold its memory cap on the
 * JVM's heap, so a program starts only when the caps of those already running, plus its own, fit in what the heap has
 * beyond the server's own needs. A program that does not fit waits, first come first served, until enough is given
 * back or its deadline passes (then -32000 busy with a retry hint), rather than let a mix of programs exhaust the
 * heap, which the memory limit of each notices only after the fact. A cap larger than the whole budget is refused at
 * once. Thread-safe.
 */
final class HeapBudget {
    /** Kept for the server itself: sessions, catalogs, buffers, the engines' shared code. */
    static final long MIN_SERVER_RESERVE = 256L * 1024 * 1024;
    private static final long MIB = 1024 * 1024;

    private final long budget;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    /** The programs waiting for room, oldest first; only the oldest may take room. Guarded by {@link #lock}. */
    private final Deque<Thread> waiting = new ArrayDeque<>();
    /** Guarded by {@link #lock}. */
    private long reserved;

    /** One program's share of the budget; closing it gives the share back. */
    final class Reservation implements AutoCloseable {
        private final long bytes;
        private boolean closed;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    reserved -= bytes;
                    released.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** A budget of {@code maxHeap} less the server's reserve (a quarter of the heap, at least 256 MB). */
    HeapBudget(long maxHeap) {
        long quarter = maxHeap / 4 / MIB * MIB; // whole MiB, so that bin/conduit's heap fits its programs exactly
        this.budget = Math.max(0, maxHeap - Math.max(MIN_SERVER_RESERVE, quarter));
    }

    /** The budget of this JVM's maximum heap. */
    static HeapBudget ofThisJvm() {
        return new HeapBudget(Runtime.getRuntime().maxMemory());
    }

    /** Takes {@code bytes} of the budget if they fit now beside what running programs hold and nobody waits. */
    Optional<Reservation> reserve(long bytes) {
        try {
            return reserve(bytes, System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Takes {@code bytes} of the budget, waiting behind earlier callers until they fit or {@code deadline}
     * ({@link System#nanoTime()}) passes; empty then, or at once when they could never fit.
     */
    Optional<Reservation> reserve(long bytes, long deadline) throws InterruptedException {
        if (bytes > budget) {
            return Optional.empty();
        }
        Thread me = Thread.currentThread();
        lock.lock();
        try {
            waiting.addLast(me);
            try {
                long left = deadline - System.nanoTime();
                while (waiting.peekFirst() != me || reserved + bytes > budget) {
                    if (left <= 0) {
                        return Optional.empty();
                    }
                    left = released.awaitNanos(left);
                }
                reserved += bytes;
                return Optional.of(new Reservation(bytes));
            } finally {
                waiting.remove(me);
                released.signalAll(); // the next in line may fit in what is left
            }
        } finally {
            lock.unlock();
        }
    }

    /** The whole budget, in bytes. */
    long budget() {
        return budget;
    }

    /** What running programs have reserved now. */
    long reserved() {
        lock.lock();
        try {
            return reserved;
        } finally {
            lock.unlock();
        }
    }

    /** How many programs wait for room now. */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }
}
