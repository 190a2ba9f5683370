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
 * <p>How it measures. After every garbage collection the JVM reports each heap pool's use (a GC notification); their
 * sum over the server's own live heap (measured after a collection while no program ran) is what running programs
 * hold. With one program running that is all its own; with several it is shared out by how much each allocated since
 * it started (programs that hold much had to allocate it; a program that churns through much while holding little is
 * given a share it may not have, which is the method's imprecision under concurrency). A young collection's figure
 * counts garbage already promoted, so it only raises suspicion: a program whose share passes its cap gets a full
 * collection requested (at most {@value #MAX_FORCED_PER_SECOND} a second for the whole server), and only a full
 * collection's figure stops it. A program that allocates its cap without any collection happening also gets one
 * requested, so a program is found out before it holds about twice its cap (its cap at the last measurement, plus at
 * most its cap allocated since). A single allocation larger than the cap happens before any measurement: the engines
 * refuse those at allocation where they can. Thread-safe; one per JVM.
 */
public final class LiveHeap {
    private static final System.Logger LOGGER = System.getLogger(LiveHeap.class.getName());
    private static final int MAX_FORCED_PER_SECOND = 4;
    private static final LiveHeap SHARED = new LiveHeap();

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());
    private final Set<Share> shares = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean collectionRequested = new AtomicBoolean();
    private final Object lock = new Object();
    /** The server's own live heap: after a collection while no program ran (pessimistic until one happened). */
    private volatile long baseline = -1;
    private volatile long lastForcedNanos = System.nanoTime() - 1_000_000_000L;

    /** One program's claim on the heap: its thread and its cap. Close it when the program ends. */
    public final class Share implements AutoCloseable {
        private final long threadId;
        private final long cap;
        private final long allocatedAtStart;
        private volatile long allocatedAtMeasure;
        private volatile long held;
        private volatile boolean exceeded;

        private Share(long threadId, long cap) {
            this.threadId = threadId;
            this.cap = cap;
            this.allocatedAtStart = threads.getThreadAllocatedBytes(threadId);
            this.allocatedAtMeasure = allocatedAtStart;
        }

        /** Whether a full collection found this program holding more than its cap. */
        public boolean exceeded() {
            return exceeded;
        }

        /** What the last measurement gave this program, in bytes. */
        public long held() {
            return held;
        }

        /**
         * Called often by the program's watchdog: when the program allocated its cap since it was last measured, a
         * collection (and with it a measurement) is requested.
         */
        public void poll() {
            long allocated = threads.getThreadAllocatedBytes(threadId);
            if (allocated >= 0 && allocated - allocatedAtMeasure > cap) {
                allocatedAtMeasure = allocated; // once per cap allocated, not on every poll
                requestCollection();
            }
        }

        private long allocatedSinceStart() {
            long allocated = threads.getThreadAllocatedBytes(threadId);
            return allocated < 0 ? 0 : Math.max(0, allocated - allocatedAtStart);
        }

        @Override
        public void close() {
            shares.remove(this);
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
        if (baseline < 0) {
            // No idle collection seen yet: what the heap holds now, garbage included, stands for the server's own.
            baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        Share share = new Share(thread.threadId(), cap);
        shares.add(share);
        return share;
    }

    /** Programs measured now. */
    public int tracked() {
        return shares.size();
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
        synchronized (lock) {
            if (shares.isEmpty()) {
                if (full || baseline < 0 || live < baseline) {
                    baseline = live;
                }
                return;
            }
            long held = Math.max(0, live - baseline);
            long allocated = 0;
            for (Share share : shares) {
                allocated += share.allocatedSinceStart();
            }
            boolean suspect = false;
            for (Share share : shares) {
                share.held = shares.size() == 1 || allocated == 0 ? held / shares.size()
                        : (long) (held * ((double) share.allocatedSinceStart() / allocated));
                long now = threads.getThreadAllocatedBytes(share.threadId);
                share.allocatedAtMeasure = now < 0 ? share.allocatedAtMeasure : now;
                if (share.held > share.cap) {
                    if (full) {
                        share.exceeded = true;
                    } else {
                        suspect = true;
                    }
                }
            }
            if (suspect) {
                requestCollection();
            }
        }
    }

    /** A full collection on a thread of its own, unless one is pending or the rate would pass its bound. */
    private void requestCollection() {
        long now = System.nanoTime();
        if (now - lastForcedNanos < 1_000_000_000L / MAX_FORCED_PER_SECOND
            || !collectionRequested.compareAndSet(false, true)) {
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
