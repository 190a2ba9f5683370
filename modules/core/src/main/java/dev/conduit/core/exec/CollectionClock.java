package dev.conduit.core.exec;

/**
 * How long ago a garbage collection began, from what its notification says. A notification gives the collection's
 * start and end in milliseconds since the JVM started, and the JVM's uptime is the "now" to set them against, but the
 * two count from different moments of the JVM's start-up, further apart the more start-up does between them: the
 * uptime runs 80-90 ms ahead on the distribution (with its start-up cache), about 15 ms without a cache. Set against
 * the uptime alone, a collection seemed to have begun that much earlier than it did, and the buffers a program
 * registered in that while were taken for ones the collection may not have seen: a program keeping 36 MB in 4 MB
 * buffers under 64 MB was stopped as holding 65 MB, its buffers neither counted as held nor their regions' waste
 * subtracted (in 4 to 9 of 15 runs after four GraalPy programs stopped over their caps).
 *
 * <p>The difference is learnt from the notifications themselves: each is delivered after its collection ended, so the
 * uptime at delivery less the collection's end is the difference plus a delay, and the smallest seen is the
 * difference plus the shortest delay. That puts a start no earlier than it was, and later by at most that shortest
 * delay (a millisecond or so): what was registered in that while was registered during the pause, when no program
 * runs, or after a pause shorter than a millisecond. Thread-safe.
 */
final class CollectionClock {
    /** The uptime less a collection's end, at delivery: the smallest seen. Guarded by this. */
    private long aheadMillis = Long.MAX_VALUE;

    /**
     * How many milliseconds before {@code uptimeMillis} (the JVM's uptime now) the collection that began at
     * {@code startMillis} and ended at {@code endMillis} (its notification's times) began, rounded up.
     */
    synchronized long millisAgo(long uptimeMillis, long startMillis, long endMillis) {
        aheadMillis = Math.min(aheadMillis, uptimeMillis - endMillis);
        // Plus one for the rounding of the three figures, which are whole milliseconds.
        return uptimeMillis - aheadMillis - startMillis + 1;
    }

    /** How far the uptime runs ahead of the collections' times, at most, as learnt so far. */
    synchronized long aheadMillis() {
        return aheadMillis == Long.MAX_VALUE ? 0 : aheadMillis;
    }
}
