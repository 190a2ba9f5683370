package dev.conduit.gateway;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.Cancellation;

/**
 * How many executions each key may have at once (running, or waiting for a guest thread): a fair share, so that one
 * client's burst of programs cannot take every thread from the others. Past it, an execution waits for one of the
 * key's own to end, on its request's virtual thread and within its own wall limit. Thread-safe.
 */
final class KeySlots {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final int perKey;
    private final Map<String, Semaphore> keys = new ConcurrentHashMap<>();

    KeySlots(int perKey) {
        this.perKey = perKey;
    }

    /** A slot held; closing it gives it back. */
    @FunctionalInterface
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes one of {@code key}'s slots, waiting until {@code deadlineNanos} at most, and not past a cancellation.
     *
     * @return the slot, or empty when the deadline passed or the request was cancelled first
     */
    Optional<Slot> acquire(String key, long deadlineNanos, Cancellation cancellation)
            throws InterruptedException {
        Semaphore slots = keys.computeIfAbsent(key, _ -> new Semaphore(perKey, true));
        while (!cancellation.cancelled()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            if (slots.tryAcquire(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS)) {
                return Optional.of(slots::release);
            }
        }
        return Optional.empty();
    }

    int perKey() {
        return perKey;
    }
}
