package dev.conduit.core.exec;

import java.lang.System.Logger.Level;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;

/**
 * What programs of the in-process engines (GraalJS, GraalPy, Rhino) hold on the JVM's heap, for their memory limit:
 * a limit on live memory, not on allocation, so that a program streaming gigabytes through a small working set runs
 * while one that keeps more than its cap is stopped.
 *
 * <p>How it measures. After every garbage collection the JVM reports each heap pool's use (a GC notification). What
 * the running programs hold together is that figure over the server's own: the heap's use after a full collection
 * made while no program ran (the baseline, measured again when the last running program ends if programs needed a full
 * collection since, or it is older than {@value #BASELINE_MAX_AGE_SECONDS} s: what stopped programs leave behind in
 * the engines, and the engines' caches, become the server's own). Which program holds it follows from two facts
 * that need no guessing: a program holds no more than it allocated since it started, and the others hold no more than
 * their caps unless they are over too. So a program is over its cap when the programs' total, less what the others may hold
 * ({@code min(allocated, cap)} each), still exceeds its cap. Alone, that is exactly what it holds; with N programs at
 * once a program may reach N times its cap before the rule can tell it from the others.
 *
 * <p>Only a full collection's figure is exact: after a young collection the heap still holds garbage already
 * promoted, among it what programs that ended left behind. So a young figure over the cap only requests a full
 * collection (at most four a second for the whole server; one is a pause of 50-150 ms with the engines loaded), and
 * the program it puts over waits for that collection on its own thread ({@link Share#pollOnItsThread}), so that a
 * program filling its cap faster than a collection comes cannot end, answered, before it is measured.
 * A program that allocated what is left of its cap since the last collection of any kind gets one requested too, in
 * case none comes by itself (bin/conduit keeps the young generation small so that cheap young collections come often,
 * but large arrays go straight to the old generation). When a
 * collection leaves the heap more than {@value #PRESSURE_PERCENT} % full, the running program with the largest claim
 * is stopped at once: the server's own threads must not run out of memory. A single allocation larger than the cap
 * happens before any measurement: the engines refuse large buffers by {@link Share#room()}, the heap budget bounds
 * the rest. Since it knows when programs run, it also gives back the heap a burst of them grew ({@link #settle}).
 * Thread-safe; one per JVM.
 */
