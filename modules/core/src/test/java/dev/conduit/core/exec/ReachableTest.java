package dev.conduit.core.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.sameInstance;

/** What a walk counts: the data reachable through the engine's classes, each object once, nothing beyond. */
class ReachableTest {
    private static final int KIB = 1024;

    /** An engine's object: followed. */
    private static final class Guest {
        private final Object[] items;
        private final Host host;

        Guest(Object[] items, Host host) {
            this.items = items;
            this.host = host;
        }
    }

    /** The host's object an engine's object may point to: neither counted nor followed. */
    private static final class Host {
        private final byte[] secret = new byte[1024 * KIB];
    }

    private static final Predicate<Class<?>> GUESTS = type -> type == Guest.class;

    @Test
    void countsTheDataReachableThroughTheEnginesObjects() {
        Object[] strings = new Object[100];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = "x".repeat(10 * KIB) + i;
        }
        Guest guest = new Guest(strings, null);
        long bytes = Reachable.measure(List.of(guest), GUESTS, Long.MAX_VALUE);
        assertThat("100 strings of 10 KB", bytes, allOf(greaterThan(1000L * KIB), lessThan(1100L * KIB)));
    }

    @Test
    void anObjectReachedManyTimesCountsOnce() {
        String shared = "y".repeat(1024 * KIB);
        Object[] items = new Object[10_000];
        java.util.Arrays.fill(items, shared);
        long bytes = Reachable.measure(List.of(new Guest(items, null)), GUESTS, Long.MAX_VALUE);
        assertThat("1 MB once and 10,000 references", bytes, allOf(greaterThan(1024L * KIB), lessThan(1100L * KIB)));
    }

    @Test
    void theHostsObjectsAreNeitherCountedNorFollowed() {
        long bytes = Reachable.measure(List.of(new Guest(new Object[0], new Host())), GUESTS, Long.MAX_VALUE);
        assertThat("a guest and its empty array, not the host's 1 MB", bytes, lessThan(1L * KIB));
    }

    @Test
    void aWalkEndsOncePastItsLimit() {
        List<Guest> chain = new ArrayList<>();
        Guest next = null;
        for (int i = 0; i < 1000; i++) {
            next = new Guest(new Object[] {new byte[100 * KIB], next}, null);
            chain.add(next);
        }
        long bytes = Reachable.measure(List.of(next), GUESTS, 1024L * KIB);
        assertThat("past 1 MB, short of the 100 MB reachable", bytes,
                   allOf(greaterThan(1024L * KIB), lessThan(1200L * KIB)));
        assertThat(chain.size(), is(1000));
    }

    /** Its program ended: the walk stops at its next check (every 4,096 objects) rather than keep its objects. */
    @Test
    void aWalkEndsWhenItsThreadIsInterrupted() {
        Guest next = null;
        for (int i = 0; i < 10_000; i++) {
            next = new Guest(new Object[] {new byte[KIB], next}, null);
        }
        Thread.currentThread().interrupt();
        long bytes;
        try {
            bytes = Reachable.measure(List.of(next), GUESTS, Long.MAX_VALUE);
        } finally {
            assertThat("the interruption is left for the caller", Thread.interrupted(), is(true));
        }
        assertThat("nothing counted of the 10 MB reachable, and cut short: -1 - 0", bytes, is(-1L));
    }

    @Test
    void readsAFieldItCannotAccess() {
        Host host = new Host();
        Object secret = Reachable.field(Host.class, "secret").apply(host);
        assertThat(secret, sameInstance(host.secret));
    }
}
