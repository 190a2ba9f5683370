package dev.conduit.core.exec;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * When a collection began, from its notification: the uptime's head start over the collections' times is learnt from
 * the notifications, so a collection is placed no earlier than it began, and later by at most the shortest delivery
 * delay seen.
 */
class CollectionClockTest {
    /** How far the uptime runs ahead of the collections' times here, as on the distribution. */
    private static final long AHEAD = 80;

    private final CollectionClock clock = new CollectionClock();

    /** The milliseconds ago the clock gives for a collection of {@code lasting} ms delivered {@code delay} ms after it. */
    private long ago(long startMillis, long lasting, long delay) {
        long end = startMillis + lasting;
        return clock.millisAgo(end + AHEAD + delay, startMillis, end);
    }

    @Test
    void aCollectionIsPlacedWhenItBeganNotWhereTheUptimeWouldPutIt() {
        // Delivered 3 ms after a 90 ms collection ended: it began 93 ms ago. The uptime alone says 173 ms.
        long ago = ago(1000, 90, 3);
        assertThat("no earlier than it began, later by the delay at most (+1 for rounding)", ago, is(91L));
    }

    @Test
    void aShorterDelayTightensTheEstimateAndALongOneDoesNotLoosenIt() {
        ago(1000, 90, 3);
        assertThat("delivered at once: exact, plus one for rounding", ago(2000, 10, 0), is(11L));
        assertThat("delivered 50 ms late, after a 20 ms collection: began 70 ms ago", ago(3000, 20, 50), is(71L));
        assertThat(clock.aheadMillis(), is(AHEAD));
    }

    @Test
    void anUptimeBehindTheCollectionsTimesWorksAlike() {
        // Whichever clock starts first, the difference is learnt the same way.
        long end = 5000;
        assertThat(clock.millisAgo(end - 10 + 2, 4960, end), is(41L));
        assertThat(clock.millisAgo(end + 500 - 10, 5400, end + 500), is(101L));
    }

    /** A collection as its notification told it, and when that came on {@link System#nanoTime}. */
    private record Told(String action, long uptime, long start, long end, long deliveredNanos) {
    }

    /**
     * This JVM's own collections: each one a full collection asked for at a moment noted just before is placed no
     * earlier than that moment (the uptime alone put them 15 ms or more before it), and not after its notification.
     */
    @Test
    void theJvmsOwnCollectionsArePlacedNoEarlierThanTheyWereAskedFor() throws Exception {
        BlockingQueue<Told> told = new LinkedBlockingQueue<>();
        NotificationListener listener = (notification, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
                long delivered = System.nanoTime();
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                told.add(new Told(info.getGcAction(), uptime, info.getGcInfo().getStartTime(),
                                  info.getGcInfo().getEndTime(), delivered));
            }
        };
        List<NotificationEmitter> emitters = new ArrayList<>();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
        try {
            for (int run = 0; run < 3; run++) {
                long asked = System.nanoTime();
                System.gc();
                Told full = null;
                while (full == null) {
                    Told next = told.poll(30, TimeUnit.SECONDS);
                    assertThat("a notification of the collection asked for", next, is(notNullValue()));
                    long ago = clock.millisAgo(next.uptime(), next.start(), next.end());
                    if (next.action().contains("major")) {
                        full = next;
                        long began = next.deliveredNanos() - TimeUnit.MILLISECONDS.toNanos(ago);
                        // Two milliseconds for the rounding of the notification's whole milliseconds.
                        assertThat("run " + run + ": " + next, began,
                                   greaterThanOrEqualTo(asked - TimeUnit.MILLISECONDS.toNanos(2)));
                        assertThat("run " + run + ": " + next, began, lessThanOrEqualTo(next.deliveredNanos()));
                    }
                }
            }
        } finally {
            for (NotificationEmitter emitter : emitters) {
                try {
                    emitter.removeNotificationListener(listener);
                } catch (ListenerNotFoundException e) {
                    // not registered: nothing to remove
                }
            }
        }
    }
}
