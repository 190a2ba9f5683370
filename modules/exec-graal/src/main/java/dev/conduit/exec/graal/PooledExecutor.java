package dev.conduit.exec.graal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import dev.conduit.core.exec.GuestOutput;
import dev.conduit.core.exec.LiveHeap;
import dev.conduit.core.exec.WarmUpGate;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

/**
 * What the GraalVM engines share: one {@code Engine} per language, contexts built with everything denied
 * ({@code SandboxPolicy.CONSTRAINED}), initialized and given the language's SDK ahead of time on a background thread
 * and each used for exactly one execution, and the {@link Watchdog} that enforces the limits. A subclass says how to
 * arm a context, how to run a program in it, and how to read its result.
 */
abstract class PooledExecutor implements Executor {
    private static final System.Logger LOGGER = System.getLogger(PooledExecutor.class.getName());
    /** A backstop far above any request's limit; the watchdog enforces the request's own. */
    private static final String MAX_CPU_BACKSTOP = "600s";
    /** Guest frames allowed; a guest thread's stack ({@link Executor#GUEST_STACK_BYTES}) holds them. */
    static final int MAX_STACK_FRAMES = 1000;
    /** Limits for the engine's own warm-up work. */
    static final ExecutionLimits WARM_UP_LIMITS = new ExecutionLimits(Duration.ofSeconds(120), Duration.ofSeconds(120),
                                                                      Long.MAX_VALUE, 0, 0, 0, 0);

    /** How many used contexts close at once: a GraalPy close is mostly waiting ({@link ContextCloser}). */
    private static final int CLOSER_THREADS = 4;
    /** How many used contexts may wait to be closed before programs close their own (one is 1-2 MB of GraalPy heap). */
    private static final int MAX_AWAITING_CLOSE = 32;
    /** One engine's warm-up step at a time (see {@link #inWarmUpLane}). */
    private static final ReentrantLock WARM_UP_LANE = new ReentrantLock(true);

    private final String name;
    private final String languageId;
    private final int poolSize;
    protected final Engine engine;
    /** Where a program's walks run on its own thread; null if Truffle did not load our instrument. */
    private final GuestThreads guestThreads;
    protected final Watchdog watchdog;
    private final BlockingQueue<Prepared> pool;
    private final ExecutorService refill;
    /** The warm-up's own thread: it gives way to programs ({@link WarmUpGate}) while refills go on. */
    private final ExecutorService warming;
    private final ContextCloser<Context> closer;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean ready;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> warmedUp = new CompletableFuture<>();
    private volatile boolean closing;

    /**
     * A context made ahead, its SDK installed: its output and bridge switches, and what the SDK's installer returned
     * to run programs with.
     */
    protected record Prepared(Context context, OutputSwitch out, OutputSwitch err, BridgeSwitch bridge, Value runner) {
    }

    PooledExecutor(String name, String languageId, int poolSize) {
        this.name = name;
        this.languageId = languageId;
        this.poolSize = poolSize;
        this.watchdog = new Watchdog(name);
        this.pool = new ArrayBlockingQueue<>(poolSize);
        this.refill = Executors.newSingleThreadExecutor(Thread.ofPlatform().name(name + "-pool").daemon(true)
                                                                .stackSize(GUEST_STACK_BYTES).factory());
        this.warming = Executors.newSingleThreadExecutor(Thread.ofPlatform().name(name + "-warm-up").daemon(true)
                                                                 .stackSize(GUEST_STACK_BYTES).factory());
        this.closer = new ContextCloser<>(name + "-closer-", CLOSER_THREADS, MAX_AWAITING_CLOSE, used -> {
            close(used);
            closed();
        });
        this.engine = Engine.newBuilder(languageId)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        this.guestThreads = GuestThreads.of(engine);
    }

    /** Warms the engine and fills the pool in the background; {@link #availability()} says when it is done. */
    protected final void startWarmUp() {
        WarmUpGate gate = WarmUpGate.shared();
        gate.expectFirstStep(name, startRank());
        warming.submit(() -> {
            gate.pass();
            long began = System.nanoTime();
            try {
                // Programs may run once one sandbox is made; the rest of the pool and the warm-up follow, a step at
                // a time, each when programs pause (refills after programs go on meanwhile, on their own thread).
                try {
                    inWarmUpLane(true, this::makeAhead);
                } finally {
                    gate.firstStepDone(name);
                }
                if (closing) {
                    started.cancel(false);
                    return;
                }
                started.complete(null);
                LOGGER.log(Level.INFO, name + " runs programs after " + millisSince(began) + " ms; warming up");
                for (int i = 1; i < poolSize; i++) {
                    inWarmUpLane(false, this::makeAhead);
                }
                inWarmUpLane(false, this::warmUp);
                if (closing) {
                    return;
                }
                ready = true;
                warmedUp.complete(null);
                LOGGER.log(Level.INFO, name + " ready: " + engine.getImplementationName() + " " + engine.getVersion()
                                       + " (warm after " + millisSince(began) + " ms)");
                LiveHeap.shared().calibrate();
            } catch (RuntimeException e) {
                if (closing) {
                    LOGGER.log(Level.DEBUG, name + " warm-up stopped by shutdown");
                    started.cancel(false);
                    return;
                }
                failure.set(e.getMessage());
                started.completeExceptionally(e);
                warmedUp.completeExceptionally(e);
                LOGGER.log(Level.ERROR, name + " could not start", e);
            }
        });
        warming.shutdown(); // its thread ends with the warm-up
    }

