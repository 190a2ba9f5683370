package dev.conduit.core.exec;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * When the engines' background warm-ups may take the cores. On a small machine they take whole cores for seconds,
 * so they give way twice:
 * <ul>
 *     <li>while the server starts: the server {@link #hold() holds} the gate before it builds the engines and
 *     {@link #open() opens} it once it listens (measured on 2 cores: the MCP socket answered 0.5 s later with the
 *     warm-ups running beside it). Open unless held, so engines made elsewhere (tests, embedding) warm up at once;</li>
 *     <li>to clients' programs: a warm-up step {@link #awaitPause waits} while programs are in the server, until
 *     none has been for {@link #QUIET} (measured on 2 cores: the first 200 JavaScript programs after a start had a
 *     median of 14-25 ms with GraalPy's start and the pools' filling running beside them, 7-10 ms with those
 *     waiting). An engine's first step, the one that lets it run programs, goes at once when a program
 *     {@link #programBegins wants} that engine; and no step waits longer than {@link #LONGEST_YIELD} after the gate
 *     opened, so that a server busy from its first second is warm soon after all the same.</li>
 * </ul>
 * Engines' first steps also go {@link #expectFirstStep in an order}, the quickest first, so that some engine runs
 * programs as early as it can.
 */
public final class WarmUpGate {
    private static final System.Logger LOGGER = System.getLogger(WarmUpGate.class.getName());
    /** Bounds the hold, should a server never open it. */
    private static final long LONGEST_HOLD_SECONDS = 30;
    /** How long programs must have paused for a warm-up step to go. */
    static final Duration QUIET = Duration.ofMillis(100);
    /** The longest a warm-up step gives way to programs, counted from the gate's opening. */
    static final Duration LONGEST_YIELD = Duration.ofSeconds(5);
    private static final WarmUpGate SHARED = new WarmUpGate(System::nanoTime);

    private final LongSupplier clock;
    private volatile CountDownLatch held = new CountDownLatch(0);
    private final AtomicInteger programs = new AtomicInteger();
    private volatile long lastProgramEnded;
    private volatile long yieldsUntil;
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    /** Engines whose first step has not run yet, with their place among the first steps. */
    private final Map<String, Integer> firstSteps = new ConcurrentHashMap<>();

    /** @param clock nanoseconds, as {@link System#nanoTime()} */
    WarmUpGate(LongSupplier clock) {
        this.clock = clock;
        long now = clock.getAsLong();
        this.lastProgramEnded = now - QUIET.toNanos();
        this.yieldsUntil = now + LONGEST_YIELD.toNanos();
    }

    /** The gate of this process's engines. */
    public static WarmUpGate shared() {
        return SHARED;
    }

    /** Holds warm-ups that have not started until {@link #open()}. */
    public void hold() {
        held = new CountDownLatch(1);
    }

    /**
     * Lets the warm-ups go; from now they give way to programs for at most {@link #LONGEST_YIELD}. Counted as the end
     * of a program, so that the first clients, who connect as soon as the server listens, have {@link #QUIET} to say
     * which engines they want before the others start.
     */
    public void open() {
        long now = clock.getAsLong();
        yieldsUntil = now + LONGEST_YIELD.toNanos();
        lastProgramEnded = now;
        held.countDown();
    }

    /** Called by a warm-up before its work: waits while the gate is held. */
    public void pass() {
        try {
            held.await(LONGEST_HOLD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Says that {@code engine} has a first step to come, at {@code rank} among the engines' first steps (lower first:
     * the engine whose first step takes least). A first step waits for those of lower rank, unless its engine is
     * wanted. Called before the gate opens, so that every engine's rank is known to the others.
     */
    public void expectFirstStep(String engine, int rank) {
        firstSteps.put(engine, rank);
    }

    /** {@code engine}'s first step is over, however it ended: the first steps after it may go. */
    public void firstStepDone(String engine) {
        synchronized (this) {
            firstSteps.remove(engine);
            notifyAll();
        }
    }

    /**
     * A client's program arrived for {@code engine} (the one it names, or the one it would go to): warm-ups give way
     * until it {@link #programEnds() ends}, except that engine's first step.
     */
    public void programBegins(String engine) {
        programs.incrementAndGet();
        if (!wanted.contains(engine)) { // once per engine: the set is read without the lock after that
            synchronized (this) {
                wanted.add(engine);
                notifyAll(); // the engine's first step may be waiting for a pause: it goes now
            }
        }
    }

    /** The program begun with {@link #programBegins} is over, however it ended. */
    public void programEnds() {
        lastProgramEnded = clock.getAsLong();
        programs.decrementAndGet();
    }

    /**
     * Called by a warm-up step of {@code engine} before its work: waits for a pause in programs, at most until
     * {@link #LONGEST_YIELD} after the gate opened. {@code first}: the step that lets the engine run programs, which
     * goes at once once a program wants the engine.
     */
    public void awaitPause(String engine, boolean first) {
        long wait = nanosToPause(engine, first);
        if (wait == 0) {
            return;
        }
        long began = clock.getAsLong();
        boolean behindQuicker = false;
        LOGGER.log(Level.DEBUG, () -> engine + " warm-up waits for a pause in programs");
        try {
            synchronized (this) {
                for (; wait > 0; wait = nanosToPause(engine, first)) {
                    behindQuicker |= first && lowerRankWaits(engine);
                    TimeUnit.NANOSECONDS.timedWait(this, wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the engine is closing
        }
        long now = clock.getAsLong();
        String why = first && wanted.contains(engine) ? "a program waits for it"
                : now >= yieldsUntil ? "the longest it gives way" : "programs paused";
        LOGGER.log(Level.INFO, engine + " warm-up gave way to programs" + (behindQuicker ? " and quicker engines" : "")
                               + " for " + (now - began) / 1_000_000 + " ms (" + why + ")");
    }

    /** Whether a step of {@code engine} may go now ({@link #awaitPause} waits for it). */
    public boolean mayGo(String engine, boolean first) {
        return nanosToPause(engine, first) == 0;
    }

    /** Zero when a step of {@code engine} may go now; else how long until it may be asked again. */
    long nanosToPause(String engine, boolean first) {
        if (first && wanted.contains(engine)) {
            return 0;
        }
        if (first && lowerRankWaits(engine)) {
            return QUIET.toNanos(); // woken when that step is done
        }
        long now = clock.getAsLong();
        long bound = yieldsUntil - now;
        if (bound <= 0) {
            return 0;
        }
        if (programs.get() > 0) {
            return Math.min(QUIET.toNanos(), bound);
        }
        long quietFor = now - lastProgramEnded;
        return quietFor >= QUIET.toNanos() ? 0 : Math.min(QUIET.toNanos() - quietFor, bound);
    }

    private boolean lowerRankWaits(String engine) {
        Integer rank = firstSteps.get(engine);
        return rank != null && firstSteps.values().stream().anyMatch(other -> other < rank);
    }
}
