package dev.conduit.gateway;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Turns to run guest code ({@code executors.running}): however many in-process programs are admitted (one per guest
 * thread), at most this many execute guest code at once. A program takes a turn when it starts and gives it back
 * while it waits on a tool call, so hundreds of programs can wait on upstreams at once on a small machine while those
 * that compute still share the cores among a few. One key holds at most half the turns, so another key's program
 * always finds one soon, however many programs the first keeps busy. Each program's own CPU-time limit is unaffected
 * (it is measured on its thread). Turns go in the order they were asked for. Thread-safe.
 */
final class GuestTurns {
    private final Semaphore turns;
    private final int perKey;
    private final Map<String, Semaphore> keys = new ConcurrentHashMap<>();

    GuestTurns(int running) {
        this.turns = new Semaphore(running, true);
        this.perKey = Math.max(1, running / 2);
    }

    /**
     * Waits for a turn for a program of key {@code key} until {@code deadlineNanos} ({@link System#nanoTime()});
     * empty when the deadline passed first.
     */
    Optional<Turn> take(String key, long deadlineNanos) throws InterruptedException {
        Turn turn = new Turn(keys.computeIfAbsent(key, id -> new Semaphore(perKey, true)), deadlineNanos);
        return turn.acquire() ? Optional.of(turn) : Optional.empty();
    }

    /** One program's turn, on its guest thread. */
    final class Turn implements AutoCloseable {
        private final Semaphore key;
        private final long deadlineNanos;
        private boolean held;

        private Turn(Semaphore key, long deadlineNanos) {
            this.key = key;
            this.deadlineNanos = deadlineNanos;
        }

        private boolean acquire() throws InterruptedException {
            if (!key.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
            if (!turns.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                key.release();
                return false;
            }
            held = true;
            return true;
        }

        /**
         * Runs {@code waiting} (a tool call) without the turn, then takes one again. Past the program's deadline it
         * goes on without one: its engine stops it at its wall limit, which must not wait for a turn.
         */
        <T> T whileWaiting(Supplier<T> waiting) {
            close();
            try {
                return waiting.get();
            } finally {
                try {
                    acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void close() {
            if (held) {
                held = false;
                turns.release();
                key.release();
            }
        }
    }
}