    /**
     * Runs one step of this engine's warm-up once clients' programs pause ({@link WarmUpGate#awaitPause}), while no
     * other engine's step runs: the engines' warm-ups take whole cores, and run side by side on a small machine they
     * delay each other and the requests already arriving. {@code first}: the step that lets it run programs. Returns
     * without running it when the engine closes.
     */
    private void inWarmUpLane(boolean first, Runnable step) {
        WarmUpGate gate = WarmUpGate.shared();
        while (!closing && !Thread.currentThread().isInterrupted()) {
            // Waited for outside the lane, so that an engine a program wants is not kept behind one that waits.
            gate.awaitPause(name, first);
            WARM_UP_LANE.lock();
            try {
                if (closing) {
                    return;
                }
                if (gate.mayGo(name, first)) { // else programs came while the lane was taken: wait for them again
                    step.run();
                    return;
                }
            } finally {
                WARM_UP_LANE.unlock();
            }
        }
    }

    /**
     * This engine's place among the engines' first steps, lower first ({@link WarmUpGate#expectFirstStep}): the
     * engine whose first sandbox is made sooner goes first, so that one runs programs as early as it can.
     */
    protected int startRank() {
        return 0;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Override
    public final CompletableFuture<Void> started() {
        return started.copy();
    }

    /** Completes when the engine is warm and the pool full; fails when the warm-up did. For whoever must wait. */
    final CompletableFuture<Void> warmedUp() {
        return warmedUp.copy();
    }

    /**
     * Completes once every context used so far is closed (closing runs off the request's path) and the pool is
     * refilled after them. For tests.
     */
    final CompletableFuture<Void> usedContextsClosed() {
        return CompletableFuture.allOf(closer.idle(), CompletableFuture.runAsync(() -> { }, refill));
    }

    /** Extra warm-up after the pool is full. */
    protected void warmUp() {
        // Nothing by default.
    }

    /** A context of this language with every door closed; the subclass adds its options. */
    protected Context.Builder sandbox(OutputSwitch out, OutputSwitch err) {
        return Context.newBuilder(languageId)
                .engine(engine)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(out)
                .err(err)
                .in(InputStream.nullInputStream())
                .allowHostAccess(HostAccess.CONSTRAINED)
                .allowHostClassLookup(className -> false)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowNativeAccess(false)
                .allowCreateProcess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                // Programs live in UTC, as in Deno's runner: the server's own time zone is a fact of the host (where
                // it runs), and with it the same program's dates differed by engine and by server.
                .timeZone(ZoneOffset.UTC)
                .option("sandbox.MaxCPUTime", MAX_CPU_BACKSTOP)
                // Deep recursion must end as a resource limit, which guest code cannot catch. Left to the host
                // stack, it ends as an error a program can catch and recurse from again, and Truffle's
                // cancellation gets lost in those overflows (a JS guest looping this way outlived close(true)).
                // Needs guest threads with a large stack, which the gateway's guest pool has.
                .option("sandbox.MaxStackFrames", Integer.toString(MAX_STACK_FRAMES));
    }

    /** Builds, initializes and arms one context, its SDK installed with a {@link BridgeSwitch}. */
    protected abstract Prepared prepare();

    /**
     * The program's text ready to run (for example with TypeScript's types stripped).
     *
     * @throws GuestFailure when the text cannot be run at all
     */
    protected String preprocess(ExecutionRequest request) throws GuestFailure {
        return request.code();
    }

    /**
     * The walk of what the program about to run on this thread in {@code context} holds ({@link HeldObjects}), or
     * null where the language has none: its memory limit then rests on the heap's figure alone.
     */
    protected LongUnaryOperator walk(Context context) {
        return null;
    }

    /** After a used context is closed, on the thread that closed it: what the language must let go of then. */
    protected void closed() {
        // Nothing by default.
    }

    /** Runs {@code code} in an armed context and answers its result as JSON text, when it has one. */
    protected abstract Optional<String> run(Prepared prepared, String code) throws GuestFailure;

    @Override
    public final String name() {
        return name;
    }

    @Override
    public Availability availability() {
        String failed = failure.get();
        if (failed != null) {
            return new Availability(false, "failed to start: " + failed);
        }
        int stuck = watchdog.stuck();
        if (stuck > 0) {
            return new Availability(false, "restart needed: " + stuck + " guest thread(s) did not stop after "
                                           + "their limit cancelled them");
        }
        if (!started.isDone()) {
            return new Availability(false, "warming up");
        }
        return new Availability(true, engine.getImplementationName() + " " + engine.getVersion() + ", pool "
                                      + pool.size() + "/" + poolSize + (ready ? "" : ", warming up"));
    }

    @Override
    public OptionalInt pooled() {
        return OptionalInt.of(pool.size());
    }

    @Override
    public final ExecutionOutcome execute(ExecutionRequest request) {
        Optional<ExecutionOutcome> refused = GuestOutput.refuseOversized(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        String code;
        try {
            code = preprocess(request);
        } catch (GuestFailure e) {
            return new ExecutionOutcome.GuestError("", e.getMessage() + "\n", e.getMessage());
        }
        Prepared prepared = pool.poll();
        if (prepared == null) {
            prepared = prepare();
        }
        if (pool.isEmpty()) {
            refill(); // else once this program is over: making a context beside it would slow it down
        }
        GuestOutput output = new GuestOutput(request.limits().outputBytes(), request.limits().logEntries());
        prepared.out().target(output);
        prepared.err().target(output);
        Watchdog.Watched watched = watchdog.watch(Thread.currentThread(), prepared.context(), request.limits(), output,
                                                  request.tools());
        // From here on a limit may cancel the context at any moment, before the program even starts: whatever fails
        // then is that limit (a wall limit spent in the queue left 11 in 3,000 such programs an internal error).
        try {
            prepared.bridge().target(request.tools(), watched.heap());
            LongUnaryOperator walk = walk(prepared.context());
            if (guestThreads != null) {
                watched.walkOnItsThread(walk, guestThreads.onThisThread(prepared.context()));
            } else {
                watched.heap().walkedBy(walk);
            }
            Optional<String> json = run(prepared, code);
            if (json.isPresent() && json.get().length() > request.limits().outputBytes()) {
                // The result counts like output: a program cannot return what it may not print.
                return output.stoppedBy(Limit.OUTPUT);
            }
            return limitOrElse(watched, output, new ExecutionOutcome.Completed(output.stdout(), output.stderr(),
                                                                               json));
        } catch (PolyglotException e) {
            return failed(watched, output, e);
        } catch (GuestFailure failure) {
            return limitOrElse(watched, output, guestError(output, failure.getMessage(), failure.stack()));
        } catch (IllegalStateException closed) {
            // The context closed by the cancellation before the program entered it ("The Context is already closed").
            if (watched.stoppedBy() != null) {
                return output.stoppedBy(watched.stoppedBy());
            }
            throw closed;
        } finally {
            watchdog.unwatch(watched);
            prepared.bridge().target(null, null);
            prepared.out().target(null);
            prepared.err().target(null);
            // Closing takes from a few hundred microseconds (GraalJS) to tens of milliseconds (GraalPy): off the
            // request's path while the closer keeps up. The context is switched off already.
            closer.close(prepared.context());
            refill();
        }
    }

    /** Makes a context ahead on the refill thread, if the pool has room for it. */
    private void refill() {
        try {
            refill.submit(this::makeAhead);
        } catch (RejectedExecutionException e) {
            // Closing: no more contexts are needed.
        }
    }

    /** Makes a context for the pool, if it has room; the warm-up and the refills both fill it. */
    private void makeAhead() {
        if (pool.remainingCapacity() > 0) {
            Prepared prepared = prepare();
            if (!pool.offer(prepared)) {
                close(prepared.context()); // the other filler got there first
            }
        }
    }

    private ExecutionOutcome failed(Watchdog.Watched watched, GuestOutput output, PolyglotException e) {
        Limit stopped = watched.stoppedBy();
        if (stopped != null) {
            return output.stoppedBy(stopped);
        }
        if (e.isResourceExhausted()) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            // GraalPy reports its frame limit with no message; output limits are the watchdog's, not Truffle's. The
            // heap running out under the guest (a Java OutOfMemoryError) is the memory limit failing closed.
            if (message.contains("outofmemory") || message.contains("heap space")) {
                return output.stoppedBy(Limit.MEMORY);
            }
            return output.stoppedBy(message.contains("cpu") ? Limit.CPU_TIME : Limit.STACK_DEPTH);
        }
        if (e.isGuestException() || e.isSyntaxError()) {
            return guestError(output, withoutHostClassName(String.valueOf(e.getMessage())), guestStack(e));
        }
        LOGGER.log(Level.ERROR, name + " failed", e);
        throw new IllegalStateException("the " + name + " engine failed", e);
    }

    /** The program's own failure, on its stderr with its frames; a recursion too deep is the stack limit. */
    private static ExecutionOutcome guestError(GuestOutput output, String message, String stack) {
        output.appendError(message + stack + "\n");
        if (message.startsWith("RangeError: Maximum call stack") || message.startsWith("RecursionError")) {
            return output.stoppedBy(Limit.STACK_DEPTH);
        }
        return new ExecutionOutcome.GuestError(output.stdout(), output.stderr(), message);
    }

    /** A host exception's Java class name at the start of a message ("java.lang.IllegalStateException: ..."). */
    private static final java.util.regex.Pattern HOST_CLASS = java.util.regex.Pattern.compile(
            "^(?:java|javax|jdk|sun|com\\.oracle|org\\.graalvm|com\\.oracle\\.truffle)\\.[\\w.$]*?([A-Z]\\w*)(?=: |$)");

    /**
     * A message without the Java class name a host exception brings along: the guest learns what went wrong
     * ("IllegalStateException: Creating threads is not allowed."), not what the host is made of.
     */
    static String withoutHostClassName(String message) {
        return HOST_CLASS.matcher(message).replaceFirst("$1");
    }

    /**
     * The program's own frames: not the SDK's, and not the standard library's, whether GraalPy compiled a module from
     * its file (its path would show where the server is installed) or read it from a bytecode file (a source with no
     * text: the distribution's standard library comes compiled).
     */
    private static String guestStack(PolyglotException e) {
        StringBuilder stack = new StringBuilder();
        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
            if (frame.isGuestFrame() && frame.getSourceLocation() != null
                && isTheProgram(frame.getSourceLocation().getSource())) {
                stack.append("\n    at ").append(frame);
            }
        }
        return stack.toString();
    }

