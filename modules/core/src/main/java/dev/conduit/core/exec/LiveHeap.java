package dev.conduit.core.exec;

import java.lang.System.Logger.Level;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.ThreadMXBean;

/**
 * What programs of the in-process engines (GraalJS, GraalPy, Rhino) hold on the JVM's heap, for their memory limit:
 * a limit on live memory, not on allocation, so that a program streaming gigabytes through a small working set runs
 * while one that keeps more than its cap is stopped.
 *
 * <p>How it measures. After every garbage collection the JVM reports each heap pool's use (a GC notification). The
 * change of the heap's use since the previous collection, plus what programs that ended since then held (garbage now),
 * is what survived of the interval's allocations: it is shared between the running programs and the rest of the server
 * by how much each allocated in the interval (per-thread allocation counters), and each program's share accumulates
 * into what it holds; when the heap's use fell, what was found dead is taken from everyone in proportion to what they
 * held. A program that churns through much while holding little gets little (the heap did not grow); one
 * that keeps what it allocates gets what it kept. The imprecision is in the sharing: when the server itself or another
 * program allocates a lot in the same interval, growth may be given to the wrong one, and a collection's drop is
 * taken back by the same rule. A young collection's figure counts garbage already promoted, so a program over its cap
 * after one only gets a full collection requested (at most four a second for the whole server), and only a full
 * collection's figure stops it. bin/conduit keeps the young generation small, so young collections (cheap) come every
 * few hundred megabytes of allocation; a program that allocates four times its cap without any collection gets one
 * requested too. When a collection leaves the heap more than 80 % full, the program holding most is stopped at once,
 * confirmed or not: the server's own threads must not run out of memory. A single allocation larger than the cap
 * happens before any measurement: the heap budget and that rule bound those. Thread-safe; one per JVM.
 */