public final class LiveHeap {
    private static final System.Logger LOGGER = System.getLogger(LiveHeap.class.getName());
    private static final long MIN_FORCED_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long BASELINE_MAX_AGE_SECONDS = 30;
    private static final int PRESSURE_PERCENT = 85;
    /** How long a program asking for room waits for the full collection that tells its garbage from what it holds. */
    private static final long ROOM_WAIT_MILLIS = 1000;
    /** How long a walk that found a program within its cap keeps the rule from blaming it for another's memory. */
    private static final long WALK_CLEARS_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** How long programs the rule cannot tell apart are left to their walks, at most (walks may take seconds). */
    private static final long UNDECIDED_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How many times more a program a walk found growing is walked at once. */
    private static final int REWALKS = 4;
    /** How long after the last walks a young collection's figure may start more, at least. */
    private static final long YOUNG_WALKS_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** How many times the last walks' duration passes before a young collection's figure may start more. */
    private static final int YOUNG_WALKS_PAUSE_FACTOR = 4;
    /** How long a walk that found a program holding under a quarter of its cap spares it walks a young figure asks for. */
    private static final long YOUNG_WALKS_SPARE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** How long no program must have run before the heap a burst of them grew is given back. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** How much more than twice the server's own use the committed heap may be, idle, before it is given back. */
    private static final long SETTLE_SLACK_BYTES = 64L * 1024 * 1024;
    // The committed heap as the runtime answers it (the heap's capacity, the same figure as the memory bean's
    // "committed"): read at every program's end, where the bean's lookup and its locked usage report were 4 % of a
    // ten-call Rhino program's time on its thread.
    private static final LiveHeap SHARED = new LiveHeap(System::nanoTime, LiveHeap::later, System::gc, g1RegionBytes(),
                                                        vmOption("MaxNewSize"), Runtime.getRuntime()::totalMemory)
            .listening();

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());
    private final Set<Share> shares = ConcurrentHashMap.newKeySet();
    private final long maxHeap = Runtime.getRuntime().maxMemory();
    private final AtomicBoolean collectionPending = new AtomicBoolean();
    private final CollectionClock collectionClock = new CollectionClock();
    /** Whether a walk of programs' objects is queued or running: one at a time, as each may take a while. */
    private final AtomicBoolean walking = new AtomicBoolean();
    /** When a young collection's figure may start walks again (the clock's nanoseconds). */
    private volatile long youngWalksFromNanos;
    /**
     * The program being walked off its thread and the thread walking it, interrupted when the program ends or is
     * stopped: a walk of a large heap takes seconds of CPU and keeps what it walks reachable. Guarded by walkLock.
     */
    private Thread walkThread; // guarded by walkLock
    private Share walkee; // guarded by walkLock
    private final Object walkLock = new Object();
    /** Whether a running program asked for the pending collection: it must come even if the server is busy. */
    private final AtomicBoolean programAsked = new AtomicBoolean();
    private final LongSupplier clock;
    /** G1's region size, 0 under another collector: an array of half a region or more takes whole regions. */
    private final long regionBytes;
    /**
     * How much a thread may allocate before a young collection comes by itself: the young generation's cap (0 when
     * the JVM cannot tell, and then allocation asks for full collections as if there were no young generation).
     */
    private final long youngBytes;
    private final Pacer pacer;
    private final Runnable collector;
    /** The heap the JVM has committed, in bytes: what the server takes from the system for it. */
    private final LongSupplier committed;
    /** Whether a check that gives the heap back after a burst of programs is queued. Guarded by {@link #lock}. */
    private boolean settlePending;
    private final Object lock = new Object();
    /** The heap's use after a full collection with no program running; -1 before the first. Guarded by lock. */
    private long baseline = -1;
    /** When {@link #baseline} was measured (the clock's nanoseconds). Guarded by {@link #lock}. */
    private long baselineNanos;
    /**
     * Whether programs made a full collection necessary since the baseline: what they leave behind (an engine's caches,
     * a stopped program's remains) may have grown the server's own use. Guarded by {@link #lock}.
     */
    private boolean forcedSinceBaseline;
    private volatile long lastForcedNanos;
    /**
     * When a program last ended. Its memory stays reachable a moment longer (its context is closed off the request's
     * path), so a collection soon after it is no measure of the server's own use. Guarded by {@link #lock}.
     */
    private long lastEndNanos;
    /**
     * Programs stopped (over their cap, or by another limit) that ended lately, by when they ended (the clock's
     * nanoseconds), with what they allocated: their memory may still be reachable a moment (their context is closed
     * off the request's path, a walk may be unwinding), and a collection then would blame the programs still running
     * for it. Guarded by {@link #lock}.
     */
    private final Map<Share, Long> departed = new HashMap<>();
    /** How many full collections were reported; waiters for the next one watch it. Guarded by {@link #lock}. */
    private long fullCollections;

    /** A size a program's object holds while {@code token}, tied to it, is reachable; registered at {@code sinceNanos}. */
    private record Held(WeakReference<Object> token, long bytes, long sinceNanos) {
    }

    /** Runs a task after a delay, off the caller's thread: how requested collections wait for their turn. */
    interface Pacer {
        void runAfter(long nanos, Runnable task);
    }

    /** One program's claim on the heap: its thread and its cap. Close it when the program ends. */
    public final class Share implements AutoCloseable {
        private final long threadId;
        private final long cap;
        private final long allocatedAtStart;
        private volatile long allocatedAtCollection;
        private volatile long held;
        private volatile boolean exceeded;
        /** Whether another limit stopped the program ({@link #stopped()}). */
        private volatile boolean stopped;
        /** Objects the program made that are known to hold a size for as long as they live. Guarded by this. */
        private final List<Held> tracked = new ArrayList<>();
        /** How many entries {@link #tracked} may have before the collected ones are dropped. Guarded by this. */
        private int pruneAt = 64;
        /** What the program holds by a walk of its objects, up to a limit; absent where the engine offers none. */
        private volatile LongUnaryOperator walk;
        /**
         * What the last walk of its objects found (0 before one): it held that much then. Near the cap, it makes the
         * program's next collection, and so its next walk, come sooner.
         */
        private volatile long walked;
        /** When {@link #walked} was found (the clock's nanoseconds). */
        private volatile long walkedNanos;
        /** Whether the last walk found more, by a sixteenth of the cap, than the walk before. */
        private volatile boolean growing;
        /** What the thread had allocated when the last complete walk began. */
        private volatile long allocatedAtWalked;
        /** Whether the engine polls on the program's own thread ({@link #pollOnItsThread}), where it is walked. */
        private volatile boolean pollsOnItsThread;
        /** Whether the measurer wants the program walked at its next poll on its own thread. */
        private volatile boolean walkWanted;
        /** When a walk wanted may next be made on its own thread (the clock's nanoseconds). Written there only. */
        private volatile long walkHereFromNanos;
        /** What the thread had allocated at the last walk on its own thread. Written there only. */
        private volatile long allocatedAtWalk;
        /** What the program allocated in all, once it ended. */
        private volatile long allocatedAtClose;
        /**
         * Whether a young collection's figure put the program over its cap since the last full collection: the full
         * one that tells is asked for, and the program waits for it at its next poll on its own thread.
         */
        private volatile boolean suspected;
        /**
         * Since when full collections' figures have put the program over its cap only as they put another (the
         * clock's nanoseconds; 0 when the last did not). Read and written holding {@link #lock}.
         */
        private long undecidedNanos;

        private Share(long threadId, long cap) {
            this.threadId = threadId;
            this.cap = cap;
            this.allocatedAtStart = allocated(threadId);
            this.allocatedAtCollection = allocatedAtStart;
            this.allocatedAtWalk = allocatedAtStart;
        }

        /** Whether the program was found holding more than its cap; its watchdog stops it. */
        public boolean exceeded() {
            return exceeded;
        }

        /**
         * Says the program was stopped by another limit (its wall or CPU time, its output): what it held is left for
         * its engine to drop, as a program stopped over its cap leaves it, and is not pinned on the programs still
         * running for a moment after its end. Three GraalPy programs keeping records, ended by their wall time
         * together, left 820 MB on the heap that the next full collection pinned on the fourth. Call before
         * {@link #close()}.
         */
        public void stopped() {
            stopped = true;
        }

        /** Whether the engine said another limit stopped the program ({@link #stopped()}). */
        public boolean stoppedByAnotherLimit() {
            return stopped;
        }

        /**
         * What is left of the cap, in bytes, for an allocation of {@code wanted} bytes: a buffer larger than this is
         * refused in the guest before it reaches the heap. Never more than the cap. What the last full collection
         * measured counts, and so do the buffers {@linkplain #hold held} since as long as they are uncollected. Some
         * of those may be garbage not yet collected, so when they leave no room a full collection is asked for and the
         * allocation goes on; once they would come to twice the cap, the program waits for that collection (up to a
         * second) to tell, rather than be refused memory it does not hold or hold twice its cap.
         */
        public long room(long wanted) {
            walkIfDue();
            long counted = tracked(Long.MAX_VALUE);
            if (counted + wanted <= cap || counted <= held) {
                return cap - Math.max(held, counted);
            }
            if (counted + wanted < 2 * cap) {
                requestCollection(true); // by the time the count reaches twice the cap, it has usually come
                return cap - held;
            }
            awaitFullCollection();
            return cap - Math.max(held, tracked(Long.MAX_VALUE));
        }

        /**
         * On the program's own thread, before a large allocation: a program that allocated more than its cap may hold
         * it, and collections come too seldom to catch one that grows by hundreds of MB a second. Its objects are
         * walked when it allocated an eighth of its cap since the last walk: it holds at least what the walk finds,
         * and over the cap it is stopped now rather than at the next collection.
         */
        private void walkIfDue() {
            LongUnaryOperator walker = walk;
            if (walker == null || exceeded) {
                return; // most engines' programs: no thread's allocation to ask for on each large allocation
            }
            long now = allocated(threadId);
            if (now - allocatedAtStart <= cap || now - allocatedAtWalk < cap / 8
                || Thread.currentThread().isInterrupted()) {
                return; // an interrupted thread's walk would end at once and find nothing, which proves nothing
            }
            allocatedAtWalk = now;
            walkHere(walker, "walked as it allocated");
        }

        /** Walks the program on its own thread, which waits meanwhile; stops it if it holds more than its cap. */
        private void walkHere(LongUnaryOperator walker, String how) {
            long began = System.nanoTime();
            long figure = walker.applyAsLong(cap);
            long holds = found(figure);
            LOGGER.log(Level.DEBUG, () -> "a program " + how + " on its thread: " + holds / (1024 * 1024) + " MB in "
                                          + (System.nanoTime() - began) / 1_000_000 + " ms");
            if (figure >= 0 || !Thread.currentThread().isInterrupted()) { // interrupted: its program is ending
                walked(holds, allocated(threadId), figure >= 0); // it waited while walked
            }
            if (holds > cap) {
                stop(this, "holds at least " + holds / (1024 * 1024) + " MB (its objects, " + how + ")");
            } else {
                held = Math.max(held, holds); // a walk proves what it found, not that there is no more
            }
        }

        /**
         * {@link #poll} for an engine that calls it on the program's own thread, often (Rhino, every 10,000
         * instructions): the walks the measurer wants of this program are then made here, where the program cannot
         * grow while it is walked and the walk does not compete with it for a core, instead of on the measurer's
         * thread (where a holder of small objects among three churners on 2 cores grew a cap while it was walked).
         * A program a young collection's figure put over its cap waits here (up to a second) for the full collection
         * that tells.
         */
        public void pollOnItsThread() {
            pollsOnItsThread = true;
            poll();
            if (suspected && !exceeded && !Thread.currentThread().isInterrupted()) {
                // Without the wait, a program that fills its cap in less time than a full collection takes to come
                // (a Python list of 400 MB in half a second on a busy machine) could end, answered, before it is
                // measured: the limit must not depend on which comes first.
                LOGGER.log(Level.DEBUG, "a young collection put a program over its cap: it waits for a full one");
                awaitFullCollection();
            }
            LongUnaryOperator walker = walk;
            if (walker == null || !dueOnItsThread() || Thread.currentThread().isInterrupted()) {
                return;
            }
            long began = clock.getAsLong();
            allocatedAtWalk = allocated(threadId);
            walkHere(walker, "walked");
            long ended = clock.getAsLong();
            // A program keeping most of its cap beside churners, not growing, spends at most a fifth of its time so.
            walkHereFromNanos = ended + 4 * (ended - began);
            walkWanted = growing && !exceeded; // growing: watched until a walk finds it has stopped
        }

        /**
         * Counts {@code bytes} against the program for as long as {@code token} is reachable: the engine ties the
         * token to an object that holds that much until it is garbage (a buffer of fixed size), so that what the
         * program holds in such objects is known exactly after a full collection, however many programs run.
         */
        public void hold(Object token, long bytes) {
            synchronized (this) {
                if (tracked.size() >= pruneAt) {
                    // A program that drops what it makes between full collections (buffers under 1 MB ask for no room,
                    // which would prune) must not grow this list for as long as it runs.
                    tracked.removeIf(held -> held.token().refersTo(null));
                    pruneAt = Math.max(64, 2 * tracked.size());
                }
                tracked.add(new Held(new WeakReference<>(token), bytes, clock.getAsLong()));
            }
        }

        /**
         * What the held objects registered before {@code before} (the clock's nanoseconds) and still reachable come
         * to; the ones found collected are forgotten. After a full collection that began at {@code before}, a lower
         * bound of what the program holds.
         */
        private synchronized long tracked(long before) {
            long sum = 0;
            for (Iterator<Held> each = tracked.iterator(); each.hasNext(); ) {
                Held held = each.next();
                if (held.token().refersTo(null)) {
                    each.remove();
                } else if (held.sinceNanos() < before) {
                    sum += held.bytes();
                }
            }
            return sum;
        }

        /**
         * What the collector takes beyond their size for the held objects registered before {@code before} and still
         * reachable: G1 gives an array of half a region or more whole regions of its own, so a 4 MB buffer takes 8 MB
         * of a heap of 4 MB regions. The heap's figure counts it; what the program holds does not.
         */
        private synchronized long wasted(long before) {
            long sum = 0;
            for (Held held : tracked) {
                if (held.sinceNanos() < before && !held.token().refersTo(null)) {
                    sum += humongousWaste(held.bytes(), regionBytes);
                }
            }
            return sum;
        }

        /**
         * Lets the measurer walk the program's objects when the heap's figure cannot tell whether it holds more than
         * its cap ({@link Reachable}): {@code walk} answers what it holds, counting no further than the limit given,
         * or -1 - what it counted when cut short before reaching everything (which proves that much, and no less).
         */
        public void walkedBy(LongUnaryOperator walk) {
            this.walk = walk;
        }

        /**
         * Like {@link #walkedBy}, for an engine that calls {@link #pollOnItsThread} on the program's own thread
         * whenever {@link #dueOnItsThread} says there is work there (the GraalVM engines: an action the guest
         * runs at its next safepoint), rather than often of its own accord.
         */
        public void walkedOnItsThreadBy(LongUnaryOperator walk) {
            this.walk = walk;
            pollsOnItsThread = walk != null;
        }

        /**
         * Whether {@link #pollOnItsThread} has work now: a young collection's figure put the program over its cap (it
         * waits for the full collection that tells), or the measurer wants it walked, and either four times what its
         * last walk took has passed since, or it may have grown past its cap since (what a program holds grows by no
         * more than it allocates; found growing, once it allocated what was left of its cap, and in any case before
         * it can reach twice its cap).
         */
        public boolean dueOnItsThread() {
            if (exceeded) {
                return false;
            }
            if (suspected) {
                return true;
            }
            if (!walkWanted || walk == null) {
                return false;
            }
            if (clock.getAsLong() >= walkHereFromNanos) {
                return true;
            }
            long since = allocated(threadId) - allocatedAtWalk;
            return since >= 2 * cap - walked || growing && since >= cap - walked;
        }

        /**
         * Whether a walk in the last 20 seconds found the program holding no more than its cap and, if it found it
         * growing, the program has not allocated what was left of its cap since: otherwise a holder found growing,
         * and allocating on, stays cleared while the rule pins its growth on a program beside it that no walk has
         * reached yet, which is stopped instead (LiveHeapTest's model of the keeper stopped in CI, the other way
         * round). A program's next walk on its own thread comes at that point too ({@link #dueOnItsThread}).
         */
        private boolean clearedByWalk(long now) {
            return walkedNanos != 0 && walked <= cap && now - walkedNanos < WALK_CLEARS_NANOS
                   && !(growing && allocated(threadId) - allocatedAtWalked >= cap - walked);
        }

        /**
         * Records what a walk found, begun when the thread had allocated {@code allocatedBefore}; a first complete
         * walk finds a program growing above a quarter of its cap. A walk that spent its budget of objects
         * ({@code complete} false) proves what it counted, clears nothing, and ends the clearing of the last complete
         * walk (the program has more objects than then); and the program is walked no more, its later walks being cut
         * short alike: the rule judges it. Four GraalJS programs keeping records under 256 MB, each found holding
         * 141-143 MB by a complete walk and more than the budget's 4 million objects by every walk after, stayed
         * cleared for 20 s and were stopped holding 516-537 MB; four GraalPy ones spent most of their time waiting for
         * walks (2-7 s each, on their own threads) that never reached half their cap, and ran into their wall time.
         */
        private void walked(long holds, long allocatedBefore, boolean complete) {
            if (!complete) {
                walk = null;
                walkedNanos = 0;
                walked = Math.max(walked, holds);
                return;
            }
            growing = holds > (walkedNanos == 0 ? cap / 4 : walked) + cap / 16;
            walked = holds;
            allocatedAtWalked = allocatedBefore;
            walkedNanos = clock.getAsLong();
        }

        /**
         * Whether a walk in the last {@code nanos} found the program holding under a quarter of its cap, and not
         * growing: more by a sixteenth of its cap than at the walk before.
         */
        private boolean walkedLightly(long now, long nanos) {
            return walkedNanos != 0 && walked < cap / 4 && !growing && now - walkedNanos < nanos;
        }

        /** The cap, in bytes. */
        public long cap() {
            return cap;
        }

        /**
         * Called often by the program's watchdog: a program that allocated what is left of its cap (at least an eighth
         * of it) since the last collection, and more than the young generation takes (up to its cap), gets a full one
         * requested, in case none comes by itself.
         */
        public void poll() {
            // Large arrays go straight to the old generation: no young collection comes to measure them. What the
            // young generation takes makes one come by itself, and its figure measures the program. Without that
            // bound, a program found keeping half of a 64 MB cap and churning asked for a full collection (80-110 ms
            // for the whole server) four times a second, since it allocates more than the other half between any two
            // young collections: another client's p90 was 45-78 ms while it ran, 20-21 ms since.
            long unmeasured = allocated(threadId) - allocatedAtCollection;
            if (unmeasured > Math.max(Math.max(cap - held, cap / 8), Math.min(youngBytes, cap))) {
                requestCollection(true);
            }
        }

        private long allocatedSinceStart() {
            return allocated(threadId) - allocatedAtStart;
        }

        @Override
        public void close() {
            walk = null; // a walk still queued must not keep the program's objects (its global, its frames) alive
            abandonWalk(this);
            allocatedAtClose = allocatedSinceStart();
            boolean renew;
            synchronized (lock) {
                shares.remove(this);
                lastEndNanos = clock.getAsLong();
                if (exceeded || stopped) {
                    departed.put(this, lastEndNanos);
                }
                renew = shares.isEmpty() && (baseline < 0 || forcedSinceBaseline
                        || clock.getAsLong() - baselineNanos > TimeUnit.SECONDS.toNanos(BASELINE_MAX_AGE_SECONDS));
                if (shares.isEmpty() && !settlePending && grown()) {
                    settlePending = true;
                    pacer.runAfter(SETTLE_NANOS, LiveHeap.this::settle);
                }
            }
            if (renew) {
                requestCollection(false);
            } else if (exceeded || stopped) {
                // What a stopped program held is garbage now; until a full collection shows it, the others are
                // judged beside it as if it held all it allocated, and may grow past their caps meanwhile.
                requestCollection(true);
            }
        }
    }

    /**
     * A measurer with its own clock, its own way of waiting and its own collector (tests); the JVM's one is
     * {@link #shared()}.
     */
    LiveHeap(LongSupplier clock, Pacer pacer, Runnable collector, long regionBytes, long youngBytes,
             LongSupplier committed) {
        this.clock = clock;
        this.regionBytes = regionBytes;
        this.youngBytes = youngBytes;
        this.pacer = pacer;
        this.collector = collector;
        this.committed = committed;
        this.lastForcedNanos = clock.getAsLong() - MIN_FORCED_INTERVAL_NANOS;
        this.lastEndNanos = lastForcedNanos;
        this.youngWalksFromNanos = clock.getAsLong();
    }

    /** This measurer, told of every garbage collection from now on. */
    private LiveHeap listening() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        collected(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
                    }
                }, null, null);
            }
        }
        return this;
    }

    /** The JVM's one instance. */
    public static LiveHeap shared() {
        return SHARED;
    }

    /**
     * Measures the server's own use of the heap again (one full collection, on a thread of its own, or when the last
     * running program ends): engines call it when they are ready, since warming up grows what the server holds.
     */
    public void calibrate() {
        synchronized (lock) {
            baselineNanos = clock.getAsLong() - TimeUnit.SECONDS.toNanos(2 * BASELINE_MAX_AGE_SECONDS);
        }
        requestCollection(false);
    }

    /** Starts measuring the program running on {@code thread} (a platform thread) against {@code cap} bytes. */
    public Share track(Thread thread, long cap) {
        Share share = new Share(thread.threadId(), cap);
        shares.add(share);
        return share;
    }

    private long allocated(long threadId) {
        return Math.max(0, threads.getThreadAllocatedBytes(threadId));
    }

    private void collected(GarbageCollectionNotificationInfo info) {
        long live = 0;
        for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                live += pool.getValue().getUsed();
            }
        }
        // G1 reports young (and mixed) collections as minor, full ones as major; its concurrent cycle's pauses
        // (remark, cleanup) free nothing young, so their figure counts garbage and is no measurement.
        boolean full = info.getGcAction().contains("major");
        if (!full && !info.getGcAction().contains("minor")) {
            return;
        }
        // When it began, on the clock held objects are registered by: a buffer registered after that may be garbage
        // the collection did not see.
        long ago = collectionClock.millisAgo(ManagementFactory.getRuntimeMXBean().getUptime(),
                                             info.getGcInfo().getStartTime(), info.getGcInfo().getEndTime());
        collected(live, full, info.getGcAction() + " (" + info.getGcCause() + ")",
                  clock.getAsLong() - TimeUnit.MILLISECONDS.toNanos(ago));
    }

    /**
     * What a collection that began at {@code startedNanos} left: {@code live} bytes on the heap; {@code full} when it
     * was a full one.
     */
    void collected(long live, boolean full, String what, long startedNanos) {
        boolean suspect;
        synchronized (lock) {
            if (full) {
                fullCollections++;
                lock.notifyAll();
                for (Share share : shares) {
                    share.suspected = false; // this collection's judgement tells
                }
            }
            if (shares.isEmpty()) {
                departed.clear(); // nobody left to blame for what they left
                // From when the collection began, not when it ended: one that began just after a program's end,
                // while its thread still held what the program had (a stopped program's thread answers after its
                // share closed), took 80 MB for the server's own on a busy machine, where a full collection lasts
                // 250 ms.
                if (full && startedNanos - lastEndNanos >= MIN_FORCED_INTERVAL_NANOS) {
                    baseline = live;
                    baselineNanos = clock.getAsLong();
                    forcedSinceBaseline = false;
                    long measured = live;
                    LOGGER.log(Level.DEBUG, () -> "the server holds " + measured / (1024 * 1024)
                                                  + " MB of heap (the uptime runs " + collectionClock.aheadMillis()
                                                  + " ms ahead of collections' times)");
                }
                return;
            }
            // Stopped programs that ended less than 250 ms before this collection began count as if still running.
            departed.values().removeIf(ended -> startedNanos - ended > MIN_FORCED_INTERVAL_NANOS);
            if (full) {
                // Bounds on the server's own use that hold with programs running: it is no more than the heap's use,
                // and no less than that less all the programs allocated (what they hold is part of it). The second
                // catches what the server kept since the baseline (an engine's remains of a stopped program, caches)
                // when programs run one after another without a pause to measure it in. Programs stopped just before
                // count among them: two GraalJS bombs stopped 20 ms before a collection, their 520 MB still on the
                // heap, raised the server's figure from 53 to 574 MB, and a bomb beside them then held twice its cap
                // before the figure said it held one.
                long allocatedByPrograms = 0;
                for (Share share : shares) {
                    allocatedByPrograms += share.allocatedSinceStart();
                }
                for (Share share : departed.keySet()) {
                    allocatedByPrograms += share.allocatedAtClose;
                }
                baseline = Math.clamp(baseline, live - allocatedByPrograms, live);
            }
            long measured = live;
            long server = baseline;
            LOGGER.log(Level.TRACE, () -> what + ": the heap holds "
                                          + measured / (1024 * 1024) + " MB, the server " + server / (1024 * 1024)
                                          + " MB, " + shares.size() + " program(s) running");
            suspect = judge(live, full, startedNanos);
            for (Share share : shares) {
                share.allocatedAtCollection = allocated(share.threadId);
            }
        }
        if (suspect) {
            requestCollection(true);
        }
        walkSuspects(live, full);
    }

    /**
     * Stops every program a full collection's figure proves over its cap, those no walk cleared first, then the
     * surest (each one stopped is then taken to hold all it allocated, beside which the next is judged); answers
     * whether a young figure calls for a full collection to confirm one.
     */
    private boolean judge(long live, boolean full, long startedNanos) {
        List<Share> running = new ArrayList<>();
        long accounted = 0; // what programs stopped already may hold until their memory is collected
        for (Share share : departed.keySet()) {
            accounted += share.allocatedAtClose;
        }
        for (Share share : shares) {
            if (share.exceeded) {
                accounted += share.allocatedSinceStart();
            } else {
                running.add(share);
            }
        }
        Map<Share, Long> allocated = new HashMap<>();
        // What each holds for certain in buffers that outlived the collection: known only after a full one (a young
        // one leaves old garbage, and its tokens, in place).
        Map<Share, Long> tracked = new HashMap<>();
        long innocent = 0; // what the running programs may hold while none is over its cap
        for (Share share : running) {
            allocated.put(share, share.allocatedSinceStart());
            tracked.put(share, full ? share.tracked(startedNanos) : 0L);
            innocent += Math.min(allocated.get(share), share.cap);
        }
        long total = baseline < 0 ? 0 : live - baseline;
        // Buffers just over a multiple of a region take the rest of it too: programs hold their bytes, not that. A
        // young figure subtracts it as well: it makes the programs it puts over their caps wait for a full collection,
        // and a program keeping 36 MB in 4 MB typed arrays (72 MB of regions) waited after every young collection.
        for (Share share : shares) {
            total -= share.wasted(startedNanos);
        }
        boolean first = true;
        while (!running.isEmpty()) {
            Share worst = null;
            double worstRatio = 0;
            boolean worstCleared = false;
            Set<Share> bound = new HashSet<>(); // those the rule's bound puts over their caps (not their allocation)
            for (Share share : running) {
                long own = allocated.get(share);
                // What it holds at least if the others are within their caps; never more than it allocated.
                long ruled = Math.min(own, total - accounted - (innocent - Math.min(own, share.cap)));
                // A walk that lately found it within its cap clears it of what the rule would pin on it for another
                // program over its cap (a holder the walks are catching up with), up to twice its cap: a walk may
                // miss what it does not follow. Within, not under half: a program keeping 36 MB of buffers under 64
                // MB beside a GraalPy holder was pinned with as much as the holder, and stopped when met first.
                boolean cleared = share.clearedByWalk(clock.getAsLong());
                long atLeast = Math.max(tracked.get(share), cleared && ruled <= 2 * share.cap ? 0 : ruled);
                if (first && full) {
                    share.held = Math.clamp(Math.max(atLeast, share.walked), 0, share.cap);
                }
                if (first && !full && atLeast > share.cap) {
                    share.suspected = true;
                }
                if (atLeast == ruled && ruled < own && ruled > share.cap) {
                    bound.add(share);
                }
                double ratio = (double) atLeast / share.cap;
                // Past twice its cap a cleared program is judged by the rule again, and the rule pins as much on
                // the holder beside it: one that no walk cleared goes first (after it, the rest are judged again).
                // Met first, the keeper above was stopped as holding 152 MB beside a holder of as much.
                if (ratio > 1 && (worst == null || worstCleared && !cleared
                                  || cleared == worstCleared && ratio > worstRatio)) {
                    worst = share;
                    worstRatio = ratio;
                    worstCleared = cleared;
                }
            }
            if (first && full) {
                for (Share share : running) {
                    share.undecidedNanos = bound.contains(share) ? share.undecidedNanos : 0;
                }
            }
            first = false;
            if (worst == null || worstRatio <= 1) {
                break;
            }
            if (!full) {
                return true;
            }
            if (worstRatio <= 2 && undecided(worst, bound) && leftToWalks(bound)) {
                // The walks this collection starts tell which; a young figure asks for the next collection.
                int programs = bound.size();
                LOGGER.log(Level.DEBUG, () -> programs + " programs may hold what puts one over its cap: walked first");
                break;
            }
            stop(worst, "holds at least " + (long) (worstRatio * worst.cap) / (1024 * 1024) + " MB");
            running.remove(worst);
            accounted += allocated.get(worst);
            innocent -= Math.min(allocated.get(worst), worst.cap);
        }
        boolean pressed = live > maxHeap / 100 * PRESSURE_PERCENT;
        if (pressed && full && running.size() == allocated.size() && !running.isEmpty()) {
            // Fail closed: the heap is nearly full and no program was proven over, so the one that allocated most
            // stops now: the server's own threads must not run out of memory.
            Share most = running.getFirst();
            for (Share share : running) {
                most = allocated.get(share) > allocated.get(most) ? share : most;
            }
            stop(most, "was running when the heap was " + 100 * live / maxHeap + "% full");
        }
        return pressed && !full;
    }

    /**
     * Whether the rule puts {@code worst} over its cap only as it puts another: both allocated more than the programs'
     * total less what the others may hold, so the figure says one of them is over, not which. Stopping the one met
     * first stopped a Rhino program keeping 36 MB under 64 MB, pinned with 104 MB, 5 ms before the GraalPy holder
     * beside it (pinned as much) was walked and found over. Up to twice the cap the walks decide ({@link
     * #walkSuspects}); past it the one met first goes, as before (the bound a walk's clearing keeps too).
     */
    private static boolean undecided(Share worst, Set<Share> bound) {
        return bound.contains(worst) && bound.size() > 1;
    }

    /**
     * Whether programs the rule cannot tell apart are still left to their walks: for a second at most. Walks that
     * decide take milliseconds (the holder above: 5 ms), but not always: four Rhino programs holding 1 MB arrays
     * under 256 MB each, pinned alike, ran into their wall limit instead (MemoryLimitsIT on two busy cores, 2 runs of
     * 2). Not at all when none of them can be walked (their engine has no walks, or their objects outnumber a walk's
     * budget): four GraalPy programs keeping records, none walkable, waited that second at every collection that
     * found them over, and each grew by 50-100 MB meanwhile. Called holding {@link #lock}.
     */
    private boolean leftToWalks(Set<Share> bound) {
        if (bound.stream().allMatch(share -> share.walk == null)) {
            return false;
        }
        long now = clock.getAsLong();
        long since = now;
        for (Share share : bound) {
            share.undecidedNanos = share.undecidedNanos == 0 ? now : share.undecidedNanos;
            since = Math.min(since, share.undecidedNanos);
        }
        return now - since < UNDECIDED_NANOS;
    }

    /**
     * Several programs run and together hold more than a cap of theirs, and the rule proved none of them over: each
     * that allocated more than its cap may hold it. The programs whose engine can walk their objects are walked, one
     * after another on a thread of their own (one walk at a time for the server; the judgement above never waits for
     * them), and a program whose walk finds more than its cap is stopped. A walk counts only what it reaches, so it
     * proves what it found, not that there is no more: one that found it within its cap clears a program only of what
     * the rule would pin on it up to twice its cap ({@link Share#clearedByWalk}).
     *
     * <p>A walk takes a while (seconds for a cap of small objects on a busy machine) and a holder grows meanwhile. The
     * programs that allocated most go first: churners allocate many times what they keep, so theirs are the short
     * walks, and once walked the rule no longer blames them for the holder's memory; one found holding more (by a
     * sixteenth of its cap) than at its last walk is walked again at once, up to {@value #REWALKS} times, rather than
     * at the next collection. A program whose engine calls {@link Share#pollOnItsThread} is walked there instead,
     * where it waits while walked, and so is watched by what it allocates ({@link Share#dueOnItsThread}).
     *
     * <p>A young collection's figure counts garbage, so it proves nothing, but it is enough to start walks, which
     * need no collection: with N programs running, the rule asks for a full collection only once the heap holds N
     * caps more than the server's own (each may hold its cap), and young collections every few dozen milliseconds
     * were all a GraalJS holder among three churners got until it held three caps. After a young collection, walks
     * start no sooner than half a second, and four times as long as the last walks took (up to two seconds), after
     * those ended (a program keeping most of its cap in small objects beside churners, not growing, costs a walk of
     * up to a second each time, and young collections come every few dozen milliseconds), and a program a walk found
     * under a quarter of its cap, and not growing, in the last two seconds is spared (a churner's walk is short, but
     * not free).
     */
    private void walkSuspects(long live, boolean full) {
        List<Share> suspects;
        long now = clock.getAsLong();
        synchronized (lock) {
            long programsHold = baseline < 0 ? 0 : live - baseline;
            List<Share> running = shares.stream().filter(share -> !share.exceeded).toList();
            boolean due = full || now - youngWalksFromNanos >= 0;
            suspects = running.size() < 2 || !due ? List.of() : running.stream()
                    .filter(share -> share.walk != null && share.cap < programsHold
                                     && share.allocatedSinceStart() > share.cap
                                     && (full || !share.walkedLightly(now, YOUNG_WALKS_SPARE_NANOS)))
                    .sorted(Comparator.comparingLong(Share::allocatedSinceStart).reversed()).toList();
        }
        List<Share> offThread = new ArrayList<>();
        for (Share share : suspects) {
            if (share.pollsOnItsThread) {
                share.walkWanted = true;
            } else {
                offThread.add(share);
            }
        }
        if (offThread.size() < suspects.size() && !full) {
            youngWalksFromNanos = now + YOUNG_WALKS_PAUSE_NANOS; // paced like the measurer's own walks
        }
        if (offThread.isEmpty() || !walking.compareAndSet(false, true)) {
            return;
        }
        pacer.runAfter(0, () -> {
            long began = clock.getAsLong();
            try {
                for (Share share : offThread) {
                    for (int walk = 0; walk <= REWALKS && walkOnce(share) > 0 && share.growing; walk++) {
                        // growing: again, while it may be growing past its cap (a stable one waits for the next)
                    }
                }
            } finally {
                long ended = clock.getAsLong();
                youngWalksFromNanos = ended + Math.clamp(YOUNG_WALKS_PAUSE_FACTOR * (ended - began),
                                                         YOUNG_WALKS_PAUSE_NANOS, 4 * YOUNG_WALKS_PAUSE_NANOS);
                walking.set(false);
            }
        });
    }

    /** Walks one program, stops it if it holds more than its cap; answers what the walk found (0 if not walked). */
    private long walkOnce(Share share) {
        LongUnaryOperator walk = share.walk;
        if (walk == null || share.exceeded || !shares.contains(share)) {
            return 0;
        }
        long began = System.nanoTime();
        long allocatedBefore = allocated(share.threadId); // it runs on while walked
        long holds;
        boolean abandoned;
        synchronized (walkLock) {
            walkThread = Thread.currentThread();
            walkee = share;
        }
        long figure;
        try {
            figure = walk.applyAsLong(share.cap);
            holds = found(figure);
        } finally {
            synchronized (walkLock) {
                walkThread = null;
                walkee = null;
                abandoned = Thread.interrupted(); // an interruption meant for this walk only
            }
        }
        LOGGER.log(Level.DEBUG, () -> "a program walked: " + holds / (1024 * 1024) + " MB in "
                                      + (System.nanoTime() - began) / 1_000_000 + " ms");
        synchronized (lock) {
            if (!abandoned) { // interrupted for its program's end: what it counted says nothing more
                share.walked(holds, allocatedBefore, figure >= 0);
            }
            if (holds > share.cap && !share.exceeded && shares.contains(share)) {
                stop(share, "holds at least " + holds / (1024 * 1024) + " MB (its objects, walked)");
                return 0;
            }
        }
        return holds;
    }

    /** What G1 takes beyond {@code bytes} for a byte array of that length: whole regions once it is humongous. */
    static long humongousWaste(long bytes, long regionBytes) {
        long object = bytes + 16; // the array's header
        if (regionBytes <= 0 || object < regionBytes / 2) {
            return 0;
        }
        return (object + regionBytes - 1) / regionBytes * regionBytes - bytes;
    }

    /** G1's region size in bytes, or 0 when another collector runs. */
    private static long g1RegionBytes() {
        boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .anyMatch(collector -> collector.getName().startsWith("G1 "));
        return g1 ? vmOption("G1HeapRegionSize") : 0;
    }

    /** A size the JVM was given or chose (bytes), or 0 when it cannot tell. */
    private static long vmOption(String name) {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        try {
            return hotSpot == null ? 0 : Long.parseLong(hotSpot.getVMOption(name).getValue());
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    /** What a walk's figure says was found: a walk cut short answers -1 - what it counted. */
    private static long found(long figure) {
        return figure < 0 ? -1 - figure : figure;
    }

    /** Interrupts the walk of {@code share} running off its program's thread, if one is. */
    private void abandonWalk(Share share) {
        synchronized (walkLock) {
            if (walkee == share) {
                walkThread.interrupt();
            }
        }
    }

    private void stop(Share share, String why) {
        abandonWalk(share);
        share.exceeded = true;
        share.held = share.cap;
        LOGGER.log(Level.DEBUG, () -> "stopping a program over its memory limit of " + share.cap / (1024 * 1024)
                                      + " MB: it " + why);
    }

    /**
     * Whether the committed heap is more than twice the server's own use, and {@value #SETTLE_SLACK_BYTES} bytes
     * (the young generation bin/conduit allows): a burst of programs grew it. Called holding {@link #lock}.
     */
    private boolean grown() {
        return baseline >= 0 && committed.getAsLong() > 2 * baseline + SETTLE_SLACK_BYTES;
    }

    /**
     * Gives back the heap a burst of programs grew, once none has run for {@link #SETTLE_NANOS}: one full collection,
     * after which the JVM shrinks the heap to its free-ratio bound (bin/conduit). Without it the heap stays grown
     * while the server idles: the periodic collection is concurrent, and the old regions it finds garbage are only
     * freed by mixed collections, which follow young ones, which an idle server does not make (measured: 1.4 GB
     * committed 20 s after GraalPy programs, 0.8 GB of it in use; 0.1 GB when idle before). One check per burst, and
     * none while programs run, so a busy server pays nothing; the collection pauses the server's other requests for
     * as long as a program's forced one (50-150 ms).
     */
    private void settle() {
        synchronized (lock) {
            long wait = lastEndNanos + SETTLE_NANOS - clock.getAsLong();
            if (!shares.isEmpty() || wait > 0) {
                if (shares.isEmpty()) {
                    pacer.runAfter(wait, this::settle); // programs ran meanwhile: the pause starts at the last end
                } else {
                    settlePending = false; // the next end with none left running checks again
                }
                return;
            }
            settlePending = false;
            if (!grown()) {
                return;
            }
        }
        long before = committed.getAsLong();
        lastForcedNanos = clock.getAsLong();
        collector.run();
        LOGGER.log(Level.DEBUG, () -> "programs stopped: the heap went from " + before / (1024 * 1024) + " to "
                                      + committed.getAsLong() / (1024 * 1024) + " MB committed");
    }

    /** Asks for a full collection and waits (a bounded time) until one is reported. */
    private void awaitFullCollection() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROOM_WAIT_MILLIS);
        long seen;
        synchronized (lock) {
            seen = fullCollections;
        }
        requestCollection(true);
        synchronized (lock) {
            try {
                for (long left = deadline - System.nanoTime(); fullCollections == seen && left > 0;
                     left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the program is being stopped: answer with what is known
            }
        }
    }

    /**
     * A full collection on a thread of its own, at least 250 ms after the previous one; requests made while one is
     * pending are answered by it. A program's request ({@code forProgram}) comes as soon as allowed. A request to
     * measure the server's own use waits until no program has run for 250 ms (what the last one held must be
     * unreachable); if programs run again by then it comes anyway, bounds the server's use by what they allocated,
     * and counts as that measurement (the next one is due after the age limit or when programs need a collection).
     */
    void requestCollection(boolean forProgram) {
        if (forProgram) {
            programAsked.set(true);
            synchronized (lock) {
                forcedSinceBaseline = true;
            }
        }
        if (collectionPending.compareAndSet(false, true)) {
            pacer.runAfter(untilAllowed(), this::collectIfWanted);
        }
    }

    /** How long until a collection may come: 250 ms after the last forced one and, with no program asking, the last end. */
    private long untilAllowed() {
        long at = lastForcedNanos + MIN_FORCED_INTERVAL_NANOS;
        if (!programAsked.get()) {
            synchronized (lock) {
                at = Math.max(at, lastEndNanos + MIN_FORCED_INTERVAL_NANOS);
            }
        }
        return at - clock.getAsLong();
    }

    private void collectIfWanted() {
        if (!programAsked.getAndSet(false)) {
            long wait = untilAllowed();
            boolean busy;
            synchronized (lock) {
                busy = !shares.isEmpty();
                if (busy) {
                    // Programs run again. Measured now, the server's own use is still bounded from both sides (the
                    // programs that just started allocated little), and this counts as the renewal: asking again at
                    // every program's end paused a server under steady load for a full collection every 300 ms.
                    baselineNanos = clock.getAsLong();
                    forcedSinceBaseline = false;
                }
            }
            if (!busy && wait > 0) {
                pacer.runAfter(wait, this::collectIfWanted); // a program ran and ended meanwhile: wait for it again
                return;
            }
        }
        lastForcedNanos = clock.getAsLong();
        collector.run();
        collectionPending.set(false);
        if (programAsked.get()) {
            requestCollection(true); // asked for after this one was decided
        }
    }

    private static void later(long nanos, Runnable task) {
        Thread.ofPlatform().daemon(true).name("conduit-live-heap").start(() -> {
            try {
                if (nanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(nanos); // a pause of its own: full collections stop every thread
                }
                task.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