    private static boolean isTheProgram(Source source) {
        return source.getPath() == null && source.hasCharacters() && !source.getName().startsWith("conduit-");
    }

    private static ExecutionOutcome limitOrElse(Watchdog.Watched watched, GuestOutput output,
                                                ExecutionOutcome otherwise) {
        Optional<Limit> stopped = Optional.ofNullable(watched.stoppedBy()).or(output::exceeded);
        return stopped.isPresent() ? output.stoppedBy(stopped.get()) : otherwise;
    }

    private static void close(Context used) {
        try {
            used.close(true);
        } catch (RuntimeException e) {
            LOGGER.log(Level.TRACE, "closing a used context", e);
        }
    }

    /** A resource bundled with the engine (its SDK prologue, a transpiler). */
    static String resource(String resourceName) {
        try (InputStream in = PooledExecutor.class.getResourceAsStream(resourceName)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resourceName);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closing = true;
        refill.shutdownNow();
        warming.shutdownNow();
        // A warm-up stopped before its first step ran would otherwise keep the slower engines' first steps waiting.
        WarmUpGate.shared().firstStepDone(name);
        try {
            // A context still being made or warmed when the engine closes makes Truffle fail inside its close
            // (seen: a NullPointerException in initializeThreadLocals on a stop right after start).
            // The warm-up stops between steps, but one step (a first GraalPy context) can take seconds.
            boolean idle = refill.awaitTermination(500, TimeUnit.MILLISECONDS)
                           && warming.awaitTermination(500, TimeUnit.MILLISECONDS);
            closer.shutdown(Duration.ofSeconds(10));
            if (!idle) {
                // The engine lives in this process only; leave it to the JVM's exit rather than wait longer.
                LOGGER.log(Level.DEBUG, name + " still building a sandbox at shutdown; its engine is left open");
                watchdog.close();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.close();
        List<Prepared> left = new ArrayList<>();
        pool.drainTo(left);
        left.forEach(prepared -> close(prepared.context()));
        try {
            engine.close(true);
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, name + ": the engine did not close cleanly: " + e.getMessage());
        }
    }

    /**
     * The program failed outside the engine's own exceptions: a syntax error in preprocessing, a rejected promise, a
     * Python exception the SDK caught and told as data.
     */
    static final class GuestFailure extends Exception {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        /** The program's frames, each on a line of its own, or nothing. */
        private final String stack;

        GuestFailure(String message) {
            this(message, "");
        }

        GuestFailure(String message, String stack) {
            super(message, null, false, false);
            this.stack = stack;
        }

        String stack() {
            return stack;
        }
    }
}