public final class LiveHeap {
    private static final System.Logger LOGGER = System.getLogger(LiveHeap.class.getName());
    private static final long MIN_FORCED_INTERVAL_NANOS = 250_000_000L;
    /** Above this part of the maximum heap after a collection, the biggest holder is stopped at once. */
    private static final double PRESSURE = 0.8;
    private static final LiveHeap SHARED = new LiveHeap();

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());
    private final Set<Share> shares = ConcurrentHashMap.newKeySet();
    private final long maxHeap = Runtime.getRuntime().maxMemory();
    private final AtomicBoolean collectionRequested = new AtomicBoolean();
    private final Object lock = new Object();
    /** The heap's use after the previous collection; -1 before the first one. Guarded by {@link #lock}. */
    private long lastLive = -1;
    /** All threads' allocation at the previous collection. Guarded by {@link #lock}. */
    private long lastTotalAllocated;
    /** What programs that ended since the previous collection held. Guarded by {@link #lock}. */
    private long released;
    private volatile long lastForcedNanos = System.nanoTime() - MIN_FORCED_INTERVAL_NANOS;

    /** One program's claim on the heap: its thread and its cap. Close it when the program ends. */
    public final class Share implements AutoCloseable {
        private final long threadId;
        private final long cap;
        /** The thread's allocation at the previous collection (or the start). Guarded by {@link #lock}. */
        private long lastAllocated;
        private volatile double held;
        private volatile boolean exceeded;

        private Share(long threadId, long cap) {
            this.threadId = threadId;
            this.cap = cap;
            this.lastAllocated = allocated(threadId);
        }

        /** Whether a full collection found this program holding more than its cap. */
        public boolean exceeded() {
            return exceeded;
        }

        /** What the measurements so far give this program, in bytes. */
        public long held() {
            return (long) held;
        }

        /**
         * Called often by the program's watchdog: a program that allocated four times its cap since the previous
         * collection gets one requested, in case none comes by itself.
         */
        public void poll() {
            long since;
            synchronized (lock) {
                since = allocated(threadId) - lastAllocated;
            }
            if (since > 4 * cap) {
                requestCollection();
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (shares.remove(this)) {
                    released += (long) held;
                }
            }
        }
    }

    private LiveHeap() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        collected(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
                    }
                }, null, null);
            }
        }
    }

    /** The JVM's one instance. */
    public static LiveHeap shared() {
        return SHARED;
    }

    /** Starts measuring the program running on {@code thread} (a platform thread) against {@code cap} bytes. */
    public Share track(Thread thread, long cap) {
        synchronized (lock) {
            Share share = new Share(thread.threadId(), cap);
            shares.add(share);
            return share;
        }
    }

    /** Programs measured now. */
    public int tracked() {
        return shares.size();
    }

    private long allocated(long threadId) {
        long allocated = threads.getThreadAllocatedBytes(threadId);
        return Math.max(0, allocated);
    }

    private void collected(GarbageCollectionNotificationInfo info) {
        long live = 0;
        for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                live += pool.getValue().getUsed();
            }
        }
        boolean full = "System.gc()".equals(info.getGcCause()) || info.getGcAction().contains("major");
        if (full) {
            collectionRequested.set(false);
        }
        boolean suspect = false;
        synchronized (lock) {
            long heldNow = live;
            LOGGER.log(Level.DEBUG, () -> (full ? "full" : "young") + " collection: heap holds " + heldNow + " bytes, "
                                          + shares.size() + " program(s) measured");
            long total = threads.getTotalThreadAllocatedBytes();
            if (lastLive >= 0) {
                double survived = live - lastLive + released;
                double own = 0;
                for (Share share : shares) {
                    own += Math.max(0, allocated(share.threadId) - share.lastAllocated);
                }
                // Without the JVM-wide counter every survivor is the programs' (the strict reading).
                double interval = Math.max(1, total < 0 ? own : total - lastTotalAllocated);
                for (Share share : shares) {
                    if (survived >= 0) {
                        // The program's part of what survived the interval, by its part of the interval's allocation.
                        double part = Math.max(0, allocated(share.threadId) - share.lastAllocated) / interval;
                        share.held += survived * Math.min(1, part);
                    } else if (lastLive > 0) {
                        // What the collection found dead was held by everyone in proportion to what they held.
                        share.held = Math.max(0, share.held + survived * Math.min(1, share.held / lastLive));
                    }
                    if (share.held > share.cap) {
                        if (full) {
                            share.exceeded = true;
                        } else {
                            suspect = true;
                        }
                    }
                }
            }
            if (live > PRESSURE * maxHeap) {
                // Fail closed: the heap is nearly full, so whoever holds most is stopped now, without waiting for a
                // full collection to confirm it, before the server's own threads run out of memory.
                shares.stream().filter(share -> !share.exceeded).max((a, b) -> Double.compare(a.held, b.held))
                        .ifPresent(share -> {
                            share.exceeded = true;
                            LOGGER.log(Level.WARNING, "the heap is " + (100 * heldNow / maxHeap) + "% full: stopping the "
                                    + "program that holds most (about " + (long) share.held / (1024 * 1024) + " MB)");
                        });
            }
            for (Share share : shares) {
                share.lastAllocated = allocated(share.threadId);
            }
            lastLive = live;
            lastTotalAllocated = Math.max(0, total);
            released = 0;
        }
        if (suspect) {
            requestCollection();
        }
    }

    /** A full collection on a thread of its own, unless one is pending or one was made less than 250 ms ago. */
    private void requestCollection() {
        long now = System.nanoTime();
        if (now - lastForcedNanos < MIN_FORCED_INTERVAL_NANOS || !collectionRequested.compareAndSet(false, true)) {
            return;
        }
        lastForcedNanos = now;
        Thread.ofPlatform().daemon(true).name("conduit-live-heap").start(() -> {
            LOGGER.log(Level.DEBUG, "measuring what running programs hold (full collection)");
            System.gc();
            collectionRequested.set(false);
        });
    }
}
