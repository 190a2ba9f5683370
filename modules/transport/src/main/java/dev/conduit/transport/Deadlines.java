package dev.conduit.transport;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Timers for what nearly always ends first: an HTTP request's header and body deadlines and its heartbeats, three for
 * every request. A {@code ScheduledThreadPoolExecutor} took its lock and reordered its queue to arm each and again to
 * cancel it (2.5-3.5 % of an HTTP {@code tools/call}'s server CPU in a profile); here arming and disarming are an
 * insert and a removal in a concurrent set, and one sweep every tick runs what is due. A deadline fires up to a tick
 * late, so the tick is a fraction of the shortest deadline it serves ({@link #tickFor}).
 */
final class Deadlines implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Deadlines.class.getName());
    private static final Duration SHORTEST_TICK = Duration.ofMillis(10);
    private static final Duration LONGEST_TICK = Duration.ofMillis(250);

    private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> sweeping;

    /** Deadlines swept on {@code timer}'s thread every {@code tick}. */
    Deadlines(ScheduledExecutorService timer, Duration tick) {
        this.sweeping = timer.scheduleWithFixedDelay(this::sweep, tick.toNanos(), tick.toNanos(),
                                                     TimeUnit.NANOSECONDS);
    }

    /** The tick for deadlines no shorter than {@code shortest}: a quarter of it, between 10 and 250 ms. */
    static Duration tickFor(Duration shortest) {
        Duration quarter = shortest.dividedBy(4);
        return quarter.compareTo(SHORTEST_TICK) < 0 ? SHORTEST_TICK
                : quarter.compareTo(LONGEST_TICK) > 0 ? LONGEST_TICK : quarter;
    }

    /** Runs {@code action} once, {@code delay} from now, unless cancelled first; it runs on the sweeping thread. */
    Deadline after(Duration delay, Consumer<Deadline> action) {
        return arm(delay, 0, action);
    }

    /** Runs {@code action} every {@code period} from now until cancelled; it runs on the sweeping thread. */
    Deadline every(Duration period, Consumer<Deadline> action) {
        return arm(period, period.toNanos(), action);
    }

    /** How many deadlines wait: none once their requests are over. */
    int waiting() {
        return armed.size();
    }

    @Override
    public void close() {
        sweeping.cancel(false);
        armed.clear();
    }

    private Deadline arm(Duration delay, long periodNanos, Consumer<Deadline> action) {
        Deadline deadline = new Deadline(System.nanoTime() + delay.toNanos(), periodNanos, action);
        armed.add(deadline);
        return deadline;
    }

    /** Runs what is due; package-visible for tests, which sweep by hand. */
    void sweep() {
        long now = System.nanoTime();
        for (Deadline deadline : armed) {
            if (now - deadline.dueNanos >= 0) {
                deadline.fire(now);
            }
        }
    }

    /** One deadline: a one-shot one either fires or is cancelled, never both. */
    final class Deadline {
        private final long periodNanos;
        private final Consumer<Deadline> action;
        private final AtomicBoolean live = new AtomicBoolean(true);
        private volatile long dueNanos;
        private volatile boolean fired;

        private Deadline(long dueNanos, long periodNanos, Consumer<Deadline> action) {
            this.dueNanos = dueNanos;
            this.periodNanos = periodNanos;
            this.action = action;
        }

        /** Stops it; true when its action had not run and now never will. */
        boolean cancel() {
            armed.remove(this);
            return live.compareAndSet(true, false) && !fired;
        }

        /** Whether its action ran (or is running). */
        boolean fired() {
            return fired;
        }

        private void fire(long now) {
            if (periodNanos == 0) {
                if (!live.compareAndSet(true, false)) {
                    return;
                }
                armed.remove(this);
            } else if (live.get()) {
                dueNanos = now + periodNanos;
            } else {
                return;
            }
            fired = true;
            try {
                action.accept(this);
            } catch (RuntimeException e) {
                // One failed action must not end the sweep, which a scheduled task's exception would.
                LOGGER.log(Level.WARNING, "a deadline's action failed", e);
            }
        }
    }
}
