package dev.conduit.gateway;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission by memory for the in-process engines: every running program may come to hold its memory cap on the
 * JVM's heap, so a program starts only when the caps of those already running, plus its own, fit in what the heap has
 * beyond the server's own needs. Otherwise it is refused at once (-32000 busy, retry hint) rather than let a mix of
 * programs exhaust the heap, which the memory limit of each notices only after the fact.
 * Thread-safe.
 */
final class HeapBudget {
    /** Kept for the server itself: sessions, catalogs, buffers, the engines' shared code. */
    static final long MIN_SERVER_RESERVE = 256L * 1024 * 1024;
    private static final long MIB = 1024 * 1024;

    private final long budget;
    private final AtomicLong reserved = new AtomicLong();

    /** One program's share of the budget; closing it gives the share back. */
    final class Reservation implements AutoCloseable {
        private final long bytes;
        private boolean closed;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                reserved.addAndGet(-bytes);
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

    /** Takes {@code bytes} of the budget; empty when they do not fit beside what running programs hold. */
    Optional<Reservation> reserve(long bytes) {
        long now;
        do {
            now = reserved.get();
            if (now + bytes > budget) {
                return Optional.empty();
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return Optional.of(new Reservation(bytes));
    }

    /** The whole budget, in bytes. */
    long budget() {
        return budget;
    }

    /** What running programs have reserved now. */
    long reserved() {
        return reserved.get();
    }
}
